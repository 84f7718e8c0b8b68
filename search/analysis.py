"""Whoosh analysers for text that mixes English and Arabic.

Each token is routed by the script of its characters to the English or the
Arabic rules; a statistical language guess is never used for this.  Filters
rewrite `token.text` and never touch the character offsets, so a snippet
marks the article's own spelling, vowel marks included.

>>> [t.text for t in text_analyzer()("Putin's talks with بُوتِين والقرم")]
['putin', 'talk', 'بوت', 'قرم']
>>> [t.text for t in exact_analyzer()("Putin's talks with بُوتِين والقرم")]
['putin', 'talks', 'بوتين', 'والقرم']
"""

import re
from functools import lru_cache
from typing import Iterator, NamedTuple

from whoosh.analysis import Filter, Token, Tokenizer

from search import arabic, english
from search.script import ARABIC, script_of

# A letter is a word character other than "_", or an Arabic mark that
# Python's \w leaves out (vowel marks, small high letters, zero-width joiners).
_MARKS = "\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u200c\u200d"
_LETTER = rf"(?:[^\W_]|[{_MARKS}])"
WORD = re.compile(rf"{_LETTER}+(?:['\u2019\-]{_LETTER}+)*")
# WORD's tokens, several times faster, in a text whose "_" are made "\0" (no letter, space or
# punctuation): one character class per letter, no alternation.
UNDERSCORELESS_WORD = re.compile(rf"[\w{_MARKS}]+(?:['\u2019\-][\w{_MARKS}]+)*")


def without_underscores(text: str) -> str:
    return text.replace("_", "\0")


def find_words(text: str) -> list[str]:
    """WORD.findall(text), faster."""
    return UNDERSCORELESS_WORD.findall(without_underscores(text))

STEM, EXACT = 0, 1


def _is_code(parts: list[str]) -> bool:
    """S-400, Su-24, F-18: letters and digits joined by hyphens are one token."""
    has_digit = any(ch.isdigit() for part in parts for ch in part)
    has_alpha = any(ch.isalpha() for part in parts for ch in part)
    return has_digit and has_alpha


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """(word, start, end) for each word; hyphenated words split unless a code."""
    for match in WORD.finditer(text):
        word = match.group()
        if "-" not in word:
            yield word, match.start(), match.end()
            continue
        parts = word.split("-")
        if _is_code(parts):
            yield word.replace("-", ""), match.start(), match.end()
            continue
        offset = match.start()
        for part in parts:
            yield part, offset, offset + len(part)
            offset += len(part) + 1


_SENTENCE_ENDS = frozenset(".!?:;\n\r\"'“”«»()[]")


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence, where even common words are capitalised."""
    at = start - 1
    while at >= 0 and text[at] in " \t":
        at -= 1
    return at < 0 or text[at] in _SENTENCE_ENDS


class WordTokenizer(Tokenizer):
    """Words of any script, with their vowel marks, as Whoosh tokens."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        source = words(value) if tokenize else [(value, 0, len(value))]
        for pos, (word, start, end) in enumerate(source):
            token.text = word
            token.initial = _starts_sentence(value, start)
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


@lru_cache(maxsize=1_000_000)
def word_forms(word: str) -> tuple[str, str] | None:
    """(stem, exact) of a word by its script's rules, or None for a stop word.

    Memoised: a word's forms never change, and news repeats its words.
    """
    if script_of(word) == ARABIC:
        return arabic.index_forms(word)
    return english.index_forms(word)


class FormFilter(Filter):
    """Replaces each token's text by its stem or its exact form; drops stop words.

    Positions are renumbered over the words kept, so a phrase query whose
    stop words were dropped still finds its words side by side.
    """

    def __init__(self, form: int):
        self.form = form

    def __eq__(self, other):
        return type(other) is type(self) and other.form == self.form

    def __call__(self, tokens):
        pos = None
        for token in tokens:
            forms = word_forms(token.text)
            if forms is None:
                continue
            token.text = forms[self.form]
            if token.positions:
                pos = token.pos if pos is None else pos + 1
                token.pos = pos
            yield token


def text_analyzer():
    """Stemmed: `negotiations` meets `negotiate`, `والقرم` meets `القرم`."""
    return WordTokenizer() | FormFilter(STEM)


def exact_analyzer():
    """Normalised but unstemmed: names keep every letter."""
    return WordTokenizer() | FormFilter(EXACT)


class Form(NamedTuple):
    start: int
    end: int
    stem: str
    exact: str


def forms(text: str) -> Iterator[Form]:
    """Every indexed word of `text` with its offsets and both forms, for highlighting."""
    for word, start, end in words(text):
        found = word_forms(word)
        if found is not None:
            yield Form(start, end, *found)
