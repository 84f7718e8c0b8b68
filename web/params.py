"""The parameters of a search, read from a URL and written back into links.

One table serves the page, its JSON twin and the API docs, so they cannot
disagree.  This module only converts text to types; whether a value is in
range is the library's call (`Engine.search` raises `QueryError`).

>>> state = SearchState.from_args({"q": "Putin", "page": "2", "xlang": "0"})
>>> state.engine_kwargs()["page"], state.engine_kwargs()["xlang"]
(2, False)
>>> state.link_args(page=1)
{'q': 'Putin', 'xlang': '0'}
"""

from dataclasses import dataclass, fields, replace

from search.query import QueryError


class BadParameter(QueryError):
    """A parameter that is not even the right kind of value, such as page=abc."""


@dataclass(frozen=True)
class Param:
    name: str
    values: str
    default: str
    doc: str


SEARCH_PARAMS = (
    Param("q", "text, at most 500 characters", "(empty)",
          'The query: words, "quoted phrases", -word to leave out, and OR between alternatives. '
          "Either script. Anything else is ordinary text, so no query is a syntax error. "
          "An empty query returns no hits."),
    Param("lang", "en | ar", "(both)", "Only articles in this language. The counts still cover both."),
    Param("page", "whole number, 1 or more", "1",
          "Which page of hits. A page past the last one returns no hits, with the total."),
    Param("limit", "whole number, 1 to 100", "10", "Hits per page."),
    Param("sort", "relevance | date", "relevance", "date puts the newest first; articles without a date come last."),
    Param("xlang", "1 | 0", "1",
          "Also look up names in the other script and known aliases (Putin finds بوتين, Aleppo finds حلب). "
          "0 searches only what was typed."),
    Param("translate", "1 | 0", "1",
          "Also search dictionary translations of the words (coalition finds التحالف). 0 turns this off."),
)

_TRUE, _FALSE = ("1", "true", "on", "yes"), ("0", "false", "off", "no")


def _last(args, name: str) -> str | None:
    # A checkbox sends a hidden "0" and then its own "1": the last value is the one meant.
    values = args.getlist(name) if hasattr(args, "getlist") else [args[name]] if name in args else []
    return values[-1] if values else None


def _whole(name: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise BadParameter(f"{name} must be a whole number, not {text[:40]!r}") from None


def _flag(name: str, text: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise BadParameter(f"{name} must be 1 or 0, not {text[:40]!r}")


@dataclass(frozen=True)
class SearchState:
    """Everything that decides a results page; the same for HTML and JSON."""

    q: str = ""
    lang: str | None = None
    page: int = 1
    limit: int = 10
    sort: str = "relevance"
    xlang: bool = True
    translate: bool = True

    @classmethod
    def from_args(cls, args, only: tuple[str, ...] | None = None) -> "SearchState":
        """Read request arguments (those named in `only`, if given).
        Raises BadParameter for a value of the wrong kind."""
        given = {p.name: _last(args, p.name) for p in SEARCH_PARAMS if only is None or p.name in only}
        given = {name: value for name, value in given.items() if value}  # lang= (empty) means the default
        changes = {}
        for name, value in given.items():
            if name in ("page", "limit"):
                changes[name] = _whole(name, value)
            elif name in ("xlang", "translate"):
                changes[name] = _flag(name, value)
            else:
                changes[name] = value
        return replace(cls(), **changes)

    @classmethod
    def query_only(cls, args) -> "SearchState":
        """Just the query, for a request whose other parameters are wrong."""
        return cls(q=_last(args, "q") or "")

    @property
    def blank(self) -> bool:
        return not self.q.strip()

    def engine_kwargs(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "q"}

    def link_args(self, **changes) -> dict:
        """URL arguments for this state with `changes`, leaving out defaults so links stay short."""
        state = replace(self, **changes)
        out = {}
        for f in fields(state):
            value = getattr(state, f.name)
            if value != f.default:
                out[f.name] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return out


def repeated(args) -> bool:
    """True when a search parameter appears more than once (a form's checkbox pair)."""
    return any(len(args.getlist(p.name)) > 1 for p in SEARCH_PARAMS)
