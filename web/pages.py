"""The HTML pages: home, results and article.  Each has a JSON twin in web/api.py."""

import re
from urllib.parse import quote, urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from search.query import QueryError
from web.params import SearchState, repeated

bp = Blueprint("pages", __name__)

LANG_NAMES = {"en": "English", "ar": "Arabic"}
VIA = {"sound": "sounds like", "alias": "same as", "dictionary": "translation of"}

# The library escapes snippets and marks matches with <mark>.  Should a change ever let
# another tag through, it is shown as text rather than trusted.
_NOT_MARK = re.compile(r"<(?!/?mark>)")


@bp.app_template_filter("marked")
def marked(html: str) -> Markup:
    """The library's snippet HTML, in which only <mark> and </mark> may be tags.

    >>> marked('<mark>Putin</mark> &amp; <b>x</b>')
    Markup('<mark>Putin</mark> &amp; &lt;b>x&lt;/b>')
    """
    return Markup(_NOT_MARK.sub("&lt;", html))


@bp.app_template_filter("web_url")
def web_url(url: str) -> str | None:
    """An article's original address if it is a web address; javascript: and the like are dropped."""
    parts = urlsplit(url or "")
    return url if parts.scheme in ("http", "https") and parts.netloc else None


@bp.app_template_filter("sentence")
def sentence(message: str) -> str:
    """A library message as a sentence: 'page must be 1 or more' -> 'Page must be 1 or more.'"""
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "?", "!")) else ".")


@bp.app_template_filter("ms")
def ms(took: float) -> str:
    return f"{took:.1f} ms" if took < 10 else f"{took:.0f} ms"


@bp.app_template_filter("grouped")
def grouped(expansions: list) -> list[dict]:
    """Expansions of the same word by the same means, together, in the order given.

    >>> grouped([{"query": "داعش", "matched": "ISIS", "via": "alias"},
    ...          {"query": "داعش", "matched": "ISIL", "via": "alias"}])
    [{'query': 'داعش', 'via': 'alias', 'matched': ['ISIS', 'ISIL']}]
    """
    groups: dict[tuple, dict] = {}
    for e in expansions:
        key = (e["query"], e["via"])
        groups.setdefault(key, {"query": key[0], "via": key[1], "matched": []})["matched"].append(e["matched"])
    return list(groups.values())


@bp.app_template_global()
def page_window(page: int, pages: int, around: int = 2) -> list:
    """Page numbers to link, with None for a gap: [1, None, 4, 5, 6, 7, 8, None, 20]."""
    shown = {1, pages, *range(page - around, page + around + 1)}
    numbers = sorted(n for n in shown if 1 <= n <= pages)
    out = []
    for n in numbers:
        if out and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


@bp.app_context_processor
def names():
    return {"LANG_NAMES": LANG_NAMES, "VIA": VIA}


def _engine():
    return current_app.extensions["engine"]


def _state():
    """The search this request asks for, and what is wrong with it if anything.  A bad
    parameter still leaves the query in the box, so the reader can correct it."""
    try:
        return SearchState.from_args(request.args), None
    except QueryError as problem:
        return SearchState.query_only(request.args), str(problem)


def _twin(endpoint: str, **values) -> str:
    """The JSON twin: the same request to the API."""
    # Browsers send the query string percent-encoded; a raw byte from anything else is encoded here.
    query = quote(request.query_string, safe="%&=+;/:,@!$'()*?~")
    return url_for(endpoint, **values) + (f"?{query}" if query else "")


@bp.get("/")
def home():
    return render_template("search.html", state=SearchState(), results=None, error=None, home=True,
                           twin=url_for("api.search"))


@bp.get("/search")
def search():
    state, error = _state()
    if repeated(request.args) and not error:
        # The options checkboxes send "0" then "1"; answer with the one short URL for the search.
        return redirect(url_for("pages.search", **state.link_args()))
    results = None
    if not error and not state.blank:
        try:
            results = _engine().search(state.q, **state.engine_kwargs())
        except QueryError as problem:
            error = str(problem)
    page = render_template("search.html", state=state, results=results, error=error, home=False,
                           twin=_twin("api.search"))
    return page, 400 if error else 200


@bp.get("/doc/<path:doc_id>")
def article(doc_id: str):
    state, _ = _state()  # a bad page= does not stop the article from being shown
    doc = _engine().document(doc_id, query=state.q, xlang=state.xlang, translate=state.translate)
    if doc is None:
        abort(404, description=f"There is no article with the id {doc_id!r}.")
    return render_template("doc.html", doc=doc, state=state, twin=_twin("api.doc", doc_id=doc_id))
