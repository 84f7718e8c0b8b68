"""Shared fixtures: a real index of the real corpus, the Flask app over it."""

from pathlib import Path

import pytest

from search import index
from search.searcher import Engine
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """The index of `corpus/`, built once per test run by the real rebuild."""
    path = tmp_path_factory.mktemp("index")
    index.build(CORPUS, path)
    return path


@pytest.fixture(scope="session")
def engine(index_dir) -> Engine:
    return Engine(index_dir)


@pytest.fixture
def app(index_dir):
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})


@pytest.fixture
def client(app):
    return app.test_client()


def build_corpus(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a corpus folder from {relative path: text or bytes}."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
