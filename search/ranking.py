"""Whoosh's BM25F ranking, done over arrays: every match scored and counted, fast.

Whoosh scores a query by walking a tree of matchers one document at a time,
in Python.  An expanded query (a name in two scripts, a word and its
translations) has dozens of terms, some with thousands of postings, and
every match must be scored to count matches per language.  Here each term's
postings are read once per index generation, block by block, into NumPy
arrays of document numbers and BM25F scores.  A query then becomes a few
array operations over one slot per document: Or adds, And intersects, Not
removes.  Scores are Whoosh's own (same formula, idf, average and quantised
field lengths, boosts), and ties go to the lower document number, as in
Whoosh's TopCollector.

A phrase is its words' documents intersected, then checked word by word
for positions side by side, reading positions only from the blocks that
hold those documents; what it finds is kept like a term's postings.

>>> import numpy as np
>>> top(np.array([1.0, 3.0, 3.0, 2.0]), np.array([True, True, True, False]), 2).tolist()
[1, 2]
"""

import heapq
import math
from collections import Counter
from functools import reduce

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import bm25

from search.cache import Lru

CACHED_BYTES = 320 * 2**20  # postings kept per generation, as arrays
PRELOADED_BYTES = 192 * 2**20  # of them read before the first search (see Ranker.preload)
PRELOADED_TERMS = 120_000  # at most: on the shared corpus, every term in 9 or more articles
# Reading a term's postings costs about 55 us however short they are (a lookup in each segment),
# and a search with expansions reads dozens.  With only the 8,192 longest held, reading was 1.1 ms
# of a median search of the bench; with 120,000 (163 MB, 9 s more warm-up) it is 0.3 ms.
_POSTING_BYTES = 16  # a document number and a score


class Ranker:
    """What ranking needs of one index generation: field lengths, cached postings, sort orders.

    Shared by the threads that search the generation; each passes its own searcher.
    """

    def __init__(self, searcher):
        self.size = searcher.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            if reader.has_deletions():
                for docnum in range(reader.doc_count_all()):
                    self.live[offset + docnum] = not reader.is_deleted(docnum)
        self._lengths: dict[str, np.ndarray] = {}
        # (field, text) or ("phrase", field, words) -> (docnums, scores)
        self._postings = Lru(CACHED_BYTES, weight=lambda found: found[0].nbytes + found[1].nbytes)
        self._date_rank = None

    # --- per-document data -------------------------------------------------

    def lengths(self, searcher, field: str) -> np.ndarray:
        """Every document's length in `field`, as Whoosh's scorer sees it (quantised to a byte)."""
        found = self._lengths.get(field)
        if found is None:
            found = np.ones(self.size)
            for leaf, offset in searcher.leaf_searchers():
                reader = leaf.reader()
                for docnum in range(reader.doc_count_all()):
                    found[offset + docnum] = reader.doc_field_length(docnum, field, 1) or 1
            self._lengths[field] = found
        return found

    def date_rank(self, searcher) -> np.ndarray:
        """Each document's place when sorted newest first; among equal dates the later document first."""
        if self._date_rank is None:
            dates = [""] * self.size
            for leaf, offset in searcher.leaf_searchers():
                reader = leaf.reader()
                if reader.has_column("date"):
                    dates[offset:offset + reader.doc_count_all()] = list(reader.column_reader("date"))
            order = sorted(range(self.size), key=lambda d: (dates[d], d), reverse=True)
            rank = np.empty(self.size, dtype=np.int64)
            rank[order] = np.arange(self.size)
            self._date_rank = rank
        return self._date_rank

    # --- postings ------------------------------------------------------------

    def postings(self, searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A term's documents and their BM25F scores (before boosts)."""
        return self._postings.get((field, text), lambda: self._read(searcher, field, text))

    def preload(self, searcher, fields: tuple[str, ...], budget: int = PRELOADED_BYTES) -> int:
        """Read the longest posting lists of `fields` first, until `budget` bytes are held.

        Those are the terms whose first reading costs a search most (a few
        milliseconds each), and the terms searches meet most: common words,
        and the translations and names that expansions add.  Returns the bytes read.
        """
        found = _doc_frequencies(searcher, fields)
        longest = heapq.nlargest(PRELOADED_TERMS, ((count, field, term) for (field, term), count in found.items()))
        held = 0
        for count, field, term in longest:
            if held + count * _POSTING_BYTES > budget:
                break
            ids, scores = self.postings(searcher, field, term.decode("utf-8"))
            held += ids.nbytes + scores.nbytes
        return held

    def preload_phrases(self, searcher, phrases: list[wq.Query]) -> None:
        """Find the documents of each phrase (or Or of phrases) now, as a search would.

        For the gazetteer's names (`expand.alias_phrases`): the commonest
        cost a search tens of milliseconds (U.S., in 4,415 articles of the
        shared corpus, 44 ms).
        """
        for phrase in phrases:
            self.evaluate(searcher, phrase)

    def _read(self, searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        schema_field = searcher.schema[field]
        try:
            btext = schema_field.to_bytes(text)
        except ValueError:
            return _EMPTY
        ids, weights = [], []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            if (field, btext) not in reader:
                continue
            for block_ids, block_weights in _blocks(reader.postings(field, btext)):
                ids.append(block_ids + offset)
                weights.append(block_weights)
        if not ids:
            return _EMPTY
        ids, weights = np.concatenate(ids), np.concatenate(weights)
        if not schema_field.scorable:
            return ids, weights
        weighting = searcher.weighting
        # Whoosh's idf (WeightingModel.idf), its document frequency counted here rather than looked up
        # again in each segment: a term's postings, deleted documents' too, as its term info counts them.
        idf = math.log(searcher.doc_count_all() / (len(ids) + 1)) + 1
        average = searcher.avg_field_length(field) or 1
        lengths = self.lengths(searcher, field)[ids]
        scores = bm25(idf, weights, lengths, average, weighting._field_B.get(field, weighting.B), weighting.K1)
        return ids, scores

    # --- queries ------------------------------------------------------------

    def evaluate(self, searcher, query: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """(which documents match, their scores): scores are 0 where nothing matches."""
        if isinstance(query, wq.Term):
            return self._dense(self.postings(searcher, query.fieldname, query.text), query.boost)
        if isinstance(query, wq.Or):
            matched, total = np.zeros(self.size, dtype=bool), np.zeros(self.size)
            for sub in query.subqueries:
                if isinstance(sub, wq.Term):  # the common case, added in place
                    ids, scores = self.postings(searcher, sub.fieldname, sub.text)
                    matched[ids] = True
                    total[ids] += scores * sub.boost
                else:
                    sub_matched, sub_total = self.evaluate(searcher, sub)
                    matched |= sub_matched
                    total += sub_total
            return matched, _boosted(query, total)
        if isinstance(query, wq.And):
            matched, total = np.ones(self.size, dtype=bool), np.zeros(self.size)
            for sub in query.subqueries:
                sub_matched, sub_total = self.evaluate(searcher, sub)
                matched &= sub_matched
                total += sub_total
            total[~matched] = 0.0
            return matched, _boosted(query, total)
        if isinstance(query, wq.Not):
            sub_matched, _ = self.evaluate(searcher, query.query)
            return ~sub_matched, np.zeros(self.size)
        if isinstance(query, wq.Phrase) and query.slop == 1:  # kept like a term's postings
            key = ("phrase", query.fieldname, tuple(query.words))
            return self._dense(self._postings.get(key, lambda: self._phrase(searcher, query)), query.boost)
        return self._dense(self._by_whoosh(searcher, query))

    def _phrase(self, searcher, query: wq.Phrase) -> tuple[np.ndarray, np.ndarray]:
        """The documents where the words stand side by side, in order, each scored as Whoosh's
        phrase matcher scores it: the sum of its words' scores."""
        field, words = query.fieldname, query.words
        postings = [self.postings(searcher, field, word) for word in words]
        docs = reduce(np.intersect1d, [ids for ids, _ in postings])
        if len(docs) and len(words) > 1:
            places = [self._positions(searcher, field, word, docs) for word in words]
            docs = docs[[any(all(p + k in word_places[i] for k, word_places in enumerate(places[1:], 1))
                             for p in places[0][i]) for i in range(len(docs))]]
        scores = sum(word_scores[np.searchsorted(ids, docs)] for ids, word_scores in postings)
        return docs, scores if len(docs) else np.zeros(0)

    def _positions(self, searcher, field: str, word: str, docs: np.ndarray) -> list[set[int]]:
        """The positions of `word` in each of `docs` (which all contain it), read only from
        the blocks that hold them."""
        btext = searcher.schema[field].to_bytes(word)
        decode = searcher.schema[field].format.decode_positions
        found = []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            local = docs[(docs >= offset) & (docs < offset + reader.doc_count_all())] - offset
            if not len(local):
                continue
            matcher = reader.postings(field, btext)
            at = 0  # the next of `local` to find
            while at < len(local):
                if not isinstance(matcher, W3LeafMatcher):  # kept in memory: no blocks to skip
                    matcher.skip_to(local[at])
                    found.append(set(decode(matcher.value())))
                    at += 1
                    continue
                if local[at] > matcher._maxid:
                    matcher._next_block()  # its data is never read
                    continue
                if matcher._data is None:
                    matcher._read_data()
                block_ids = np.cumsum(matcher._data[0])
                values = matcher._data[2]
                inside = local[at:][local[at:] <= matcher._maxid]
                found += [set(decode(values[i])) for i in np.searchsorted(block_ids, inside).tolist()]
                at += len(inside)
        return found

    def _dense(self, postings: tuple[np.ndarray, np.ndarray], boost: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        ids, scores = postings
        matched, total = np.zeros(self.size, dtype=bool), np.zeros(self.size)
        matched[ids] = True
        total[ids] = scores * boost
        return matched, total

    def _by_whoosh(self, searcher, query: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """The documents and scores of any other query, through Whoosh's matcher, as its collector scores them."""
        ids, scores = [], []
        context = searcher.context(needs_current=True)
        for leaf, offset in searcher.leaf_searchers():
            matcher = query.matcher(leaf, context)
            while matcher.is_active():
                ids.append(offset + matcher.id())
                scores.append(matcher.score())
                matcher.next()
        return np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64)


def _boosted(query: wq.Query, total: np.ndarray) -> np.ndarray:
    # As Whoosh: a compound query of one part passes that part's matcher on unboosted.
    if query.boost != 1.0 and len(query.subqueries) > 1:
        total *= query.boost
    return total


_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0))


def _blocks(matcher):
    """A Whoosh postings matcher's (ids, weights) as arrays, a block at a time.

    Reads its blocks' data directly: stepping through postings one by one
    costs a Python call per posting, and so does Whoosh's decoding of a
    block's document numbers (a delta each).  `tests/test_ranking.py`
    checks the result against Whoosh's own walk.
    """
    if not isinstance(matcher, W3LeafMatcher):  # a posting kept inline in its term's entry
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        yield np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
        return
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        deltas, weights = matcher._data[0], matcher._data[1]
        size = matcher._blocklength
        if weights is None:
            weights = np.ones(size)
        elif isinstance(weights, float):
            weights = np.full(size, weights)
        yield np.cumsum(deltas), np.asarray(weights, dtype=np.float64)
        matcher._next_block()


def _doc_frequencies(searcher, fields: tuple[str, ...]) -> Counter:
    """(field, term) -> documents that have it, for every term of `fields`.

    Read from each segment's term table in order: Whoosh's merged reader
    looks every term up again in every segment, which took 13 of the 15 s
    that preloading spent on the shared corpus.
    """
    found = Counter()
    for leaf, _ in searcher.leaf_searchers():
        table = leaf.reader()._terms  # the segment's W3TermsReader
        for field in fields:
            for (name, term), info in table.items_from(field, b""):
                if name != field:
                    break
                found[field, term] += info.doc_frequency()
    return found


def top(scores: np.ndarray, matched: np.ndarray, k: int) -> np.ndarray:
    """The `k` best matching documents, best first; ties to the lower document number."""
    docs = np.flatnonzero(matched)
    if len(docs) > k:
        values = scores[docs]
        kth = np.partition(values, len(values) - k)[len(values) - k]
        docs = docs[values >= kth]
    order = np.lexsort((docs, -scores[docs]))
    return docs[order[:k]]


def newest(rank: np.ndarray, matched: np.ndarray, k: int) -> np.ndarray:
    """The `k` newest matching documents, newest first."""
    docs = np.flatnonzero(matched)
    return docs[np.argsort(rank[docs], kind="stable")[:k]]
