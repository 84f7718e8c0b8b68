"""A bilingual dictionary for cross-language keyword search, from FreeDict.

Debian's `dict-freedict-eng-ara` and `dict-freedict-ara-eng` install dictd
files: an `.index` of headword, offset and length (in dictd's base64) and a
gzip `.dict.dz` of entries.  No dictd server is needed to read them.

Both files are read both ways, and every headword and translation goes
through our own analysers, so `attacks` reaches the entry `Attack` and
`الهجمات` reaches `attack`.  The entries are uneven, so each word keeps only
a few translations, weighted by their order in the entry.

Where the files are missing the feature is off: `load()` returns None.
"""

import gzip
import hashlib
import os
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyarabic import araby

from search.analysis import word_forms, words
from search.index import ANALYSIS_VERSION
from search.script import ARABIC, script_of

DEFAULT_DIR = Path("/usr/share/dictd")
FILES = {"en": "freedict-eng-ara", "ar": "freedict-ara-eng"}
MAX_TRANSLATIONS = 3  # per word: the first senses are the common ones
MAX_PHRASE = 3  # words in the longest headword looked up (aircraft carrier, حاملة الطائرات)

_B64 = {ch: i for i, ch in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_SENSE = re.compile(r"^\s*\d+\.\s*")
_LEADS = ("وال", "فال", "ال", "و", "ف")


def _number(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 64 + _B64[ch]
    return value


def read_dictd(stem: Path):
    """(headword, [translations in entry order]) for each entry of a dictd pair of files."""
    data = gzip.open(f"{stem}.dict.dz").read()
    with open(f"{stem}.index", encoding="utf-8") as index:
        for line in index:
            headword, offset, length = line.rstrip("\n").split("\t")
            if headword.startswith("00database"):
                continue
            start = _number(offset)
            body = data[start:start + _number(length)].decode("utf-8", errors="replace").split("\n")[1:]
            senses = [_SENSE.sub("", line).strip() for line in body]
            yield headword, [sense for sense in senses if sense]


def key(phrase: str) -> tuple[str, ...] | None:
    """A phrase as our analysers index it: its stems, stop words and words of two letters left out."""
    stems = []
    for word, _, _ in words(phrase):
        forms = word_forms(word)
        if forms is not None and len(forms[1]) > 2:  # single letters, and abbreviations: DE is Delaware
            stems.append(forms[0])
    return tuple(stems) or None


@dataclass(frozen=True)
class Translation:
    stems: tuple[str, ...]  # what the query looks for, in the stemmed fields
    text: str  # how it is shown: "also searched: التحالف"
    weight: float  # 1 for an entry's first sense, less for later ones


class Dictionary:
    def __init__(self):
        # language of the source -> source key -> target key -> (weight, shown text)
        self._table = {"en": defaultdict(dict), "ar": defaultdict(dict)}
        self._words = set()  # exact forms of the one-word entries: the language's ordinary words

    def add(self, source: str, target: str, weight: float) -> None:
        source_key, target_key = key(source), key(target)
        if source_key is None or target_key is None:
            return
        for phrase in (source, target):
            found = list(words(phrase))
            forms = word_forms(found[0][0]) if len(found) == 1 else None
            if forms is not None:
                self._words.add(forms[1])
        for lang, a, b, shown in (
            (_lang(source), source_key, target_key, target),
            (_lang(target), target_key, source_key, source),
        ):
            # Senses that several entries agree on (attack, attacks, attacked) add up.
            known = self._table[lang][a].get(b)
            self._table[lang][a][b] = (weight + known[0], known[1]) if known else (weight, _display(shown))

    @lru_cache(maxsize=50_000)
    def lookup(self, phrase_key: tuple[str, ...], lang: str) -> tuple[Translation, ...]:
        found = self._table[lang].get(phrase_key, {})
        # Heaviest first; of equals, the shorter phrase is the likelier translation.
        best = sorted(found.items(), key=lambda item: (-item[1][0], len(item[0]), item[1][1]))[:MAX_TRANSLATIONS]
        return tuple(Translation(k, shown, weight) for k, (weight, shown) in best)

    def translate(self, query_words: list[str]) -> list[tuple[int, int, tuple[Translation, ...]]]:
        """(start, end, translations) for the longest headwords found in a run of words."""
        found, i = [], 0
        while i < len(query_words):
            for n in range(min(MAX_PHRASE, len(query_words) - i), 0, -1):
                phrase = query_words[i:i + n]
                phrase_key = key(" ".join(phrase))
                lang = _lang(phrase[0])
                translations = self.lookup(phrase_key, lang) if phrase_key else ()
                if translations:
                    found.append((i, i + n, translations))
                    i += n
                    break
            else:
                i += 1
        return found

    def is_word(self, word: str) -> bool:
        """Whether `word`, as written (not stemmed), is a one-word entry: مركز is, بوتين is not.

        An Arabic word may lead with the conjunctions و and ف or the article
        (وقال is قال); ب, ل and ك are left on, since many names begin with them.
        """
        forms = word_forms(word)
        if forms is None:
            return False
        exact = forms[1]
        bare = [exact[len(p):] for p in _LEADS if exact.startswith(p) and len(exact) - len(p) >= 2]
        readings = [exact, *bare, *("ال" + word for word in [exact, *bare])]  # entries often carry the article
        return any(reading in self._words for reading in readings)

    def lists(self, word: str) -> bool:
        """Whether `word` as written, or behind the article, is a one-word entry: وزير is (الوزير),
        زير is not, and neither is وصوت, which `is_word` finds as و + صوت."""
        forms = word_forms(word)
        return forms is not None and (forms[1] in self._words or "ال" + forms[1] in self._words)

    def meanings(self, word: str) -> tuple[str, ...]:
        """The shown translations of one word."""
        word_key = key(word)
        return tuple(t.text for t in self.lookup(word_key, _lang(word))) if word_key else ()

    def __len__(self):
        return sum(len(table) for table in self._table.values())


def _lang(text: str) -> str:
    return "ar" if script_of(text) == ARABIC else "en"


def _display(text: str) -> str:
    return araby.strip_tashkeel(text).lower() if _lang(text) == "ar" else text.lower()


def directory() -> Path:
    return Path(os.environ.get("SEARCH_DICT_DIR", DEFAULT_DIR))


CACHE_VERSION = 2  # bump when the table's making changes


def _build(stems: list[Path]) -> Dictionary:
    dictionary = Dictionary()
    for stem in stems:
        for headword, senses in read_dictd(stem):
            for rank, sense in enumerate(senses[:MAX_TRANSLATIONS]):
                dictionary.add(headword, sense, 1.0 / (rank + 1))
    return dictionary


@lru_cache(maxsize=4)
def load(folder: Path | None = None) -> Dictionary | None:
    """Both FreeDict files as one Dictionary, or None where they are not installed.

    Analysing 140,000 entries takes seconds, so the table is cached in
    var/cache/ (SEARCH_CACHE_DIR), keyed by the files' sizes and times.
    """
    folder = folder or directory()
    files = [Path(f"{folder / name}{ext}") for name in FILES.values() for ext in (".index", ".dict.dz")]
    if not all(f.exists() for f in files):
        return None
    facts = [CACHE_VERSION, ANALYSIS_VERSION] + [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    stamp = hashlib.sha256(repr(facts).encode()).hexdigest()[:16]
    cache = Path(os.environ.get("SEARCH_CACHE_DIR", "var/cache")) / f"dictionary-{stamp}.pickle"
    try:
        with open(cache, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    dictionary = _build([folder / name for name in FILES.values()])
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(dictionary, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only checkout still works, only slower to start
    return dictionary
