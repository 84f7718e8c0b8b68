"""HTML pages."""

from flask import Blueprint, current_app, render_template, request

from search.index import IndexError_
from search.query import QueryError

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render_template("search.html", q="", results=None, error=None)


@bp.get("/search")
def search():
    q = request.args.get("q", "")
    engine = current_app.extensions["engine"]
    try:
        results = engine.search(q, lang=request.args.get("lang") or None) if q.strip() else None
    except QueryError as error:
        return render_template("search.html", q=q, results=None, error=str(error)), 400
    except IndexError_ as error:
        return render_template("search.html", q=q, results=None, error=str(error)), 503
    return render_template("search.html", q=q, results=results, error=None)
