"""The name-matching evaluation: its data files, its parts, and a tiny run."""

import json
from collections import Counter

import pytest

from search import gazetteer, index
from search.evaluate import (Lexicon, _is_known, is_name_candidate, known_translations, load_pairs,
                             names_report, read_corpora, recall_results, searcher_report, sound_rank)
from search.analysis import words

PAIRS = load_pairs()
GAZETTEER = gazetteer.default()


def forms(name: str) -> tuple[str, ...]:
    return tuple(gazetteer.normalize(w) for w, _, _ in words(name))


def test_there_are_enough_pairs_of_every_type():
    kinds = Counter((p.kind, p.type) for p in PAIRS)
    assert len(PAIRS) >= 200
    assert all(kinds["sound", t] >= 50 for t in ("person", "place", "org"))
    assert kinds["alias", "place"] > 0 and kinds["alias", "person"] > 0
    assert all(p.source for p in PAIRS)


def test_no_sound_pair_is_in_the_gazetteer():
    listed = {forms(name) for entry in GAZETTEER.entries for name in entry.names}
    inside = [p.english for p in PAIRS if p.kind == "sound" and {forms(p.english), forms(p.arabic)} & listed]
    assert inside == []


def test_every_alias_pair_is_in_the_gazetteer():
    missing = [p.english for p in PAIRS if p.kind == "alias"
               and forms(p.arabic) not in {forms(a) for a in GAZETTEER.aliases(p.english)}]
    assert missing == []


def test_pairs_are_not_repeated():
    rows = [(forms(p.english), forms(p.arabic)) for p in PAIRS]
    assert len(rows) == len(set(rows))


def test_sound_recall_against_the_pair_names_meets_the_goal():
    vocabulary = {"ar": {f for p in PAIRS for f in forms(p.arabic)},
                  "en": {f for p in PAIRS for f in forms(p.english)}}
    lexicons = {language: Lexicon(v) for language, v in vocabulary.items()}
    sound = [r for r in recall_results(PAIRS, lexicons, GAZETTEER) if r.kind == "sound"]
    found = sum(1 for r in sound if r.rank is not None and r.rank <= 10)
    assert found / len(sound) >= 0.9


RANKS = [
    pytest.param("Putin", ["بوتين"], ["بوتين", "لبوتين"], 1, id="the name itself first"),
    pytest.param("Putin", ["لبوتين"], ["بوتين", "لبوتين"], 2, id="a clitic form ranks below the bare name"),
    pytest.param("Putin", ["بوتين"], ["لبوتين"], None, id="absent from the vocabulary"),
    pytest.param("Charles de Gaulle", ["شارل ديغول"], ["شارل", "ديغول"], 1, id="each word found, de joined"),
]


@pytest.mark.parametrize("query, golds, vocabulary, rank", RANKS)
def test_sound_rank(query, golds, vocabulary, rank):
    assert sound_rank(query, golds, Lexicon(gazetteer.normalize(w) for w in vocabulary)) == rank


KNOWN = [
    pytest.param("العراق", "iraq", True, id="a listed alias"),
    pytest.param("العراقي", "iraqi", True, id="its adjectives"),
    pytest.param("والعراقيين", "iraqis", True, id="clitic and plural"),
    pytest.param("اوراق", "iraqi", False, id="a look-alike is not family"),
    pytest.param("بوتين", "putin", True, id="a sound pair"),
]


@pytest.mark.parametrize("arabic, english, known", KNOWN)
def test_known_translations_cover_word_families(arabic, english, known):
    assert _is_known(arabic, english, known_translations(PAIRS, GAZETTEER)) is known


def write_lines(path, articles):
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")


@pytest.fixture
def corpora(tmp_path):
    """Two tiny corpora: Putin and Lavrov in both languages, care and However as traps."""
    write_lines(tmp_path / "ar_news.jsonl", [
        {"id": "a1", "title": "بوتين ولافروف", "text": "قال بوتين إن لافروف في موسكو. وقال لافروف كلاما."},
        {"id": "a2", "title": "", "text": "اجتمع بوتين مع كيري في موسكو"},
    ])
    write_lines(tmp_path / "en_news.jsonl", [
        {"id": "e1", "title": "PUTIN MEETS KERRY", "text": "Putin met Lavrov in Moscow. However, they take care."},
        {"id": "e2", "title": "", "text": "However, Kerry said Putin and Lavrov care about Moscow."},
        {"id": "e3", "title": "", "text": "Nobody read this line."},
    ])
    return tmp_path


def test_read_corpora_counts_words_by_script_and_capitals_inside_sentences(corpora):
    corpus = read_corpora(corpora)
    assert corpus.articles == 5
    assert corpus.arabic["بوتين"] == 3 and corpus.english["putin"] == 3
    assert is_name_candidate("putin", corpus)
    assert not is_name_candidate("care", corpus)  # always lower case
    assert not is_name_candidate("however", corpus)  # capitalised only where a sentence starts
    assert corpus.inside["putin"] == 1  # not the all-capital title, not a sentence start


def test_read_corpora_counts_articles_and_the_ones_that_use_a_word_as_a_name(corpora):
    write_lines(corpora / "ar_more.jsonl", [{"id": "a3", "title": "", "text": "وصل الرئيس بوتين إلى موسكو"}])
    corpus = read_corpora(corpora)
    assert corpus.by_language == {"ar": 3, "en": 3}
    assert corpus.in_articles["بوتين"] == 3 and corpus.in_articles["putin"] == 2  # articles, not occurrences
    assert corpus.named["بوتين"] == 1  # after الرئيس in one article
    assert corpus.usage("بوتين", "putin") == (3, 3, 1, 2 / 3)


def test_read_corpora_honours_the_limit(corpora):
    assert read_corpora(corpora, limit=1).articles == 2


def test_a_tiny_report_has_every_part(corpora):
    report = names_report(corpora, limit=10)
    assert "## Recall of cross-script lookup" in report
    assert "| sound | en→ar |" in report and "| alias | ar→en |" in report
    assert "## False matches on frequent words" in report
    assert "capitalisation gate" in report
    assert "SaudiNewsNet 2015" in report  # where the pairs come from


def test_without_corpora_the_report_says_so():
    report = names_report(None)
    assert "No corpora given" in report
    assert "## False matches" not in report


def test_the_searcher_section_searches_a_real_index(corpora, tmp_path_factory):
    # One more article that names Putin inside a sentence, so that most of his articles capitalise him there.
    write_lines(corpora / "en_more.jsonl", [{"id": "e4", "title": "", "text": "Officials said Putin would go."}])
    index_dir = tmp_path_factory.mktemp("index")
    index.build(corpora, index_dir)
    lines = searcher_report(index_dir, read_corpora(corpora), PAIRS, GAZETTEER)
    rows = {line.split(" | ")[0]: line.split(" | ")[1:] for line in lines if line.startswith("| ")}
    asked, found = int(rows["| both"][0]), int(rows["| both"][1])
    assert asked >= 6 and found == asked  # Putin, Lavrov, Kerry each way, all in the index
    assert rows["| Arabic"][1] == "0"  # no frequent Arabic word here meets anything but its partner
