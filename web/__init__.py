"""The search page: a Flask application factory over `search.searcher.Engine`.

It imports nothing from Whoosh, so another backend could sit behind the
same `Engine` interface.
"""

from pathlib import Path

from flask import Flask

from search import config
from web.jsonout import OrjsonProvider

YEAR = 365 * 24 * 3600


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    # Static URLs carry a hash of the file (web/headers.py), so they can be cached for a year.
    app.config.from_mapping(INDEX_DIR=str(config.index_dir()), SEND_FILE_MAX_AGE_DEFAULT=YEAR)
    if test_config:
        app.config.update(test_config)
    # Arabic stays readable in the JSON, and keys keep the CLI's --json order: query, total, hits first.
    app.json = OrjsonProvider(app)
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True  # no blank lines where tags were

    from search.searcher import Engine

    # One engine per process; it keeps a searcher per thread and follows rebuilds.
    app.extensions["engine"] = Engine(Path(app.config["INDEX_DIR"]))

    from web import api, errors, headers, pages

    headers.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    return app
