"""The one place search requests go through: `Engine.search` and `Engine.document`.

The web app and the CLI call these and nothing else; they never see Whoosh.

Each thread keeps one Whoosh searcher open and reuses it across requests.  It
reopens only when a rebuild has switched the index to a new generation, so
a server follows rebuilds without a restart.
"""

import math
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import query as wq
from whoosh import sorting

from search import index
from search import dictionary, gazetteer
from search.analysis import word_forms, words
from search.expand import expand
from search.highlight import Terms, highlight_all, matches, snippet
from search.query import Clause, QueryError, parse

EXACT_BOOST = 1.5  # the word as typed beats another word with the same stem
LANGS = ("en", "ar")
SORTS = ("relevance", "date")
MAX_LIMIT = 100


@dataclass
class Hit:
    id: str
    title: str
    lang: str
    score: float
    snippet: str
    date: str = ""
    source: str = ""
    url: str = ""
    matches: list = field(default_factory=list)  # the expansions this hit was found through


@dataclass
class Results:
    query: str
    total: int = 0
    hits: list = field(default_factory=list)
    page: int = 1
    pages: int = 0
    limit: int = 10
    lang: str | None = None
    sort: str = "relevance"
    counts: dict = field(default_factory=lambda: {lang: 0 for lang in LANGS})
    expansions: list = field(default_factory=list)
    relaxed: bool = False  # no article had every word, so these have some of them
    suggestion: str | None = None  # the query with unknown words corrected from the index's own words
    translation: str = "on"  # "on", "off" (asked so), or "unavailable" (no dictionary installed)
    took_ms: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


def _clause_query(clause: Clause, terms: Terms) -> wq.Query | None:
    found = [word_forms(w) for w in clause.words]
    found = [f for f in found if f is not None]  # stop words
    if not found:
        return None
    terms.stems.update(stem for stem, _ in found)
    terms.exact.update(exact for _, exact in found)
    if len(found) == 1:
        stem, exact = found[0]
        return wq.Or([wq.Term("title", stem), wq.Term("text", stem), wq.Term("exact", exact, boost=EXACT_BOOST)])
    stems = [stem for stem, _ in found]
    return wq.Or([wq.Phrase("title", stems), wq.Phrase("text", stems)])


def _validate(lang, limit, page, sort) -> None:
    if lang not in (None, *LANGS):
        raise QueryError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if page < 1:
        raise QueryError(f"page must be 1 or more, not {page}")
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")


class Engine:
    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._local = threading.local()

    def warm_up(self) -> None:
        """Load what the first search would otherwise wait for: the dictionary, the gazetteer."""
        dictionary.load()
        gazetteer.default()

    def _searcher(self):
        gen = index.generation_dir(self.index_dir)
        local = self._local
        if getattr(local, "searcher", None) is None or local.gen != gen:
            searcher = index.open_index(self.index_dir).searcher()
            if getattr(local, "searcher", None) is not None:
                local.searcher.close()
            local.searcher, local.gen = searcher, gen
        return local.searcher

    @staticmethod
    def _build(searcher, parsed, terms: Terms, *, relaxed: bool, xlang: bool, translate: bool):
        """The Whoosh query for a parsed query, and the expansions it looks for."""
        units = []  # [query, the word it was typed as, if a single word may be expanded]
        for group in parsed.groups:
            clauses = [q for q in (_clause_query(c, terms) for c in group) if q is not None]
            if not clauses:
                continue
            single = len(group) == 1 and len(group[0].words) == 1
            units.append([wq.Or(clauses) if len(clauses) > 1 else clauses[0], group[0].words[0] if single else None])
        if not units:
            return None, []
        spans = expand(searcher.reader(), [u[1] for u in units], names=xlang, translate=translate)
        used = []
        for span in spans:  # one word: the word or its alternatives
            if span.end - span.start == 1:
                units[span.start][0] = wq.Or([units[span.start][0], *(a.query for a in span.alternatives)])
                used += span.alternatives
        groups, i = [], 0
        wide = {span.start: span for span in spans if span.end - span.start > 1}
        while i < len(units):  # several words: all of them, or an alternative for the whole
            span = wide.get(i)
            if span is None:
                groups.append(units[i][0])
                i += 1
                continue
            together = wq.And([u[0] for u in units[span.start:span.end]])
            groups.append(wq.Or([together, *(a.query for a in span.alternatives)]))
            used += span.alternatives
            i = span.end
        for alternative in used:
            terms.stems.update(alternative.stems)
            terms.exact.update(alternative.exact)
        query = wq.Or(groups) if relaxed else wq.And(groups)
        excluded = [q for q in (_clause_query(c, Terms()) for c in parsed.excluded) if q is not None]
        # And+Not, not AndNot: Whoosh's AndNotMatcher lets excluded articles through
        # unless both lists start on the same document.
        return (wq.And([query, wq.Not(wq.Or(excluded))]) if excluded else query), used

    def search(self, text: str, *, lang: str | None = None, limit: int = 10, page: int = 1,
               sort: str = "relevance", xlang: bool = True, translate: bool = True) -> Results:
        """Ranked hits with snippets.  Raises QueryError for a query that cannot run,
        and index.IndexError_ when there is no usable index."""
        started = time.perf_counter()
        _validate(lang, limit, page, sort)
        parsed = parse(text)
        results = Results(query=text, limit=limit, page=page, lang=lang, sort=sort)
        searcher = self._searcher()
        if translate and dictionary.load() is None:
            results.translation, translate = "unavailable", False
        elif not translate:
            results.translation = "off"
        terms = Terms()
        options = {"xlang": xlang, "translate": translate}
        query, used = self._build(searcher, parsed, terms, relaxed=False, **options)
        if query is None:
            return results
        found, counts = self._run(searcher, query, lang, page, limit, sort)
        if not any(counts.values()) and len(parsed.groups) > 1:
            terms = Terms()
            query, used = self._build(searcher, parsed, terms, relaxed=True, **options)
            found, counts = self._run(searcher, query, lang, page, limit, sort)
            results.relaxed = True
        results.expansions = [asdict(e) for e in dict.fromkeys(a.expansion for a in used)]
        results.counts = counts
        results.total = counts[lang] if lang else sum(counts.values())
        results.pages = math.ceil(results.total / limit)
        if results.total and page <= results.pages:  # Whoosh would hand back the last page instead
            results.hits = [self._hit(hit, terms, used, scored=sort == "relevance") for hit in found]
        results.suggestion = self._suggest(searcher, text)
        results.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return results

    @staticmethod
    def _suggest(searcher, text: str) -> str | None:
        """Did you mean: each word that matched nothing, replaced by its nearest indexed word."""
        corrector = None
        out, at = [], 0
        for word, start, end in words(text):
            found = word_forms(word)
            if (found is None or any(ch.isdigit() for ch in word)
                    or searcher.doc_frequency("exact", found[1]) or searcher.doc_frequency("text", found[0])):
                continue
            corrector = corrector or searcher.corrector("exact")
            # Misspellings rarely touch the first letter; requiring it keeps this fast.
            better = corrector.suggest(found[1], limit=1, maxdist=2, prefix=1)
            if better:
                replacement = better[0].capitalize() if word[:1].isupper() else better[0]
                out += [text[at:start], replacement]
                at = end
        return "".join(out) + text[at:] if out else None

    @staticmethod
    def _run(searcher, query, lang, page, limit, sort):
        """One page of hits, and the hits per language: one pass over the matches when no
        language is chosen, a second unfiltered count when one is."""
        facet = {"groupedby": sorting.FieldFacet("lang"), "maptype": sorting.Count}
        found = searcher.search_page(
            query, page, pagelen=limit, filter=wq.Term("lang", lang) if lang else None,
            sortedby="date" if sort == "date" else None, reverse=sort == "date", **facet,
        )
        groups = (found.results if lang is None else searcher.search(query, limit=1, **facet)).groups("lang")
        return found, {language: groups.get(language, 0) for language in LANGS}

    @staticmethod
    def _hit(hit, terms: Terms, used: list, scored: bool) -> Hit:
        stored = hit.fields()
        text = stored.get("text", "")
        spans = matches(text, terms) if terms else []
        stems = {f.stem for f in spans}
        exact = {f.exact for f in spans}
        through = [
            asdict(a.expansion) for a in used
            if set(a.stems) <= stems and set(a.exact) <= exact and (a.stems or a.exact)
        ]
        return Hit(
            id=stored["id"], title=stored.get("title", ""), lang=stored.get("lang", ""),
            score=round(float(hit.score), 4) if scored and hit.score is not None else 0.0,
            snippet=snippet(text, terms, spans=spans),
            date=stored.get("date", ""), source=stored.get("source", ""), url=stored.get("url", ""),
            matches=list({m["matched"]: m for m in through}.values()),
        )

    def document(self, doc_id: str, query: str = "", *, xlang: bool = True, translate: bool = True) -> dict | None:
        """The whole article with the query's matches marked (expansions too), or None if there is no such id."""
        searcher = self._searcher()
        stored = searcher.document(id=doc_id)
        if stored is None:
            return None
        terms = Terms()
        try:
            translate = translate and dictionary.load() is not None
            self._build(searcher, parse(query), terms, relaxed=True, xlang=xlang, translate=translate)
        except QueryError:
            pass  # the article is still worth showing without marks
        text = stored.get("text", "")
        return {
            "id": stored["id"], "title": stored.get("title", ""), "lang": stored.get("lang", ""),
            "date": stored.get("date", ""), "source": stored.get("source", ""), "url": stored.get("url", ""),
            "html": highlight_all(text, terms), "marks": len(matches(text, terms)) if terms else 0,
        }
