"""How well the dictionary translates real queries: the TREC-2002 Arabic topics.

Each of the 50 topics states one information need in English and in Arabic.
Translating one version should produce the other's content words.  For each
direction we report recall (the share of the other version's content words
that the translation produced) and precision (the share of produced words
found in the other version), with our analysers and without them (surface
forms only), to show what normalisation and stemming add.
"""

import json
from collections import defaultdict
from pathlib import Path

from search import dictionary
from search.analysis import word_forms, words

TOPICS = "trec2002_arabic_topics_bilingual.jsonl"
SIDES = ("title", "description")


def _analysed(text: str) -> set[str]:
    forms = (word_forms(w) for w, _, _ in words(text))
    return {f[0] for f in forms if f is not None and len(f[1]) > 2}


def _surface(text: str) -> set[str]:
    return {w.lower() for w, _, _ in words(text) if len(w) > 2}


class _SurfaceDictionary:
    """The same FreeDict entries looked up by their surface form: no analysis."""

    def __init__(self, folder: Path):
        self.table = defaultdict(list)
        for name in dictionary.FILES.values():
            for headword, senses in dictionary.read_dictd(folder / name):
                for sense in senses[: dictionary.MAX_TRANSLATIONS]:
                    self.table[headword.lower()].append(sense)
                    self.table[sense.lower()].append(headword)

    def translate(self, text: str) -> set[str]:
        out = set()
        for word in _surface(text):
            for sense in self.table.get(word, [])[: dictionary.MAX_TRANSLATIONS]:
                out |= _surface(sense)
        return out


def _analysed_translation(book, text: str) -> set[str]:
    query_words = [w for w, _, _ in words(text)]
    return {stem for _, _, found in book.translate(query_words) for t in found for stem in t.stems}


def _score(pairs) -> tuple[float, float]:
    produced = sum(len(p) for p, _ in pairs)
    wanted = sum(len(w) for _, w in pairs)
    hits = sum(len(p & w) for p, w in pairs)
    return (hits / wanted if wanted else 0.0), (hits / produced if produced else 0.0)


def translation_report(corpora: Path | None) -> str:
    path = corpora / TOPICS if corpora else None
    if path is None or not path.exists():
        return "## Translation\n\nSkipped: the TREC-2002 topics (shared/corpora/%s) are not here.\n" % TOPICS
    book = dictionary.load()
    if book is None:
        return "## Translation\n\nSkipped: FreeDict is not installed (`make sysdeps`).\n"
    surface = _SurfaceDictionary(dictionary.directory())
    topics = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = []
    for source, target in (("en", "ar"), ("ar", "en")):
        with_analysis, without = [], []
        for topic in topics:
            text = " ".join(topic[source][side] for side in SIDES)
            other = " ".join(topic[target][side] for side in SIDES)
            with_analysis.append((_analysed_translation(book, text), _analysed(other)))
            without.append((surface.translate(text), _surface(other)))
        for label, pairs in (("with our analysers", with_analysis), ("surface forms only", without)):
            recall, precision = _score(pairs)
            rows.append(f"| {source} → {target} | {label} | {recall:.1%} | {precision:.1%} |")
    return "\n".join([
        "## Translation",
        "",
        f"{len(topics)} TREC-2002 topics, title and description; content words are words of three letters or more.",
        "",
        "| direction | lookup | recall of the other version's words | precision of the produced words |",
        "|---|---|---|---|",
        *rows,
        "",
    ])
