"""Case tables for the analysers: one linguistic phenomenon per row."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import WORD, exact_analyzer, find_words, forms, text_analyzer


def stems(text):
    return [t.text for t in text_analyzer()(text)]


def exacts(text):
    return [t.text for t in exact_analyzer()(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("negotiations", ["negoti"], id="plural stems like its verb"),
        pytest.param("negotiate", ["negoti"], id="verb"),
        pytest.param("bombings bombing", ["bomb", "bomb"], id="plural -ings"),
        pytest.param("Russia's", ["russia"], id="possessive 's"),
        pytest.param("Russia\u2019s", ["russia"], id="possessive with curly apostrophe"),
        pytest.param("François", ["francoi"], id="accents fold"),
        pytest.param("the of and", [], id="stop words dropped"),
        pytest.param("S-400", ["s400"], id="weapon code is one token"),
        pytest.param("Su-24 F-18 A321", ["su24", "f18", "a321"], id="codes with and without hyphen"),
        pytest.param("US-led anti-DAESH", ["us", "led", "anti", "daesh"], id="hyphenated words split"),
        pytest.param("مُحَمَّد", ["محمد"], id="vowel marks stay inside the token"),
        pytest.param("بـوتـين", ["بوت"], id="tatweel removed"),
        pytest.param("الأسد", ["اسد"], id="hamza alef folds, article stripped"),
        pytest.param("إدلب", ["ادلب"], id="hamza below folds"),
        pytest.param("سويسرية", ["سويسر"], id="teh marbuta and nisba suffix"),
        pytest.param("والقرم", ["قرم"], id="prefix wal-"),
        pytest.param("بالقرم", ["قرم"], id="prefix bal-"),
        pytest.param("للقرم", ["قرم"], id="prefix lil-"),
        pytest.param("الطائرات", ["طاير"], id="plural -at, hamza on yeh folds"),
        pytest.param("٢٠١٥", ["2015"], id="Arabic-Indic digits fold"),
        pytest.param("ﻻ ﺍﻟﻘﺮﻡ", ["قرم"], id="presentation forms decomposed, la is a stop word"),
        pytest.param("في من على", [], id="Arabic stop words dropped"),
        pytest.param("Putin بوتين", ["putin", "بوت"], id="mixed scripts route per token"),
    ],
)
def test_stemmed_analysis(text, expected):
    assert stems(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("بُوتِين", ["بوتين"], id="name keeps its suffix-like ending"),
        pytest.param("بوتين", ["بوتين"], id="name keeps its ba"),
        pytest.param("والقرم", ["والقرم"], id="exact keeps prefixes"),
        pytest.param("Negotiations", ["negotiations"], id="exact English is folded, not stemmed"),
        pytest.param("مصطفى", ["مصطفي"], id="alef maksura to yeh"),
        pytest.param("Hollande's", ["hollande"], id="exact drops the possessive"),
    ],
)
def test_exact_analysis(text, expected):
    assert exacts(text) == expected


def test_offsets_mark_the_original_spelling():
    text = "قال بُوتِين إن"
    tokens = [(t.text, text[t.startchar:t.endchar]) for t in text_analyzer()(text, chars=True)]
    assert tokens == [("قال", "قال"), ("بوت", "بُوتِين")]


def test_positions_skip_stop_words_so_phrases_stay_adjacent():
    positions = [(t.text, t.pos) for t in text_analyzer()("coalition against the terror", positions=True)]
    assert positions == [("coalit", 0), ("against", 1), ("terror", 2)]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_analysers_never_raise_and_offsets_stay_inside(text):
    for analyzer in (text_analyzer(), exact_analyzer()):
        for token in analyzer(text, chars=True, positions=True):
            assert 0 <= token.startchar < token.endchar <= len(text)
            assert token.text
    for form in forms(text):
        assert 0 <= form.start < form.end <= len(text)


ARABIC_AND_MARKS = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(" -'\u200d"))


@settings(max_examples=300, deadline=None)
@given(ARABIC_AND_MARKS)
def test_arabic_text_never_raises(text):
    for token in text_analyzer()(text, chars=True):
        assert 0 <= token.startchar < token.endchar <= len(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab_ -'\u2019\u064e\u200cبت1", max_size=40))
def test_find_words_finds_what_word_finds(text):
    assert find_words(text) == WORD.findall(text)
