"""A full build on several worker processes: the same index as one process makes, progress, failures."""

import errno
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb import compound

from search import index, parallel
from search.documents import Document
from tests.conftest import build_corpus
from tests.synthetic import write_corpus
from tests.test_index import answers, meta, stored


@pytest.mark.parametrize(
    "sizes, count, expected",
    [
        pytest.param([10, 10, 10, 30], 2, [range(0, 3), range(3, 4)], id="split by text, not by count"),
        pytest.param([5] * 6, 3, [range(0, 2), range(2, 4), range(4, 6)], id="equal documents, equal runs"),
        pytest.param([100, 1, 1], 2, [range(0, 1), range(1, 3)], id="one long document alone"),
        pytest.param([1], 2, [range(0, 1)], id="no empty run"),
    ],
)
def test_runs(sizes, count, expected):
    assert parallel.runs(sizes, count) == expected


def segments(index_dir: Path) -> int:
    return len(whoosh_index.open_dir(str(index.generation_dir(index_dir)), readonly=True)._segments())


@pytest.fixture
def corpus(tmp_path) -> Path:
    write_corpus(tmp_path / "corpus", 120, per_jsonl=10)
    build_corpus(tmp_path / "corpus", {"dup/a.jsonl": '{"id": "x", "text": "Putin in Damascus."}\n',
                                       "dup/a/x.txt": "A copy that loses\n\nMerkel in Ankara.\n"})
    return tmp_path / "corpus"


def build_with(monkeypatch, corpus: Path, index_dir: Path, workers: int, progress=None) -> index.Summary:
    monkeypatch.setattr(parallel, "worker_count", lambda documents: workers)
    return index.build(corpus, index_dir, progress=progress)


def test_two_workers_build_what_one_builds(monkeypatch, corpus, tmp_path):
    one = build_with(monkeypatch, corpus, tmp_path / "one", 1)
    two = build_with(monkeypatch, corpus, tmp_path / "two", 2)
    assert (segments(tmp_path / "one"), segments(tmp_path / "two")) == (1, 2)
    assert stored(tmp_path / "two") == stored(tmp_path / "one")
    assert answers(tmp_path / "two") == answers(tmp_path / "one")
    assert meta(tmp_path / "two")["files"] == meta(tmp_path / "one")["files"]
    assert two.lines()[1:] == one.lines()[1:]


def test_a_worker_writes_a_segment_whenever_it_holds_enough_text(monkeypatch, corpus, tmp_path):
    one = build_with(monkeypatch, corpus, tmp_path / "one", 1)
    monkeypatch.setattr(parallel, "SEGMENT_CHARS", 2_000)
    many = build_with(monkeypatch, corpus, tmp_path / "many", 2)
    assert segments(tmp_path / "many") > 4
    assert stored(tmp_path / "many") == stored(tmp_path / "one")
    assert answers(tmp_path / "many") == answers(tmp_path / "one")
    assert many.lines()[1:] == one.lines()[1:]


def test_an_update_of_a_two_worker_build_gives_what_a_rebuild_gives(monkeypatch, corpus, tmp_path):
    build_with(monkeypatch, corpus, tmp_path / "index", 2)
    (corpus / "dup/a.jsonl").unlink()  # the later copy of "x" takes over
    build_corpus(corpus, {"zz/new.txt": "New\n\nA zanzibarite in Aleppo.\n"})
    index.update(corpus, tmp_path / "index")
    build_with(monkeypatch, corpus, tmp_path / "rebuilt", 2)
    assert stored(tmp_path / "index") == stored(tmp_path / "rebuilt")
    assert answers(tmp_path / "index") == answers(tmp_path / "rebuilt")


def test_progress_counts_files_whose_documents_are_all_indexed(monkeypatch, corpus, tmp_path):
    calls = []
    monkeypatch.setattr(parallel, "REPORT_EVERY", 10)
    summary = build_with(monkeypatch, corpus, tmp_path / "index", 2, progress=lambda *args: calls.append(args))
    total_files, total_docs = summary.files, sum(summary.documents.values())
    assert calls[-1] == (total_files, total_files, total_docs)
    assert all(files == total_files for _, files, _ in calls)
    assert all(0 <= done <= total_files and 0 <= docs <= total_docs for done, _, docs in calls)
    assert any(0 < done < total_files for done, _, _ in calls)  # it moved on during the build, not only at its end


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_workers_error_is_raised_as_itself_and_leaves_no_generation(monkeypatch, corpus, tmp_path):
    monkeypatch.setattr(index.langid, "label", _disk_full)  # called in the workers, for documents without a language
    with pytest.raises(OSError) as raised:
        build_with(monkeypatch, corpus, tmp_path / "index", 2)
    assert raised.value.errno == errno.ENOSPC
    assert "in an indexing worker" in str(raised.value.__cause__)
    assert not list((tmp_path / "index").glob("g-*"))


def test_a_worker_that_dies_is_an_error(monkeypatch, corpus, tmp_path):
    monkeypatch.setattr(parallel.terms, "document_terms", lambda title, text: parallel.os._exit(3))
    with pytest.raises(index.BuildFailed, match="exit status 3"):
        build_with(monkeypatch, corpus, tmp_path / "index", 2)
    assert not list((tmp_path / "index").glob("g-*"))


def test_the_workers_leave_nothing_behind_in_the_generation(monkeypatch, corpus, tmp_path):
    build_with(monkeypatch, corpus, tmp_path / "index", 2)
    names = sorted(p.suffix or p.name for p in index.generation_dir(tmp_path / "index").iterdir())
    assert names == [".json", ".seg", ".seg", ".toc"]


def test_articles_give_back_each_document_whole():
    docs = [Document("a", "بوتين يلتقي هولاند", "قال الرئيس 😀 ...", "a.jsonl", lang="ar", line=1),
            Document("b", "", "Only a text, no title.", "b.txt"),
            Document("c", "Título", "", "c.txt", date="2015-11-20", url="https://example.com/c")]
    articles = parallel.Articles()
    for doc in docs:
        articles.append(doc)
    assert len(articles) == 3 and [articles[i] for i in range(3)] == docs
    assert [articles.size(i) for i in range(3)] == [len((d.title + d.text).encode("utf-8")) for d in docs]


def test_the_builds_own_checks_read_the_segments_from_disk(monkeypatch, corpus, tmp_path):
    """Whoosh copies a memory-mapped segment whole into memory (a BufferFile): the build's
    checks after its workers must not, or a large index doubles the build's memory."""
    def copied(*args, **kwargs):
        raise AssertionError("a segment was copied into memory")

    monkeypatch.setattr(compound, "BufferFile", copied)
    build_with(monkeypatch, corpus, tmp_path / "index", 2)
    monkeypatch.undo()
    assert answers(tmp_path / "index")


def test_a_workers_trim_empties_the_caches_of_readings_and_keys():
    from search import names, terms

    names.sound_keys("Gerasimov"), names.sound_keys("غيراسيموف")
    caches = (names.spellings, names.sound_keys, names._spell_arabic, names._spell_latin, names._keys_of)
    assert all(cache.cache_info().currsize for cache in caches)
    terms.trim_caches()
    assert not any(cache.cache_info().currsize for cache in caches)
