"""Error states as pages people can act on, or as JSON under /api/.

No input may reach a traceback: HTTP errors and a missing index get a page
with the search box (or a JSON body), and anything unexpected gets a plain 500
page that shows nothing of the server's insides.
"""

from flask import jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from search.index import IndexError_
from search.query import QueryError

TITLES = {
    400: "That search cannot run",
    404: "Not found",
    405: "Method not allowed",
    503: "The search index is not ready",
}


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def error_response(status: int, message: str):
    if wants_json():
        return make_response(jsonify({"error": message, "status": status}), status)
    title = TITLES.get(status, "Something went wrong")
    return make_response(render_template("error.html", status=status, title=title, message=message), status)


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error):
        message = error.description
        if message == type(error).description:  # Werkzeug's wording, not ours
            message = {
                404: "There is no page at this address.",
                405: f"{request.method} is not allowed here; use GET.",
            }.get(error.code, message)
        response = error_response(error.code or 500, message)
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(QueryError)
    def bad_query(error):
        return error_response(400, str(error))

    @app.errorhandler(IndexError_)
    def no_index(error):
        # The library's message names the folder and the command that rebuilds it.
        response = error_response(503, str(error))
        response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return error_response(500, "Something went wrong on our side; the error has been logged.")
