"""The command line: a thin shell over the library.

    python -m search index [--corpus DIR] [--index DIR] [--update]
    python -m search query [--index DIR] [--lang en|ar] [--limit N] [--json] QUERY
    python -m search query --batch FILE|-
    python -m search serve [--host H] [--port P] [--workers N]
    python -m search eval [--corpora DIR] [--index DIR]
    python -m search bench [--quick] [--generate N | --corpus PATH] ...
"""

import argparse
import html
import json
import re
import sys
import time
from pathlib import Path

from search import config, index
from search.query import QueryError
from search.searcher import LANGS, Engine


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2: a usage error is not a traceback
        self.exit(2, f"{self.prog}: error: {message}\n")


def _progress(stream):
    """A progress bar on a terminal, a plain line every so often otherwise."""
    tty = stream.isatty()
    started = time.monotonic()
    last = [0.0]

    def show(files_done, files, docs):
        now = time.monotonic()
        if files_done != files and now - last[0] < (0.2 if tty else 5):
            return
        last[0] = now
        share = files_done / files if files else 1
        rate = docs / max(now - started, 1e-9)
        if tty:
            bar = "#" * int(share * 30)
            stream.write(f"\r[{bar:<30}] {share:4.0%} {files_done}/{files} files, {docs} articles, {rate:.0f}/s")
            if files_done == files:
                stream.write("\n")
        else:
            stream.write(f"indexing: {files_done}/{files} files, {docs} articles, {rate:.0f}/s\n")
        stream.flush()

    return show


def cmd_index(args) -> int:
    run = index.update if args.update else index.build
    summary = run(args.corpus, args.index, progress=_progress(sys.stderr))
    print("\n".join(summary.lines()))
    return 0


_MARK = re.compile(r"</?mark>")


def _plain(snippet: str, tty: bool) -> str:
    marked = _MARK.sub(lambda m: ("\033[1m" if m.group() == "<mark>" else "\033[0m") if tty else "*", snippet)
    return " ".join(html.unescape(marked).split())


def _print_results(results, tty: bool) -> None:
    print(f"{results.total} results for {results.query!r} ({results.took_ms:.0f} ms)")
    for rank, hit in enumerate(results.hits, 1):
        print(f"{rank:>2}. [{hit.lang}] {hit.title}  ({hit.id}, score {hit.score:.2f})")
        print(f"    {_plain(hit.snippet, tty)}")


def _valid(text: str) -> str:
    """Bytes that were not UTF-8 (kept by Python as surrogates) become U+FFFD, so output stays UTF-8."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def cmd_query(args) -> int:
    if (args.batch is None) == (args.text is None):
        raise QueryError("give a QUERY or --batch FILE, not both")
    engine = Engine(args.index)
    if args.batch is None:
        results = engine.search(_valid(args.text), lang=args.lang, limit=args.limit)
        if args.json:
            print(json.dumps(results.to_json(), ensure_ascii=False))
        else:
            _print_results(results, sys.stdout.isatty())
        return 0
    lines = sys.stdin.buffer if args.batch == "-" else open(args.batch, "rb")
    with lines:
        for line in lines:
            text = line.decode("utf-8", errors="replace").rstrip("\r\n")
            try:
                out = engine.search(text, lang=args.lang, limit=args.limit).to_json()
            except QueryError as error:
                out = {"query": text, "error": str(error)}
            print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


def cmd_eval(args) -> int:
    from search.evaluate import names_report
    from search.translation_eval import translation_report

    corpora = args.corpora if args.corpora.exists() else None
    index_dir = None
    if corpora is not None and args.index is not None:
        # Brought up to date first: a full build the first time (about a minute), then nothing to do.
        print(f"indexing {corpora} into {args.index} for the searcher's section...", file=sys.stderr)
        index.update(corpora, args.index)
        index_dir = args.index
    print(names_report(corpora, limit=args.limit, index_dir=index_dir))
    print(translation_report(corpora))
    return 0


def cmd_serve(args) -> int:
    from web.serve import serve

    serve(args.host, args.port, workers=args.workers, index_dir=args.index, access_log=args.access_log)
    return 0


def main(argv=None) -> int:
    parser = _Parser(prog="python -m search", description="Search English and Arabic news as one collection.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("index", help="rebuild the index from the corpus")
    p.add_argument("--corpus", type=Path, default=config.corpus_dir(), help="folder of .txt and .jsonl articles")
    p.add_argument("--index", type=Path, default=config.index_dir(), help="index folder")
    p.add_argument("--update", action="store_true",
                   help="re-index only new and changed files, and remove the articles of files that are gone")
    p.set_defaults(run=cmd_index)

    p = sub.add_parser("query", help="search the index")
    p.add_argument("text", nargs="?", metavar="QUERY")
    p.add_argument("--index", type=Path, default=config.index_dir(), help="index folder")
    p.add_argument("--lang", choices=LANGS, help="only articles in this language")
    p.add_argument("--limit", type=int, default=10, help="hits to show (1-100)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--batch", metavar="FILE", help="one query per line ('-' for stdin); prints JSON lines")
    p.set_defaults(run=cmd_query)

    p = sub.add_parser("eval", help="measure name matching and translation (Markdown report)")
    p.add_argument("--corpora", type=Path, default=config.corpora_dir(), help="the shared real-news corpora")
    p.add_argument("--limit", type=int, help="read at most this many lines per corpus file")
    p.add_argument("--index", type=Path,
                   help="also search an index of the corpora, built or updated in this folder first")
    p.set_defaults(run=cmd_eval)

    p = sub.add_parser("serve", help="serve the search page")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--workers", type=int, default=2, help="server processes (one per core)")
    p.add_argument("--access-log", action="store_true",
                   help="log each request's method, path (not the query), status and time")
    p.add_argument("--index", type=Path, default=config.index_dir(), help="index folder")
    p.set_defaults(run=cmd_serve)

    sub.add_parser("bench", help="benchmark (options: python -m search bench --help)", add_help=False)

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # the benchmark has many options of its own
        from search import bench

        return bench.main(argv[1:])
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except QueryError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    except index.IndexError_ as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # an unreadable --batch file, a full disk
        where = f": {error.filename}" if error.filename else ""
        print(f"{parser.prog}: {error.strerror or error}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
