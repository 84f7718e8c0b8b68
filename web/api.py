"""The JSON twins of the pages, and the page that documents them (/api/)."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for

from web.params import SEARCH_PARAMS, SearchState

bp = Blueprint("api", __name__, url_prefix="/api")

# What /api/ documents.  tests/test_web.py checks that every key a real answer carries is here.
RESULT_FIELDS = {
    "query": "The query as given.",
    "total": "Hits in all, in the language asked for (both if none).",
    "hits": "This page's hits, best first (or newest first with sort=date). Each is described below.",
    "page": "The page asked for.",
    "pages": "How many pages there are at this limit.",
    "limit": "Hits per page.",
    "lang": 'The language filter, "en", "ar" or null.',
    "sort": '"relevance" or "date".',
    "counts": 'Hits per language, whatever the filter: {"en": 3, "ar": 1}.',
    "expansions": "What the query also looked for, each {query, matched, via}: "
                  "names in the other script, aliases and translations.",
    "relaxed": "true when no article had every word, so the hits have some of them.",
    "suggestion": "A corrected query (did you mean) when some words are not in the index, else null.",
    "translation": '"on", "off" (translate=0) or "unavailable" (the dictionaries are not installed, '
                   "so no translations were searched).",
    "took_ms": "How long the search took, in milliseconds.",
}
HIT_FIELDS = {
    "id": "The article's id; GET /api/doc/<id> returns the whole article.",
    "title": "The title, as plain text.",
    "lang": '"en" or "ar".',
    "score": "The relevance score; only its order means anything.",
    "snippet": "HTML: the article's own text, escaped, with each match in <mark>…</mark>. No other tags.",
    "date": "The date where the corpus gives one (ISO 8601), else empty.",
    "source": "The publisher where known, else empty.",
    "url": "The original address where known, else empty.",
    "matches": "The expansions this hit was found through, each {query, matched, via}.",
}
EXPANSION_FIELDS = {
    "query": "The word of the query.",
    "matched": "The word it was matched to.",
    "via": '"sound" (a sound-alike name), "alias" (another name for the same thing) '
           'or "dictionary" (a translation).',
}
DOC_FIELDS = {
    "id": "The article's id.",
    "title": "The title, as plain text.",
    "lang": '"en" or "ar".',
    "date": "The date, or empty.",
    "source": "The publisher, or empty.",
    "url": "The original address, or empty.",
    "html": "The whole text as HTML: escaped, with the query's matches in <mark>…</mark>.",
    "marks": "How many matches are marked.",
}
DOC_PARAMS = ("q", "xlang", "translate")  # the query whose matches to mark, and how it is expanded
ERRORS = [
    (400, "/api/search", "A parameter is of the wrong kind or out of range (page=abc, limit=1000, "
                         "lang=fr, sort=size, xlang=maybe), or the query is over 500 characters. "
                         "The message says which."),
    (400, "/api/doc/<id>", "xlang or translate is not 1 or 0."),
    (404, "/api/doc/<id>", "There is no article with that id."),
    (404, "any other path", "There is nothing at that address."),
    (405, "any", "A method other than GET or HEAD."),
    (503, "both", "There is no index, or it cannot be read. The message names the folder and the "
                  "command that rebuilds it (make index). The server picks up the new index without a restart."),
]


def _engine():
    return current_app.extensions["engine"]


@bp.get("/search")
def search():
    state = SearchState.from_args(request.args)  # BadParameter is a QueryError: 400, below
    return jsonify(_engine().search(state.q, **state.engine_kwargs()).to_json())


@bp.get("/doc/<path:doc_id>")
def doc(doc_id: str):
    state = SearchState.from_args(request.args, only=DOC_PARAMS)
    found = _engine().document(doc_id, query=state.q, xlang=state.xlang, translate=state.translate)
    if found is None:
        abort(404, description=f"There is no article with the id {doc_id!r}.")
    return jsonify(found)


def _reference() -> dict:
    return {
        "endpoints": {
            "/api/search": {"parameters": {p.name: vars(p) for p in SEARCH_PARAMS},
                            "fields": RESULT_FIELDS, "hit": HIT_FIELDS, "expansion": EXPANSION_FIELDS},
            "/api/doc/<id>": {"parameters": {p.name: vars(p) for p in SEARCH_PARAMS if p.name in DOC_PARAMS},
                              "fields": DOC_FIELDS},
        },
        "errors": [{"status": s, "where": w, "when": why} for s, w, why in ERRORS],
    }


@bp.get("/")
def reference():
    return render_template("api.html", ref=_reference(), params=SEARCH_PARAMS, doc_params=DOC_PARAMS,
                           errors=ERRORS, twin=url_for("api.reference_json"))


@bp.get("/index.json")
def reference_json():
    return jsonify(_reference())
