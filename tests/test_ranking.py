"""The array ranker gives Whoosh's own matches, scores and order, on a real index of several segments."""

import numpy as np
import pytest
from whoosh import collectors
from whoosh import query as wq
from whoosh.matching import ListMatcher

from search import index, parallel
from search.ranking import Ranker, _blocks, _doc_frequencies, newest, top
from tests.synthetic import write_corpus


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranking")
    write_corpus(root / "corpus", 300)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "SEGMENT_CHARS", 20_000)  # several segments, so offsets matter
        index.build(root / "corpus", root / "index")
    with index.open_index(root / "index").searcher() as s:
        assert len(s.leaf_searchers()) > 2
        yield s


QUERIES = [
    wq.Term("text", "putin"),
    wq.Term("exact", "بوتين", boost=1.5),
    wq.Or([wq.Term("title", "syria"), wq.Term("text", "syria"), wq.Term("exact", "syria", boost=1.5)]),
    wq.And([wq.Term("text", "talk"), wq.Or([wq.Term("text", "putin"), wq.Term("exact", "بوتين", boost=0.8)])]),
    wq.Or([wq.And([wq.Term("text", "oil"), wq.Term("text", "price")]), wq.Term("title", "aleppo")], boost=0.7),
    wq.Or([wq.Phrase("text", ["oil", "price"]), wq.Phrase("title", ["oil", "price"])]),
    wq.Phrase("text", ["vladimir", "putin", "spoke"], boost=0.7),  # three words
    wq.Phrase("text", ["putin"]),
    wq.And([wq.Term("text", "syria"), wq.Not(wq.Or([wq.Term("text", "putin")]))]),
]
FINDING_NOTHING = [
    wq.Phrase("text", ["spoke", "putin", "vladimir"]),  # the words, but never in this order
    wq.Phrase("text", ["putin", "nosuchword"]),
    wq.Term("text", "nosuchword"),
]


def whoosh_scores(searcher, query) -> dict[int, float]:
    collector = collectors.TopCollector(limit=100_000, usequality=False, replace=0)
    searcher.search_with_collector(query, collector)
    return {hit.docnum: hit.score for hit in collector.results()}


@pytest.mark.parametrize("query", QUERIES + FINDING_NOTHING, ids=str)
def test_matches_and_scores_are_whooshs(searcher, query):
    ranker = Ranker(searcher)
    matched, scores = ranker.evaluate(searcher, query)
    expected = whoosh_scores(searcher, query)
    assert set(np.flatnonzero(matched).tolist()) == set(expected)
    # Whoosh's Not scores 1 for every document it lets through; ours scores nothing.
    shift = 1.0 if any(isinstance(q, wq.Not) for q in query.children()) else 0.0
    for docnum, score in expected.items():
        assert scores[docnum] + shift == pytest.approx(score, rel=1e-9)
    assert bool(expected) == (query not in FINDING_NOTHING)


def test_the_top_page_is_whooshs(searcher):
    ranker = Ranker(searcher)
    query = QUERIES[2]
    matched, scores = ranker.evaluate(searcher, query)
    results = searcher.search(query, limit=15, scored=True)
    whoosh_top = [hit.docnum for hit in results]
    assert top(scores, matched, 15).tolist() == whoosh_top


def test_blocks_read_what_whooshs_walk_reads(searcher):
    for leaf, _ in searcher.leaf_searchers():
        reader = leaf.reader()
        for field, text in (("text", "syria"), ("exact", "بوتين"), ("title", "talk")):
            if (field, text.encode()) not in reader:
                continue
            walk = reader.postings(field, text.encode())
            expected = []
            while walk.is_active():
                expected.append((walk.id(), walk.weight()))
                walk.next()
            got = [(d, w) for ids, weights in _blocks(reader.postings(field, text.encode()))
                   for d, w in zip(ids, weights)]
            assert got == expected and expected


def test_top_breaks_ties_by_document_number():
    scores = np.array([2.0, 5.0, 2.0, 2.0, 1.0])
    matched = np.array([True, True, True, True, True])
    assert top(scores, matched, 3).tolist() == [1, 0, 2]
    assert top(scores, matched, 10).tolist() == [1, 0, 2, 3, 4]
    assert top(scores, ~matched, 3).tolist() == []


def test_newest_puts_later_dates_first_and_skips_what_does_not_match():
    rank = np.array([3, 0, 2, 1])  # document 1 is the newest
    assert newest(rank, np.array([True, False, True, True]), 2).tolist() == [3, 2]


def test_date_rank_orders_by_stored_date(searcher):
    rank = Ranker(searcher).date_rank(searcher)
    dates = [searcher.stored_fields(d).get("date", "") for d in np.argsort(rank)]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 1


def test_a_kept_phrase_is_boosted_afresh_each_time(searcher):
    ranker = Ranker(searcher)
    plain, boosted = wq.Phrase("text", ["oil", "price"]), wq.Phrase("text", ["oil", "price"], boost=0.5)
    for query in (plain, boosted, plain):
        matched, scores = ranker.evaluate(searcher, query)
        expected = whoosh_scores(searcher, query)
        assert expected and {d: scores[d] for d in np.flatnonzero(matched)} == pytest.approx(expected)


def test_articles_added_by_whooshs_writer_rank_as_whoosh_ranks_them(tmp_path):
    """index --update adds articles with Whoosh's own writer, in a segment of its own."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 40)
    index.build(corpus, tmp_path / "index")
    (corpus / "extra.txt").write_text("Zanzibarian quokkas\n\nZanzibarian quokkas met in Aleppo.", encoding="utf-8")
    index.update(corpus, tmp_path / "index")
    with index.open_index(tmp_path / "index").searcher() as s:
        query = wq.Or([wq.Term("text", "quokka"), wq.Term("title", "zanzibarian"), wq.Term("text", "aleppo")])
        matched, scores = Ranker(s).evaluate(s, query)
        expected = whoosh_scores(s, query)
        assert {d: scores[d] for d in np.flatnonzero(matched)} == pytest.approx(expected)
        assert s.doc_count() == 41 and expected


def test_blocks_reads_a_matcher_of_postings_kept_in_memory():
    """A W3 codec with an inline limit keeps a rare term's postings in its entry, as a ListMatcher."""
    found = list(_blocks(ListMatcher([3, 8], [1.0, 2.5])))
    assert [(ids.tolist(), weights.tolist()) for ids, weights in found] == [([3, 8], [1.0, 2.5])]


def test_preload_reads_the_longest_posting_lists_within_its_budget(searcher):
    ranker = Ranker(searcher)
    reader = searcher.reader()
    longest = max((info.doc_frequency(), term) for term, info in reader.iter_field("text"))
    held = ranker.preload(searcher, ("text",), budget=longest[0] * 16)
    assert held == longest[0] * 16
    assert ranker._postings.keys() == [("text", longest[1].decode())]
    assert ranker.preload(searcher, ("text",), budget=0) == 0


def test_document_frequencies_read_segment_by_segment_are_the_merged_readers(searcher):
    fields = ("title", "text", "exact")
    found = _doc_frequencies(searcher, fields)
    merged = {(field, term): info.doc_frequency() for field in fields
              for term, info in searcher.reader().iter_field(field)}
    assert found == merged and len(found) > 200
