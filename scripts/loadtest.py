"""A bounded load test on loopback: clients search a local server while the index is rebuilt.

    python scripts/loadtest.py [--seconds 30] [--clients 16] [--articles 3000] [--corpus DIR] [--workers 2]

It builds an index (of made-up articles by default, in a temporary folder),
starts `python -m search serve` on 127.0.0.1, runs the clients for the given
time, starts a full rebuild a third of the way in, and reports requests served, errors,
and latency percentiles, overall and while the rebuild ran.  It exits 1 if
any request failed, the rebuild failed, or the server did not answer from
the new index afterwards.  `make loadtest` runs it; `make test` does not.

Why Python threads and http.client rather than wrk or ab: no extra system
package; the clients send the project's own mix of queries (both scripts,
phrases, OR, exclusions, hostile text); "error" means exactly what the
issue means (anything but a 200 with a JSON body, or a failed connection);
and the rebuild in the middle and the check that the server switched to it
are part of the same run.  The cost is that the clients share the machine
(and the GIL) with nothing else but each other: on 2 cores they, the
server and the rebuild compete, so the latencies are an upper bound.

Loopback only, and bounded: the server binds 127.0.0.1, the run stops after
--seconds (at most 300) or --max-requests, and the server is stopped at the end.
"""

import argparse
import http.client
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.synthetic import write_corpus  # noqa: E402  (after the path is set)

HOST = "127.0.0.1"  # loopback only, by design: there is no option to change it
QUERIES = ["Putin", "Assad Aleppo", '"Vladimir Putin"', "Syria -Russia", "Kerry OR Lavrov", "refugees",
           "oil prices", "بوتين", "الأسد حلب", "الانتخابات", "ceasefire Geneva", "Hollande", '"unbalanced',
           "((title: AND *", "x" * 600, "Put\u200fin \x00", "zzzunknownword"]
MARKER = ("zz-loadtest/marker.txt", "Load test marker\n\nA zanzibarite was found near Aleppo.\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Client(threading.Thread):
    """One keep-alive connection, sending searches until told to stop."""

    def __init__(self, port: int, deadline: float, budget: "Budget", seed: int):
        super().__init__(daemon=True)
        self.port, self.deadline, self.budget = port, deadline, budget
        self.random = random.Random(seed)
        self.samples: list[tuple[float, float]] = []  # (start, seconds)
        self.errors: list[str] = []
        self.reconnects = 0

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=30)

    def _get(self, connection, path: str) -> tuple[int, bytes]:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()

    def run(self) -> None:
        connection = self._connect()
        while time.monotonic() < self.deadline and self.budget.take():
            query = self.random.choice(QUERIES)
            path = "/api/search?q=" + quote(query)
            expected = 400 if len(query) > 500 else 200  # the over-long query gets its 400 message
            started = time.perf_counter()
            try:
                try:
                    status, body = self._get(connection, path)
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    # A server may close an idle kept-alive connection just as a request
                    # goes out; every HTTP client retries a GET once on a new one.
                    self.reconnects += 1
                    connection.close()
                    connection = self._connect()
                    status, body = self._get(connection, path)
                seconds = time.perf_counter() - started
                answer = json.loads(body)
                if status != expected or ("total" if status == 200 else "error") not in answer:
                    self.errors.append(f"{status} for {path[:80]}: {body[:120]!r}")
                else:
                    self.samples.append((started, seconds))
            except Exception as error:  # a refused or broken connection, a body that is not JSON
                self.errors.append(f"{type(error).__name__}: {error}")
                connection.close()
                connection = self._connect()
        connection.close()


class Budget:
    """The most requests all clients together may send."""

    def __init__(self, count: int):
        self.left, self.lock = count, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            self.left -= 1
            return self.left >= 0


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search", *map(str, command)], cwd=ROOT, capture_output=True,
                          text=True, **kwargs)


def search(port: int, query: str) -> dict:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", "/api/search?q=" + quote(query))
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="how long the clients run (at most 300)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (at most 64)")
    parser.add_argument("--articles", type=int, default=3000, help="made-up articles to index")
    parser.add_argument("--corpus", type=Path, help="index this folder instead (read in place, not changed)")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--max-requests", type=int, default=500_000, help="stop after this many requests")
    args = parser.parse_args(argv)
    seconds, clients = min(args.seconds, 300), min(args.clients, 64)

    with tempfile.TemporaryDirectory(prefix="loadtest-") as work:
        work = Path(work)
        corpus, index_dir = args.corpus or work / "corpus", work / "index"
        if args.corpus is None:
            write_corpus(corpus, args.articles)
        print(f"building the index of {corpus} ...", flush=True)
        built = run(["index", "--corpus", corpus, "--index", index_dir], timeout=3600)
        if built.returncode:
            print(built.stderr, file=sys.stderr)
            return 1
        print(built.stdout.splitlines()[0], flush=True)
        if args.corpus is None:  # an article only the rebuild will have, to see the server switch
            (corpus / MARKER[0]).parent.mkdir()
            (corpus / MARKER[0]).write_text(MARKER[1], encoding="utf-8")

        port = free_port()
        log = open(work / "server.log", "w")
        server = subprocess.Popen([sys.executable, "-m", "search", "serve", "--host", HOST, "--port", str(port),
                                   "--workers", str(args.workers), "--index", str(index_dir)],
                                  cwd=ROOT, stdout=log, stderr=log)
        try:
            ready = time.monotonic() + 60
            while True:
                try:
                    search(port, "Putin")
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > ready:
                        print("the server did not start:\n" + (work / "server.log").read_text(), file=sys.stderr)
                        return 1
                    time.sleep(0.2)
            for query in QUERIES:  # every worker loads its dictionaries before the clock starts
                for _ in range(args.workers * 2):
                    search(port, query)

            print(f"{clients} clients for {seconds:.0f}s on {HOST}:{port}, a rebuild at {seconds / 3:.0f}s ...",
                  flush=True)
            started = time.monotonic()
            budget = Budget(args.max_requests)
            threads = [Client(port, started + seconds, budget, seed) for seed in range(clients)]
            for thread in threads:
                thread.start()
            time.sleep(seconds / 3)  # early enough that the rebuild ends before the clients do
            rebuild_start = time.perf_counter()
            rebuild = run(["index", "--corpus", corpus, "--index", index_dir], timeout=3600)
            rebuild_end = time.perf_counter()
            for thread in threads:
                thread.join(timeout=seconds + 60)
            elapsed = time.monotonic() - started
            switched = args.corpus is not None or search(port, "zanzibarite").get("total") == 1
            alive = server.poll() is None
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()

    samples = [s for t in threads for s in t.samples]
    errors = [e for t in threads for e in t.errors]
    during = [seconds for at, seconds in samples if rebuild_start <= at <= rebuild_end]
    latencies = [seconds for _, seconds in samples]
    ms = lambda values, share: f"{percentile(values, share) * 1000:.1f} ms"  # noqa: E731
    print(f"requests served: {len(samples)} in {elapsed:.1f}s ({len(samples) / elapsed:.0f}/s)")
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:10]))
    print(f"reconnects (server closed a kept-alive connection, retried once): {sum(t.reconnects for t in threads)}")
    print(f"latency: p50 {ms(latencies, 0.5)}, p90 {ms(latencies, 0.9)}, p99 {ms(latencies, 0.99)}, "
          f"max {max(latencies, default=0) * 1000:.1f} ms, mean {statistics.fmean(latencies or [0]) * 1000:.1f} ms")
    print(f"during the rebuild ({rebuild_end - rebuild_start:.1f}s, exit {rebuild.returncode}): "
          f"{len(during)} requests, p50 {ms(during, 0.5)}, p99 {ms(during, 0.99)}")
    print("after the rebuild the server answered from the new index" if switched
          else "after the rebuild the server did NOT answer from the new index")
    ok = not errors and rebuild.returncode == 0 and switched and alive and samples
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
