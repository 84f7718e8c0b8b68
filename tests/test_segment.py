"""A segment written by SegmentBuilder reads back exactly as one Whoosh's own writer makes."""

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.index import TOC

from search import documents, index, terms
from search.segment import SegmentBuilder
from tests.conftest import CORPUS
from tests.synthetic import write_corpus


def by_whoosh(docs: list, folder: Path):
    ix = whoosh_index.create_in(str(folder), index.schema())
    with ix.writer() as writer:
        for doc in docs:
            writer.add_document(**index._fields(doc, doc.lang or "en"))
    return whoosh_index.open_dir(str(folder)).reader()


def by_builder(docs: list, folder: Path):
    ix = whoosh_index.create_in(str(folder), index.schema())
    builder = SegmentBuilder(ix.storage, ix.indexname, ix.schema)
    for doc in docs:
        builder.add(index._fields(doc, doc.lang or "en"), terms.document_terms(doc.title, doc.text))
    TOC(ix.schema, [builder.finish()], 1).write(ix.storage, ix.indexname)
    return whoosh_index.open_dir(str(folder)).reader()


def everything(reader) -> dict:
    """Every term with its statistics and postings, every stored document, every length and column value."""
    out = {"terms": {}, "stored": list(reader.all_stored_fields()), "doc_count": reader.doc_count()}
    for fieldname, term in reader.all_terms():
        info = reader.term_info(fieldname, term)
        postings = []
        matcher = reader.postings(fieldname, term)
        while matcher.is_active():
            postings.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        out["terms"][fieldname, term] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                                         info.max_weight(), info.min_id(), info.max_id(), postings)
    names = index.schema().scorable_names()
    out["lengths"] = {name: (reader.field_length(name), [reader.doc_field_length(d, name) for d in range(reader.doc_count())])
                      for name in names}
    out["dates"] = list(reader.column_reader("date"))
    return out


def corpus_documents(root: Path) -> list:
    return [doc for result in documents.load_corpus(root) for doc in result.documents]


@pytest.mark.parametrize("source", ["synthetic", "project corpus"])
def test_the_builder_writes_what_whoosh_writes(tmp_path, source):
    if source == "synthetic":
        write_corpus(tmp_path / "corpus", 300, per_jsonl=40, sentences=40)  # terms of more than one block
        docs = corpus_documents(tmp_path / "corpus")
    else:
        docs = corpus_documents(CORPUS)
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "builder").mkdir()
    expected, found = everything(by_whoosh(docs, tmp_path / "whoosh")), everything(by_builder(docs, tmp_path / "builder"))
    assert found["doc_count"] == len(docs)
    if source == "synthetic":
        assert max(len(p[-1]) for p in found["terms"].values()) > 128  # some term's postings take several blocks
    assert found == expected
