"""The Whoosh index: its schema, and rebuilding it without ever losing it.

An index folder holds generations, each a complete Whoosh index, and a file
CURRENT naming the one that answers searches:

    var/index/CURRENT             "g-20261121T054512-4242"
    var/index/g-20261121T054512-4242/   MAIN_*.toc, *.seg, meta.json

A rebuild writes a new generation beside the current one, opens and checks
it, and only then replaces CURRENT (an atomic rename).  A rebuild killed at
any point leaves CURRENT and its generation untouched.
"""

import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema

from search import documents, langid
from search.analysis import exact_analyzer, text_analyzer

# Bump when the schema or the analysis changes: an index built with another
# version is refused with a message to rebuild, not searched wrongly.
ANALYSIS_VERSION = 1

CURRENT = "CURRENT"
META = "meta.json"


class IndexError_(Exception):
    """An index that cannot be searched, with what to do about it."""


class IndexMissing(IndexError_):
    pass


class IndexIncompatible(IndexError_):
    pass


def schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        file=ID(stored=True),
        lang=ID(stored=True),
        title=TEXT(analyzer=text_analyzer(), stored=True, field_boost=2.0),
        text=TEXT(analyzer=text_analyzer(), stored=True),
        # Title and text again, normalised but unstemmed: names keep every letter.
        exact=TEXT(analyzer=exact_analyzer()),
        date=ID(stored=True, sortable=True),
        url=STORED,
        source=STORED,
    )


@dataclass
class Summary:
    """What a rebuild did, for the person who ran it."""

    documents: Counter = field(default_factory=Counter)  # per language
    files: int = 0
    skipped: list = field(default_factory=list)  # documents.Skipped
    notes: list = field(default_factory=list)  # repairs, one line each
    encodings: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    generation: str = ""

    def lines(self) -> list[str]:
        total = sum(self.documents.values())
        per_lang = ", ".join(f"{lang}: {n}" for lang, n in sorted(self.documents.items()))
        out = [f"indexed {total} documents ({per_lang or 'none'}) from {self.files} files in {self.seconds:.1f}s"]
        if self.encodings:
            out.append("encodings: " + ", ".join(f"{e}: {n}" for e, n in self.encodings.most_common()))
        out += [f"repaired {note}" for note in self.notes]
        out += [f"skipped {skip}" for skip in self.skipped]
        return out


def generation_dir(index_dir: Path) -> Path | None:
    """The folder of the generation that answers searches, or None."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return index_dir / name if name else None


def open_index(index_dir: Path):
    """The current Whoosh index, or an error that says how to mend it."""
    gen = generation_dir(index_dir)
    if gen is None or not gen.is_dir():
        raise IndexMissing(f"there is no index at {index_dir}; build it with `make index`")
    try:
        meta = json.loads((gen / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise IndexIncompatible(f"the index at {index_dir} is damaged; rebuild it with `make index`")
    if meta.get("analysis_version") != ANALYSIS_VERSION:
        raise IndexIncompatible(
            f"the index at {index_dir} was built by another version; rebuild it with `make index`"
        )
    try:
        return whoosh_index.open_dir(str(gen), readonly=True)
    except Exception as error:  # Whoosh raises many kinds for a damaged folder
        raise IndexIncompatible(
            f"the index at {index_dir} is damaged ({type(error).__name__}); rebuild it with `make index`"
        )


def _fields(doc: documents.Document, lang: str) -> dict:
    return {
        "id": doc.id,
        "file": doc.file,
        "lang": lang,
        "title": doc.title,
        "text": doc.text,
        "exact": doc.title + "\n" + doc.text,
        "date": doc.date or "",
        "url": doc.url or "",
        "source": doc.source or "",
    }


Progress = Callable[[int, int, int], None]  # (files done, files in all, documents indexed)


def build(corpus_dir: Path, index_dir: Path, progress: Progress | None = None) -> Summary:
    """Index every article under `corpus_dir` into a new generation and switch to it."""
    started = time.monotonic()
    summary = Summary()
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    gen = index_dir / f"g-{stamp}-{os.getpid()}"
    gen.mkdir()
    ix = whoosh_index.create_in(str(gen), schema())
    writer = ix.writer(limitmb=256)
    files, summary.skipped = documents.scan(corpus_dir)
    hashes = {}
    try:
        for done, result in enumerate(documents.load_corpus(corpus_dir), 1):
            summary.files += 1
            hashes[result.path] = result.sha256
            if result.encoding:
                summary.encodings[result.encoding] += 1
            summary.skipped += result.skipped
            summary.notes += result.notes
            for doc in result.documents:
                lang = doc.lang or langid.label(doc.text)
                writer.add_document(**_fields(doc, lang))
                summary.documents[lang] += 1
            if progress:
                progress(done, len(files), sum(summary.documents.values()))
        writer.commit()
    except BaseException:
        writer.cancel()
        shutil.rmtree(gen, ignore_errors=True)
        raise
    meta = {
        "analysis_version": ANALYSIS_VERSION,
        "built": stamp,
        "corpus": str(corpus_dir),
        "documents": dict(summary.documents),
        "files": hashes,
    }
    (gen / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    _check(gen, sum(summary.documents.values()))
    _switch(index_dir, gen.name)
    summary.generation = gen.name
    summary.seconds = time.monotonic() - started
    return summary


def _check(gen: Path, expected: int) -> None:
    """Open the new generation as a searcher would before anyone is sent to it."""
    with whoosh_index.open_dir(str(gen), readonly=True).searcher() as searcher:
        if searcher.doc_count() != expected:
            raise IndexIncompatible(f"the new index holds {searcher.doc_count()} documents, not {expected}")


def _switch(index_dir: Path, name: str) -> None:
    previous = generation_dir(index_dir)
    tmp = index_dir / f"{CURRENT}.{os.getpid()}.tmp"
    tmp.write_text(name + "\n", encoding="utf-8")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / CURRENT)
    # Keep the generation just replaced: a server may still be reading it.
    keep = {name, previous.name if previous else None}
    for old in index_dir.glob("g-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
