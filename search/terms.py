"""A document's terms for all four analysed fields, from one pass over its words.

The Whoosh analysers (search/analysis.py, search/sound.py) make a Token
per word per field and pass it through a chain of filters; over a whole
corpus that is most of the indexing time.  A build needs only each
field's terms with their positions, so this module reads the words once,
looks each distinct word up once (`word_info` is memoised), and fills all
four fields from that.  It must give exactly the analysers' terms and
positions; tests/test_terms.py checks that on case tables and random text.

>>> found = document_terms("Kerry in Geneva", "Talks with بوتين.")
>>> found.title, found.text
({'kerri': [0], 'geneva': [1]}, {'talk': [0], 'بوت': [1]})
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from typing import NamedTuple

from search import names
from search.analysis import (_LETTER, _SENTENCE_ENDS, UNDERSCORELESS_WORD, WORD, _is_code,
                             without_underscores, word_forms)
from search.sound import (ALWAYS, KIN, NAME_WINDOW, NAMED, NEVER, PARTICLES, may_be_name, name_cue, name_rule,
                          name_terms, particle_terms)

# A word, and the sentence-ending character before it (past spaces and
# tabs) when there is one: the test of `analysis._starts_sentence` done by
# the regular expression engine.  A text is read with "\n" in front, so its
# first word opens a sentence, as it does for the analysers.
# (WORD's faster twin, so the text's "_" are made "\0" first.)
_FOUND = re.compile("(?:([" + re.escape("".join(sorted(_SENTENCE_ENDS))) + "])[ \t]*)?("
                    + UNDERSCORELESS_WORD.pattern + ")")

_PARTICLE = itemgetter(3)  # WordInfo.particle, for map()
_CUE = itemgetter(4)  # WordInfo.cue


class WordInfo(NamedTuple):
    forms: tuple[str, str] | None  # (stem, exact), None for a stop word
    name: int  # sound.name_rule: NEVER, ALWAYS or UNLESS_INITIAL
    terms: tuple[str, ...]  # its own sound terms, "<key> <exact>"
    particle: str | None  # the lower-case particle it is (de, al, bin...), or None
    cue: int  # sound.name_cue: what it says of the Arabic words near it


@lru_cache(maxsize=1_000_000)
def word_info(word: str) -> WordInfo:
    """Everything indexing needs of one word.  Memoised: news repeats its words."""
    name = name_rule(word)
    lower = word.lower()
    return WordInfo(word_forms(word), name, name_terms(word) if name != NEVER else (),
                    lower if lower in PARTICLES else None, name_cue(word) if name == ALWAYS else 0)


# A hyphen with a letter after it: where a word may go on past a hyphen.
_HYPHEN = re.compile(f"-(?={_LETTER})")


def _unhyphenate(text: str) -> str:
    """`text` with its hyphenated words mended: a code's hyphens dropped (S-400), others made spaces.

    analysis.words splits a hyphenated word into its parts, or joins up a
    code, in Python, word by word.  Mending the text first lets one regular
    expression call give the same words.  Each word keeps its place and its
    sentence start: the character it follows is the same, or a space before the same.
    """
    spans = {}
    for hyphen in _HYPHEN.finditer(text):
        at = hyphen.start()
        start = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1  # no word goes past a space
        for match in WORD.finditer(text, start):
            if match.end() > at:  # the word at the hyphen, or the first after it
                if match.start() < at:
                    spans[match.start()] = match.end()
                break
    pieces, done = [], 0
    for start, end in sorted(spans.items()):
        word = text[start:end]
        pieces += (text[done:start], word.replace("-", "" if _is_code(word.split("-")) else " "))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def trim_caches() -> None:
    """Empty the caches that `word_info` has taken what it needs from, for a build worker now and then.

    They serve searching too (search/names.py), and a build fills them with
    every distinct word of the corpus, several times over: hundreds of megabytes.
    """
    word_forms.cache_clear()
    names.forget_words()


def forget_words() -> None:
    """Empty every per-word cache, for a build worker that has analysed its last document."""
    trim_caches()
    for cached in (word_info, name_terms, particle_terms):
        cached.cache_clear()


def words(text: str) -> list[tuple[str, str]]:
    """(sentence end before it or "", word) for each word, as analysis.WordTokenizer gives them.

    The words come from one call to the regular expression engine, none
    of them touched by Python code: the few hyphenated ones are mended first.
    """
    if "-" in text:
        text = _unhyphenate(text)
    return _FOUND.findall("\n" + without_underscores(text))


@dataclass
class Terms:
    """Per field, term -> positions (title, text, exact), or the terms (sound, which records no more)."""

    title: dict = field(default_factory=dict)
    text: dict = field(default_factory=dict)
    exact: dict = field(default_factory=dict)
    sound: set = field(default_factory=set)


def document_terms(title: str, text: str) -> Terms:
    """The terms index.schema()'s analysed fields get from a document.

    Stems go to title and text, each with its own positions; exact forms and
    sound terms are of title and text together, as index._fields joins them.
    A field's positions start at its first kept word's place among all
    words and then count kept words only, as analysis.FormFilter numbers them.
    """
    found = Terms()
    title_words, text_words = words(title), words(text)
    title_infos = list(map(word_info, [word for _, word in title_words]))
    text_infos = list(map(word_info, [word for _, word in text_words]))
    exact_next = _stems(title_infos, found.title, found.exact, None, 0)
    _stems(text_infos, found.text, found.exact, exact_next, len(title_infos))
    _sound(title_words + text_words, title_infos + text_infos, found.sound)
    return found


def _stems(infos: list, stems: dict, exacts: dict, exact_at: int | None, offset: int) -> int | None:
    """Add the words' stems and exact forms; returns the next exact position (None: none kept yet).

    `exact_at` is the exact field's next position, None while it has kept
    no word; its first is then the word's place after `offset` words.
    """
    at = next((raw for raw, info in enumerate(infos) if info[0] is not None), None)
    if at is None:
        return exact_at
    if exact_at is None:
        exact_at = offset + at
    for info in infos[at:]:
        forms = info[0]
        if forms is None:
            continue
        stem, exact = forms
        places = stems.get(stem)
        if places is None:
            stems[stem] = [at]
        else:
            places.append(at)
        places = exacts.get(exact)
        if places is None:
            exacts[exact] = [exact_at]
        else:
            places.append(exact_at)
        at += 1
        exact_at += 1
    return exact_at


def _sound(found: list, infos: list, terms: set) -> None:
    """Add the sound terms of the words that may be names, as sound.SoundFilter makes them.

    Looked at per distinct word, not per occurrence: an Arabic article's every
    word may be a name, and its names repeat.
    """
    for initial, word in set(found):
        info = word_info(word)
        if may_be_name(info.name, initial):
            terms.update(info.terms)
    if any(map(_CUE, infos)):
        terms.update(NAMED + exact for exact in _named(infos))
    if not any(map(_PARTICLE, infos)):
        return
    for at in range(1, len(found)):
        particle = infos[at - 1].particle
        if particle is not None:
            (initial, word), info = found[at], infos[at]
            if may_be_name(info.name, initial):
                terms.update(particle_terms(particle, word))


def _named(infos: list) -> set[str]:
    """sound.named_words from the words' infos: only the cues' neighbours are looked at."""
    named = set()
    for at in compress(range(len(infos)), map(_CUE, infos)):
        near = infos[at + 1:at + 1 + NAME_WINDOW]
        if infos[at].cue == KIN and at:
            near = near + infos[at - 1:at]
        for info in near:
            if info.name == ALWAYS and info.forms is not None:
                named.add(info.forms[1])
    return named
