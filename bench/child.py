"""One measured step, run in a process of its own: `python -m bench.child STEP JSON`.

A fresh process for each step keeps each build's memory, caches and time
its own, so that the parent can watch the whole process tree's memory
and no step warms another one's caches.  The step prints one JSON line.
"""

import itertools
import json
import resource
import sys
import time
from pathlib import Path

from search import documents
from search.script import ARABIC, LATIN, char_script


def cpu_seconds() -> float:
    """User and system time of this process and the children it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def script_label(text: str) -> str:
    """The baselines' language label: the script most of the first letters are in.

    Cheaper than langdetect on purpose, so the baselines are not slowed by
    work they would not do.
    """
    arabic = latin = 0
    for ch in text[:500]:
        script = char_script(ch)
        arabic += script == ARABIC
        latin += script == LATIN
    return "ar" if arabic > latin else "en"


def corpus_docs(corpus: Path):
    """(id, lang, title, text) of every article, read as our rebuild reads them."""
    for result in documents.load_corpus(corpus):
        for doc in result.documents:
            yield doc.id, doc.lang or script_label(doc.text), doc.title, doc.text


def build(args: dict) -> dict:
    corpus, index_dir = Path(args["corpus"]), Path(args["index"])
    started, cpu = time.perf_counter(), cpu_seconds()
    if args["engine"] == "ours":
        from search import index

        summary = index.build(corpus, index_dir)
        count = sum(summary.documents.values())
    elif args["engine"] == "naive":
        from bench.baseline import build_naive

        count = build_naive(corpus_docs(corpus), index_dir)
    else:
        from bench.baseline import build_tantivy

        count = build_tantivy(corpus_docs(corpus), index_dir)
    return {"documents": count, "seconds": time.perf_counter() - started, "cpu_seconds": cpu_seconds() - cpu}


def update(args: dict) -> dict:
    from search import index

    started, cpu = time.perf_counter(), cpu_seconds()
    summary = index.update(Path(args["corpus"]), Path(args["index"]))
    return {"seconds": time.perf_counter() - started, "cpu_seconds": cpu_seconds() - cpu,
            "summary": summary.lines() if hasattr(summary, "lines") else str(summary)}


def _searcher(engine: str, index_dir: Path):
    """A function query -> (hits found, snippets), with the engine's searcher kept open."""
    if engine == "ours":
        from search.searcher import Engine

        ours = Engine(index_dir)
        if hasattr(ours, "warm_up"):
            ours.warm_up()  # as the server does before it forks

        def search(text):
            results = ours.search(text)
            return results.total, [hit.snippet for hit in results.hits]

        return search
    from bench import baseline

    return (baseline.NaiveSearcher if engine == "naive" else baseline.TantivySearcher)(index_dir).search


def latency(args: dict) -> dict:
    """Each query once, on demand, after a warm-up; milliseconds per query.

    The step says "ready" once warmed, then reads lines "START END" and
    answers each with one line, the JSON list of queries START to END-1; it
    ends when its input does (`procs.run_alternating` takes the engines in turns).
    """
    from bench import queries

    search = _searcher(args["engine"], Path(args["index"]))
    found = queries.load(Path(args["queries"]))
    for text in queries.WARMUP:
        search(text)
    print("ready", flush=True)
    for line in sys.stdin:
        start, end = map(int, line.split())
        print(json.dumps([_timed(search, query.text) for query in found[start:end]]), flush=True)
    return {}


def _timed(search, text: str) -> dict:
    at = time.monotonic()
    started = time.perf_counter()
    try:
        total, snippets = search(text)
        error = None
    except Exception as exc:  # a baseline's parser may refuse what ours reads
        total, snippets, error = 0, [], type(exc).__name__
    return {"ms": (time.perf_counter() - started) * 1000, "total": total, "snippets": len(snippets),
            "error": error, "at": at}


def _go(barrier: Path, k: int, timeout: float = 600) -> float:
    """Say this worker is ready, and wait for the time at which all start (`bench.load._direct` writes it)."""
    (barrier / f"ready-{k}").touch()
    go, deadline = barrier / "go", time.monotonic() + timeout
    while not go.exists() or not go.read_text():
        if time.monotonic() > deadline:
            raise TimeoutError("no signal to start")
        time.sleep(0.05)
    return float(go.read_text())


def direct(args: dict) -> dict:
    """Call Engine.search in a loop for `seconds`, as one of `workers` server processes would,
    once every worker has warmed up (so a slow warm-up cannot eat the measured time).

    Warmed like a server, with the same queries; then worker k of n takes
    the measured queries k, k+n, k+2n..., so the workers together send them
    in order, as the web clients do.
    """
    from bench import queries
    from search.searcher import Engine

    engine = Engine(Path(args["index"]))
    measured, warm = queries.for_load([q.text for q in queries.load(Path(args["queries"]))])
    k, n = args.get("worker", 0), args.get("workers", 1)
    if hasattr(engine, "warm_up"):
        engine.warm_up()  # as the server does before it forks
    start_at = _go(Path(args["barrier"]), k)
    warm_until = min(time.time() + args.get("warmup_seconds", 3), start_at)
    for i in itertools.count(k, n):
        if time.time() >= warm_until:
            break
        engine.search(warm[i % len(warm)])
    time.sleep(max(0.0, start_at - time.time()))
    began, cpu, deadline = time.time(), time.process_time(), start_at + args["seconds"]
    latencies = []
    for i in itertools.count(k, n):
        if time.time() >= deadline:
            break
        started = time.perf_counter()
        engine.search(measured[i % len(measured)])
        latencies.append((time.perf_counter() - started) * 1000)
    return {"requests": len(latencies), "seconds": time.time() - began,
            "cpu_seconds": time.process_time() - cpu, "ms": latencies}


STEPS = {"build": build, "update": update, "latency": latency, "direct": direct}


def main(argv: list[str]) -> int:
    step, args = argv[0], json.loads(argv[1])
    result = STEPS[step](args)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
