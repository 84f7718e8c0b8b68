"""Snippets mark exactly the words the query's forms match, found without analysing every word."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import highlight
from search.analysis import find_words, forms
from search.highlight import Terms, matches, snippet


@pytest.mark.parametrize(
    "text, terms, expected",
    [
        pytest.param("Putinism and Putin.", Terms(exact={"putin"}), "Putinism and <mark>Putin</mark>.",
                     id="not inside a longer word"),
        pytest.param("Putin and Putinism.", Terms(exact={"putin"}), "<mark>Putin</mark> and Putinism.",
                     id="a longer word after the match"),
        pytest.param("ومصر ثم مصر", Terms(exact={"مصر"}), "ومصر ثم <mark>مصر</mark>",
                     id="not at the end of a longer word"),
        pytest.param("O'Neil met Neil", Terms(exact={"neil"}), "O'Neil met <mark>Neil</mark>",
                     id="not after an apostrophe inside a word"),
        pytest.param("an anti-Putin rally", Terms(exact={"putin"}), "an anti-<mark>Putin</mark> rally",
                     id="one piece of a hyphenated word"),
        pytest.param("the S-400 system", Terms(exact={"s400"}), "the <mark>S-400</mark> system",
                     id="a weapon code as one word"),
        pytest.param("قال بُوتِين اليوم", Terms(exact={"بوتين"}), "قال <mark>بُوتِين</mark> اليوم",
                     id="Arabic with its vowel marks"),
        pytest.param("Russia's army", Terms(stems={"russia"}), "<mark>Russia's</mark> army", id="possessive"),
        pytest.param("it attacks, it attacked", Terms(stems={"attack"}),
                     "it <mark>attacks</mark>, it <mark>attacked</mark>", id="two inflections of one stem"),
        pytest.param("a <b> & Putin", Terms(exact={"putin"}), "a &lt;b&gt; &amp; <mark>Putin</mark>",
                     id="the rest escaped"),
        pytest.param("nothing here", Terms(exact={"putin"}), "nothing here", id="no match"),
    ],
)
def test_snippet_marks(text, terms, expected):
    assert snippet(text, terms) == expected


def test_the_window_is_where_most_distinct_words_are():
    text = "Putin spoke. " + "filler " * 60 + "Putin met Hollande."
    html = snippet(text, Terms(exact={"putin", "hollande"}))
    assert html.startswith("… ") and "<mark>Putin</mark> met <mark>Hollande</mark>" in html


PIECES = ["Putin", "putin", "Putinism", "anti", "R", "O'", "-", "'", "\u2019", "s", " ", ". ", "S-400", "400", "x-1",
          "بوتين", "بُوتِين", "والقاهرة", "ال", "\u0651", "--", "-'"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25), st.data())
def test_matches_are_the_words_whose_forms_match(pieces, data):
    text = "".join(pieces)
    words = list(forms(text))
    stems = data.draw(st.sets(st.sampled_from([f.stem for f in words] or ["none"])))
    exact = data.draw(st.sets(st.sampled_from([f.exact for f in words] or ["none"])))
    terms = Terms(stems=stems, exact=exact)
    assert matches(text, terms) == [f for f in words if f.stem in stems or f.exact in exact]


def test_tokens_met_in_earlier_articles_match_as_new_ones_do(monkeypatch):
    texts = ["Putin met Hollande in Moscow; talks continued.",
             "قال بوتين إن المحادثات مع أولاند في موسكو مستمرة",
             "Hollande's talks: PUTIN, putin and Putinism."]
    terms = Terms(stems={"talk", "محادث"}, exact={"putin", "بوتين", "hollande"})

    def every_word(text):  # what matches must find, word by word
        return [f for f in forms(text) if f.stem in terms.stems or f.exact in terms.exact]

    first = [matches(t, terms) for t in texts]
    again = [matches(t, terms) for t in texts]
    monkeypatch.setattr(highlight._Seen, "LIMIT", 0)  # every call starts the filing again
    cleared = [matches(t, terms) for t in texts]
    assert first == again == cleared == [every_word(t) for t in texts]
    assert all(first)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=25).map("".join), min_size=2, max_size=4), st.data())
def test_an_article_whose_tokens_are_filed_matches_as_one_read_word_by_word(texts, data):
    words = [f for text in texts for f in forms(text)]
    stems = data.draw(st.sets(st.sampled_from([f.stem for f in words] or ["none"])))
    exact = data.draw(st.sets(st.sampled_from([f.exact for f in words] or ["none"])))
    terms = Terms(stems=stems, exact=exact)
    expected = [[f for f in forms(text) if f.stem in stems or f.exact in exact] for text in texts]
    articles = highlight.Articles(len(texts))
    articles.learn(enumerate(texts[:-1]))  # the last one is read when it is first shown
    assert [articles.matches(i, text, terms) for i, text in enumerate(texts)] == expected
    assert [articles.matches(i, text, terms) for i, text in enumerate(texts)] == expected


def test_a_filed_article_is_not_read_word_by_word_until_the_filing_starts_again(monkeypatch):
    texts = ["Putin met Hollande in anti-Putin talks.", "قال بُوتِين إن المحادثات مستمرة"]
    terms = Terms(stems={"talk", "محادث"}, exact={"putin", "بوتين", "hollande"})
    articles = highlight.Articles(3)
    articles.learn(enumerate(texts))
    read = []
    monkeypatch.setattr(highlight, "find_words", lambda text: read.append(text) or find_words(text))
    found = [articles.matches(i, text, terms) for i, text in enumerate(texts)]
    assert read == [] and [len(f) for f in found] == [4, 2]
    assert [texts[0][f.start:f.end] for f in found[0]] == ["Putin", "Hollande", "Putin", "talks"]
    monkeypatch.setattr(highlight, "DIRECT_TOKENS", 2)  # a query with more tokens reads the articles
    assert [articles.matches(i, text, terms) for i, text in enumerate(texts)] == found
    assert read == texts
    read.clear()
    monkeypatch.setattr(highlight, "DIRECT_TOKENS", 150)
    monkeypatch.setattr(highlight._Seen, "LIMIT", 0)
    articles.matches(2, "Another article", terms)  # past the limit: the filing starts again
    assert [articles.matches(i, text, terms) for i, text in enumerate(texts)] == found
    assert read == ["Another article", *texts]
