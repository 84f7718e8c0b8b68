"""English analysis: case and accent folding, possessives, stop words, Snowball.

>>> index_forms("Russia's"), index_forms("negotiations"), index_forms("the")
(('russia', 'russia'), ('negoti', 'negotiations'), None)
"""

import unicodedata
import Stemmer  # PyStemmer: the compiled Snowball stemmer, many times faster than Whoosh's Porter.
from whoosh.analysis import STOP_WORDS as _WHOOSH_STOP_WORDS

from search import arabic

_stemmer = Stemmer.Stemmer("english")

# Whoosh's list, less the words that news uses as names: US, May.
STOP_WORDS = _WHOOSH_STOP_WORDS - {"us", "may"}

# Arabic-Indic and Persian digits, which English text quotes too.
_DIGITS = str.maketrans(arabic.DIGITS)


def fold(word: str) -> str:
    """Lower case without accents: François to francois."""
    word = word.lower().replace("\u200c", "").replace("\u200d", "")
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_DIGITS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def strip_possessive(word: str) -> str:
    word = word.replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace("'", "")


def index_forms(word: str) -> tuple[str, str] | None:
    """(stem, exact) for one English word, or None for a stop word."""
    exact = strip_possessive(fold(word))
    if not exact or exact in STOP_WORDS:
        return None
    return _stemmer.stemWord(exact), exact
