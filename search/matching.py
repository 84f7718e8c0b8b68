"""One word against many candidates at once: what a sound key's lexicon entries need.

`names.is_match` and `names.similarity` weigh one pair of words.  A lookup
weighs hundreds, so here the candidates' readings are laid out in arrays once
(`readings`, kept per key by search.sound), pairs that cannot come close are
dropped by a bound, and the edit distances of the rest are computed together,
one NumPy row per pair.  The answers are `is_match`'s and `similarity`'s,
which tests/test_names.py checks; the alphabet, costs and thresholds are
names.py's own.

>>> match_all("Putin", ["بوتين", "موسكو"])
{'بوتين': 0.9875}
"""

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from search.names import (COST_UNIT, _LETTERS, _LOWEST_THRESHOLD, _arabic_side, _indel, _keys_of, _sub,
                          _total_weight, _unwritten_pair, exact_spellings, spellings, threshold)
from search.script import ARABIC, script_of


class Readings(NamedTuple):
    """Words' readings laid out for `match_readings`: one entry per reading, word by word."""

    words: list  # the words that have readings, in order
    owners: np.ndarray  # per reading, its word's number in `words`
    spellings: list  # per reading, its Spelling
    floors: np.ndarray  # per reading, its _floor
    weights: np.ndarray  # per reading, its _total_weight
    penalties: np.ndarray
    codes: np.ndarray  # per reading, its letters as numbers (`_coded`), for `_distances`
    lengths: np.ndarray  # per reading, its number of letters
    arabic: np.ndarray  # per reading, whether its word is in Arabic script


def readings(words, *, exact_forms: bool = False) -> Readings:
    """The readings of `words` (each once); `exact_forms`: the words are in the
    form the `exact` field holds, and are read without analysis (`exact_spellings`)."""
    readings_of = exact_spellings if exact_forms else spellings
    kept, owners, found = [], [], []
    for word in dict.fromkeys(words):
        spelled = readings_of(word)
        if spelled:
            owners += [len(kept)] * len(spelled)
            found += spelled
            kept.append(word)
    owners = np.array(owners, dtype=np.intp)
    arabic = np.array([script_of(word) == ARABIC for word in kept], dtype=bool)
    return Readings(kept, owners, found, np.array([_floor(s.text) for s in found]),
                    np.array([_total_weight(s.text) for s in found]), np.array([s.penalty for s in found]),
                    *_coded([s.text for s in found]), arabic[owners])


def match_all(query_word: str, candidate_words, *, exact_forms: bool = False) -> dict[str, float]:
    """`similarity` of each candidate that `is_match`es `query_word`: the same answers, in one go.

    `exact_forms` as for `readings`.
    """
    return match_readings(query_word, readings(candidate_words, exact_forms=exact_forms))


def match_readings(query_word: str, candidates: Readings, same_script: float = 0.0) -> dict[str, float]:
    """`match_all` over readings laid out already: a lexicon's words under a key serve many queries.

    `same_script`: the least similarity a reading of a word in the query word's
    script must itself reach to match.  A searcher wants another spelling in
    the same script only when it is that close, and most of a key's words are
    in the query's script, so it saves most of the work.

    A lexicon lookup weighs hundreds of candidates.  Pairs of readings whose
    floors (`_floor`) are too far apart to reach the lowest threshold are
    dropped first; the edit distances of the others are computed together,
    one NumPy row per pair, so the dynamic programme runs once over the
    letters rather than once per pair.  The sums are the same as
    `_distance`'s, so the answers are too.
    """
    query = spellings(query_word)
    if not query or not candidates.words:
        return {}
    query_weights = np.array([_total_weight(sa.text) for sa in query])
    query_penalties = np.array([sa.penalty for sa in query])
    lowest = _LOWEST_THRESHOLD
    if same_script > lowest:  # per reading
        lowest = np.where(candidates.arabic == (script_of(query_word) == ARABIC), same_script, lowest)
    rows, which = [], []  # per pair: the candidate's reading, the query's reading
    for q, sa in enumerate(query):
        heavier = np.maximum(np.maximum(query_weights[q], candidates.weights), 1e-9)
        bound = 1.0 - np.abs(_floor(sa.text) - candidates.floors) / heavier - sa.penalty - candidates.penalties
        kept = np.flatnonzero(bound >= lowest - 1e-9)
        rows.append(kept)
        which.append(np.full(len(kept), q, dtype=np.intp))
    rows, which = np.concatenate(rows), np.concatenate(which)
    if not len(rows):
        return {}
    order = np.argsort(candidates.owners[rows], kind="stable")  # each candidate's pairs together
    rows, which = rows[order], which[order]
    owners = candidates.owners[rows]
    query_codes, query_lengths = _coded([sa.text for sa in query])
    b_lengths = candidates.lengths[rows]
    distances = _distances(query_codes[which], query_lengths[which],
                           candidates.codes[rows, :b_lengths.max()], b_lengths)
    heavier = np.maximum(np.maximum(query_weights[which], candidates.weights[rows]), 1e-9)
    scores = np.maximum(0.0, 1.0 - distances / heavier) - query_penalties[which] - candidates.penalties[rows]
    firsts = np.flatnonzero(np.diff(owners, prepend=-1))  # each candidate's first pair
    best = dict(zip(owners[firsts].tolist(), np.maximum(np.maximum.reduceat(scores, firsts), 0.0).tolist()))
    # The key a pair shares is one of the query reading's keys, so no longer than its longest,
    # and the threshold of that length is the least the pair can need (longer keys need less).
    query_keys = [_keys_of(sa.text) for sa in query]
    least_needed = np.array([threshold(max(map(len, keys), default=0)) for keys in query_keys])
    needed_here = least_needed[which]
    if same_script > _LOWEST_THRESHOLD:
        needed_here = np.maximum(needed_here, lowest[rows])
    near = np.flatnonzero(scores >= needed_here)  # only these pairs can clear a threshold
    matched, sides = set(), {}
    for n, q, row, heavy, distance, score in zip(owners[near].tolist(), which[near].tolist(), rows[near].tolist(),
                                                 heavier[near].tolist(), distances[near].tolist(),
                                                 scores[near].tolist()):
        if n in matched:
            continue
        sa, sb = query[q], candidates.spellings[row]
        shared = query_keys[q] & _keys_of(sb.text)
        if not shared:
            continue
        key_length = max(map(len, shared))
        needed = threshold(key_length)
        limit = (1.0 - needed - sa.penalty - sb.penalty) * heavy + 1e-6
        if not (limit >= 0 and distance <= limit and score >= needed):
            continue  # cheaper than the test below, and most pairs fail here
        if n not in sides:
            sides[n] = _arabic_side(query_word, candidates.words[n])
        if not _unwritten_pair(sides[n], sa.text, sb.text, key_length):
            matched.add(n)
    return {candidates.words[n]: best[n] for n in sorted(matched)}


def _letter_floors() -> dict[str, float]:
    """Per letter, the most it may count for in `_floor`: at most its insertion cost, and never more
    than a substitution's cost above another letter's, so that no edit changes a floor by more than it costs."""
    letters = _LETTERS
    floors = {ch: _indel(ch) for ch in letters}
    changed = True
    while changed:  # the costs are few: this settles in a handful of rounds
        changed = False
        for a in letters:
            lowest = min(floors[b] + _sub(a, b) for b in letters)
            if lowest < floors[a] - 1e-12:
                floors[a], changed = lowest, True
    return floors


_LETTER_FLOORS = _letter_floors()


@lru_cache(maxsize=200_000)
def _floor(text: str) -> float:
    """A sum over the letters such that `_distance(a, b) >= abs(_floor(a) - _floor(b))`: each
    letter inserted, deleted or substituted moves the difference by no more than the edit costs.
    It tells which readings cannot come close before any edit distance is computed."""
    return sum(_LETTER_FLOORS.get(ch, 0.0) for ch in text)


_CODES: dict[str, int] = {}  # the sound alphabet's letters, numbered as they come
_COSTS: list = [None, None]  # [substitution matrix, insertion costs] for the letters numbered so far


def _coded(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The texts as rows of letter numbers, padded with 0 (whose cells are never read), and their lengths."""
    codes = [_code(text) for text in texts]
    width = max(map(len, codes), default=0)
    return (np.array([c + (0,) * (width - len(c)) for c in codes], dtype=np.intp).reshape(len(codes), width),
            np.fromiter(map(len, codes), dtype=np.intp, count=len(codes)))


@lru_cache(maxsize=200_000)
def _code(text: str) -> tuple[int, ...]:
    return tuple(_CODES.get(ch) or _CODES.setdefault(ch, len(_CODES) + 1) for ch in text)


def _cost_tables() -> tuple[np.ndarray, np.ndarray]:
    """The substitution matrix and insertion costs of the letters numbered so far, in whole
    twentieths (`COST_UNIT`), so that sums are exact whatever their order."""
    size = len(_CODES) + 1
    sub, indel = _COSTS
    if sub is None or len(sub) != size:
        letters = [""] + sorted(_CODES, key=_CODES.get)
        sub = np.zeros((size, size), dtype=np.int64)
        indel = np.zeros(size, dtype=np.int64)
        for a in letters[1:]:
            indel[_CODES[a]] = round(_indel(a) * COST_UNIT)
            for b in letters[1:]:
                sub[_CODES[a], _CODES[b]] = round(_sub(a, b) * COST_UNIT)
        _COSTS[:] = [sub, indel]
    return sub, indel


def _distances(a: np.ndarray, a_lengths: np.ndarray, b: np.ndarray, b_lengths: np.ndarray) -> np.ndarray:
    """`_distance` of each pair of readings, row by row, the readings `_coded`.

    The dynamic programme runs over a's letters, and each of its rows is worked
    out for every pair at once, laid out one column per pair.  A cell is the
    cheaper of its best step from the row above and the cell before it plus the
    insertion of b's letter: cell[j + 1] = min(best[j], cell[j] + insert[j]).
    Less the running sum of the insertions, that is a running minimum, which
    NumPy computes in one call, so no Python loop runs over b's letters.
    """
    sub, indel = _cost_tables()
    flat, size = sub.ravel(), len(indel)
    pairs = np.arange(len(a))
    b = np.ascontiguousarray(b.T)  # (letters, pairs)
    inserted = np.cumsum(indel[b], axis=0)  # b's insertion costs summed up to each letter
    previous = np.empty((len(b) + 1, len(pairs)), dtype=np.int64)
    previous[0], previous[1:] = 0, inserted
    current = np.empty_like(previous)
    done = np.zeros(len(pairs), dtype=np.int64)
    done[a_lengths == 0] = previous[b_lengths, pairs][a_lengths == 0]
    for i in range(a.shape[1]):
        letter = a[:, i]
        deleted = indel[letter]
        best = np.minimum(previous[:-1] + flat[letter * size + b], previous[1:] + deleted)
        current[0] = previous[0] + deleted
        np.subtract(best, inserted, out=current[1:])
        np.minimum.accumulate(current, axis=0, out=current)
        current[1:] += inserted
        previous, current = current, previous
        ending = a_lengths == i + 1  # pairs whose a ends here
        done[ending] = previous[b_lengths[ending], pairs[ending]]
    return done / COST_UNIT
