"""The one place search requests go through: `Engine.search` and `Engine.document`.

The web app and the CLI call these and nothing else; they never see Whoosh.

Each thread keeps one Whoosh searcher open and reuses it across requests.  It
reopens only when a rebuild has switched the index to a new generation, so
a server follows rebuilds without a restart.  What a generation's searches
can share (each language's articles, expansions, suggestions) is cached
per generation and dropped with it.

Ranking is `search.ranking`'s: Whoosh's BM25F scores, computed over arrays
of cached postings, so that every match is scored and counted per language,
also when the page shows one language only.
"""

import gc
import math
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
from whoosh import query as wq

from search import index
from search import dictionary, gazetteer, highlight, sound, spelling
from search.analysis import word_forms, words
from search.cache import Lru
from search.english import FUNCTION_WORDS
from search.expand import alias_phrases, expand
from search.highlight import Terms, highlight_all, matches, snippet
from search.query import Clause, QueryError, parse
from search.ranking import Ranker, newest, top
from search.script import ARABIC, script_of

EXACT_BOOST = 1.5  # the word as typed beats another word with the same stem
LANGS = ("en", "ar")
SORTS = ("relevance", "date")
MAX_LIMIT = 100
RANKED = ("title", "text", "exact")  # the fields searches score
CACHED_EXPANSIONS = 4096  # queries' words, with their switches
CACHED_SUGGESTIONS = 4096  # unknown words
CACHED_SOUND_ENTRIES = 500_000  # lexicon words under the sound keys looked up (about 150 bytes each)


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
        """As `dataclasses.asdict`, which spends more than the web layer's own work deep-copying."""
        out = {name: getattr(self, name) for name in _RESULT_FIELDS}
        out["hits"] = [{name: getattr(hit, name) for name in _HIT_FIELDS} for hit in self.hits]
        out["counts"], out["expansions"] = dict(self.counts), list(self.expansions)
        return out


# Named once: dataclasses.fields() took a third of to_json's time.
_RESULT_FIELDS = tuple(f.name for f in fields(Results))
_HIT_FIELDS = tuple(f.name for f in fields(Hit))


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


def _waive_function_words(units: list, spans: list) -> None:
    """Let Arabic articles match without the query's English function words (`english.FUNCTION_WORDS`),
    when other words of the query reach Arabic ones: "coalition against terrorism" finds التحالف
    and الإرهاب.  English articles still need every word; the waiver adds nothing to a score."""
    if not any(script_of(a.expansion.matched) == ARABIC for span in spans for a in span.alternatives):
        return
    covered = {i for span in spans for i in range(span.start, span.end)}
    for i, (query, word) in enumerate(units):
        if i not in covered and word is not None and word.lower() in FUNCTION_WORDS:
            units[i][0] = wq.Or([query, wq.Term("lang", "ar", boost=0.0)])


def _validate(lang, limit, page, sort) -> None:
    if lang not in (None, *LANGS):
        raise QueryError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if page < 1:
        raise QueryError(f"page must be 1 or more, not {page}")
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")


class Generation:
    """What the searches of one index generation share, across threads."""

    def __init__(self, name, searcher):
        self.name = name
        self.ranker = Ranker(searcher)
        for scored in RANKED:  # read now, so that a server's workers share them
            self.ranker.lengths(searcher, scored)
        self.in_lang = {}  # lang -> which documents are in it, a slot per document
        for lang in LANGS:
            self.in_lang[lang] = np.zeros(self.ranker.size, dtype=bool)
            self.in_lang[lang][list(searcher.docs_for_query(wq.Term("lang", lang)))] = True
        self.expansions = Lru(CACHED_EXPANSIONS)  # (words, xlang, translate) -> expand()'s spans
        self.suggestions = Lru(CACHED_SUGGESTIONS)  # exact form -> the corrector's words
        self.articles = highlight.Articles(self.ranker.size)  # their matches, for snippets
        self.sound = sound.Cache(Lru(CACHED_SOUND_ENTRIES, weight=lambda e: len(e.exacts) + 1), {})
        self._lexicon = None
        self._lexicon_lock = threading.Lock()

    def lexicon(self, searcher) -> spelling.Lexicon:
        """The `exact` field's words, for did-you-mean; read at the first unknown word (or by warm_up)."""
        with self._lexicon_lock:
            if self._lexicon is None:
                self._lexicon = spelling.Lexicon.of(searcher.reader())
            return self._lexicon


class Engine:
    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._local = threading.local()
        self._generation: Generation | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load what the first search would otherwise wait for: the dictionary, the gazetteer,
        each language's articles, the longest posting lists and the gazetteer's phrases, the
        words did-you-mean weighs, the short sound keys' entries, Latin words' name shares, and
        every article's tokens, analysed for snippets (about 29 s and 1.2 GB on the shared corpus).
        Each server worker calls this before it takes a request (web/serve.py says why not
        before the fork)."""
        dictionary.load()
        gazetteer.default()
        gen = index.generation_dir(self.index_dir)
        try:
            # Closed here: a worker must not share the open files of its parent.
            with index.open_index(self.index_dir).searcher() as searcher:
                shared = self._shared(gen, searcher)
                shared.ranker.preload(searcher, RANKED)
                shared.ranker.preload_phrases(searcher, alias_phrases(gazetteer.default()))
                shared.lexicon(searcher)
                sound.preload(searcher.reader(), shared.sound)
                shared.articles.learn((offset + docnum, stored.get("text", ""))
                                      for leaf, offset in searcher.leaf_searchers()
                                      for docnum, stored in leaf.reader().iter_docs())
        except index.IndexError_:
            pass  # the first search reports it
        # What is loaded now stays out of the collector's sight, and full collections become rare.
        # The caches hold hundreds of thousands of small objects, and a full collection over
        # them stopped a search for up to 320 ms.
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)

    def _searcher(self):
        """This thread's searcher and its generation's shared caches."""
        gen = index.generation_dir(self.index_dir)
        local = self._local
        if getattr(local, "searcher", None) is None or local.gen != gen:
            searcher = index.open_index(self.index_dir).searcher()
            if getattr(local, "searcher", None) is not None:
                local.searcher.close()
            local.searcher, local.gen = searcher, gen
            local.shared = self._shared(gen, searcher)
        return local.searcher, local.shared

    def _shared(self, gen, searcher) -> Generation:
        with self._lock:
            if self._generation is None or self._generation.name != gen:
                self._generation = Generation(gen, searcher)
            return self._generation

    @staticmethod
    def _build(searcher, shared: Generation, parsed, terms: Terms, *, relaxed: bool, xlang: bool, translate: bool):
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
        typed = [u[1] for u in units]
        spans = shared.expansions.get(
            (tuple(typed), xlang, translate),
            lambda: expand(searcher.reader(), typed, names=xlang, translate=translate, lexicon=shared.sound))
        _waive_function_words(units, spans)
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
        searcher, shared = self._searcher()
        if translate and dictionary.load() is None:
            results.translation, translate = "unavailable", False
        elif not translate:
            results.translation = "off"
        terms = Terms()
        options = {"xlang": xlang, "translate": translate}
        query, used = self._build(searcher, shared, parsed, terms, relaxed=False, **options)
        if query is None:
            return results
        found, counts = self._run(searcher, shared, query, lang, page, limit, sort)
        if not any(counts.values()) and len(parsed.groups) > 1:
            terms = Terms()
            query, used = self._build(searcher, shared, parsed, terms, relaxed=True, **options)
            found, counts = self._run(searcher, shared, query, lang, page, limit, sort)
            results.relaxed = True
        results.expansions = [asdict(e) for e in dict.fromkeys(a.expansion for a in used)]
        results.counts = counts
        results.total = counts[lang] if lang else sum(counts.values())
        results.pages = math.ceil(results.total / limit)
        if results.total and page <= results.pages:  # Whoosh would hand back the last page instead
            results.hits = [self._hit(searcher, shared, hit, terms, used, scored=sort == "relevance")
                            for hit in found]
        results.suggestion = self._suggest(searcher, shared, text)
        results.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return results

    @staticmethod
    def _suggest(searcher, shared: Generation, text: str) -> str | None:
        """Did you mean: each word that matched nothing, replaced by its nearest indexed word."""
        out, at = [], 0
        for word, start, end in words(text):
            found = word_forms(word)
            if (found is None or any(ch.isdigit() for ch in word)
                    or searcher.doc_frequency("exact", found[1]) or searcher.doc_frequency("text", found[0])):
                continue
            better = shared.suggestions.get(found[1], lambda: spelling.correct(
                shared.lexicon(searcher), lambda w: searcher.frequency("exact", w), found[1]))
            if better:
                replacement = better[0].capitalize() if word[:1].isupper() else better[0]
                out += [text[at:start], replacement]
                at = end
        return "".join(out) + text[at:] if out else None

    @staticmethod
    def _run(searcher, shared: Generation, query, lang, page, limit, sort):
        """One page of (document number, score) among the articles in `lang` (all if None),
        and every match counted per language."""
        ranker = shared.ranker
        matched, scores = ranker.evaluate(searcher, query)
        matched &= ranker.live
        counts = {language: int(np.count_nonzero(matched & docs)) for language, docs in shared.in_lang.items()}
        if lang:
            matched &= shared.in_lang[lang]
        if sort == "date":
            found = newest(ranker.date_rank(searcher), matched, page * limit)
        else:
            found = top(scores, matched, page * limit)
        return [(int(docnum), float(scores[docnum])) for docnum in found[(page - 1) * limit:]], counts

    @staticmethod
    def _hit(searcher, shared: Generation, found: tuple[int, float], terms: Terms, used: list, scored: bool) -> Hit:
        docnum, score = found
        stored = searcher.stored_fields(docnum)
        text = stored.get("text", "")
        spans = shared.articles.matches(docnum, text, terms) if terms else []
        stems = {f.stem for f in spans}
        exact = {f.exact for f in spans}
        through = [
            asdict(a.expansion) for a in used
            if set(a.stems) <= stems and set(a.exact) <= exact and (a.stems or a.exact)
        ]
        return Hit(
            id=stored["id"], title=stored.get("title", ""), lang=stored.get("lang", ""),
            score=round(score, 4) if scored else 0.0,
            snippet=snippet(text, terms, spans=spans),
            date=stored.get("date", ""), source=stored.get("source", ""), url=stored.get("url", ""),
            matches=list({m["matched"]: m for m in through}.values()),
        )

    def document(self, doc_id: str, query: str = "", *, xlang: bool = True, translate: bool = True) -> dict | None:
        """The whole article with the query's matches marked (expansions too), or None if there is no such id."""
        searcher, shared = self._searcher()
        stored = searcher.document(id=doc_id)
        if stored is None:
            return None
        terms = Terms()
        try:
            translate = translate and dictionary.load() is not None
            self._build(searcher, shared, parse(query), terms, relaxed=True, xlang=xlang, translate=translate)
        except QueryError:
            pass  # the article is still worth showing without marks
        text = stored.get("text", "")
        return {
            "id": stored["id"], "title": stored.get("title", ""), "lang": stored.get("lang", ""),
            "date": stored.get("date", ""), "source": stored.get("source", ""), "url": stored.get("url", ""),
            "html": highlight_all(text, terms), "marks": len(matches(text, terms)) if terms else 0,
        }
