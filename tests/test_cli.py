"""The command line, run as a user runs it: a real process over a real index."""

import json
import re
import socket
import subprocess
import sys

import pytest

from bench import load
from tests.conftest import CORPUS, ROOT
from web.serve import WARM


def run(*args, input=None):
    return subprocess.run([sys.executable, "-m", "search", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, input=input, timeout=120)


def test_index_prints_a_summary(tmp_path):
    out = run("index", "--corpus", CORPUS, "--index", tmp_path / "ix")
    assert out.returncode == 0, out.stderr
    assert "indexed 5 documents (ar: 1, en: 4) from 5 files" in out.stdout
    assert "indexing: 5/5 files" in out.stderr  # plain progress lines when not on a terminal


def test_query_json_has_the_documented_shape(index_dir):
    out = run("query", "--index", index_dir, "--json", "Gerasimov")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["query"] == "Gerasimov"
    assert data["total"] >= 1
    hit = data["hits"][0]
    assert {"id", "title", "lang", "score", "snippet"} <= hit.keys()
    assert hit["id"] == "001_90be085a9dae3c16"
    assert "<mark>Gerasimov</mark>" in hit["snippet"]


def test_query_lang_and_limit(index_dir):
    data = json.loads(run("query", "--index", index_dir, "--json", "--lang", "en", "--limit", "1", "Syria").stdout)
    assert len(data["hits"]) == 1
    assert data["hits"][0]["lang"] == "en"


def test_batch_reads_one_query_per_line(index_dir):
    out = run("query", "--index", index_dir, "--batch", "-", input="Putin\nالاسد\n" + "x" * 600 + "\n")
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["query"][:5] for line in lines] == ["Putin", "الاسد", "xxxxx"]
    assert lines[1]["hits"][0]["lang"] == "ar"
    assert "limit is 500" in lines[2]["error"]


def test_nothing_found_still_exits_zero(index_dir):
    out = run("query", "--index", index_dir, "zzzunknownword")
    assert out.returncode == 0
    assert out.stdout.startswith("0 results")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["query"], id="no query"),
        pytest.param(["query", "--lang", "fr", "x"], id="unknown language"),
        pytest.param(["query", "--limit", "many", "x"], id="limit not a number"),
        pytest.param(["query", "--limit", "0", "x"], id="limit out of range"),
        pytest.param(["query", "x" * 501], id="query too long"),
        pytest.param(["frobnicate"], id="unknown command"),
    ],
)
def test_usage_errors_exit_2_with_one_line(index_dir, args):
    if args[0] == "query":
        args = ["query", "--index", str(index_dir), *args[1:]]
    out = run(*args)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


def test_missing_index_says_how_to_build_it(tmp_path):
    out = run("query", "--index", tmp_path / "none", "Putin")
    assert out.returncode == 1
    assert "make index" in out.stderr
    assert "Traceback" not in out.stderr


def test_serve_on_a_taken_port_says_so_in_one_line(index_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = run("serve", "--host", "127.0.0.1", "--port", port, "--index", index_dir)
    assert out.returncode == 1
    assert out.stderr.strip() == f"python -m search: cannot serve on 127.0.0.1:{port}: Address already in use"


@pytest.mark.parametrize("options, logged", [((), False), (("--access-log",), True)])
def test_serve_logs_requests_only_when_asked_and_never_the_query(index_dir, tmp_path, options, logged):
    log_path = tmp_path / "server.log"
    server = load.Server(index_dir, log_path, workers=1, options=options)
    try:
        server.wait_ready()
        status, body = load.get(server.port, "/api/search?q=Gerasimov")
    finally:
        server.stop()
    assert status == 200 and json.loads(body)["total"] >= 1
    text = log_path.read_text()
    assert ('"GET /api/search HTTP/1.1" 200' in text) is logged, text
    assert "Gerasimov" not in text
    assert "Traceback" not in text
    assert text.count(WARM) == 1  # the one worker said it was warm (Server.wait_ready waits for it)


def test_update_reindexes_only_what_changed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Putin in Moscow\nPutin met Hollande.", encoding="utf-8")
    ix = tmp_path / "ix"
    assert run("index", "--corpus", corpus, "--index", ix).returncode == 0
    out = run("index", "--update", "--corpus", corpus, "--index", ix)
    assert out.stdout.startswith("the index is up to date: no file changed"), out.stdout
    (corpus / "b.txt").write_text("Lavrov in Ankara\nLavrov spoke.", encoding="utf-8")
    out = run("index", "--update", "--corpus", corpus, "--index", ix)
    assert "files 1 new, 0 changed, 0 removed, 1 unchanged; documents 1 indexed, 0 removed" in out.stdout
    found = json.loads(run("query", "--index", ix, "--json", "Lavrov").stdout)
    assert [hit["id"] for hit in found["hits"]] == ["b"]


def test_every_command_and_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = ["index", "query", "serve", "eval", "bench"]
    settings = ["SEARCH_INDEX_DIR", "SEARCH_CORPUS_DIR", "SEARCH_CORPORA_DIR", "SEARCH_DICT_DIR", "SEARCH_CACHE_DIR"]
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "search").glob("*.py"))
    assert set(settings) >= set(re.findall(r'environ.get\("(\w+)"', sources))
    missing = [c for c in commands if f"python -m search {c}" not in readme] + [s for s in settings if s not in readme]
    assert missing == []
