"""A full build on every core: the documents in contiguous runs, one worker process per run, each writing segments.

The parent has read the corpus already (it must, to settle duplicate ids in
file order), so the workers are forked and find the documents in memory:
nothing is pickled to them.  The parent keeps the titles and texts in one
UTF-8 buffer (`Articles`), not as a string each: a forked worker that
reads a string writes its reference count, which copies the string's page
out of the memory it shares with the parent, and by its last document each
worker held a private copy of its half of the corpus.  Each one labels its documents' languages,
analyses them (search.terms) and writes its own segments into the new
generation (search.segment), a new one whenever it holds SEGMENT_CHARS of
text, so memory does not grow with the corpus; it sends back only the
segments' descriptions, the languages, and how far it has got.  The runs follow one another in
corpus order, so the segments keep the documents in the order one writer
would.  Whoosh's own MpWriter pickles every document to its workers and
was slower than one process for us.

A worker is killed with its parent (PR_SET_PDEATHSIG): a build killed half
way leaves no process writing into a generation the next build removes.
"""

import ctypes
import gc
import multiprocessing
import os
import signal
import traceback
from array import array
from dataclasses import replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable

from whoosh.filedb.filestore import FileStorage

from search import langid, terms
from search.documents import Document
from search.segment import SegmentBuilder

MIN_RUN = 200  # documents: below this a process of its own costs more than it saves
REPORT_EVERY = 100  # documents between a worker's progress messages
# Characters of text a worker holds as postings before it writes them out as a
# segment and starts another: about 0.6 GB of memory, so that a corpus of any
# size is built within 2 GB (one segment per worker held 4.4 GB on 219 MB of
# text; 1.7 GB at most for the whole build of the generated 40k corpus, 2.0 GB
# at 40 million).  Fewer segments search faster: the shared corpus takes three.
SEGMENT_CHARS = 32_000_000
# What a document costs to index beyond its text (its stored fields, its row in each column), in
# bytes of text that cost as much.  On the shared corpus, runs of equal bytes took 40.5 and 44.2
# CPU-seconds, the second with 16,000 more (shorter, English) documents: about 0.23 ms a document,
# as much as 290 bytes.
DOC_BYTES = 300
TRIM_EVERY = 1000  # documents between emptyings of the caches terms.word_info makes redundant
INDEX_NAME = "MAIN"  # Whoosh's default, which open_dir looks for


class Articles:
    """Documents in reading order, their titles and texts kept as UTF-8 in one buffer.

    `append` a document, then `articles[i]` gives it back whole.

    >>> articles = Articles()
    >>> articles.append(Document("a", "بوتين", "met Hollande", "a.txt"))
    >>> articles[0].title, articles[0].text, articles.size(0), len(articles)
    ('بوتين', 'met Hollande', 22, 1)
    """

    def __init__(self):
        self._docs: list[Document] = []  # each without its title and text
        self._buffer = bytearray()
        self._ends = array("q", [0])  # document i's title ends at _ends[2i + 1], its text at _ends[2i + 2]

    def append(self, doc: Document) -> None:
        for part in (doc.title, doc.text):
            self._buffer += part.encode("utf-8")
            self._ends.append(len(self._buffer))
        self._docs.append(replace(doc, title="", text=""))

    def __len__(self) -> int:
        return len(self._docs)

    def __getitem__(self, i: int) -> Document:
        start, middle, end = self._ends[2 * i:2 * i + 3]
        with memoryview(self._buffer) as view:
            return replace(self._docs[i], title=str(view[start:middle], "utf-8"), text=str(view[middle:end], "utf-8"))

    def size(self, i: int) -> int:
        """The document's title and text, in UTF-8 bytes."""
        return self._ends[2 * i + 2] - self._ends[2 * i]


class WorkerFailed(RuntimeError):
    """A worker died; or, as the cause of the error a worker raised, where in the worker it was raised."""


def worker_count(documents: int) -> int:
    """One worker per core this process may run on, but not for a handful of documents."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, documents // MIN_RUN))


def runs(sizes: list[int], count: int) -> list[range]:
    """`count` contiguous runs of the documents, of about equal total size.

    >>> runs([10, 10, 10, 30], 2)
    [range(0, 3), range(3, 4)]
    """
    total, out, start, done = sum(sizes), [], 0, 0
    for k in range(1, count):
        end = start
        while end < len(sizes) and done + sizes[end] / 2 < total * k / count:
            done += sizes[end]
            end += 1
        out.append(range(start, end))
        start = end
    out.append(range(start, len(sizes)))
    return [run for run in out if run]


def index_documents(gen: Path, schema, docs: Articles, fields: Callable, progress: Callable | None = None):
    """Index `docs` into new segments of the generation at `gen`; returns (segments, each document's language).

    `fields(doc, lang)` gives a document's field values.  `progress(finished)`
    is called now and then with each run's range and how many of its
    documents are done.
    """
    if not docs:
        return [], []
    # Weighed in UTF-8 bytes (an Arabic letter takes two, and costs nearly twice what a Latin one
    # does to index), and DOC_BYTES more for each document.
    sizes = [docs.size(i) + DOC_BYTES for i in range(len(docs))]
    parts = runs(sizes, worker_count(len(docs)))
    context = multiprocessing.get_context("fork")
    workers, pipes = [], []
    try:
        for part in parts:
            receive, send = context.Pipe(duplex=False)
            worker = context.Process(target=_work, args=(send, gen, schema, docs, part, fields), daemon=True)
            worker.start()
            send.close()  # the worker's end: when it is gone, recv sees EOF
            workers.append(worker)
            pipes.append(receive)
        return _collect(parts, workers, pipes, progress)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()
        for pipe in pipes:
            pipe.close()


def _collect(parts: list[range], workers: list, pipes: list, progress: Callable | None):
    done = [0] * len(parts)
    results: list = [None] * len(parts)
    waiting = dict(zip(pipes, range(len(parts))))
    while waiting:
        for pipe in wait(list(waiting)):
            k = waiting[pipe]
            try:
                message = pipe.recv()
            except EOFError:
                workers[k].join()
                raise WorkerFailed(f"an indexing worker died (exit status {workers[k].exitcode})") from None
            if message[0] == "progress":
                done[k] = message[1]
                if progress:
                    progress(list(zip(parts, done)))
            elif message[0] == "error":
                # The worker's own error, so a full disk is an OSError here as with one process.
                raise message[1] from WorkerFailed(f"in an indexing worker:\n{message[2]}")
            else:
                results[k] = message[1:]
                del waiting[pipe]
    segments = [segment for part_segments, _ in results for segment in part_segments]
    langs = [lang for _, part_langs in results for lang in part_langs]
    return segments, langs


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 is PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: a killed build's worker finishes its run alone
        pass


def _work(pipe, gen: Path, schema, docs: Articles, part: range, fields: Callable) -> None:
    _die_with_parent()
    # A build makes millions of small lists and tuples and keeps most of them
    # (the postings) until its segment is written, so the cyclic collector
    # kept walking a heap that is not garbage: a sixth of a worker's time.
    # Nothing a worker makes needs it; its memory is the same without.
    gc.disable()
    try:
        storage = FileStorage(str(gen))
        builder, held, segments, langs = SegmentBuilder(storage, INDEX_NAME, schema), 0, [], []
        for n, i in enumerate(part, 1):
            doc = docs[i]
            lang = doc.lang or langid.label(doc.text)
            builder.add(fields(doc, lang), terms.document_terms(doc.title, doc.text))
            langs.append(lang)
            held += len(doc.title) + len(doc.text)
            if held >= SEGMENT_CHARS and n < len(part):
                segments.append(builder.finish())  # its postings leave memory for the disk
                builder, held = SegmentBuilder(storage, INDEX_NAME, schema), 0
                terms.forget_words()  # and so do the words analysed so far, which grow with the corpus too
            if n % REPORT_EVERY == 0:
                pipe.send(("progress", n))
            if n % TRIM_EVERY == 0:
                terms.trim_caches()
        pipe.send(("progress", len(part)))
        terms.forget_words()
        segments.append(builder.finish())
        pipe.send(("done", segments, langs))
    except BaseException as error:
        try:
            pipe.send(("error", error, traceback.format_exc()))
        except Exception:  # an error that cannot be pickled: its story, as text
            pipe.send(("error", WorkerFailed(repr(error)), traceback.format_exc()))
    finally:
        pipe.close()
