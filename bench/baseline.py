"""What we measure against: Whoosh used the naive way, and tantivy.

The naive index is what a first attempt would write: Whoosh's
StemmingAnalyzer followed by a simple Arabic chain (alef forms, tatweel,
the article and و), one writer with default settings, Whoosh's query parser
and its default highlighter for snippets.  It reads the same articles
through `search.documents` and is handed the same language labels, so
the comparison is between the indexing and searching, not the reading.

>>> [t.text for t in naive_analyzer()("The talks in والقاهرة continued")]
['talk', 'قاهره', 'continu']
"""

import re
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import Filter, StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser

_ALEF = re.compile("[أإآٱ]")
_MARKS = re.compile("[\u0640\u064b-\u0652]")  # tatweel and vowel marks
_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و")
ARABIC_STOPS = frozenset("من الى إلى عن على في مع ثم او أو لا لم لن ما هذا هذه ذلك التي الذي ان أن إن كان قد".split())


class SimpleArabicFilter(Filter):
    """Alef forms to ا, ة to ه, ى to ي, marks dropped, one prefix removed."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if "\u0600" <= text[:1] <= "\u06ff":
                text = _MARKS.sub("", _ALEF.sub("ا", text)).replace("ة", "ه").replace("ى", "ي")
                if text in ARABIC_STOPS:
                    continue
                for prefix in _PREFIXES:
                    if text.startswith(prefix) and len(text) - len(prefix) >= 2:
                        text = text[len(prefix):]
                        break
                token.text = text
            yield token


def naive_analyzer():
    return StemmingAnalyzer() | SimpleArabicFilter()


def naive_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        lang=ID(stored=True),
        title=TEXT(analyzer=naive_analyzer(), stored=True),
        text=TEXT(analyzer=naive_analyzer(), stored=True),
    )


def build_naive(docs, index_dir: Path) -> int:
    """Index (id, lang, title, text) tuples with one writer and default settings."""
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), naive_schema())
    writer = ix.writer()
    count = 0
    for doc_id, lang, title, text in docs:
        writer.add_document(id=doc_id, lang=lang, title=title, text=text)
        count += 1
    writer.commit()
    return count


class NaiveSearcher:
    """Whoosh's parser over title and text, top hits, default highlights."""

    def __init__(self, index_dir: Path):
        self.ix = whoosh_index.open_dir(str(index_dir), readonly=True)
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "text"], self.ix.schema)

    def search(self, text: str, limit: int = 10) -> tuple[int, list[str]]:
        """(hits found, snippets of the top `limit`)."""
        query = self.parser.parse(text)
        results = self.searcher.search(query, limit=limit)
        snippets = [hit.highlights("text") for hit in results]
        return len(results), snippets

    def close(self):
        self.searcher.close()


# --- tantivy ----------------------------------------------------------------

def tantivy_available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def _tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("lang", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True)
    builder.add_text_field("text", stored=True)
    return builder.build()


def build_tantivy(docs, index_dir: Path) -> int:
    """tantivy's default indexing: its default tokenizer, writer and threads."""
    import tantivy

    index_dir.mkdir(parents=True, exist_ok=True)
    ix = tantivy.Index(_tantivy_schema(), path=str(index_dir))
    writer = ix.writer()
    count = 0
    for doc_id, lang, title, text in docs:
        writer.add_document(tantivy.Document(id=doc_id, lang=lang, title=title, text=text))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


class TantivySearcher:
    def __init__(self, index_dir: Path):
        import tantivy

        self.tantivy = tantivy
        self.ix = tantivy.Index.open(str(index_dir))
        self.ix.reload()
        self.searcher = self.ix.searcher()
        self.schema = _tantivy_schema()

    def search(self, text: str, limit: int = 10) -> tuple[int, list[str]]:
        try:
            query = self.ix.parse_query(text, ["title", "text"])
        except ValueError:  # its syntax is not ours: search the words alone
            query = self.ix.parse_query(re.sub(r"[^\w\s]", " ", text), ["title", "text"])
        found = self.searcher.search(query, limit, count=True)
        generator = self.tantivy.SnippetGenerator.create(self.searcher, query, self.schema, "text")
        snippets = [generator.snippet_from_doc(self.searcher.doc(address)).to_html() for _, address in found.hits]
        return found.count, snippets


def timed(fn, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result
