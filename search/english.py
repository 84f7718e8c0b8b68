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

# English's closed classes (pronouns, determiners, prepositions, conjunctions,
# auxiliaries, a few adverbs), which a query keeps and the index holds but
# an Arabic article has no counterpart for: in "coalition against terrorism"
# only coalition and terrorism can be translated, and against must not keep
# out the Arabic articles about التحالف and الإرهاب.  Words that news uses as
# names (US, May, Will) are left out.
FUNCTION_WORDS = frozenset("""
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom whose this that these those
    am is are was were be been being have has had having do does did doing would should could ought must
    shall might can cannot a an the and but if or because as until while of at by for with about against
    between among into through during before after above below to from up down in out on off over under
    again further then once here there when where why how all any both each few more most other some such
    no nor not only own same so than too very just also via per upon within without towards toward
    across along amid around behind beyond despite near since like unlike whether either neither yet
""".split())

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
