"""Hostile queries: whatever is typed, the engine, the API and the CLI answer, and every hit is a real article.

Property tests (hypothesis) over a made-up corpus of both languages, with
queries built from its own words, the characters that are syntax
elsewhere, and anything at all.  The analysers and the corpus loader have
their own random-input tests (tests/test_analysis.py, tests/test_documents.py).
"""

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import index
from search.query import MAX_LENGTH, QueryError
from search.searcher import Engine
from tests.conftest import ROOT
from tests.synthetic import AR_NAMES, AR_PLACES, AR_WORDS, EN_NAMES, EN_PLACES, EN_WORDS, write_corpus
from web import create_app

SYNTAX = ["OR", "AND", "NOT", "-", "--", '"', "'", "(", ")", "[", "]", "{", "}", "*", "?", "~", "^2", ":",
          "title:", "text:", "\\", "/", "%", "&", "<mark>", "</mark>", "<script>", "&amp;", "+", "|", "!"]
ODD = ["\x00", "\x1b[31m", "\u200f", "\u202e", "\ufeff", "\u0640", "\ufdfa", "ﻻ", "\u064e", "e\u0301",
       "\U0001f600", "\ud800", "\udcff", "٣٤", "ß", "İ", "ﬁ"]
WORDS = EN_NAMES + EN_PLACES + EN_WORDS[:10] + AR_NAMES + AR_PLACES + AR_WORDS[:10]

# Any character, lone surrogates included: argv and files read with
# surrogateescape hand those to the engine.
anything = st.text(st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr)), max_size=MAX_LENGTH + 100)
pieces = st.lists(st.one_of(st.sampled_from(WORDS + SYNTAX + ODD), st.text(max_size=6)), max_size=15)
queries = st.one_of(anything, pieces.map(" ".join), pieces.map("".join))
FUZZ = settings(max_examples=250, deadline=None)  # deadline: no timing asserts in tests


@pytest.fixture(scope="module")
def fuzz_index(tmp_path_factory) -> tuple[Path, set[str]]:
    root = tmp_path_factory.mktemp("fuzz")
    ids = write_corpus(root / "corpus", 200)
    index.build(root / "corpus", root / "index")
    return root / "index", ids


@pytest.fixture(scope="module")
def engine(fuzz_index) -> Engine:
    return Engine(fuzz_index[0])


@pytest.fixture(scope="module")
def client(fuzz_index):
    return create_app({"TESTING": True, "INDEX_DIR": str(fuzz_index[0])}).test_client()


@FUZZ
@given(text=queries, lang=st.sampled_from([None, "en", "ar"]), sort=st.sampled_from(["relevance", "date"]),
       page=st.integers(1, 3), xlang=st.booleans(), translate=st.booleans())
def test_any_query_gets_real_articles_or_the_length_message(engine, fuzz_index, text, lang, sort, page, xlang,
                                                            translate):
    try:
        results = engine.search(text, lang=lang, sort=sort, page=page, xlang=xlang, translate=translate)
    except QueryError as error:
        assert len(text) > MAX_LENGTH, error
        return
    assert len(text) <= MAX_LENGTH
    assert {hit.id for hit in results.hits} <= fuzz_index[1]
    assert len(results.hits) <= min(results.total, 10)
    assert all(hit.lang == lang for hit in results.hits) or lang is None
    json.dumps(results.to_json())  # what the API sends must be encodable


@FUZZ
@given(raw=st.one_of(st.binary(max_size=MAX_LENGTH + 100), queries.map(lambda q: q.encode("utf-8", "surrogatepass"))))
def test_the_api_and_the_page_answer_any_bytes_without_a_500(client, fuzz_index, raw):
    q = quote_from_bytes(raw)  # invalid UTF-8 included: the server decodes it, replacing what it must
    response = client.get(f"/api/search?q={q}")
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    body = response.get_json()
    if response.status_code == 400:
        assert f"the limit is {MAX_LENGTH}" in body["error"]
    else:
        assert {hit["id"] for hit in body["hits"]} <= fuzz_index[1]
    assert client.get(f"/search?q={q}").status_code == response.status_code


PARAMS = ["q", "lang", "page", "limit", "sort", "xlang", "translate"]


@FUZZ
@given(params=st.lists(st.tuples(st.sampled_from(PARAMS), st.one_of(st.text(max_size=12), st.integers().map(str))),
                       max_size=8))
def test_any_parameters_are_an_answer_or_a_400(client, params):
    url = "&".join(f"{quote(name)}={quote(value, safe='')}" for name, value in params)
    for path in ("/api/search", "/search"):
        response = client.get(f"{path}?{url}")
        assert response.status_code in (200, 302, 400), (path, url, response.status_code)


@FUZZ
@given(doc_id=st.text(max_size=60), text=queries)
def test_any_article_address_is_the_article_or_a_404(client, fuzz_index, doc_id, text):
    path = quote(doc_id.encode("utf-8", "surrogatepass"), safe="")
    response = client.get(f"/api/doc/{path}?q={quote_from_bytes(text.encode('utf-8', 'surrogatepass'))}")
    # 308: an id with "//" in it is sent to the address with one slash, as for any path
    assert response.status_code in (200, 308, 404)
    if response.status_code == 200:
        assert response.get_json()["id"] in fuzz_index[1]


# --- the CLI, with what a terminal or a file can hand it ---------------------

# The CLI echoes the query in its JSON as it got it: bytes that are not UTF-8
# (argv and stdin decode them with surrogateescape) go out as the same
# invalid bytes, so the JSON is not UTF-8.  The web app replaces them.

HOSTILE = [
    pytest.param(b'"unbalanced', id="unbalanced quote"),
    pytest.param(b"((Putin] {", id="unbalanced brackets"),
    pytest.param(b"AND", id="bare AND"),
    pytest.param(b"NOT", id="bare NOT"),
    pytest.param(b"*", id="bare star"),
    pytest.param(b"title:", id="bare field name"),
    pytest.param(b"Putin \x01\x02\x1b[2J\x7f", id="control characters"),
    pytest.param(b"Put\xffin \xd8", id="invalid UTF-8"),
    pytest.param(b"\xef\xbb\xbfPutin", id="byte order mark"),
    pytest.param("بوتين\u200f -\u202eالأسد".encode(), id="bidi controls"),
    pytest.param(b"x" * 10_000, id="10,000 characters"),
]


@pytest.fixture(scope="module")
def cli_index(fuzz_index) -> Path:
    return fuzz_index[0]


@pytest.mark.parametrize("line", HOSTILE)
def test_the_cli_answers_a_hostile_query_without_a_traceback(cli_index, line):
    # The query as an argument, as a shell passes bytes that are not UTF-8 (surrogateescape).
    out = subprocess.run([sys.executable.encode(), b"-m", b"search", b"query", b"--index", str(cli_index).encode(),
                          b"--json", line], cwd=ROOT, capture_output=True, timeout=120)
    assert b"Traceback" not in out.stderr
    if len(line) > MAX_LENGTH:
        assert out.returncode == 2 and out.stderr.count(b"\n") == 1
    else:
        assert out.returncode == 0, out.stderr
        assert "hits" in json.loads(out.stdout)


@pytest.mark.parametrize("lines", [
    pytest.param([p.values[0] for p in HOSTILE], id="hostile lines"),
    pytest.param([b"Putin", b"Put\xffin \xd8"], id="invalid UTF-8"),
])
def test_the_cli_batch_answers_every_hostile_line(cli_index, lines):
    out = subprocess.run([sys.executable, "-m", "search", "query", "--index", str(cli_index), "--batch", "-"],
                         cwd=ROOT, input=b"\n".join(lines) + b"\n", capture_output=True, timeout=120)
    assert out.returncode == 0 and b"Traceback" not in out.stderr
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(answers) == len(lines)
    assert ["error" in answer for answer in answers] == [len(line) > MAX_LENGTH for line in lines]
