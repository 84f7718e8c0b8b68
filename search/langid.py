"""Language labels for whole documents, from langdetect with its seed fixed.

Documents are long enough for a statistical guess; queries are not, and are
routed by script instead (see `search.script`).
"""

from langdetect import DetectorFactory, LangDetectException, detect

from search.script import ARABIC, LATIN, char_script

DetectorFactory.seed = 0  # langdetect is random by default; fix it so labels repeat.

SAMPLE = 600  # characters: enough for a stable guess on news text; langdetect time grows with it


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
    try:
        guess = detect(sample)
    except LangDetectException:  # no letters at all
        return _script_majority(sample)
    if guess in ("en", "ar"):
        return guess
    # Persian, Urdu, French...: the label set is en/ar, so the script decides.
    return _script_majority(sample)
