"""The index folder in one process: updates that equal rebuilds, the lock, leftovers, failures, damage.

Killing real build processes, and a server answering through a rebuild,
are in tests/test_rebuild.py.
"""

import errno
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from search import documents, generations, index, lock
from search.searcher import Engine
from tests.conftest import CORPUS, ROOT, build_corpus
from tests.synthetic import QUERIES, write_corpus
from web import create_app

MORE_QUERIES = [*QUERIES, "Hollande Paris", "zanzibarite", "ميركل", "Merkel -Erdogan"]


def generation_names(index_dir: Path) -> set[str]:
    return {p.name for p in index_dir.glob("g-*")}


def answers(index_dir: Path) -> dict:
    """Everything a search shows, for every query, with hits in an order that ignores ties.

    Hits with equal scores come back in the order they were indexed, which an
    update does not keep; their order is not part of the answer.
    """
    engine = Engine(index_dir)
    out = {}
    for query in MORE_QUERIES:
        results = engine.search(query, limit=100)
        assert results.total <= 100, f"{query!r}: more hits than one page, so not all are compared"
        hits = sorted((-hit.score, hit.id, hit.snippet, hit.title, hit.lang, hit.date) for hit in results.hits)
        out[query] = (results.total, results.counts, results.suggestion, hits)
    return out


def stored(index_dir: Path) -> dict:
    with index.open_index(index_dir).searcher() as searcher:
        return {fields["id"]: fields for fields in searcher.all_stored_fields()}


def meta(index_dir: Path) -> dict:
    return json.loads((index.generation_dir(index_dir) / index.META).read_text(encoding="utf-8"))


# --- update gives what a rebuild gives ------------------------------------

DUPLICATE = "The story told twice\n\nKerry met Lavrov in Geneva to talk about refugees.\n"


@pytest.fixture(scope="module")
def small_built(tmp_path_factory) -> Path:
    """A corpus of ~120 articles with a duplicate id across files, and its index; copied by each test."""
    root = tmp_path_factory.mktemp("small")
    write_corpus(root / "corpus", 120, per_jsonl=10)
    build_corpus(root / "corpus", {
        # "pair/a.jsonl" sorts before "pair/a/x.txt" and both give the id "pair/a/x": the .jsonl line wins.
        "pair/a.jsonl": '{"id": "x", "text": "Putin and Assad met in Damascus."}\n'
                        '{"id": "y", "text": "Hollande spoke in Paris."}\n',
        "pair/a/x.txt": "A copy that loses\n\nMerkel visited Ankara with Erdogan.\n",
        "story.txt": DUPLICATE,
        "notes.txt": b"\x00\x01\x02binary\x00\x00\x00\x00",
    })
    index.build(root / "corpus", root / "index")
    return root


@pytest.fixture
def small(small_built, tmp_path) -> Path:
    shutil.copytree(small_built, tmp_path / "copy")
    return tmp_path / "copy"


def _edit_jsonl(path: Path, keep=lambda record: True, change=lambda record: record) -> None:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("".join(json.dumps(change(r), ensure_ascii=False) + "\n" for r in records if keep(r)),
                    encoding="utf-8")


def _first_txt(corpus: Path) -> Path:
    return sorted(corpus.glob("en-*.txt"))[0]


CHANGES = [
    pytest.param(lambda c: build_corpus(c, {"zz/new.txt": "New\n\nA zanzibarite was found in Aleppo.\n"}),
                 dict(new=1), id="new .txt file"),
    pytest.param(lambda c: build_corpus(c, {"zz/new.jsonl": '{"id": 1, "text": "zanzibarite in Raqqa", "lang": "en"}\n'
                                                            '{"id": 2, "text": "الأسد في حلب"}\n'}),
                 dict(new=1), id="new .jsonl file with and without lang"),
    pytest.param(lambda c: _first_txt(c).write_text("Changed\n\nzanzibarite Putin Kerry.\n", encoding="utf-8"),
                 dict(changed=1), id="changed .txt file"),
    pytest.param(lambda c: _edit_jsonl(c / "ar-000.jsonl", change=lambda r: {**r, "text": r["text"] + " zanzibarite"}),
                 dict(changed=1), id="every line of a .jsonl file edited"),
    pytest.param(lambda c: _edit_jsonl(c / "en-000.jsonl", keep=lambda r: r["id"] % 2 == 0),
                 dict(changed=1), id="lines removed from a .jsonl file"),
    pytest.param(lambda c: (c / "en-001.jsonl").unlink(), dict(removed=1), id="file deleted"),
    pytest.param(lambda c: _first_txt(c).write_bytes(b"\x00\x01\x02\x03" * 100),
                 dict(changed=1), id="file turned binary is skipped"),
    pytest.param(lambda c: (c / "pair/a.jsonl").unlink(), dict(removed=1, reread=1),
                 id="file holding an id deleted: the later copy takes over"),
    pytest.param(lambda c: _edit_jsonl(c / "pair/a.jsonl", keep=lambda r: r["id"] != "x"), dict(changed=1, reread=1),
                 id="line holding an id removed: the later copy takes over"),
    pytest.param(lambda c: build_corpus(c, {"story.TXT": "Told first\n\nzanzibarite\n"}), dict(new=1, reread=1),
                 id="new file sorted earlier takes an id from an unchanged one"),
    pytest.param(lambda c: [(c / "en-000.jsonl").unlink(), (c / "en-001.jsonl").rename(c / "en-001b.jsonl"),
                            build_corpus(c, {"zz/new.txt": "New\n\nzanzibarite\n"})],
                 dict(new=2, removed=2), id="deleted, renamed and added at once"),
]


@pytest.mark.parametrize("change, expected", CHANGES)
def test_update_gives_what_a_rebuild_gives(small, change, expected):
    corpus = small / "corpus"
    change(corpus)
    updated = index.update(corpus, small / "index")
    rebuilt = index.build(corpus, small / "rebuilt")
    counts = {name: getattr(updated.changes, name) for name in ("new", "changed", "removed", "reread")}
    assert counts == {"new": 0, "changed": 0, "removed": 0, "reread": 0, **expected}
    assert stored(small / "index") == stored(small / "rebuilt")
    assert answers(small / "index") == answers(small / "rebuilt")
    assert meta(small / "index")["files"] == meta(small / "rebuilt")["files"]
    assert updated.lines()[1:] == rebuilt.lines()[1:]  # the same encodings, repairs and skipped lines


def test_an_excluded_word_is_excluded_whatever_the_order(tmp_path):
    # Whoosh's AndNot let "b" through: the excluded word's first article came
    # before the wanted word's.  An update reorders articles, so it matters here.
    corpus = build_corpus(tmp_path / "corpus", {"a.txt": "One\n\nErdogan spoke.\n",
                                                "b.txt": "Two\n\nMerkel and Erdogan spoke.\n",
                                                "c.txt": "Three\n\nMerkel spoke.\n"})
    index.build(corpus, tmp_path / "index")
    assert [hit.id for hit in Engine(tmp_path / "index").search("Merkel -Erdogan", xlang=False).hits] == ["c"]


def _reads(monkeypatch) -> list[str]:
    read, real_read = [], documents.read_file

    def counted(root, path, **kwargs):
        read.append(path)
        return real_read(root, path, **kwargs)

    monkeypatch.setattr(documents, "read_file", counted)
    return read


def test_an_update_that_only_adds_reads_only_the_new_files(small, monkeypatch):
    corpus = small / "corpus"
    build_corpus(corpus, {"zz/new.txt": "New\n\nzanzibarite\n"})
    read = _reads(monkeypatch)
    summary = index.update(corpus, small / "index")
    assert read == ["zz/new.txt"]
    assert "rebuilt in full" not in summary.lines()[0]


def test_an_update_that_must_remove_articles_rebuilds_in_full_and_says_so(small, monkeypatch):
    corpus = small / "corpus"
    changed = _first_txt(corpus)
    changed.write_text("Changed\n\nzanzibarite\n", encoding="utf-8")
    read = _reads(monkeypatch)
    summary = index.update(corpus, small / "index")
    first = changed.relative_to(corpus).as_posix()
    assert read.count(first) == 2 and len(set(read)) == summary.files  # the changed file, then every file
    assert summary.lines()[0].startswith("updated the index in ")
    assert "(rebuilt in full on every core, as articles had to be removed): files 0 new, 1 changed" in summary.lines()[0]


def test_an_update_that_must_remove_articles_indexes_nothing_before_it_rebuilds(small, monkeypatch):
    corpus = small / "corpus"
    _first_txt(corpus).write_text("Changed\n\nzanzibarite\n", encoding="utf-8")
    build_corpus(corpus, {"zz/new.txt": "New\n\nzanzibarite\n"})
    expected = index.build(corpus, small / "rebuilt").lines()[1:]
    monkeypatch.setattr(index, "_index_file", lambda *a: pytest.fail("indexed with Whoosh's writer for nothing"))
    summary = index.update(corpus, small / "index")
    assert "files 1 new, 1 changed" in summary.lines()[0] and "documents 2 indexed, 1 removed" in summary.lines()[0]
    assert summary.lines()[1:] == expected
    assert stored(small / "index") == stored(small / "rebuilt")


def test_update_of_an_unchanged_corpus_keeps_the_generation(small, monkeypatch):
    before = (small / "index" / index.CURRENT).read_text()
    monkeypatch.setattr(documents, "read_file", lambda *a, **kw: pytest.fail("an unchanged file was read"))
    summary = index.update(small / "corpus", small / "index")
    assert (small / "index" / index.CURRENT).read_text() == before
    assert generation_names(small / "index") == {before.strip()}
    assert summary.lines()[0].startswith("the index is up to date: no file changed; it holds 123 documents")


def _older_version(index_dir: Path) -> None:
    path = index.generation_dir(index_dir) / index.META
    path.write_text(json.dumps({**json.loads(path.read_text()), "analysis_version": index.ANALYSIS_VERSION - 1}))


def _hashes_only(index_dir: Path) -> None:  # meta.json as the first version of the index wrote it
    path = index.generation_dir(index_dir) / index.META
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "files": {p: f["sha256"] for p, f in data["files"].items()}}))


@pytest.mark.parametrize(
    "spoil, reason",
    [
        pytest.param(lambda d: shutil.rmtree(d), "there is no index", id="no index yet"),
        pytest.param(_older_version, "was built by an older version", id="index of an older version"),
        pytest.param(_hashes_only, "does not record its files' contents", id="index without file contents"),
    ],
)
def test_update_without_a_usable_index_builds_in_full(small, spoil, reason):
    spoil(small / "index")
    summary = index.update(small / "corpus", small / "index")
    assert summary.changes is None
    assert any(line.startswith("built in full: ") and reason in line for line in summary.lines())
    assert sum(summary.documents.values()) == 123
    assert Engine(small / "index").search("Putin").total > 0


# --- one writer at a time ------------------------------------------------

def test_a_second_build_is_refused_while_one_holds_the_lock(small):
    with lock.hold(small / "index" / index.LOCK):
        with pytest.raises(index.BuildRunning) as refused:
            index.build(small / "corpus", small / "index")
    assert re.fullmatch(r"an index build is already running since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, "
                        rf"pid {os.getpid()}; wait for it to finish", str(refused.value))
    assert isinstance(refused.value, index.IndexError_)  # the CLI prints it on one line, the web app as a 503


def test_a_lock_left_by_a_dead_process_is_cleared(small):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    (small / "index" / index.LOCK).write_text(json.dumps({"pid": pid, "since": "2026-01-01 00:00:00 UTC"}))
    summary = index.update(small / "corpus", small / "index")
    cleared = f"cleared the lock of a build that did not finish (pid {pid}, since 2026-01-01 00:00:00 UTC)"
    assert cleared in summary.lines()
    assert (small / "index" / index.LOCK).read_text() == ""  # free again


# --- what a killed build leaves, the next one removes ------------------------

def _leave(index_dir: Path, what: str) -> str:
    name = f"g-20000101T000000.000000-{what}"
    if what == "tmp":
        (index_dir / "CURRENT.4242.tmp").write_text("g-half")
        return "CURRENT.4242.tmp"
    shutil.copytree(index.generation_dir(index_dir), index_dir / name)
    if what == "killed":
        (index_dir / name / index.META).unlink()
    return name


@pytest.mark.parametrize(
    "what",
    [
        pytest.param("tmp", id="a CURRENT written but not renamed"),
        pytest.param("killed", id="a generation killed while being written"),
        pytest.param("done", id="a finished generation never switched to"),
    ],
)
def test_the_next_build_removes_what_a_killed_one_left(small, what):
    index_dir = small / "index"
    left = _leave(index_dir, what)
    summary = index.build(small / "corpus", index_dir)
    assert f"removed {left}, left by a build that did not finish" in summary.lines()
    assert not (index_dir / left).exists()
    assert sorted(p.name for p in index_dir.iterdir() if not p.name.startswith("g-")) == ["CURRENT", "LOCK"]


def test_the_generation_just_replaced_is_kept_for_readers(small):
    index_dir = small / "index"
    first = index.generation_dir(index_dir).name
    second = index.build(small / "corpus", index_dir).generation
    assert generation_names(index_dir) == {first, second}
    third = index.build(small / "corpus", index_dir).generation
    assert generation_names(index_dir) == {second, third}
    summary = index.build(small / "corpus", index_dir)  # a build that starts keeps both too
    assert not any(line.startswith("removed") for line in summary.lines())


# --- a failing build (disk full, a bug) leaves the old index answering ---------

def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _after_switch(monkeypatch):
    real = generations.switch

    def switch_then_fail(*args):
        real(*args)
        _disk_full()

    monkeypatch.setattr(generations, "switch", switch_then_fail)


FAILURES = [
    pytest.param(lambda m: m.setattr(index.langid, "label", _disk_full), id="while indexing documents"),
    pytest.param(lambda m: m.setattr(index, "_sum_rounded_lengths", _disk_full), id="after the commit"),
    pytest.param(lambda m: m.setattr(generations, "sync_tree", _disk_full), id="flushing the new generation"),
    pytest.param(lambda m: m.setattr(index, "_check", _disk_full), id="checking the new generation"),
    pytest.param(lambda m: m.setattr(generations.os, "replace", _disk_full), id="renaming CURRENT"),
]


@pytest.mark.parametrize("fail", FAILURES)
@pytest.mark.parametrize("run", [index.build, index.update], ids=["build", "update"])
def test_a_failed_build_leaves_the_old_index_and_no_litter(small, monkeypatch, fail, run):
    index_dir = small / "index"
    before = answers(index_dir)
    current = (index_dir / index.CURRENT).read_text()
    build_corpus(small / "corpus", {"zz/new.txt": "New\n\nA zanzibarite.\n"})  # something for the update to do
    with monkeypatch.context() as patch:
        fail(patch)
        with pytest.raises(OSError):
            run(small / "corpus", index_dir)
    assert (index_dir / index.CURRENT).read_text() == current
    assert answers(index_dir) == before
    assert sorted(p.name for p in index_dir.iterdir()) == sorted(["CURRENT", "LOCK", current.strip()])
    assert (index_dir / index.LOCK).read_text() == ""


def test_a_failure_after_the_switch_keeps_the_new_index(small, monkeypatch):
    index_dir = small / "index"
    build_corpus(small / "corpus", {"zz/new.txt": "New\n\nA zanzibarite.\n"})
    with monkeypatch.context() as patch:
        _after_switch(patch)
        with pytest.raises(OSError):
            index.build(small / "corpus", index_dir)
    assert Engine(index_dir).search("zanzibarite").total == 1


# --- a damaged or incompatible index says what to do ---------------------------

def _segment(index_dir: Path) -> Path:
    return next(index.generation_dir(index_dir).glob("*.seg"))


def _damage(spoil, expected: str, id: str):
    return pytest.param((spoil, expected), id=id)


DAMAGE = [
    _damage(lambda d: shutil.rmtree(d), "there is no index at", id="no index at all"),
    _damage(lambda d: (d / "CURRENT").unlink(), "there is no index at", id="CURRENT deleted"),
    _damage(lambda d: (d / "CURRENT").write_text("g-gone\n"), "is damaged", id="CURRENT names a missing folder"),
    _damage(lambda d: (d / "CURRENT").write_text("../../etc\n"), "is damaged", id="CURRENT holds a path"),
    _damage(lambda d: (d / "CURRENT").write_bytes(b"\xff\xfe\x00garbage"), "is damaged", id="CURRENT is garbage"),
    _damage(lambda d: (index.generation_dir(d) / "meta.json").write_text("{not json"), "is damaged",
                 id="meta.json is not JSON"),
    _damage(lambda d: (index.generation_dir(d) / "meta.json").write_text("[1, 2]"), "is damaged",
                 id="meta.json is not an object"),
    _damage(lambda d: (index.generation_dir(d) / "meta.json").unlink(), "is damaged", id="meta.json deleted"),
    _damage(_older_version, "was built by an older version", id="older analysis version"),
    _damage(lambda d: _segment(d).unlink(), "is damaged", id="segment file deleted"),
    _damage(lambda d: os.truncate(_segment(d), _segment(d).stat().st_size // 2), "is damaged",
                 id="segment file cut in half"),
    _damage(lambda d: os.truncate(_segment(d), 10), "is damaged", id="segment file cut to 10 bytes"),
    _damage(lambda d: next(index.generation_dir(d).glob("*.toc")).unlink(), "is damaged",
                 id="table of contents deleted"),
]


@pytest.fixture(scope="module")
def real_built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("real") / "index"
    index.build(CORPUS, path)
    return path


@pytest.fixture
def damaged(real_built, tmp_path, request) -> tuple[Path, str]:
    spoil, expected = request.param
    index_dir = tmp_path / "index"
    shutil.copytree(real_built, index_dir)
    spoil(index_dir)
    return index_dir, expected


@pytest.mark.parametrize("damaged", DAMAGE, indirect=True)
def test_a_damaged_index_says_what_to_do_and_a_build_mends_it(damaged):
    index_dir, expected = damaged
    with pytest.raises(index.IndexError_) as error:
        Engine(index_dir).search("Putin")
    assert expected in str(error.value)
    assert str(index_dir) in str(error.value) and "make index" in str(error.value)

    out = subprocess.run([sys.executable, "-m", "search", "query", "--index", str(index_dir), "Putin"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (out.returncode, out.stderr.count("\n")) == (1, 1)  # one line, no traceback
    assert expected in out.stderr and "make index" in out.stderr

    response = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client().get("/api/search?q=Putin")
    assert response.status_code == 503
    assert expected in response.get_json()["error"]

    index.build(CORPUS, index_dir)
    assert Engine(index_dir).search("Gerasimov").total >= 1
