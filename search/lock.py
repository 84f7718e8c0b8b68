"""One writer at a time: a lock file that says who holds it, and that a killed holder cannot leave held.

The lock is `flock` on the file, so the kernel releases it the moment its
holder exits, however it exits (SIGKILL, a crash, power loss).  The file's
content only tells people who holds it: the holder's pid and start time,
written after the lock is taken and erased before it is let go.  A lock
that can be taken but still names someone was left by a holder that died,
and is reported as cleared.

Checking whether a recorded pid is alive would be fooled by a reused pid
(common after a reboot, when pids start again from 1); flock cannot be.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     with hold(Path(folder) / "LOCK") as stale:
...         stale is None
True
"""

import errno
import fcntl
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator


@dataclass(frozen=True)
class Holder:
    pid: int | str  # "?" when the file could not be read
    since: str  # UTC, "2026-11-21 05:45:12 UTC"


class Busy(Exception):
    """Someone else holds the lock."""

    def __init__(self, holder: Holder):
        super().__init__(f"held by pid {holder.pid} since {holder.since}")
        self.holder = holder


def _read(fd: int) -> Holder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    raw = os.read(fd, 4096)
    if not raw.strip():
        return None
    try:
        record = json.loads(raw)
        return Holder(int(record["pid"]), str(record["since"]))
    except (ValueError, KeyError, TypeError):
        return Holder("?", "an unknown time")  # a lock file we did not write: still someone's


def _write(fd: int, holder: Holder | None) -> None:
    os.ftruncate(fd, 0)
    if holder is not None:
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps({"pid": holder.pid, "since": holder.since}).encode())
        os.fsync(fd)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


@contextmanager
def hold(path: Path, *, wait: float = 1.0) -> Iterator[Holder | None]:
    """Hold the lock at `path` for the block; yields the dead holder it cleared, if any.

    Raises Busy at once when a live process holds it.  `wait` only covers
    the instant in which a finishing holder has erased its name but not yet
    let go, so that the message can name the holder when there is one.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                holder = _read(fd)
                if holder is not None or time.monotonic() > deadline:
                    raise Busy(holder or Holder("?", "a moment ago")) from None
                time.sleep(0.05)
        stale = _read(fd)
        _write(fd, Holder(os.getpid(), _now()))
        try:
            yield stale
        finally:
            _write(fd, None)  # erased before letting go: an empty file is a free lock
    finally:
        os.close(fd)  # closing lets go of the flock
