"""Snippets: the article's own characters, escaped, with matches in <mark>.

Matching runs on the analysed forms, marking runs on the original offsets,
so the query القاهره marks القاهرة with its vowel marks still there.

>>> snippet("The Kremlin said Putin met Hollande.", Terms(exact={"putin"}))
'The Kremlin said <mark>Putin</mark> met Hollande.'
"""

from dataclasses import dataclass, field
from html import escape

from search.analysis import Form, forms

SNIPPET_CHARS = 280
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
    return [f for f in forms(text) if f.stem in terms.stems or f.exact in terms.exact]


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
    for s, _, _, _ in spans[:200]:
        start = max(0, s - _CONTEXT)
        distinct = {w for ws, we, _, w in spans if ws >= start and we <= start + size}
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
