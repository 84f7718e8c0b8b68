"""End to end over the real corpus/: the right articles come back, the right words are marked."""

import gc
import re

import pytest

from search import gazetteer, index
from search.query import QueryError
from search.searcher import Engine
from tests.conftest import build_corpus

MARKED = re.compile(r"<mark>(.*?)</mark>")

AR = "004_b8fceaef4f830341"
PUTIN_EN = {"000_0bacf5d05607d659", "001_90be085a9dae3c16", "002_7393bfd90634e5fe"}


def ids(results):
    return {hit.id for hit in results.hits}


def marked(results):
    return {word for hit in results.hits for word in MARKED.findall(hit.snippet)}


@pytest.mark.parametrize(
    "query, expected_ids, expected_marks",
    [
        pytest.param("Putin", PUTIN_EN, {"Putin"}, id="English name"),
        pytest.param("S-400", {"002_7393bfd90634e5fe"}, {"S-400"}, id="weapon code finds only its article"),
        pytest.param("Russia's", None, {"Russia"}, id="possessive finds the plain word"),
        pytest.param("الاسد", {AR}, {"الأسد"}, id="Arabic without hamza marks the spelling with it"),
        pytest.param("اسد", {AR}, {"الأسد"}, id="Arabic without the article"),
        pytest.param("غيراسيموف", {AR}, {"غيراسيموف"}, id="Arabic name"),
        pytest.param("بُوتِين", {AR}, {"بوتين"}, id="vowel-marked query finds the bare name"),
        pytest.param("بـوتـين", {AR}, {"بوتين"}, id="stretched query finds the bare name"),
    ],
)
def test_queries_over_the_real_corpus(engine, query, expected_ids, expected_marks):
    results = engine.search(query, xlang=False, translate=False)
    if expected_ids is not None:
        assert ids(results) == expected_ids
    assert marked(results) >= expected_marks


def test_vowel_marked_original_is_what_gets_marked(engine):
    results = engine.search("تنظيم", xlang=False, translate=False)
    assert ids(results) == {AR}
    assert "<mark>تنظيم</mark>" in results.hits[0].snippet


def test_stemmed_english_matches_inflections(engine):
    results = engine.search("attack", xlang=False, translate=False)
    assert {"000_0bacf5d05607d659", "001_90be085a9dae3c16"} <= ids(results)
    assert marked(results) >= {"attacks", "attacked"}


def test_excluded_word_removes_articles(engine):
    assert "001_90be085a9dae3c16" in ids(engine.search("Putin", xlang=False, translate=False))
    assert "001_90be085a9dae3c16" not in ids(engine.search("Putin -Lavrov", xlang=False, translate=False))


def test_phrase_needs_its_words_in_order(engine):
    assert ids(engine.search('"Vladimir Putin"', xlang=False, translate=False)) == PUTIN_EN
    assert ids(engine.search('"Putin Vladimir"', xlang=False, translate=False)) == set()


def test_or_widens_and_all_words_narrow(engine):
    both = ids(engine.search("Putin Aleppo", xlang=False, translate=False))
    either = ids(engine.search("Putin OR Aleppo", xlang=False, translate=False))
    assert both < either
    assert "003_b916ab04b36c1af1" in either


def test_no_article_with_every_word_relaxes_to_any(engine):
    results = engine.search("Gerasimov zzzunknownword", xlang=False, translate=False)
    assert results.relaxed
    assert ids(results) == {"001_90be085a9dae3c16"}


def test_language_filter_and_counts(engine):
    results = engine.search("Syria", lang="en", xlang=False, translate=False)
    assert {hit.lang for hit in results.hits} == {"en"}
    assert results.counts["en"] == results.total


def test_snippets_escape_article_text(engine):
    for hit in engine.search("Hollande", xlang=False, translate=False).hits:
        assert "<" not in MARKED.sub("", hit.snippet)


def test_did_you_mean_uses_the_index_words(engine):
    assert engine.search("Hollnde", xlang=False, translate=False).suggestion == "Hollande"
    assert engine.search("meeting with Hollnde", xlang=False, translate=False).suggestion == "meeting with Hollande"
    assert engine.search("meeting with hollnde", xlang=False, translate=False).suggestion == "meeting with hollande"
    assert engine.search("Hlande", xlang=False, translate=False).suggestion == "Hollande"  # two edits, one near the start
    assert engine.search("Putin", xlang=False, translate=False).suggestion is None
    assert engine.search("alert(1) Putin", xlang=False, translate=False).suggestion is None


@pytest.mark.parametrize(
    "query",
    ["", "   ", "the of", '"', "((", "title:", "*", "AND", "NOT", "OR", "-", '"unbalanced', "\x00\x01"],
)
def test_odd_queries_find_nothing_without_error(engine, query):
    results = engine.search(query)
    assert results.hits == [] or results.total >= 1


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"text": "x" * 501}, id="too long"),
        pytest.param({"text": "Putin", "limit": 0}, id="limit zero"),
        pytest.param({"text": "Putin", "limit": 100_000}, id="limit huge"),
        pytest.param({"text": "Putin", "page": -1}, id="page negative"),
        pytest.param({"text": "Putin", "lang": "fr"}, id="unknown language"),
        pytest.param({"text": "Putin", "sort": "random"}, id="unknown sort"),
    ],
)
def test_bad_requests_raise_query_error(engine, kwargs):
    with pytest.raises(QueryError):
        engine.search(**kwargs)


def test_document_marks_the_whole_article(engine):
    doc = engine.document(AR, "الاسد", xlang=False, translate=False)
    assert doc["lang"] == "ar"
    assert MARKED.findall(doc["html"]) == ["الأسد"] * 3
    assert engine.document("no-such-id") is None


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("Putin", id="a name"),
        pytest.param("Putin OR بوتين", id="either script"),
        pytest.param("Syria -Russia", id="an exclusion"),
        pytest.param('"Vladimir Putin"', id="a phrase"),
        pytest.param("attack", id="an ordinary word, translated"),
    ],
)
def test_counts_are_every_hit_per_language_with_or_without_a_filter(engine, query):
    everything = engine.search(query, limit=100)  # more than the corpus holds: every hit is on the page
    assert everything.total == len(everything.hits) > 0
    for lang in ("en", "ar"):
        assert everything.counts[lang] == sum(hit.lang == lang for hit in everything.hits)
        only = engine.search(query, lang=lang, limit=100)
        assert only.counts == everything.counts
        assert only.total == only.counts[lang] == len(only.hits)
        assert [hit.id for hit in only.hits] == [hit.id for hit in everything.hits if hit.lang == lang]


def test_a_page_past_the_last_has_the_counts_and_no_hits(engine):
    first, past = engine.search("Putin"), engine.search("Putin", page=99)
    assert past.hits == [] and (past.total, past.counts, past.pages) == (first.total, first.counts, first.pages)


def test_a_repeated_search_gives_the_same_results(engine):
    first, again = engine.search("بوتين Hollnde").to_json(), engine.search("بوتين Hollnde").to_json()
    first.pop("took_ms"), again.pop("took_ms")
    assert first == again and first["expansions"] and first["suggestion"]


def test_what_is_cached_goes_with_its_index_generation(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    index.build(build_corpus(corpus, {"a.txt": "Pumpkin fair\nThe pumpkin fair opened."}), index_dir)
    engine = Engine(index_dir)
    assert engine.search("بوتين").total == 0
    assert engine.search("Hollnde").suggestion is None
    index.build(build_corpus(corpus, {"b.txt": "Talks\nThe president, Putin, met Hollande in Paris."}), index_dir)
    found = engine.search("بوتين")
    assert found.total == 1 and {"query": "بوتين", "matched": "putin", "via": "sound"} in found.expansions
    assert engine.search("Hollnde").suggestion == "Hollande"
    assert engine.search("pumpkin").counts == {"en": 1, "ar": 0}


def warm_up(engine: Engine) -> None:
    """engine.warm_up(), and the collector as it was before, for the tests that follow."""
    thresholds = gc.get_threshold()
    try:
        engine.warm_up()
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_warm_up_loads_the_generation_and_puts_it_out_of_the_collectors_sight(index_dir):
    thresholds = gc.get_threshold()
    try:
        gc.unfreeze()
        engine = Engine(index_dir)
        engine.warm_up()
        assert engine._generation is not None and engine._generation.ranker.size == 5
        assert engine._generation._lexicon is not None  # did-you-mean's words
        assert "btn" in engine._generation.sound.entries.keys()  # the short sound keys
        assert engine._generation.sound.shares["putin"] == 1.0  # and the Latin words' name shares
        assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] > thresholds[0]
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_warm_up_analyses_the_articles_words_before_any_query_and_snippets_stay_the_same(monkeypatch, tmp_path):
    from search import highlight
    from search.analysis import find_words

    corpus = build_corpus(tmp_path / "corpus", {
        "a.txt": "Talks\nQuxlington said Putin's envoy met Hollande.",
        "b.txt": "محادثات\nقال بُوتِين إن الكرملين يرحب بالمحادثات.",
    })
    index.build(corpus, tmp_path / "index")
    engine = Engine(tmp_path / "index")
    before = [(h.id, h.snippet) for q in ("Putin", "Quxlington", "محادثات") for h in engine.search(q).hits]
    monkeypatch.setattr(highlight, "_SEEN", highlight._Seen())  # as a process that has shown nothing
    warm_up(engine)
    seen = highlight._SEEN
    assert {"Quxlington", "Putin's", "بُوتِين", "بالمحادثات"} <= seen.tokens
    assert seen.by_exact["quxlington"] == "Quxlington" and seen.by_exact["بوتين"] == "بُوتِين"
    read = []  # articles read word by word: none, as every article's tokens are filed
    monkeypatch.setattr(highlight, "find_words", lambda text: read.append(text) or find_words(text))
    assert [(h.id, h.snippet) for q in ("Putin", "Quxlington", "محادثات") for h in engine.search(q).hits] == before
    assert any("<mark>بُوتِين</mark>" in h.snippet for h in engine.search("Putin").hits)
    assert read == []


def test_warm_up_finds_the_gazetteers_phrases_before_any_query(monkeypatch, index_dir):
    from search import ranking
    from search.expand import alias_phrases

    looked_up = {(p.fieldname, tuple(p.words)) for query in alias_phrases(gazetteer.default()) for p in query.leaves()}
    assert {("exact", ("u", "s")), ("text", ("unit", "state")), ("title", ("unit", "state"))} <= looked_up
    engine = Engine(index_dir)
    warm_up(engine)
    found, phrase = [], ranking.Ranker._phrase
    monkeypatch.setattr(ranking.Ranker, "_phrase",
                        lambda self, searcher, query: found.append((query.fieldname, tuple(query.words)))
                        or phrase(self, searcher, query))
    for name in ("Charles de Gaulle", "Le Drian", "شارل ديغول", '"Islamic State"', "United States"):
        assert engine.search(name).total, name
    assert found and not looked_up & set(found)  # de Gaulle, after Charles, is not an alias of its own


def test_did_you_mean_is_the_same_over_one_segment_or_several(monkeypatch, tmp_path):
    from search import parallel
    from tests.synthetic import write_corpus

    write_corpus(tmp_path / "corpus", 200)
    index.build(tmp_path / "corpus", tmp_path / "one")
    monkeypatch.setattr(parallel, "SEGMENT_CHARS", 10_000)
    index.build(tmp_path / "corpus", tmp_path / "several")
    one, several = Engine(tmp_path / "one"), Engine(tmp_path / "several")
    assert len(several._searcher()[0].leaf_searchers()) > len(one._searcher()[0].leaf_searchers())
    for typo in ("Putn", "Lavrof", "Holande", "بوتن", "ceasfire", "Aleppp"):
        assert one.search(typo).suggestion == several.search(typo).suggestion is not None


def test_sound_candidates_are_the_same_through_the_generations_cache(engine):
    from search import names, sound
    from search.cache import Lru

    searcher, _ = engine._searcher()
    reader, cache = searcher.reader(), sound.Cache(Lru(100_000), {})
    for word in ("Putin", "بوتين", "Hollnde", "degaulle", "غيراسيموف", "care"):
        fresh = sound.candidates(reader, word)
        assert sound.candidates(reader, word, cache=cache) == fresh  # filled
        assert sound.candidates(reader, word, cache=cache) == fresh  # read back
    assert {c.exact for c in sound.candidates(reader, "Putin", cache=cache)} >= {"بوتين"}
    assert set(cache.entries.keys()) >= names.sound_keys("Putin") | names.sound_keys("بوتين")


def test_preloaded_short_keys_give_the_same_sound_candidates(engine):
    from search import sound
    from search.cache import Lru

    searcher, _ = engine._searcher()
    reader, cache = searcher.reader(), sound.Cache(Lru(100_000), {})
    sound.preload(reader, cache)
    assert set(cache.entries.keys()) == set(sound.short_keys()) and len(cache.entries) == 12 ** 2 + 12 ** 3
    assert cache.entries.get("btn", lambda: None).exacts  # Putin and بوتين are under it
    for word in ("Putin", "بوتين", "لافروف", "Hollnde", "care", "Kerry", "Paris"):
        assert sound.candidates(reader, word, cache=cache) == sound.candidates(reader, word)
        assert sound.is_name(reader, word, cache.shares) == sound.is_name(reader, word)


def test_preloaded_name_shares_are_those_looked_up_one_by_one(engine):
    from search import sound
    from search.script import LATIN, script_of

    searcher, _ = engine._searcher()
    reader = searcher.reader()
    shares = sound.name_shares(reader)
    latin = {sound._decode(t).split(" ", 1)[1] for t in reader.lexicon(sound.FIELD)}
    latin = {w for w in latin if " " not in w and script_of(w) == LATIN}
    assert {"putin", "hollande", "kerry"} <= set(shares) and set(shares) == latin
    assert shares == {w: sound.name_share(reader, w) for w in latin}
    assert any(0 < share < 1 for share in shares.values())  # a word capitalised in some articles only
