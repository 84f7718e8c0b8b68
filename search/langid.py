"""Language labels for whole documents, from langdetect with its seed fixed.

Documents are long enough for a statistical guess; queries are not, and are
routed by script instead (see `search.script`).

The labels are "en" and "ar", so langdetect weighs those two languages
only.  Its default set of 55 made it guess Persian or French now and then,
which the script decided anyway, and it cost 55 probabilities for every
character sequence it read: with two, a label takes a small fraction of the time.
"""

import json
from functools import lru_cache
from pathlib import Path

from langdetect import DetectorFactory, LangDetectException
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.utils.lang_profile import LangProfile

from search.script import ARABIC, LATIN, char_script

LANGUAGES = ("en", "ar")
SAMPLE = 300  # characters: between two languages of two scripts, plenty; langdetect time grows with it
SEED = 0  # langdetect is random by default; fix it so labels repeat.


@lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    factory = DetectorFactory()
    factory.seed = SEED
    for index, language in enumerate(LANGUAGES):
        profile = json.loads((Path(PROFILES_DIRECTORY) / language).read_text(encoding="utf-8"))
        factory.add_profile(LangProfile(**profile), index, len(LANGUAGES))
    return factory


def _script_majority(text: str) -> str:
    arabic = latin = 0
    for ch in text:
        script = char_script(ch)
        arabic += script == ARABIC
        latin += script == LATIN
    return "ar" if arabic > latin else "en"


def label(text: str) -> str:
    """"en" or "ar" for a document's text.

    >>> label("Russia and France agreed to coordinate strikes."), label("استأنف الجيشان المحادثات")
    ('en', 'ar')
    """
    sample = text[:SAMPLE]
    detector = _factory().create()
    detector.append(sample)
    try:
        guess = detector.detect()
    except LangDetectException:  # no letters it knows
        guess = None
    return guess if guess in LANGUAGES else _script_majority(sample)
