"""The HTML pages: home, results and article.  Each has a JSON twin in web/api.py."""

import re
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from search.query import QueryError
from web.params import SearchState, repeated

bp = Blueprint("pages", __name__)

LANG_NAMES = {"en": "English", "ar": "Arabic"}
VIA = {"sound": "sounds like", "alias": "another name for", "dictionary": "translation of"}

# The library escapes snippets and marks matches with <mark>.  Should a change ever let
# another tag through, it is shown as text rather than trusted.
_NOT_MARK = re.compile(r"<(?!/?mark>)")


@bp.app_template_filter("marked")
def marked(html: str) -> Markup:
    """The library's snippet HTML, in which only <mark> and </mark> may be tags.

    >>> marked('<mark>Putin</mark> &amp; <b>x</b>')
    Markup('<mark>Putin</mark> &amp; &lt;b>x</b>')
    """
    return Markup(_NOT_MARK.sub("&lt;", html))


@bp.app_template_filter("web_url")
def web_url(url: str) -> str | None:
    """An article's original address if it is a web address; javascript: and the like are dropped."""
    parts = urlsplit(url or "")
    return url if parts.scheme in ("http", "https") and parts.netloc else None


@bp.app_template_filter("ms")
def ms(took: float) -> str:
    return f"{took:.1f} ms" if took < 10 else f"{took:.0f} ms"


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


@bp.get("/")
def home():
    return render_template("search.html", state=SearchState(), results=None, error=None, home=True,
                           twin=url_for("api.search"))


@bp.get("/search")
def search():
    if repeated(request.args):
        # The options checkboxes send "0" then "1"; answer with the one short URL for the search.
        return redirect(url_for("pages.search", **SearchState.from_args(request.args).link_args()))
    state, results, error = SearchState(), None, None
    try:
        state = SearchState.from_args(request.args)
        if not state.blank:
            results = _engine().search(state.q, **state.engine_kwargs())
    except QueryError as problem:
        error = str(problem)
    twin = url_for("api.search", **state.link_args())
    page = render_template("search.html", state=state, results=results, error=error, home=False, twin=twin)
    return page, 400 if error else 200


@bp.get("/doc/<path:doc_id>")
def article(doc_id: str):
    try:
        state = SearchState.from_args(request.args)
    except QueryError:
        state = SearchState(q=request.args.get("q", ""))  # the article is worth showing anyway
    doc = _engine().document(doc_id, query=state.q)
    if doc is None:
        abort(404, description=f"There is no article with the id {doc_id!r}.")
    twin = url_for("api.doc", doc_id=doc_id, **({"q": state.q} if state.q else {}))
    return render_template("doc.html", doc=doc, state=state, twin=twin)
