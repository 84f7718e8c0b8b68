"""The search page: a Flask application factory over `search.searcher.Engine`.

It imports nothing from Whoosh, so another backend could sit behind the
same `Engine` interface.
"""

from pathlib import Path

from flask import Flask

from search import config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(INDEX_DIR=str(config.index_dir()), MAX_QUERY_CHARS=500)
    if test_config:
        app.config.update(test_config)

    from search.searcher import Engine

    # One engine per process; it keeps a searcher per thread and follows rebuilds.
    app.extensions["engine"] = Engine(Path(app.config["INDEX_DIR"]))

    from web import api, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    return app
