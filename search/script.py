"""Which script a word is written in, read from its characters.

Short queries ("Putin", "بوتين") defeat every statistical language guesser,
but the script of a character is a fact, so routing uses it.

>>> script_of("بوتين"), script_of("Putin"), script_of("2015")
('ar', 'latin', 'other')
"""

ARABIC = "ar"
LATIN = "latin"
OTHER = "other"

_ARABIC_RANGES = (
    (0x0600, 0x06FF),  # Arabic
    (0x0750, 0x077F),  # Arabic Supplement
    (0x08A0, 0x08FF),  # Arabic Extended-A
    (0xFB50, 0xFDFF),  # Presentation Forms-A
    (0xFE70, 0xFEFF),  # Presentation Forms-B
)


def char_script(ch: str) -> str:
    code = ord(ch)
    if code < 0x250:
        return LATIN if ch.isalpha() else OTHER
    for low, high in _ARABIC_RANGES:
        if low <= code <= high:
            # Arabic-Indic digits are digits, not letters of the script.
            return OTHER if ch.isdigit() else ARABIC
    if 0x1E00 <= code <= 0x1EFF:  # Latin Extended Additional
        return LATIN
    return OTHER


def script_of(word: str) -> str:
    """The script of the first letter in `word` that belongs to one."""
    for ch in word:
        script = char_script(ch)
        if script != OTHER:
            return script
    return OTHER


def query_languages(text: str) -> set[str]:
    """The languages a query is written in, by script: a subset of {"en", "ar"}."""
    found = set()
    for ch in text:
        script = char_script(ch)
        if script == ARABIC:
            found.add("ar")
        elif script == LATIN:
            found.add("en")
    return found
