"""The benchmark's code on a tiny corpus: what it generates, counts and reports.

No assert here is about speed; speed is what `make bench` reports.
"""

import doctest
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench import baseline, corpus, load, procs, queries, report
from search import bench, documents
from search.names import is_match


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """40 generated articles."""
    path = tmp_path_factory.mktemp("generated")
    corpus.generate(40, path)
    return path


def read_all(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*.txt"))}


@pytest.mark.parametrize("module", [corpus, queries, baseline, procs, report], ids=lambda m: m.__name__)
def test_the_examples_in_docstrings(module):
    assert doctest.testmod(module).failed == 0


# --- the generated corpus ------------------------------------------------

def test_generation_repeats_byte_for_byte(tiny, tmp_path):
    corpus.generate(40, tmp_path)
    assert read_all(tmp_path) == read_all(tiny)


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one(tiny, tmp_path):
    corpus.generate(10, tmp_path)
    smaller = read_all(tmp_path)
    assert len(smaller) == 10
    assert smaller == {name: data for name, data in read_all(tiny).items() if name in smaller}


def test_generated_articles_read_as_the_rebuild_reads_them(tiny):
    docs = [d for result in documents.load_corpus(tiny) for d in result.documents]
    assert len(docs) == 40
    assert all(d.lang is None for d in docs)  # no label: the rebuild detects the language
    sizes = [len(d.text.encode("utf-8")) for d in docs]
    assert 3_000 <= sum(sizes) / len(sizes) <= 7_000
    assert min(sizes) >= 1_000


@pytest.mark.parametrize(
    "what, found",
    [
        pytest.param("English articles", lambda arts: any(lang == "en" for lang, _, _ in arts), id="english"),
        pytest.param("Arabic articles", lambda arts: any(lang == "ar" for lang, _, _ in arts), id="arabic"),
        pytest.param("an Arabic passage in an English article",
                     lambda arts: any(lang == "en" and any("\u0600" <= ch <= "\u06ff" for ch in text)
                                      for lang, _, text in arts), id="mixed scripts"),
        pytest.param("a name in Latin letters", lambda arts: any("Putin" in text or "Obama" in text
                                                                  for _, _, text in arts), id="latin names"),
        pytest.param("a name in Arabic letters", lambda arts: any("بوتين" in text or "أوباما" in text
                                                                   for _, _, text in arts), id="arabic names"),
        pytest.param("vowel marks", lambda arts: any("\u064e" in text for _, _, text in arts), id="harakat"),
    ],
)
def test_generated_articles_have_what_costs_time_in_news(what, found):
    articles = [corpus.article(i) for i in range(60)]
    assert found(articles), what


def test_names_are_paired_with_spellings_that_match_across_scripts():
    # The cross-script queries are only meaningful if the engine's own matcher pairs them.
    simple = [(latin, arabic) for latin, arabic, _ in corpus.NAMES if " " not in latin and " " not in arabic]
    matched = sum(is_match(latin, arabic) for latin, arabic in simple)
    assert matched >= len(simple) * 0.6


def test_change_rewrites_one_file_in_a_hundred(tmp_path):
    corpus.generate(200, tmp_path)
    before = read_all(tmp_path)
    changed = corpus.change(tmp_path, 0.01)
    after = read_all(tmp_path)
    assert len(changed) == 2
    assert {name for name in before if before[name] != after[name]} == {str(p.relative_to(tmp_path)) for p in changed}


def test_sample_takes_articles_from_every_source(tmp_path):
    sources = []
    for name, lang in (("ar.jsonl", "ar"), ("en.jsonl", "en")):
        path = tmp_path / name
        path.write_text("".join(json.dumps({"id": i, "title": "t", "text": f"{lang} {i}", "lang": lang}) + "\n"
                                for i in range(100)), encoding="utf-8")
        sources.append(path)
    out = tmp_path / "sample.jsonl"
    assert corpus.sample_jsonl(sources, 20, out) == 20
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line["lang"] for line in lines} == {"ar", "en"}
    assert len({(line["lang"], line["id"]) for line in lines}) == 20


def test_only_files_of_articles_are_sampled(tmp_path):
    articles, topics = tmp_path / "a.jsonl", tmp_path / "topics.jsonl"
    articles.write_text('{"id": 1, "text": "x"}\n', encoding="utf-8")
    topics.write_text('{"id": "AR1", "en": {"title": "x"}}\n', encoding="utf-8")
    assert corpus.jsonl_articles([articles, topics]) == [articles]


# --- queries -------------------------------------------------------------

@pytest.fixture
def topics(tmp_path) -> Path:
    path = tmp_path / "topics.jsonl"
    path.write_text(json.dumps({"id": "AR1", "en": {"title": "Kurdistan Independence"},
                                "ar": {"title": "استقلال كردستان"}}, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_queries_mix_every_kind(tiny, topics):
    titles = [(lang, title) for lang, title, _ in (corpus.article(i) for i in range(400))]
    found = queries.build(titles, topics, n=500)
    assert len(found) >= 500
    kinds = {q.kind for q in found}
    assert kinds >= {"name", "cross-script name", "phrase", "operators", "TREC en", "TREC ar",
                     "title words en", "title words ar"}
    assert queries.Query("Kurdistan Independence", "TREC en") in found


def test_queries_are_the_same_in_every_run(topics):
    titles = [(lang, title) for lang, title, _ in (corpus.article(i) for i in range(50))]
    assert queries.build(titles, topics, n=300) == queries.build(titles, topics, n=300)


def test_queries_survive_a_round_trip_through_their_file(tmp_path, topics):
    found = queries.build([], topics, n=0)
    queries.save(found, tmp_path / "q.jsonl")
    assert queries.load(tmp_path / "q.jsonl") == found


def test_without_the_topics_file_there_are_no_trec_queries(tmp_path):
    assert queries.trec_queries(tmp_path / "missing.jsonl") == []


# --- the baselines -------------------------------------------------------

@pytest.mark.parametrize(
    "text, tokens",
    [
        pytest.param("Talks continued", ["talk", "continu"], id="english stems"),
        pytest.param("والقاهرة", ["قاهره"], id="arabic prefix and teh marbuta"),
        pytest.param("الأسد", ["اسد"], id="hamza on alef"),
        pytest.param("في القاهرة", ["قاهره"], id="arabic stop word"),
    ],
)
def test_naive_analyzer(text, tokens):
    assert [t.text for t in baseline.naive_analyzer()(text)] == tokens


def test_naive_index_finds_and_highlights(tmp_path):
    docs = [("1", "en", "Putin visits", "Putin met Obama in Moscow."), ("2", "ar", "زيارة", "التقى بوتين في موسكو")]
    assert baseline.build_naive(docs, tmp_path) == 2
    searcher = baseline.NaiveSearcher(tmp_path)
    total, snippets = searcher.search("Putin")
    assert total == 1 and "<b" in snippets[0] and "Putin" in snippets[0]
    assert searcher.search("بوتين")[0] == 1
    searcher.close()


def test_tantivy_index_finds_and_highlights(tmp_path):
    pytest.importorskip("tantivy")
    docs = [("1", "en", "Putin visits", "Putin met Obama in Moscow."), ("2", "ar", "زيارة", "التقى بوتين في موسكو")]
    assert baseline.build_tantivy(docs, tmp_path) == 2
    total, snippets = baseline.TantivySearcher(tmp_path).search("Putin")
    assert total == 1 and "<b>Putin</b>" in snippets[0]


# --- measuring -----------------------------------------------------------

def _wait_until(ready, seconds: float = 20) -> None:
    """Poll until `ready()` or the time is up; the test's own assertion then says which."""
    deadline = time.monotonic() + seconds
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_tree_memory_counts_the_children(tmp_path):
    code = "x = bytearray(80_000_000); import time; time.sleep(30)"
    child = subprocess.Popen([sys.executable, "-c", code])
    try:
        _wait_until(lambda: procs.tree_memory(child.pid) >= 80_000_000)
        assert procs.tree_memory(child.pid) >= 80_000_000
        assert procs.tree_memory(os.getpid()) >= procs.tree_memory(child.pid)  # its parent's tree includes it
    finally:
        child.kill()
        child.wait()


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="no PSS here: RSS counts shared pages twice")
def test_tree_memory_counts_pages_a_fork_shares_once():
    code = "import os, time\nx = b'x' * 100_000_000\nos.fork()\ntime.sleep(30)"
    parent = subprocess.Popen([sys.executable, "-c", code])
    try:
        _wait_until(lambda: procs.tree_memory(parent.pid) >= 100_000_000 and procs._children().get(parent.pid))
        assert 100_000_000 <= procs.tree_memory(parent.pid) < 150_000_000
    finally:
        for pid in procs._children().get(parent.pid, []):
            os.kill(pid, 9)
        parent.kill()
        parent.wait()


def test_tree_cpu_counts_the_children():
    # /proc counts CPU time in clock ticks, so the check leaves it a little slack.
    code = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\ntime.sleep(30)"
    child = subprocess.Popen([sys.executable, "-c", code])
    try:
        _wait_until(lambda: procs.tree_cpu(child.pid) >= 0.5)
        assert procs.tree_cpu(child.pid) >= 0.5
        assert procs.tree_cpu(os.getpid()) >= procs.tree_cpu(child.pid)
    finally:
        child.kill()
        child.wait()


def test_a_step_reports_its_build_and_memory(tiny, tmp_path):
    result = procs.run_step("build", {"engine": "naive", "corpus": str(tiny), "index": str(tmp_path / "ix")})
    assert result["documents"] == 40
    assert result["seconds"] > 0 and result["cpu_seconds"] > 0
    assert result["peak_memory"] > 10_000_000


def test_engines_take_turns_over_the_queries_and_a_failed_one_is_named(tiny, tmp_path):
    index_dir = tmp_path / "naive"
    procs.run_step("build", {"engine": "naive", "corpus": str(tiny), "index": str(index_dir)})
    queries_file = tmp_path / "queries.jsonl"
    queries.save(queries.build([("en", "Putin met Hollande")] * 5, tmp_path / "no-topics", n=12), queries_file)
    count = len(queries.load(queries_file))
    args = {"engine": "naive", "index": str(index_dir), "queries": str(queries_file)}
    found, failed = procs.run_alternating("latency", {"a": args, "b": args, "broken": {**args, "index": str(tmp_path / "none")}},
                                          count, 5)
    assert set(found) == {"a", "b"} and set(failed) == {"broken"}
    assert all(len(found[name]) == count and all(q["ms"] > 0 for q in found[name]) for name in found)
    # Block by block, one engine ran while the other waited, and which went first alternated.
    turns = []
    for k, start in enumerate(range(0, count, 5)):
        end = min(count, start + 5)
        for name in (("a", "b") if k % 2 == 0 else ("b", "a")):
            turns.append((found[name][start]["at"], found[name][end - 1]["at"]))
    assert all(earlier[1] < later[0] for earlier, later in zip(turns, turns[1:]))


def test_a_failed_step_says_so(tmp_path):
    with pytest.raises(procs.StepFailed):
        procs.run_step("latency", {"engine": "ours", "index": str(tmp_path / "none"), "queries": str(tmp_path / "q")})


@pytest.mark.parametrize(
    "values, p, expected",
    [
        pytest.param([3.0, 1.0, 2.0], 50, 2.0, id="median of three"),
        pytest.param([1.0, 2.0, 3.0, 4.0], 50, 2.0, id="median of four is the lower middle"),
        pytest.param(list(map(float, range(1, 101))), 99, 99.0, id="p99 of 100"),
        pytest.param(list(map(float, range(1, 101))), 100, 100.0, id="p100 is the largest"),
        pytest.param([7.0], 99, 7.0, id="one value"),
    ],
)
def test_percentile(values, p, expected):
    assert report.percentile(values, p) == expected


def _report(**changes) -> dict:
    base = {
        "goal_corpus": "shared (100)", "latency_index": "shared (100)",
        "rebuild": [{"corpus": "shared (100)", "engine": "ours", "x_naive": 3.2, "peak_memory": 2**30}],
        "update": [{"documents": 100, "nothing_share": 0.01}],
        "latency": [{"index": "shared (100)", "engine": "ours", "p50": 10.0, "p99": 40.0},
                    {"index": "shared (100)", "engine": "naive", "p50": 40.0, "p99": 90.0}],
        "web": {"cells": [{"endpoint": "/api/search", "clients": 8, "rps": 90.0}], "direct": {"rps": 100.0}},
    }
    return base | changes


@pytest.mark.parametrize(
    "changes, goal, met",
    [
        pytest.param({}, "rebuild MB/s", True, id="rebuild 3.2x"),
        pytest.param({"rebuild": [{"corpus": "shared (100)", "engine": "ours", "x_naive": 2.9, "peak_memory": 1}]},
                     "rebuild MB/s", False, id="rebuild 2.9x"),
        pytest.param({"rebuild": [{"corpus": "shared (100)", "engine": "ours", "x_naive": 3, "peak_memory": 3 * 2**30}]},
                     "peak memory", False, id="3 GB"),
        pytest.param({}, "peak memory", True, id="1 GB"),
        pytest.param({"update": [{"documents": 100, "nothing_share": 0.06}]}, "nothing changed", False, id="6%"),
        pytest.param({}, "query p50", True, id="p50 a quarter of naive"),
        pytest.param({"latency": [{"index": "shared (100)", "engine": "ours", "p50": 10.0, "p99": 60.0},
                                  {"index": "shared (100)", "engine": "naive", "p50": 20.0, "p99": 90.0}]},
                     "query p50", False, id="p50 half of naive"),
        pytest.param({"latency": [{"index": "shared (100)", "engine": "ours", "p50": 10.0, "p99": 60.0}]},
                     "query p99", False, id="p99 6x p50"),
        pytest.param({}, "query p99", True, id="p99 4x p50"),
        pytest.param({}, "web", True, id="web 90%"),
        pytest.param({"web": {"cells": [{"endpoint": "/api/search", "clients": 8, "rps": 70.0}],
                              "direct": {"rps": 100.0}}}, "web", False, id="web 70%"),
        pytest.param({"web": {"cells": [{"endpoint": "/api/search", "clients": 8, "rps": 50.0, "of_direct_cpu": 0.95}],
                              "direct": {"rps": 100.0}}}, "web", False, id="web judged by requests/s"),
        pytest.param({"web": {"cells": [{"endpoint": "/api/search", "clients": 8, "rps": 95.0, "of_direct_cpu": 0.7}],
                              "direct": {"rps": 100.0}}}, "web", True, id="web per CPU-second shown only"),
        pytest.param({"web": {"cells": [{"endpoint": "/api/search", "clients": 8, "rps": 90.0}], "direct": {"rps": 100.0},
                              "pairs": [{"share": 0.7}, {"share": 0.9}, {"share": 0.75}]}},
                     "web", False, id="web judged by the median pair, not the cell"),
        pytest.param({"web": {"cells": [{"endpoint": "/api/search", "clients": 8, "rps": 60.0}], "direct": {"rps": 100.0},
                              "pairs": [{"share": 0.85}, {"share": 0.6}, {"share": 0.82}]}},
                     "web", True, id="web median pair 82%"),
    ],
)
def test_goals(changes, goal, met):
    found = [g for g in report.goals(_report(**changes)) if goal in g["goal"]]
    assert len(found) == 1
    assert found[0]["met"] is met


class ScriptedServer:
    """A socket server that answers each request with the next of `answers` (raw bytes), on one thread.

    After an answer that says `Connection: close` or has no Content-Length, it closes the connection."""

    def __init__(self, answers: list[bytes]):
        self.answers, self.connections, self.requests = list(answers), 0, []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while self.answers:
            conn, _ = self.sock.accept()
            self.connections += 1
            with conn:
                buffer = b""
                while self.answers:
                    while b"\r\n\r\n" not in buffer:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        buffer += chunk
                    if b"\r\n\r\n" not in buffer:
                        break
                    request, buffer = buffer.split(b"\r\n\r\n", 1)
                    self.requests.append(request)
                    answer = self.answers.pop(0)
                    conn.sendall(answer)
                    if b"close" in answer or b"Content-Length" not in answer:
                        break
        self.sock.close()


def test_the_load_client_reads_answers_by_their_length_and_keeps_the_connection():
    server = ScriptedServer([
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
        b"HTTP/1.1 404 NOT FOUND\r\nContent-Length: 3\r\nServer: x\r\n\r\nno!",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nConnection: close\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nback",
    ])
    conn = load.Connection(server.port, timeout=5)
    ask = load.request_bytes(server.port, "/api/search?q=%D8%A8%D9%88%D8%AA%D9%8A%D9%86")
    assert conn.send(ask) == (200, b"hello")
    assert conn.send(ask) == (404, b"no!")  # the same connection: its length told where the answer ended
    with pytest.raises(ValueError, match="without Content-Length"):
        conn.send(ask)
    assert conn.send(ask) == (200, b"ok")  # a new connection, which the server then closes
    assert conn.send(ask) == (200, b"back")
    conn.close()
    assert server.connections == 3
    assert server.requests[0] == f"GET /api/search?q=%D8%A8%D9%88%D8%AA%D9%8A%D9%86 HTTP/1.1\r\nHost: 127.0.0.1:{server.port}".encode()


def test_the_load_client_counts_a_closed_connection_as_an_error():
    server = ScriptedServer([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nshort"])
    with pytest.raises(ConnectionError):
        load.get(server.port, "/")


def test_a_whole_run_on_a_tiny_corpus(tmp_path, monkeypatch):
    sizes = []  # (index folder, its size) as the rebuilds measure them
    monkeypatch.setattr(bench, "folder_size", lambda path: sizes.append((path.name, procs.folder_size(path))) or sizes[-1][1])
    out = tmp_path / "out"
    code = bench.main(["--generate", "30", "--no-shared", "--small", "0", "--queries", "200",
                       "--web-seconds", "1", "--clients", "1,8", "--web-rounds", "2", "--out", str(out),
                       "--workdir", str(tmp_path / "w")])
    assert code == 0
    found = json.loads((out / "report.json").read_text(encoding="utf-8"))
    engines = {row["engine"] for row in found["rebuild"]}
    assert engines >= {"ours", "naive"}
    assert all(row["documents"] == 30 for row in found["rebuild"])
    # The goal's corpus: ours built before and after naive, one row with the mean of the two.
    ours = [row for row in found["rebuild"] if row["engine"] == "ours"]
    assert len(ours) == 1 and len(ours[0]["runs"]) == 2
    assert ours[0]["seconds"] == pytest.approx(sum(ours[0]["runs"]) / 2)
    # Its index size is the first build's: the second's folder also keeps the first generation.
    first, second = [size for name, size in sizes if name.endswith("-ours")]
    assert ours[0]["index_bytes"] == first and second > 1.5 * first
    assert ours[0]["x_naive"] == pytest.approx(ours[0]["mb_per_s"] / next(
        row["mb_per_s"] for row in found["rebuild"] if row["engine"] == "naive"))
    assert found["update"] and found["update"][0]["changed_files"] >= 1
    assert {(row["engine"], row["count"]) for row in found["latency"]} >= {("ours", found["queries"]["count"])}
    assert {(c["endpoint"], c["clients"]) for c in found["web"]["cells"]} == {
        ("/api/search", 1), ("/api/search", 8), ("/search", 1), ("/search", 8)}
    assert all(c["errors"] == 0 and c["requests"] > 0 for c in found["web"]["cells"])
    assert found["web"]["direct"]["requests"] > 0
    assert all(c["cpu_ms"] > 0 and c["of_direct_cpu"] > 0 for c in found["web"]["cells"])
    # Thirty titles make too few queries for a second of requests: the runs repeat them, and say so.
    web = found["web"]
    wrapped = {f"{c['endpoint']} at {c['clients']} clients" for c in web["cells"] if c["requests"] > web["measured_queries"]}
    assert wrapped and wrapped <= set(web["repeated"])
    assert any("raise --web-queries" in note for note in found["notes"])
    # The goal's cell again, in two back-to-back pairs, each with its own direct calls.
    assert len(web["pairs"]) == 2
    assert all(p["requests"] > 0 and p["direct_rps"] > 0 and p["share"] == p["rps"] / p["direct_rps"] for p in web["pairs"])
    assert any("median of 2 pairs" in g["measured"] for g in found["goals"])
    assert any("nothing changed" in g["goal"] for g in found["goals"])
    table = (out / "report.md").read_text(encoding="utf-8")
    assert "## Full rebuild" in table and "| generated (30) | ours | 30 |" in table
    assert not (tmp_path / "w").exists()  # the work folder goes unless --keep


def test_a_run_on_a_given_jsonl_file(tmp_path):
    source = tmp_path / "news.jsonl"
    source.write_text("".join(json.dumps({"id": i, "title": title, "text": text}, ensure_ascii=False) + "\n"
                              for i, (_, title, text) in enumerate(corpus.article(k) for k in range(12))),
                      encoding="utf-8")
    out = tmp_path / "out"
    assert bench.main(["--corpus", str(source), "--no-shared", "--skip", "web", "--skip", "tantivy",
                       "--queries", "50", "--out", str(out), "--workdir", str(tmp_path / "w")]) == 0
    found = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {(row["corpus"], row["engine"], row["documents"]) for row in found["rebuild"]} == {
        ("given (12)", "ours", 12), ("given (12)", "naive", 12)}
    assert found["update"] == [] and "generated corpus" in found["update_notes"][0]
    assert "web" not in found and {row["engine"] for row in found["latency"]} == {"ours", "naive"}
    assert source.read_text(encoding="utf-8").count("\n") == 12  # the given corpus is left as it was


def test_no_web_goal_is_judged_when_the_direct_calls_measured_nothing():
    found = report.goals(_report(web={"cells": [{"endpoint": "/api/search", "clients": 8, "rps": 70.0}],
                                      "direct": {"rps": 0.0}}))
    assert not [g for g in found if "web" in g["goal"]] and found
