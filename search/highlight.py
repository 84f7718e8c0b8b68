"""Snippets: the article's own characters, escaped, with matches in <mark>.

Matching runs on the analysed forms, marking runs on the original offsets,
so the query القاهره marks القاهرة with its vowel marks still there.

An article's distinct words are analysed, not each of its words, and only
once across articles; only the words that match are then looked for in it,
so a long article costs little more than a short one.

>>> snippet("The Kremlin said Putin met Hollande.", Terms(exact={"putin"}))
'The Kremlin said <mark>Putin</mark> met Hollande.'
"""

import threading
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Iterable
from html import escape

from search.analysis import WORD, Form, find_words, forms, word_forms

SNIPPET_CHARS = 280
# Looking for a token in a text (str.find) costs about 1/66 of reading the text word by word
# when the token is absent, less when it is there: a query with more tokens than this reads
# each article (over the bench's queries, 150 gave the lowest median; a query of 408 tokens
# took 15 ms for its ten snippets, looking for them one by one).
DIRECT_TOKENS = 150
_CONTEXT = 60  # characters shown before the first match of a fragment


@dataclass
class Terms:
    """The analysed forms a query looks for: stems and exact (unstemmed) forms."""

    stems: set = field(default_factory=set)
    exact: set = field(default_factory=set)

    def __bool__(self):
        return bool(self.stems or self.exact)


def matches(text: str, terms: Terms) -> list[Form]:
    """Each word of `text` that a term matches, with its offsets and forms."""
    tokens, _ = _SEEN.could_match(set(find_words(text)), terms.stems, terms.exact)
    return _spans(text, terms, tokens)


def _spans(text: str, terms: Terms, tokens) -> list[Form]:
    """The matches in `text` of those `tokens` (filed ones) whose forms a term has."""
    stems, exact = terms.stems, terms.exact
    wanted = {}  # token -> its words that match
    for token in tokens:
        found = [f for f in _forms_of(token) if f.stem in stems or f.exact in exact]
        if found:
            wanted[token] = found
    if not wanted:
        return []
    return [Form(start + f.start, start + f.end, f.stem, f.exact)
            for start, token in _whole_tokens(text, wanted) for f in wanted[token]]


class Articles:
    """The matches in the articles of one index generation, which knows whose every token is filed.

    Reading an article word by word (`find_words`) is most of what its
    matches cost.  Once every token of an article is filed (`_Seen`), the
    tokens a query can match are all among those filed under its forms, so
    they are looked for in the article's text directly (`str.find`) and the
    article is not read word by word, unless the query has more than
    DIRECT_TOKENS of them.  `learn` files every article's tokens
    at start-up; an article shown before that was done is read once.
    Measured over the bench's 600 queries on the shared corpus: 0.55 ms of a
    median search's ten snippets, against 1.32 ms.
    """

    def __init__(self, size: int):
        self._filed = [0] * size  # document number -> the epoch of _SEEN its tokens were filed in; 0: not all

    def learn(self, texts: Iterable[tuple[int, str]]) -> None:
        """File the tokens of every (document number, text), ahead of the queries that will show them.

        The shared corpus's 43,735 articles have about 350,000 distinct tokens,
        which take about 4 s to read and 2.5 s and 120 MB to analyse here.
        """
        docnums, tokens = [], set()
        for docnum, text in texts:
            docnums.append(docnum)
            tokens.update(find_words(text))
        epoch = _SEEN.learn(tokens)
        for docnum in docnums:
            self._filed[docnum] = epoch

    def matches(self, docnum: int, text: str, terms: Terms) -> list[Form]:
        """`matches(text, terms)` for the article `docnum`, whose text is `text`."""
        tokens = _SEEN.filed(terms.stems, terms.exact, self._filed[docnum])
        if tokens is not None and len(tokens) <= DIRECT_TOKENS:
            return _spans(text, terms, [t for t in tokens if t in text])
        tokens, self._filed[docnum] = _SEEN.could_match(set(find_words(text)), terms.stems, terms.exact)
        return _spans(text, terms, tokens)


class _Seen:
    """Every token met in an article so far, filed under each form it is indexed as.

    An article has a few hundred distinct tokens and a query a few dozen
    forms.  With the tokens filed by form, the ones a query can match are
    found with set operations, and only tokens never met before are analysed.
    A form that one token has (most forms) is filed as that token, not as a
    set of one: making those sets cost as much as analysing the tokens.
    """

    LIMIT = 2_000_000  # tokens; past it, start again rather than grow

    def __init__(self):
        self._lock = threading.Lock()
        self.epoch = 0  # counts the starts, so that Articles knows which of its articles are still filed
        self._clear()

    def _clear(self):
        self.epoch += 1
        self.tokens: set[str] = set()
        self.by_stem: dict[str, str | set[str]] = {}  # stem -> the token, or the tokens, that have it
        self.by_exact: dict[str, str | set[str]] = {}  # exact form -> the token, or the tokens, that have it

    def learn(self, tokens: set[str]) -> int:
        """Analyse and file `tokens` now, before any query needs them (a server's start-up);
        returns the epoch they are filed in."""
        with self._lock:
            self._file_new(tokens, word_forms.__wrapped__)  # past word_forms' cache, which would hold them twice
            return self.epoch

    def could_match(self, tokens: set[str], stems: set, exact: set) -> tuple[set[str], int]:
        """Which of an article's `tokens` have one of the forms, once they are filed; and the epoch they are filed in."""
        with self._lock:  # the GIL would run the threads one at a time here anyway
            self._file_new(tokens)
            return self._with_forms(stems, exact) & tokens, self.epoch

    def filed(self, stems: set, exact: set, epoch: int) -> set[str] | None:
        """Every token filed under one of the forms, or None if the tokens filed in `epoch` are gone."""
        with self._lock:
            return self._with_forms(stems, exact) if epoch == self.epoch else None

    def _with_forms(self, stems: set, exact: set) -> set[str]:
        found = set()
        for filed_by, forms in ((self.by_stem, stems), (self.by_exact, exact)):
            for form in forms:
                filed = filed_by.get(form)
                if type(filed) is str:
                    found.add(filed)
                elif filed is not None:
                    found |= filed
        return found

    def _file_new(self, tokens: set[str], analyse=word_forms) -> None:
        if len(self.tokens) > self.LIMIT:
            self._clear()
        by_stem, by_exact = self.by_stem, self.by_exact
        new = tokens - self.tokens
        for token in new:
            # As _forms_of, without its offsets: a hyphenated token (anti-Putin) may hold several words.
            if "-" in token:
                pairs = [(f.stem, f.exact) for f in _forms_of(token)]
            else:
                one = analyse(token)
                pairs = (one,) if one is not None else ()
            for stem, exact_form in pairs:
                _file(by_stem, stem, token)
                _file(by_exact, exact_form, token)
        self.tokens |= new


def _file(filed_by: dict, form: str, token: str) -> None:
    """File `token` under `form`: as itself while it is the only one, then in a set."""
    filed = filed_by.get(form)
    if filed is None:
        filed_by[form] = token
    elif type(filed) is str:
        if filed != token:
            filed_by[form] = {filed, token}
    else:
        filed.add(token)


_SEEN = _Seen()


@lru_cache(maxsize=200_000)
def _forms_of(token: str) -> tuple[Form, ...]:
    """The indexed words of one token, offsets from its start: two in anti-Putin, one in S-400."""
    if "-" in token:
        return tuple(forms(token))
    found = word_forms(token)  # most tokens are one word
    return () if found is None else (Form(0, len(token), *found),)


def _whole_tokens(text: str, tokens) -> list[tuple[int, str]]:
    """(start, token) where each of `tokens` stands as a whole token of `text`, in text order.

    str.find, rather than one regular expression of the tokens: the tokens
    differ from article to article, and compiling the expression cost more
    than all the searching.
    """
    found = []
    for token in tokens:
        at = text.find(token)
        while at >= 0:
            if _starts_token(text, at) and WORD.match(text, at).end() == at + len(token):
                found.append((at, token))  # not inside a longer token: Putin in Putinism
            at = text.find(token, at + 1)
    return sorted(found)


_JOINERS = "'\u2019-"  # what WORD allows between two letters of one token


def _starts_token(text: str, at: int) -> bool:
    """Whether a token of WORD begins at `at`, rather than continuing there.  WORD matches at
    a position exactly when the character there is a letter."""
    if at == 0:
        return True
    if WORD.match(text, at - 1):
        return False
    return not (text[at - 1] in _JOINERS and at >= 2 and WORD.match(text, at - 2))


def _mark(text: str, spans: list[Form], start: int, end: int) -> str:
    out, at = [], start
    for s, e, _, _ in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[at:s], quote=False))
        out.append("<mark>" + escape(text[s:e], quote=False) + "</mark>")
        at = e
    out.append(escape(text[at:end], quote=False))
    return "".join(out)


def _window(text: str, spans: list, size: int) -> tuple[int, int]:
    """The stretch of `size` characters holding the most distinct matched words."""
    best, best_start = -1, 0
    starts = [s for s, _, _, _ in spans]  # in order, and the spans do not overlap, so ends are in order too
    for s in starts[:200]:
        start = max(0, s - _CONTEXT)
        distinct = set()
        for _, we, _, w in islice(spans, bisect_left(starts, start), None):
            if we > start + size:
                break
            distinct.add(w)
        if len(distinct) > best:
            best, best_start = len(distinct), start
    return best_start, min(len(text), best_start + size)


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Move the ends of a fragment to word boundaries."""
    if start > 0:
        space = text.find(" ", start, start + 30)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", end - 30, end)
        end = space if space != -1 else end
    return start, end


def snippet(text: str, terms: Terms, size: int = SNIPPET_CHARS, spans: list[Form] | None = None) -> str:
    if spans is None:
        spans = matches(text, terms) if terms else []
    if not spans:
        start, end = 0, min(len(text), size)
    else:
        start, end = _window(text, spans, size)
    start, end = _cut(text, start, end)
    html = _mark(text, spans, start, end).strip()
    return ("… " if start > 0 else "") + html + (" …" if end < len(text) else "")


def highlight_all(text: str, terms: Terms) -> str:
    """The whole text, escaped, with every match marked (for the article page)."""
    return _mark(text, matches(text, terms) if terms else [], 0, len(text))
