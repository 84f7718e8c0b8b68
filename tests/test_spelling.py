"""Did you mean: the lexicon RapidFuzz weighs finds what Whoosh's own automaton finds."""

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import spelling
from search.spelling import Lexicon, correct


def test_the_examples_in_docstrings():
    assert doctest.testmod(spelling).failed == 0


@pytest.fixture(scope="module")
def reader(engine):
    searcher, _ = engine._searcher()
    return searcher.reader()


def whoosh_within(reader, text, maxdist, prefix):
    return sorted(set(reader.terms_within("exact", text, maxdist, prefix=prefix)))


@pytest.mark.parametrize("text, maxdist, prefix", [
    pytest.param("hollnde", 1, 1, id="one letter dropped"),
    pytest.param("hlande", 2, 1, id="two letters dropped"),
    pytest.param("putn", 1, 1, id="short name"),
    pytest.param("russai", 2, 1, id="two letters swapped are two edits"),
    pytest.param("بوتن", 1, 1, id="Arabic long vowel dropped"),
    pytest.param("الرييس", 2, 4, id="Arabic with the article and a wider prefix"),
    pytest.param("غيراسيموف", 2, 2, id="a word of the index itself"),
    pytest.param("xqzv", 2, 1, id="nothing near"),
])
def test_the_same_words_as_whooshs_automaton(reader, text, maxdist, prefix):
    ours = Lexicon.of(reader).within(text, maxdist, prefix)
    assert ours == whoosh_within(reader, text, maxdist, prefix)
    if text != "xqzv":
        assert ours


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="aehilnoprstu", min_size=1, max_size=9),
       maxdist=st.integers(1, 2), prefix=st.integers(1, 3))
def test_any_latin_word_finds_what_whoosh_finds(reader, text, maxdist, prefix):
    prefix = min(prefix, len(text))  # Whoosh fails on a prefix longer than the word
    assert Lexicon.of(reader).within(text, maxdist, prefix) == whoosh_within(reader, text, maxdist, prefix)


def test_the_most_frequent_word_wins_and_then_the_larger():
    lexicon = Lexicon(["cart", "card", "care", "core"])
    counts = {"cart": 3, "card": 3, "care": 1, "core": 9}
    assert correct(lexicon, counts.get, "carx") == ["cart"]  # core is two edits away
    assert correct(Lexicon(["bath", "path"]), lambda w: 0, "xath") == []  # the first letter is kept
    assert correct(Lexicon(["abcd", "abce"]), lambda w: 0, "abcx") == ["abce"]


def test_two_edits_only_when_one_finds_nothing():
    lexicon = Lexicon(["hollande", "holland", "hand"])
    counts = {"hollande": 1, "holland": 1, "hand": 50}
    assert correct(lexicon, counts.get, "hollnde") == ["hollande"]
    assert correct(lexicon, counts.get, "hlande") == ["hand"]  # two edits: the most frequent


def test_arabic_two_edits_keep_the_letters_after_the_article():
    lexicon = Lexicon(["الرييس", "الكبير"])
    assert correct(lexicon, lambda w: 1, "الرءيسس") == []  # two edits, one of them in الري
    assert correct(lexicon, lambda w: 1, "الريسسس") == ["الرييس"]  # two edits after الري
    assert correct(Lexicon(["الرييس"]), lambda w: 1, "الزييس") == ["الرييس"]  # one edit: only ا is kept
    assert correct(Lexicon(["الرييس"]), lambda w: 1, "الززيس") == []
