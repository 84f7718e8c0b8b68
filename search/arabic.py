"""Arabic analysis: normalisation, stop words and a light stemmer.

The normaliser and stemmer follow Lucene's ArabicNormalizer and
ArabicStemmer (Larkey, Ballesteros and Connell's "light10").

>>> normalize("الأَسَد"), stem("والقرم"), stem("سويسرية")
('الاسد', 'قرم', 'سويسر')
"""

import re
import unicodedata
from pyarabic import araby

# One table of named characters: alef forms to bare alef, alef maksura to
# yeh, teh marbuta to heh, hamza seats to their letters; vowel marks and
# tatweel removed; Arabic-Indic and Persian digits folded to ASCII.
_FOLD = {
    araby.ALEF_MADDA: araby.ALEF,
    araby.ALEF_HAMZA_ABOVE: araby.ALEF,
    araby.ALEF_HAMZA_BELOW: araby.ALEF,
    araby.ALEF_WASLA: araby.ALEF,
    araby.ALEF_MAKSURA: araby.YEH,
    araby.TEH_MARBUTA: araby.HEH,
    araby.WAW_HAMZA: araby.WAW,
    araby.YEH_HAMZA: araby.YEH,
    "\u06cc": araby.YEH,  # Farsi yeh
    "\u06a9": araby.KAF,  # keheh
}
_DROP = araby.TASHKEEL + (araby.TATWEEL, araby.MINI_ALEF, "\u0653", "\u0654", "\u0655", "\u200c", "\u200d")
DIGITS = {chr(0x0660 + d): str(d) for d in range(10)} | {chr(0x06F0 + d): str(d) for d in range(10)}
_TABLE = str.maketrans(_FOLD | DIGITS | {ch: None for ch in _DROP})

# Lucene's list: one prefix at most, then every suffix that applies.
PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")

STOP_WORDS = frozenset(
    """
    من الى إلى عن على في فى مع ثم او أو ام أم بل لا لم لن ما ماذا متى اين أين كيف
    هل قد لقد كان كانت يكون تكون كل بعض غير اي أي ان أن إن انه أنه إنه انها أنها
    هذا هذه ذلك تلك هؤلاء الذي التي الذين اللذين اللتين اللاتي هو هي هم هن انا أنا نحن
    انت أنت انتم أنتم له لها لهم به بها بهم فيه فيها فيهم منه منها منهم عليه عليها
    عند عندما حتى اذا إذا لو لكن ولكن بين حيث بعد قبل خلال حول ضد دون كما مثل
    وقد وفي ومن وعلى وان وأن وإن ولا ولم وما وهو وهي وكان وكانت فقط ايضا أيضا
    التى الى ذات ذو اما أما إما الا إلا كلا هنا هناك يا
    """.split()
)


# Presentation forms (U+FB50-U+FEFF), found by the regular expression engine: no Python loop per letter.
_PRESENTATION_FORMS = re.compile("[\uFB50-\uFEFF]")


def normalize(word: str) -> str:
    if _PRESENTATION_FORMS.search(word):
        word = unicodedata.normalize("NFKC", word)  # presentation forms: ﻻ to لا
    return word.translate(_TABLE)


_NORMALIZED_STOPS = frozenset(normalize(w) for w in STOP_WORDS)


def is_stop(normalized: str) -> bool:
    return normalized in _NORMALIZED_STOPS


def stem(word: str) -> str:
    """Light stem of a word: article and conjunction prefixes, common suffixes."""
    return _stem_normalized(normalize(word))


def _stem_normalized(word: str) -> str:
    if word.startswith(PREFIXES):  # one test for the words that have none
        for prefix in PREFIXES:
            if word.startswith(prefix) and len(word) >= len(prefix) + (2 if len(prefix) > 1 else 3):
                word = word[len(prefix):]
                break
    if word.endswith(SUFFIXES):
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) >= len(suffix) + 2:
                word = word[: -len(suffix)]
    return word


def index_forms(word: str) -> tuple[str, str] | None:
    """(stem, exact) for one Arabic word, or None for a stop word.

    The exact form is normalised but unstemmed, so a name such as بوتين keeps
    the letters that the stemmer would take for a suffix.
    """
    exact = normalize(word)
    if not exact or is_stop(exact):
        return None
    return _stem_normalized(exact), exact
