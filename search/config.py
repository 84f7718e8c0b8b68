"""Where things live, with the environment variables that move them."""

import os
from pathlib import Path


def index_dir() -> Path:
    return Path(os.environ.get("SEARCH_INDEX_DIR", "var/index"))


def corpus_dir() -> Path:
    return Path(os.environ.get("SEARCH_CORPUS_DIR", "corpus"))
