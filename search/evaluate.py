"""How well a name finds its spelling in the other script, as a Markdown report.

Each pair of search/data/name_pairs.tsv is looked up the way the searcher
does it: the query's sound keys select candidate words of the other script,
`names.is_match` filters them and `names.similarity` ranks them. Candidates
are every pair name of the other script plus, when the corpora are there,
the most frequent words of the other language, so a name has to beat real
words. Aliases are looked up in the gazetteer instead.

The false-match rate asks the opposite question: how many of the most frequent
words of each language match some frequent word of the other language that
is not their translation.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path
from types import SimpleNamespace
from typing import Iterable, NamedTuple

from search import dictionary, gazetteer, sound
from search.analysis import words
from search.expand import (COMMON, COMMON_OUTWEIGHS, NAMED_SHARE, common_word_gives_way,
                           dictionary_allows, is_common_word, translates)
from search.names import (LONG_KEY_THRESHOLD, RELATIVE_MARGIN, THRESHOLDS, best_matches,
                          clitic_readings, sound_keys)
from search.script import ARABIC, LATIN, script_of

PAIRS_PATH = Path(__file__).parent / "data" / "name_pairs.tsv"
DEFAULT_CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
PAIR_HEADER = ("kind", "type", "english", "arabic", "source")
KINDS = ("sound", "alias")
TYPES = ("person", "place", "org", "other")
VOCABULARY = 20_000  # distractors per language
FREQUENT = 1_000  # words tested for false matches
TOP = 10
LISTED = 40  # false matches shown in the report, per language


@dataclass(frozen=True)
class Pair:
    kind: str
    type: str
    english: str
    arabic: str
    source: str
    line: int


def load_pairs(path: Path = PAIRS_PATH) -> list[Pair]:
    """Read the pairs file; a malformed line raises ValueError naming file and line."""
    pairs, header_seen = [], False
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = [c.strip() for c in line.split("\t")]
        where = f"{path}:{number}"
        if not header_seen:
            if tuple(columns) != PAIR_HEADER:
                raise ValueError(f"{where}: expected the header {'<TAB>'.join(PAIR_HEADER)!r}")
            header_seen = True
            continue
        if len(columns) != len(PAIR_HEADER):
            raise ValueError(f"{where}: expected {len(PAIR_HEADER)} columns, found {len(columns)}")
        kind, type_, english, arabic, source = columns
        if kind not in KINDS or type_ not in TYPES:
            raise ValueError(f"{where}: kind must be one of {KINDS} and type one of {TYPES}")
        if not source or script_of(english) != LATIN or script_of(arabic) != ARABIC:
            raise ValueError(f"{where}: needs an English name, an Arabic name and a source")
        pairs.append(Pair(kind, type_, english, arabic, source, number))
    return pairs


# --- the corpora ----------------------------------------------------------------

class Corpus(NamedTuple):
    arabic: Counter  # exact form -> occurrences
    english: Counter
    capitalised: Counter  # English exact form -> capitalised occurrences inside a sentence
    inside: Counter  # English exact form -> occurrences inside a sentence, not in all capitals
    articles: int
    # Articles, as the index counts them for the searcher's common-word rule (`expand.common_word_gives_way`):
    in_articles: Counter  # exact form -> the articles it is in
    named: Counter  # Arabic exact form -> the articles that use it as a name (`sound.named_words`)
    by_language: Counter  # "ar", "en" -> articles

    def usage(self, arabic_word: str, latin: str) -> tuple[int, int, int, float]:
        """`expand.common_word_gives_way`'s counts: the Arabic word's articles, the Arabic
        articles, the Arabic word's articles that use it as a name, the Latin word's share
        of the English articles."""
        return (self.in_articles[arabic_word], self.by_language["ar"], self.named[arabic_word],
                self.in_articles[latin] / max(1, self.by_language["en"]))


def _sentence_initial(text: str, start: int) -> bool:
    """A capital after . ! ? or a line break says nothing about a name."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“‘(«":
        i -= 1
    return i < 0 or text[i] in ".!?:\n\r"


def read_corpora(folder: Path, limit: int | None = None) -> Corpus:
    """Word counts of ar_*.jsonl and en_*.jsonl (fields title and text).

    `limit` caps the lines read from each file. Each word is counted in the
    language of its script, so English quoted in an Arabic article counts as English.
    """
    corpus = Corpus(Counter(), Counter(), Counter(), Counter(), 0, Counter(), Counter(), Counter())
    normal = lru_cache(maxsize=None)(gazetteer.normalize)
    articles = 0
    for path in sorted(folder.glob("ar_*.jsonl")) + sorted(folder.glob("en_*.jsonl")):
        raw: Counter = Counter()  # (word, sentence-initial) -> count, normalised once below
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines):
                if limit is not None and number >= limit:
                    break
                article = json.loads(line)
                articles += 1
                corpus.by_language[path.name[:2]] += 1
                found = []
                for field in ("title", "text"):
                    text = article.get(field) or ""
                    own = list(words(text))
                    raw.update((w, w[0].isupper() and _sentence_initial(text, s)) for w, s, _ in own)
                    found += [w for w, _, _ in own]
                corpus.in_articles.update({normal(w) for w in set(found)})
                corpus.named.update(sound.named_words(found))
        for (word, initial), count in raw.items():
            _count(corpus, word, initial, count)
    return corpus._replace(articles=articles)


def _count(corpus: Corpus, word: str, initial: bool, count: int) -> None:
    if any(ch.isdigit() for ch in word):
        return
    form = gazetteer.normalize(word)
    script = script_of(form)
    if script == ARABIC:
        corpus.arabic[form] += count
    elif script == LATIN:
        corpus.english[form] += count
        if not initial and not (word.isupper() and len(word) > 1):
            corpus.inside[form] += count
            if word[0].isupper():
                corpus.capitalised[form] += count


def is_name_candidate(form: str, corpus: Corpus) -> bool:
    """The capitalisation gate: most occurrences inside a sentence are capitalised."""
    return corpus.capitalised[form] * 2 > corpus.inside[form]


# --- lookup ---------------------------------------------------------------------

class Lexicon:
    """Words of one script by sound key, as the index's key field holds them.

    `corpus`: the corpora's article counts, for the searcher's common-word
    rule (`expand.common_word_gives_way`); without them the rule is off.
    """

    def __init__(self, vocabulary: Iterable[str], corpus: Corpus | None = None):
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.corpus = corpus
        for word in vocabulary:
            for key in sound_keys(word):
                self.by_key[key].add(word)

    def lookup(self, query: str) -> list[tuple[str, float]]:
        """Candidates that match `query`, best first, as the searcher gets them.

        Like the searcher, an ordinary Arabic word (a FreeDict entry) meets
        only Latin names that sound like its translations, and a common
        Arabic word that the corpora do not use as a name meets no rare Latin one.
        """
        candidates = set().union(*(self.by_key.get(k, ()) for k in sound_keys(query)))
        book = dictionary.load()
        return [(c, score) for c, score in best_matches(query, candidates)
                if dictionary_allows(book, query, c) and not self._common_word(book, query, c)]

    def _common_word(self, book, query: str, candidate: str) -> bool:
        if self.corpus is None or script_of(query) == script_of(candidate):
            return False
        arabic_word, latin = (query, candidate) if script_of(query) == ARABIC else (candidate, query)
        arabic_word, latin = gazetteer.normalize(arabic_word), gazetteer.normalize(latin)
        return common_word_gives_way(book, arabic_word, latin, *self.corpus.usage(arabic_word, latin))


def _name_words(name: str) -> list[str]:
    return [w for w, _, _ in words(name)]


def _units(name: str) -> list[str]:
    """Query words, and each adjacent two joined: de + Gaulle meets ديغول."""
    ws = _name_words(name)
    return ws + [a + b for a, b in zip(ws, ws[1:])]


def _targets(name: str) -> list[str]:
    """The words of `name` that a sound lookup can find (those with a key)."""
    return [gazetteer.normalize(w) for w in _name_words(name) if sound_keys(w)]


def sound_rank(query: str, golds: list[str], lexicon: Lexicon) -> int | None:
    """Rank at which all words of the best gold name are found, or None.

    A tie counts against the gold word, and other gold names are not rivals.
    """
    gold_words = {w for gold in golds for w in _targets(gold)}
    rankings = [lexicon.lookup(unit) for unit in _units(query)]
    best = None
    for gold in golds:
        ranks = []
        for word in _targets(gold):
            word_ranks = []
            for ranking in rankings:
                scores = dict(ranking)
                if word in scores:
                    rivals = sum(1 for c, s in ranking if s >= scores[word] and c not in gold_words)
                    word_ranks.append(1 + rivals)
            ranks.append(min(word_ranks, default=None))
        if ranks and None not in ranks:
            best = max(ranks) if best is None else min(best, max(ranks))
    return best


def alias_found(query: str, golds: list[str], gazetteer_: gazetteer.Gazetteer) -> bool:
    wanted = {tuple(map(gazetteer.normalize, _name_words(g))) for g in golds}
    return any(tuple(map(gazetteer.normalize, _name_words(a))) in wanted for a in gazetteer_.aliases(query))


class Result(NamedTuple):
    kind: str
    type: str
    direction: str
    query: str
    golds: list[str]
    rank: int | None


def recall_results(pairs: list[Pair], lexicons: dict[str, Lexicon],
                   gazetteer_: gazetteer.Gazetteer) -> list[Result]:
    """One result per distinct query and direction; every partner of a query is gold."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for pair in pairs:
        groups[(pair.kind, pair.type, "en→ar", pair.english)].append(pair.arabic)
        groups[(pair.kind, pair.type, "ar→en", pair.arabic)].append(pair.english)
    results = []
    for (kind, type_, direction, query), golds in groups.items():
        if kind == "alias":
            rank = 1 if alias_found(query, golds, gazetteer_) else None
        else:
            rank = sound_rank(query, golds, lexicons["ar" if direction == "en→ar" else "en"])
        results.append(Result(kind, type_, direction, query, golds, rank))
    return results


# --- false matches ----------------------------------------------------------------

def known_translations(pairs: list[Pair], gazetteer_: gazetteer.Gazetteer) -> set[tuple[str, str]]:
    """(Arabic word, English word) pairs that translate each other in the data files."""
    known = set()
    sides = [(p.arabic, p.english) for p in pairs]
    sides += [(a, e) for entry in gazetteer_.entries for a, e in product(entry.arabic, entry.english)]
    for arabic_name, english_name in sides:
        for a, e in product(_name_words(arabic_name), _name_words(english_name)):
            a, e = gazetteer.normalize(a), gazetteer.normalize(e)
            known.update(product(_arabic_bases(a), _english_bases(e)))
    return known


# A listed translation also vouches for its word family: Iraq/العراق for
# Iraqi/العراقي, Britain/بريطانيا for البريطانية (nisba and plural endings).
_ARABIC_ENDINGS = ("يين", "يون", "يه", "يا", "ين", "ون", "ات", "ي", "ه", "ا")
_ENGLISH_ENDINGS = ("ians", "ian", "ans", "an", "ese", "is", "i", "s", "n", "y")


def _bases(word: str, endings: tuple[str, ...], keep: int) -> set[str]:
    found = {word}
    if script_of(word) == ARABIC:
        found.update(clitic_readings(word))
    return found | {w[:-len(e)] for w in list(found) for e in endings
                    if w.endswith(e) and len(w) - len(e) >= keep}


def _arabic_bases(word: str) -> set[str]:
    return _bases(word, _ARABIC_ENDINGS, 3)


def _english_bases(word: str) -> set[str]:
    return _bases(word, _ENGLISH_ENDINGS, 4)


def _is_known(arabic_word: str, english_word: str, known: set[tuple[str, str]]) -> bool:
    return any((a, e) in known for a in _arabic_bases(arabic_word) for e in _english_bases(english_word))


def in_dictionary(book, arabic_word: str, english_word: str) -> bool:
    """Whether FreeDict makes the two words translations: the searcher's own test
    (`expand.translates`), an English translation with the English word's stem,
    or an Arabic translation of the English word in the family of the Arabic one."""
    if book is None:
        return False
    if translates(book, arabic_word, english_word):
        return True
    english_key = dictionary.key(english_word)
    if any(dictionary.key(m) == english_key for m in book.meanings(arabic_word) if script_of(m) != ARABIC):
        return True  # بنوك gives banks: a translation, though no name
    own = dictionary.key(arabic_word)  # the English entry may give the Arabic word: lebanon, لبنان
    if own is not None and any(dictionary.key(m) == own for m in book.meanings(english_word) if script_of(m) == ARABIC):
        return True
    family = _arabic_bases(arabic_word)
    return any(_arabic_bases(gazetteer.normalize(m)) & family
               for m in book.meanings(english_word) if script_of(m) == ARABIC and " " not in m)


def false_matches(queries: list[str], lexicon: Lexicon, known: set[tuple[str, str]],
                  query_is_arabic: bool, gazetteer_: gazetteer.Gazetteer) -> dict[str, list[str]]:
    """Query word -> the words it matches that are not its translation.

    `lexicon`: a Lexicon, or anything with its `lookup`.  A word the gazetteer names gets the gazetteer's aliases and no sound lookup.
    """
    book = dictionary.load()
    found = {}
    for query in queries:
        if gazetteer_.aliases(query):
            continue
        pairs = [((query, c) if query_is_arabic else (c, query), c) for c, _ in lexicon.lookup(query)]
        wrong = [c for (arabic, english), c in pairs
                 if not (_is_known(arabic, english, known) or in_dictionary(book, arabic, english))]
        if wrong:
            found[query] = wrong
    return found


# --- the report -------------------------------------------------------------------

def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _recall_table(results: list[Result]) -> list[str]:
    lines = ["| kind | direction | queries | recall@1 | recall@10 |", "|---|---|---:|---:|---:|"]
    for kind in KINDS:
        for direction in ("en→ar", "ar→en"):
            chosen = [r for r in results if r.kind == kind and r.direction == direction]
            at1 = sum(1 for r in chosen if r.rank is not None and r.rank <= 1)
            at10 = sum(1 for r in chosen if r.rank is not None and r.rank <= TOP)
            lines.append(f"| {kind} | {direction} | {len(chosen)} | {_percent(at1, len(chosen))} "
                         f"| {_percent(at10, len(chosen))} |")
    return lines


def _sources(pairs: list[Pair], corpus: Corpus | None) -> list[str]:
    by_source = Counter(p.source for p in pairs)
    lines = [f"- {count} pairs: {source}" for source, count in by_source.most_common()]
    if corpus is not None:
        def attested(name: str, counts: Counter) -> bool:
            return all(counts[gazetteer.normalize(w)] > 0 for w in _name_words(name))
        arabic = sum(attested(p.arabic, corpus.arabic) for p in pairs)
        english = sum(attested(p.english, corpus.english) for p in pairs)
        lines.append(f"- Recounted now: the Arabic name occurs in the Arabic corpus for {arabic} of "
                     f"{len(pairs)} pairs, the English name in the English corpora for {english}.")
    return lines


def names_report(corpora: Path | None = DEFAULT_CORPORA, limit: int | None = None,
                 pairs_path: Path = PAIRS_PATH, index_dir: Path | None = None) -> str:
    """The Markdown report; `corpora` None or missing means pair names only.
    `index_dir`: an index of the corpora, for the section through the searcher."""
    pairs = load_pairs(pairs_path)
    gaz = gazetteer.default()
    corpus = read_corpora(corpora, limit) if corpora is not None and corpora.is_dir() else None
    counts = Counter((p.kind, p.type) for p in pairs)
    out = ["# Name matching across scripts", "",
           f"{len(pairs)} English–Arabic pairs from `{PAIRS_PATH.name}`, written for this project: "
           + ", ".join(f"{counts[k, t]} {k} {t}" for k in KINDS for t in TYPES if counts[k, t]) + ".",
           "Sound pairs are transliterations that the gazetteer does not list; alias pairs are "
           f"different words, looked up in the gazetteer ({len(gaz)} entries).", "",
           "Where the pairs come from:", *_sources(pairs, corpus), ""]
    pair_words = {"ar": {gazetteer.normalize(w) for p in pairs for w in _name_words(p.arabic)},
                  "en": {gazetteer.normalize(w) for p in pairs for w in _name_words(p.english)}}
    if corpus is None:
        where = "given" if corpora is None else f"at `{corpora}`"
        out += [f"No corpora {where}: each name is ranked against the pair names of the "
                "other script only, and the false-match rate cannot be measured.", ""]
        vocabulary = pair_words
    else:
        arabic_top = [w for w, _ in corpus.arabic.most_common(VOCABULARY)]
        english_top = [w for w, _ in corpus.english.most_common(VOCABULARY)]
        english_names = [w for w in english_top if is_name_candidate(w, corpus)]
        vocabulary = {"ar": pair_words["ar"] | set(arabic_top), "en": pair_words["en"] | set(english_names)}
        out += [f"Corpora: `{corpora}`, {corpus.articles:,} articles"
                + (f" (at most {limit:,} lines per file)" if limit else "") + ". "
                f"Each name is ranked against the pair names of the other script plus its "
                f"{len(arabic_top):,} most frequent Arabic words, or the {len(english_names):,} of the "
                f"{len(english_top):,} most frequent English words that pass the capitalisation gate: "
                "a word is a name candidate only if most of its occurrences inside a sentence "
                "(not after . ! ? or a line break, not in all capitals) are capitalised.", ""]
    out += [f"Matcher: `search.names`, thresholds by shared key length {THRESHOLDS} "
            f"(longer keys {LONG_KEY_THRESHOLD}), candidates kept within {RELATIVE_MARGIN} of the best.", ""]
    lexicons = {language: Lexicon(words_, corpus) for language, words_ in vocabulary.items()}
    results = recall_results(pairs, lexicons, gaz)
    sound = [r for r in results if r.kind == "sound"]
    sound_at10 = sum(1 for r in sound if r.rank is not None and r.rank <= TOP)
    out += ["## Recall of cross-script lookup", "",
            "A multi-word name counts as found when each of its words that has a sound key is among "
            "the top candidates of some query word (or two adjacent query words joined). "
            "Ties count against the name.", "", *_recall_table(results), "",
            f"Goal, at least 90% recall@10 on sound pairs: {_percent(sound_at10, len(sound))} "
            f"({'met' if sound_at10 >= 0.9 * len(sound) else 'NOT met'}).", ""]
    by_type = ["| type | queries | recall@10 |", "|---|---:|---:|"]
    for type_ in TYPES:
        chosen = [r for r in sound if r.type == type_]
        hits = sum(1 for r in chosen if r.rank is not None and r.rank <= TOP)
        by_type.append(f"| {type_} | {len(chosen)} | {_percent(hits, len(chosen))} |")
    out += ["Sound pairs by type (both directions):", "", *by_type, ""]
    missed = [r for r in results if r.rank is None or r.rank > TOP]
    out += [f"Missed at rank {TOP} ({len(missed)}):", ""]
    out += [f"- {r.direction} {r.query} → {' / '.join(r.golds)}"
            + ("" if r.rank is None else f" (rank {r.rank})")
            + ("" if any(_targets(g) for g in r.golds) or r.kind == "alias" else " (no word of two consonants)")
            for r in missed] + [""]
    if corpus is not None:
        out += _false_match_section(corpus, pairs, gaz)
        if index_dir is not None:
            out += searcher_report(index_dir, corpus, pairs, gaz)
    return "\n".join(out)


def _false_match_section(corpus: Corpus, pairs: list[Pair], gaz: gazetteer.Gazetteer) -> list[str]:
    known = known_translations(pairs, gaz)
    arabic_top = [w for w, _ in corpus.arabic.most_common(FREQUENT)]
    english_top = [w for w, _ in corpus.english.most_common(FREQUENT)]
    english_named = [w for w in english_top if is_name_candidate(w, corpus)]
    # Only frequent words on the other side: a pair name would be a true match.
    frequent = {"ar": Lexicon((w for w, _ in corpus.arabic.most_common(VOCABULARY)), corpus),
                "en": Lexicon((w for w, _ in corpus.english.most_common(VOCABULARY)
                               if is_name_candidate(w, corpus)), corpus)}
    wrong_ar = false_matches(arabic_top, frequent["en"], known, True, gaz)
    wrong_en = false_matches(english_named, frequent["ar"], known, False, gaz)
    lines = ["## False matches on frequent words", "",
             f"The {FREQUENT:,} most frequent words of each language, matched against the "
             f"{VOCABULARY:,} most frequent words of the other (English: name candidates only). "
             "A match is false unless the pair file or the gazetteer gives the two words, or "
             "words of their families (Iraq/العراقي), as translations of each other, or FreeDict "
             "does (`evaluate.in_dictionary`: parliament/البرلمان, federal/الفيدرالي). English words that fail the capitalisation gate are "
             "not looked up, as the searcher does not treat them as names; words the gazetteer "
             "names take its aliases instead of a sound lookup.", "",
             "| language | words | looked up | with a false match | rate |", "|---|---:|---:|---:|---:|",
             f"| Arabic | {len(arabic_top)} | {len(arabic_top)} | {len(wrong_ar)} "
             f"| {_percent(len(wrong_ar), len(arabic_top))} |",
             f"| English | {len(english_top)} | {len(english_named)} | {len(wrong_en)} "
             f"| {_percent(len(wrong_en), len(english_top))} |", ""]
    met = len(wrong_ar) < 0.01 * len(arabic_top) and len(wrong_en) < 0.01 * len(english_top)
    lines += [f"Goal, under 1% on each language: {'met' if met else 'NOT met'}.", ""]
    lines += _common_words(arabic_top, corpus)
    return lines + _listed(("Arabic", wrong_ar), ("English", wrong_en))


def _common_words(arabic_top: list[str], corpus: Corpus) -> list[str]:
    """What the searcher's common-word rule makes of the frequent Arabic words."""
    total = corpus.by_language["ar"]
    common = [w for w in arabic_top if is_common_word(corpus.in_articles[w], total, 0)]  # by articles alone
    named = [w for w in common if not is_common_word(corpus.in_articles[w], total, corpus.named[w])]
    return [f"The common-word rule (`expand.common_word_gives_way`): {len(common)} of these {len(arabic_top):,} "
            f"Arabic words are in at least {COMMON:.0%} of the Arabic articles. The corpora use {len(named)} of "
            f"them as names, in {NAMED_SHARE:.0%} of their articles or more (after a title or a kind of place, "
            f"or beside بن: {', '.join(named[:8])}). The other {len(common) - len(named)} meet a Latin word only "
            f"where FreeDict gives the one for the other, or where the Latin word is at most {COMMON_OUTWEIGHS} "
            "times rarer among the English articles.", ""]


# --- through the searcher ---------------------------------------------------------

def searcher_report(index_dir: Path, corpus: Corpus, pairs: list[Pair], gaz: gazetteer.Gazetteer) -> list[str]:
    """Recall and false matches again, by searching an index of the corpora.

    The sections above weigh the matcher against a lexicon of frequent
    words.  The index holds every word of the corpora, rare ones too, and the
    searcher makes its own choices on top of the matcher (`sound.candidates`:
    MAX_MATCHES per script, RARER; `expand`: the namesake rule), so this is
    what a user meets.  Queries go through `Engine.search` with translation
    off, and a word counts as matched when a sound expansion names it.
    """
    from search.analysis import word_forms
    from search.searcher import Engine

    engine = Engine(index_dir)
    reader = engine._searcher()[0].reader()

    def matched(query: str) -> set[str]:
        """The query's sound expansions across scripts, particle and name written as one word."""
        found = engine.search(query, translate=False).expansions
        return {gazetteer.normalize(e["matched"].replace(" ", "")) for e in found
                if e["via"] == "sound" and script_of(e["matched"]) != script_of(query)}

    def in_index(word: str) -> bool:
        forms = word_forms(word)
        return bool(forms) and reader.doc_frequency("exact", forms[1]) > 0

    groups: dict[tuple, list[str]] = defaultdict(list)
    for pair in pairs:
        if pair.kind == "sound":
            groups[("en→ar", pair.english)].append(pair.arabic)
            groups[("ar→en", pair.arabic)].append(pair.english)
    counts = {direction: [0, 0] for direction in ("en→ar", "ar→en")}
    missed = []
    for (direction, query), golds in groups.items():
        golds = [g for g in golds if _targets(g) and all(in_index(w) for w in _targets(g))]
        if not golds:
            continue
        got = matched(query)
        counts[direction][1] += 1
        if any(all(w in got or any(p + w in got for p in sound.PARTICLES) for w in _targets(g)) for g in golds):
            counts[direction][0] += 1
        else:
            missed.append(f"{direction} {query} → {' / '.join(golds)}")
    searched = SimpleNamespace(lookup=lambda query: [(m, 1.0) for m in sorted(matched(query))])  # as a Lexicon

    known = known_translations(pairs, gaz)
    arabic_top = [w for w, _ in corpus.arabic.most_common(FREQUENT)]
    english_named = [w for w, _ in corpus.english.most_common(FREQUENT) if is_name_candidate(w, corpus)]
    wrong = {"ar": false_matches(arabic_top, searched, known, True, gaz),
             "en": false_matches(english_named, searched, known, False, gaz)}
    found = sum(c[0] for c in counts.values())
    asked = sum(c[1] for c in counts.values())
    lines = ["## Through the searcher", "",
             f"The same questions, asked of an index of the corpora (`{index_dir}`, "
             f"{reader.doc_count():,} articles) through `Engine.search` with translation off. "
             "A word counts as matched when a sound expansion across scripts names it. "
             "The index holds every word of the corpora, rare ones too, and the searcher keeps at most "
             "five matches per script, drops matches in far fewer articles than the best-attested one, "
             "and lets no rare namesake turn an ordinary Arabic word into a name, so these figures are "
             "what a reader meets.", "",
             "| direction | sound queries whose partner is in the index | partner among the expansions | share |",
             "|---|---:|---:|---:|"]
    lines += [f"| {d} | {c[1]} | {c[0]} | {_percent(c[0], c[1])} |" for d, c in counts.items()]
    lines += [f"| both | {asked} | {found} | {_percent(found, asked)} |", ""]
    lines += [f"Missed ({len(missed)}, the first {min(len(missed), LISTED)}):", ""]
    lines += [f"- {m}" for m in missed[:LISTED]] + [""]
    lines += ["| language | frequent words | with a false match | rate |", "|---|---:|---:|---:|",
              f"| Arabic | {FREQUENT} | {len(wrong['ar'])} | {_percent(len(wrong['ar']), FREQUENT)} |",
              f"| English | {FREQUENT} | {len(wrong['en'])} | {_percent(len(wrong['en']), FREQUENT)} |", ""]
    return lines + _listed(("Arabic", wrong["ar"]), ("English", wrong["en"]))


def _listed(*wrong_by_language: tuple[str, dict[str, list[str]]]) -> list[str]:
    """The first LISTED words with a false match of each language, and what they matched."""
    lines = []
    for label, wrong in wrong_by_language:
        shown = list(wrong.items())[:LISTED]
        if shown:
            lines += [f"{label} words with a false match (the first {len(shown)}, most frequent first):", ""]
            lines += [f"- {w} → {', '.join(c[:5])}" for w, c in shown] + [""]
    return lines
