"""The index folder on disk: generations, the CURRENT file naming one, and what a killed build leaves.

    var/index/CURRENT        "g-20261121T054512.123456-4242"
    var/index/LOCK           who is building now (search/lock.py)
    var/index/g-20261121T054512.123456-4242/   a complete Whoosh index and its meta.json

All of it is about surviving a crash.  A generation is flushed to disk
(fsync, files and folder) before CURRENT may name it; CURRENT is replaced by
an atomic rename, so a reader sees the old name or the new one; and what a
killed build left is removed by the next build, which holds the lock then.
"""

import json
import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

CURRENT = "CURRENT"
META = "meta.json"
LOCK = "LOCK"
NAME = re.compile(r"g-[\w.-]+")


def generation_dir(index_dir: Path) -> Path | None:
    """The folder of the generation that answers searches, or None."""
    try:
        name = (Path(index_dir) / CURRENT).read_text(encoding="utf-8", errors="replace").strip()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    return Path(index_dir) / name if name else None


def read_meta(gen: Path) -> dict:
    meta = json.loads((gen / META).read_text(encoding="utf-8"))
    if not isinstance(meta, dict):
        raise ValueError(f"{META} is not an object")
    return meta


def new(index_dir: Path) -> Path:
    # Microseconds: two builds in the same second (tests do that) need two names.
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%f")
    gen = index_dir / f"g-{stamp}-{os.getpid()}"
    gen.mkdir()
    return gen


def link_files(source: Path, target: Path) -> None:
    """Start a generation as a copy of `source`: hard links, since Whoosh never rewrites a file.

    A writer only adds files (new segments, a new table of contents) and
    deletes its own links, so the source generation is never touched.
    """
    for item in source.iterdir():
        if item.name == META or item.name.endswith("WRITELOCK") or not item.is_file():
            continue
        try:
            os.link(item, target / item.name)
        except OSError:  # a file system without hard links
            shutil.copy2(item, target / item.name)


def write_durably(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def sync_dir(path: Path) -> None:
    """fsync a folder, so the names created in it survive a power cut, not only the bytes."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_tree(gen: Path) -> None:
    for item in gen.iterdir():
        fd = os.open(item, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    sync_dir(gen)


def switch(index_dir: Path, name: str) -> None:
    """Name `name` in CURRENT: readers see the old name or the new one, never a mixture."""
    tmp = index_dir / f"{CURRENT}.{os.getpid()}.tmp"
    try:
        write_durably(tmp, name + "\n")
        os.replace(tmp, index_dir / CURRENT)
    finally:
        tmp.unlink(missing_ok=True)
    sync_dir(index_dir)  # the rename itself must survive a power cut


def remove(index_dir: Path, keep: set[str]) -> list[str]:
    """Delete every generation not in `keep`; returns their names."""
    removed = []
    for gen in sorted(index_dir.glob("g-*")):
        if gen.name not in keep:
            shutil.rmtree(gen, ignore_errors=True)
            removed.append(gen.name)
    return removed


def remove_leftovers(index_dir: Path) -> list[str]:
    """Remove what a killed build left: a half-written CURRENT, generations CURRENT does not lead to.

    Call it only with the lock held, so that no other build is writing them.
    Kept: the current generation and the one it replaced (named in its meta).
    """
    keep = set()
    current = generation_dir(index_dir)
    if current is not None:
        keep.add(current.name)
        try:
            keep.add(read_meta(current).get("previous") or "")
        except (OSError, ValueError):
            pass
    removed = []
    for tmp in sorted(index_dir.glob(f"{CURRENT}.*.tmp")):
        tmp.unlink(missing_ok=True)
        removed.append(tmp.name)
    removed += remove(index_dir, keep)
    return [f"removed {name}, left by a build that did not finish" for name in removed]
