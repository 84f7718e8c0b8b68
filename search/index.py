"""The Whoosh index: its schema, opening it, and building or updating it without ever losing it.

A build, full (`build`) or incremental (`update`), holds the folder's lock
(search/lock.py), writes a new generation beside the current one, flushes
it to disk, opens and checks it, and only then points CURRENT at it
(search/generations.py has the folder's layout and the crash-proof steps).
Killed at any point, it leaves the current generation answering; the next
build removes what it left.  The generation just replaced is kept until the
next switch, because a server thread may still be answering from it.

Each generation's meta.json records, per corpus file, its hash and the ids
it produced (with the language each kept one was indexed as), so that
`update` can tell which files changed and settle duplicate ids exactly as
a full build does.
"""

import hashlib
import json
import shutil
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, FieldType, Schema
from whoosh.formats import Existence
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import SegmentReader

from search import documents, generations, langid, lock, parallel
from search.analysis import exact_analyzer, text_analyzer
from search.sound import sound_analyzer

# Bump when the schema or the analysis changes: an index built with another
# version is refused with a message to rebuild, not searched wrongly.
ANALYSIS_VERSION = 6

# The folder's names, for the callers of this module (the searcher, the tests).
CURRENT, META, LOCK = generations.CURRENT, generations.META, generations.LOCK
generation_dir = generations.generation_dir


class IndexError_(Exception):
    """An index that cannot be searched or built, with what to do about it."""


class IndexMissing(IndexError_):
    pass


class IndexIncompatible(IndexError_):
    pass


class IndexDamaged(IndexError_):
    pass


class BuildRunning(IndexError_):
    """Another process is building this index; this one did not touch it."""


class BuildFailed(IndexError_):
    """A build's worker process died (killed, out of memory); the old index still answers."""


def schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        file=ID(stored=True),
        lang=ID(stored=True),
        title=TEXT(analyzer=text_analyzer(), stored=True, field_boost=2.0),
        text=TEXT(analyzer=text_analyzer(), stored=True),
        # Title and text again, normalised but unstemmed: names keep every letter.
        exact=TEXT(analyzer=exact_analyzer()),
        # "<sound key> <exact form>" of every word that may be a name: its
        # lexicon is what a name typed in the other script is looked up in,
        # and its document frequencies tell names from words (sound.name_share).
        # Nothing scores it or reads a posting's frequency, so it records only
        # which documents have each term, and building it costs less.
        sound=FieldType(Existence(), sound_analyzer()),
        date=ID(stored=True, sortable=True),
        url=STORED,
        source=STORED,
    )



@dataclass
class Changes:
    """What an update found: files by how they differ from the index, documents by what was done."""

    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    reread: int = 0  # unchanged files read again because a duplicate id changed hands
    added: int = 0  # documents indexed
    deleted: int = 0  # documents taken out (of changed, removed and re-read files)
    rebuilt: bool = False  # built in full, as articles had to be taken out

    def any(self) -> bool:
        return bool(self.new or self.changed or self.removed or self.reread)


@dataclass
class Summary:
    """What a build or an update did, for the person who ran it."""

    documents: Counter = field(default_factory=Counter)  # per language, in the whole index
    files: int = 0
    skipped: list = field(default_factory=list)  # documents.Skipped
    notes: list = field(default_factory=list)  # repairs, one line each
    encodings: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    generation: str = ""
    housekeeping: list = field(default_factory=list)  # stale locks and leftovers cleared; why an update rebuilt
    changes: Changes | None = None  # set by an update that had an index to start from

    def lines(self) -> list[str]:
        total = sum(self.documents.values())
        per_lang = ", ".join(f"{lang}: {n}" for lang, n in sorted(self.documents.items()))
        held = f"{total} documents ({per_lang or 'none'}) from {self.files} files"
        c = self.changes
        if c is None:
            out = [f"indexed {held} in {self.seconds:.1f}s"]
        elif not c.any():
            out = [f"the index is up to date: no file changed; it holds {held} ({self.seconds:.1f}s)"]
        else:
            out = [
                f"updated the index in {self.seconds:.1f}s"
                + (" (rebuilt in full on every core, as articles had to be removed)" if c.rebuilt else "")
                + f": files {c.new} new, {c.changed} changed, "
                f"{c.removed} removed, {c.unchanged} unchanged"
                + (f" ({c.reread} read again for duplicate ids)" if c.reread else "")
                + f"; documents {c.added} indexed, {c.deleted} removed; it holds {held}"
            ]
        out += self.housekeeping
        if self.encodings:
            out.append("encodings: " + ", ".join(f"{e}: {n}" for e, n in self.encodings.most_common()))
        out += [f"repaired {note}" for note in self.notes]
        out += [f"skipped {skip}" for skip in self.skipped]
        return out


# --- reading ----------------------------------------------------------------


def open_index(index_dir: Path):
    """The current Whoosh index, or an error that says how to mend it."""
    gen = generation_dir(index_dir)
    if gen is None:
        raise IndexMissing(f"there is no index at {index_dir}; build it with `make index`")
    if not generations.NAME.fullmatch(gen.name) or not gen.is_dir():
        raise IndexDamaged(
            f"the index at {index_dir} is damaged: {CURRENT} names {gen.name[:80]!r}, "
            "which is not one of its generations; rebuild it with `make index`"
        )
    try:
        meta = generations.read_meta(gen)
    except (OSError, ValueError):
        raise IndexDamaged(f"the index at {index_dir} is damaged ({gen.name}/{META} cannot be read); "
                           "rebuild it with `make index`") from None
    version = meta.get("analysis_version")
    if version != ANALYSIS_VERSION:
        age = "an older" if isinstance(version, int) and version < ANALYSIS_VERSION else "another"
        raise IndexIncompatible(f"the index at {index_dir} was built by {age} version; rebuild it with `make index`")
    try:
        ix = whoosh_index.open_dir(str(gen), readonly=True)
        # Opening a reader opens every segment file, so a missing or cut-short
        # one is reported here, where the message can say what to do.
        ix.reader().close()
        return ix
    except Exception as error:  # Whoosh raises many kinds for a damaged folder
        failure = error
    with warnings.catch_warnings():
        # Whoosh leaves open the file it failed on; it closes when the error is
        # dropped.  Drop it now, quietly, not in some later request or test.
        warnings.simplefilter("ignore", ResourceWarning)
        kind = type(failure).__name__
        del failure
    raise IndexDamaged(f"the index at {index_dir} is damaged ({kind}); rebuild it with `make index`")


# --- building and updating ------------------------------------------------

Progress = Callable[[int, int, int], None]  # (files done, files in all, documents in the index so far)


def build(corpus_dir: Path, index_dir: Path, progress: Progress | None = None) -> Summary:
    """Index every article under `corpus_dir` into a new generation and switch to it."""
    return _run(Path(corpus_dir), Path(index_dir), progress, incremental=False)


def update(corpus_dir: Path, index_dir: Path, progress: Progress | None = None) -> Summary:
    """Bring the index in line with `corpus_dir`, reading only the files that are new or changed.

    Files are compared by content hash; the articles of files that are gone
    are removed.  The result is the index `build` would make: the same ids,
    the same scores.  It is written as a new generation too, so searches
    never see it half done; when nothing changed, the index is left as it
    is.  With no usable index to start from it builds in full, and the
    summary says why.
    """
    return _run(Path(corpus_dir), Path(index_dir), progress, incremental=True)


def _run(corpus_dir: Path, index_dir: Path, progress: Progress | None, incremental: bool) -> Summary:
    started = time.monotonic()
    index_dir.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    try:
        with lock.hold(index_dir / LOCK) as stale:
            if stale is not None:
                summary.housekeeping.append(
                    f"cleared the lock of a build that did not finish (pid {stale.pid}, since {stale.since})"
                )
            summary.housekeeping += generations.remove_leftovers(index_dir)
            base = _base(index_dir, summary) if incremental else None
            _write_generation(corpus_dir, index_dir, base, summary, progress)
    except lock.Busy as busy:
        raise BuildRunning(
            f"an index build is already running since {busy.holder.since}, pid {busy.holder.pid}; "
            "wait for it to finish"
        ) from None
    summary.seconds = time.monotonic() - started
    return summary


@dataclass
class _Base:
    """The generation an update starts from, and what its meta.json says of each file."""

    dir: Path
    files: dict


def _base(index_dir: Path, summary: Summary) -> _Base | None:
    try:
        ix = open_index(index_dir)
        gen = generation_dir(index_dir)
        files = generations.read_meta(gen).get("files")
    except IndexError_ as error:
        # The message's advice ("rebuild it") is what is being done, so only its first part is said.
        summary.housekeeping.append(f"built in full: {str(error).partition(';')[0]}")
        return None
    if not isinstance(files, dict) or not all(isinstance(f, dict) and "docs" in f for f in files.values()):
        summary.housekeeping.append("built in full: the index does not record its files' contents")
        return None
    if ix.schema.names() != schema().names():
        summary.housekeeping.append("built in full: the index has other fields than this version's")
        return None
    return _Base(gen, files)


def _fields(doc: documents.Document, lang: str) -> dict:
    return {
        "id": doc.id,
        "file": doc.file,
        "lang": lang,
        "title": doc.title,
        "text": doc.text,
        "exact": doc.title + "\n" + doc.text,
        "sound": doc.title + "\n" + doc.text,
        "date": doc.date or "",
        "url": doc.url or "",
        "source": doc.source or "",
    }


def _write_generation(corpus_dir: Path, index_dir: Path, base: _Base | None, summary: Summary,
                      progress: Progress | None) -> None:
    paths, summary.skipped = documents.scan(corpus_dir)  # a missing corpus fails here, before any writing
    previous = generation_dir(index_dir)
    gen = generations.new(index_dir)
    try:
        if base is None:
            files = _build_all(corpus_dir, gen, paths, summary, progress)
        else:
            generations.link_files(base.dir, gen)
            files, changes = _update_in(gen, corpus_dir, paths, base, summary, progress)
            summary.changes = changes
            if not changes.any():
                summary.generation = base.dir.name
                return
        _sum_rounded_lengths(gen)
        meta = {
            "analysis_version": ANALYSIS_VERSION,
            "built": gen.name,
            "corpus": str(corpus_dir),
            "previous": previous.name if previous else None,
            "documents": dict(summary.documents),
            "files": files,
        }
        generations.write_durably(gen / META, json.dumps(meta, ensure_ascii=False))
        generations.sync_tree(gen)  # every file on disk before CURRENT may name the folder
        _check(gen, {doc[0] for entry in files.values() for doc in entry["docs"] if doc[2] is not None})
        generations.switch(index_dir, gen.name)
        summary.generation = gen.name
        # Keep the generation just replaced: a server may still be reading it.
        generations.remove(index_dir, keep={gen.name, previous.name if previous else ""})
    finally:
        # Whatever failed, and wherever: the new generation goes unless CURRENT already names it.
        if generation_dir(index_dir) != gen:
            shutil.rmtree(gen, ignore_errors=True)


def _build_all(corpus_dir: Path, gen: Path, paths: list[str], summary: Summary, progress: Progress | None) -> dict:
    """Read every file, then index the documents kept on every core (search/parallel.py); returns the files' meta.

    Reading comes first because which copy of a duplicate id is kept
    depends on every file before it.  Progress counts a file done when all
    its documents are indexed.
    """
    files: dict = {}
    first: dict[str, str] = {}
    articles = parallel.Articles()  # the documents kept
    records: list = []  # and their [id, line, lang] in their file's meta
    spans = []  # per file, the range of its kept documents
    for path in paths:
        kept: list = []
        files[path] = _file_entry(documents.read_file(corpus_dir, path), first, kept)
        spans.append(range(len(records), len(records) + len(kept)))
        for doc, record in kept:
            articles.append(doc)
            records.append(record)
        del kept  # the file's strings: the articles hold their text

    def report(finished: list[tuple[range, int]]) -> None:
        progress(_files_done(spans, finished), len(paths), sum(n for _, n in finished))

    storage = whoosh_index.create_in(str(gen), schema()).storage
    try:
        segments, langs = parallel.index_documents(gen, schema(), articles, _fields, report if progress else None)
    except parallel.WorkerFailed as failure:  # a worker's own error is raised as itself, not as this
        raise BuildFailed(f"{failure}; the old index still answers") from failure
    for record, lang in zip(records, langs):
        record[2] = lang
    shutil.rmtree(gen / f"{parallel.INDEX_NAME}.tmp", ignore_errors=True)  # the workers' scratch folder
    TOC(schema(), segments, 1).write(storage, parallel.INDEX_NAME)
    storage.delete_file(TOC._filename(parallel.INDEX_NAME, 0))
    for path in paths:
        _tally(summary, path, files[path], first)
    if progress:
        progress(len(paths), len(paths), len(records))
    return files


def _files_done(spans: list[range], finished: list[tuple[range, int]]) -> int:
    """How many files have all their documents indexed, given each run of documents and how far it has got.

    >>> _files_done([range(0, 2), range(2, 5), range(5, 6)], [(range(0, 3), 3), (range(3, 6), 2)])
    2
    """
    def indexed(span: range) -> bool:
        return all(run.start + n >= min(span.stop, run.stop) for run, n in finished
                   if run.start < span.stop and span.start < run.stop)

    return sum(map(indexed, spans))


def _update_in(gen: Path, corpus_dir: Path, paths: list[str], base: _Base, summary: Summary,
               progress: Progress | None) -> tuple[dict, Changes]:
    """Apply the corpus's changes to the generation at `gen`, a copy of the base.

    New articles are added with Whoosh's writer.  When articles have to be
    removed (a file changed or went), their words would still count in every
    score until Whoosh rewrote every segment, in one process, which is slower
    than a full build on every core; so the generation is built in full
    instead, which gives the same index.
    """
    before = _tallies(summary)
    writer = whoosh_index.open_dir(str(gen)).writer(limitmb=256)
    try:
        files, changes = _apply(writer, corpus_dir, paths, base.files, summary, progress)
        if not changes.any() or changes.deleted:
            writer.cancel()
        else:
            writer.commit()
    except BaseException:
        _cancel(writer)
        raise
    if not changes.deleted:
        return files, changes
    changes.rebuilt = True
    _restore_tallies(summary, before)
    for entry in gen.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return _build_all(corpus_dir, gen, paths, summary, progress), changes


def _tallies(summary: Summary) -> dict:
    """What `_tally` adds to, as it is now."""
    return {"documents": Counter(summary.documents), "files": summary.files, "skipped": list(summary.skipped),
            "notes": list(summary.notes), "encodings": Counter(summary.encodings)}


def _restore_tallies(summary: Summary, tallies: dict) -> None:
    for name, value in tallies.items():
        setattr(summary, name, value)


def _sum_rounded_lengths(gen: Path) -> None:
    """Make each segment's field-length totals the sum of its documents' stored lengths.

    Whoosh stores a document's field length rounded into one byte but a
    segment's total exactly, and a merge adds up the rounded lengths.  An
    update merges and a build does not, so their average lengths, and with
    them every BM25 score, would differ a little.  Summing the rounded
    lengths in both makes the scores identical.  (Whoosh has no public way
    to set the totals; its table of contents is rewritten the way it writes it.)
    """
    ix = _open_unloaded(gen, readonly=False)
    toc = TOC.read(ix.storage, ix.indexname)
    for segment in toc.segments:
        reader = SegmentReader(ix.storage, toc.schema, segment)
        try:
            docs = list(reader.all_doc_ids())
            for name in list(segment._fieldlengths):
                segment._fieldlengths[name] = sum(reader.doc_field_length(doc, name) or 0 for doc in docs)
        finally:
            reader.close()
    # As a commit does: the next table of contents, then the old one removed.
    old = TOC._filename(ix.indexname, toc.generation)
    toc.generation += 1
    toc.write(ix.storage, ix.indexname)
    ix.storage.delete_file(old)


def _cancel(writer) -> None:
    try:
        writer.cancel()
    except Exception:  # the error that got us here is the one worth reporting
        pass


def _apply(writer, corpus_dir: Path, paths: list[str], old_files: dict, summary: Summary,
           progress: Progress | None) -> tuple[dict, Changes]:
    """Index every file that is not in `old_files` as it is now; returns each file's meta and the counts.

    For a build `old_files` is empty and every file is read.  Files are
    taken in sorted path order and an id is kept the first time it is seen,
    which is the rule of `documents.load_corpus`: a later file's copy is
    skipped.  An unchanged file is read again when that rule now keeps
    other ids of it than before (the file that held an id changed or went).
    """
    files: dict = {}
    changes = Changes()
    first: dict[str, str] = {}  # id -> where it was kept
    same = {path: _same_content(corpus_dir, path, old_files[path]) for path in paths if path in old_files}
    gone = sorted(old_files.keys() - set(paths))
    # Once an article has to be taken out, `_update_in` builds the generation in full; from then
    # on, files are only read and counted, not indexed here for nothing (with 30% of 8,000 files
    # changed, that had doubled the update's time).
    counting = any(_kept(old_files[path]) for path in gone + [p for p, kept in same.items() if not kept])
    for done, path in enumerate(paths, 1):
        old = old_files.get(path)
        if old is None:
            kind = "new"
        elif not same[path]:
            kind = "changed"
        elif _kept(old) != [doc[0] for doc in old["docs"] if doc[0] not in first]:
            kind = "reread"
        else:
            kind = "unchanged"
        setattr(changes, kind, getattr(changes, kind) + 1)
        if kind == "unchanged":
            entry = old
            for doc_id, line, lang in entry["docs"]:
                if lang is not None:
                    first[doc_id] = _where(path, line)
        else:
            if old is not None:
                taken = len(_kept(old)) if counting else writer.delete_by_term("file", path)
                changes.deleted += taken
                counting = counting or taken > 0
            result = documents.read_file(corpus_dir, path)
            if counting:
                kept: list = []
                entry = _file_entry(result, first, kept)
                changes.added += sum(1 for doc, _ in kept if doc.lang or langid.label(doc.text))  # as _index_file would
            else:
                entry = _index_file(writer, result, first)
                changes.added += len(_kept(entry))
        files[path] = entry
        _tally(summary, path, entry, first)
        if progress:
            progress(done, len(paths), sum(summary.documents.values()))
    for path in gone:
        changes.removed += 1
        changes.deleted += len(_kept(old_files[path])) if counting else writer.delete_by_term("file", path)
    return files, changes


def _kept(entry: dict) -> list[str]:
    """The ids of a file's documents that are in the index: those with a language."""
    return [doc[0] for doc in entry["docs"] if doc[2] is not None]


def _where(path: str, line: int | None) -> str:
    return path if line is None else f"{path}:{line}"


def _index_file(writer, result: documents.FileResult, first: dict[str, str]) -> dict:
    """Add a file's documents whose ids are new; returns what meta.json records of the file."""
    kept: list = []
    entry = _file_entry(result, first, kept)
    for doc, record in kept:
        record[2] = doc.lang or langid.label(doc.text)
        writer.add_document(**_fields(doc, record[2]))
    return entry


def _file_entry(result: documents.FileResult, first: dict[str, str], kept: list) -> dict:
    """What meta.json records of a file, its documents' languages still to be filled in.

    A document whose id is new is added to `first` and, with its record, to `kept`.
    """
    docs = []
    for doc in result.documents:
        if doc.id in first:
            docs.append([doc.id, doc.line, None])
            continue
        first[doc.id] = _where(doc.file, doc.line)
        docs.append([doc.id, doc.line, None])
        kept.append((doc, docs[-1]))
    return {
        "sha256": result.sha256,
        "encoding": result.encoding,
        "docs": docs,  # [id, line, language it was indexed as, or None when an earlier file has the id]
        "skipped": [[skip.line, skip.reason] for skip in result.skipped],
        "notes": result.notes,
    }


def _tally(summary: Summary, path: str, entry: dict, first: dict[str, str]) -> None:
    """Add a file to the summary, from its meta alone, so an update reports what a build would."""
    summary.files += 1
    if entry["encoding"]:
        summary.encodings[entry["encoding"]] += 1
    summary.notes += entry["notes"]
    summary.skipped += [documents.Skipped(path, line, reason) for line, reason in entry["skipped"]]
    for doc_id, line, lang in entry["docs"]:
        if lang is None:  # worded as documents.load_corpus words it
            summary.skipped.append(documents.Skipped(path, line, f"duplicate id {doc_id!r} (first in {first[doc_id]})"))
        else:
            summary.documents[lang] += 1


def _same_content(corpus_dir: Path, path: str, old: dict) -> bool:
    """True when the file's bytes hash to what the index recorded (None: it was not read then)."""
    if not old.get("sha256"):
        return False
    digest = hashlib.sha256()
    try:
        with open(corpus_dir / path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return False  # read_file will say why
    return digest.hexdigest() == old["sha256"]


def _open_unloaded(gen: Path, readonly: bool = True):
    """The generation's index with its segments read from disk as needed, for a build's own checks.

    Whoosh's reader copies a memory-mapped segment into memory whole, and
    the pages it copied stay mapped too: opening the index held twice its
    size (2.4 GB for the 1.3 GB index of a generated 40k corpus, more than
    the whole build before it).  A server opens it so, for speed.
    """
    return FileStorage(str(gen), supports_mmap=False, readonly=readonly).open_index()


def _check(gen: Path, ids: set[str]) -> None:
    """Open the new generation as a searcher would, before anyone is sent to it."""
    with _open_unloaded(gen).searcher() as searcher:
        found = {term.decode("utf-8") for term in searcher.reader().lexicon("id")}
        if searcher.doc_count() != len(ids) or found != ids:
            raise IndexDamaged(
                f"the new index holds {searcher.doc_count()} documents, not {len(ids)}; "
                "the old one still answers"
            )
