"""The JSON twin of every page."""

from flask import Blueprint, current_app, jsonify, request

from search.index import IndexError_
from search.query import QueryError

bp = Blueprint("api", __name__, url_prefix="/api")


def _error(status: int, message: str):
    return jsonify({"error": message}), status


@bp.get("/search")
def search():
    args = request.args
    try:
        limit = int(args.get("limit", 10))
    except ValueError:
        return _error(400, "limit must be a whole number")
    engine = current_app.extensions["engine"]
    try:
        results = engine.search(args.get("q", ""), lang=args.get("lang") or None, limit=limit)
    except QueryError as error:
        return _error(400, str(error))
    except IndexError_ as error:
        return _error(503, str(error))
    return jsonify(results.to_json())
