"""Where things live, with the environment variables that move them."""

import os
from pathlib import Path


def index_dir() -> Path:
    return Path(os.environ.get("SEARCH_INDEX_DIR", "var/index"))


def corpus_dir() -> Path:
    return Path(os.environ.get("SEARCH_CORPUS_DIR", "corpus"))


def corpora_dir() -> Path:
    """The shared real-news corpora, for evaluation and benchmarks; never part of the project."""
    return Path(os.environ.get("SEARCH_CORPORA_DIR", "../shared/corpora"))
