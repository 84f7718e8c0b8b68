"""Names across scripts: a phonetic key both scripts reduce to, and a finer score.

A name is written once in Latin letters and once in Arabic ones, by people who
hear it differently. Each word is rewritten in one private sound alphabet, in
one or more readings (a "spelling": بوتين also reads as ب + وتين). The
consonants of a reading, folded into broad classes, are the keys the index
stores; the whole reading, vowels included, gives the similarity that
re-ranks what a key lookup found (`best_matches`).

>>> sorted(sound_keys("Putin")), sorted(sound_keys("بوتين"))
(['btn'], ['btn', 'tn'])
>>> transliterate("بوتين"), is_match("Putin", "بوتين"), is_match("care", "كيري")
('butin', True, False)

Key letters are b f g k s t d l m n r h. Vowels, w and y are dropped: Arabic
writes short vowels not at all, and long ones with letters (ا و ي) that also
stand for the glides w and y. The classes are broad (p is b, v is f, sh is s,
j is g, q is k) because each script hears the other coarsely.
"""

import re
from functools import lru_cache
from typing import NamedTuple

from search import arabic
from search.analysis import word_forms
from search.script import ARABIC, LATIN, script_of

# --- the sound alphabet ------------------------------------------------------
# One character per sound. Lower-case Latin letters mean themselves; the rest:
#   x  sh (ش, تش, sh, ch)       K  kh (خ, kh)          '  ع inside a word (Saud سعود: Latin drops it)
#   T  ث (th or s)              D  ذ (dh, d, t or z)   E  ع opening a word (Omar عمر: Latin writes a vowel)
#   Z  ظ (dh, d or z)           @  a weak final vowel: Latin silent e, Arabic ه after ا (حماة)
#   A  Arabic ة or final ه after a consonant: a final a (Jeddah جدة, Gaza غزه)
VOWELS = frozenset("aeiou")
GLIDES = frozenset("wy")
WEAK = "@"
TA_MARBUTA = "A"
AIN = "'"
INITIAL_AIN = "E"

# Sound -> key class; the ambiguous Arabic letters give one key per reading.
_KEY_CLASS = {
    "b": "b", "p": "b", "f": "f", "v": "f", "g": "g", "j": "g",
    "k": "k", "q": "k", "K": "k", "s": "s", "z": "s", "x": "s",
    "t": "t", "d": "d", "l": "l", "m": "m", "n": "n", "r": "r", "h": "h",
}
_AMBIGUOUS = {"T": "ts", "D": "dts", "Z": "ds"}

# Arabic letters after `arabic.normalize` (hamza seats folded, ة to ه, ى to ي).
_ARABIC = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "T", "ج": "j", "ح": "h", "خ": "K",
    "د": "d", "ذ": "D", "ر": "r", "ز": "z", "س": "s", "ش": "x", "ص": "s",
    "ض": "d", "ط": "t", "ظ": "Z", "ع": AIN, "غ": "g", "ف": "f", "ڤ": "v",
    "ق": "q", "ك": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ه": "h",
    "ء": "", "ا": "a",
}

# Latin letter groups read as one sound, longest first.
_DIGRAPHS = (
    ("sch", "x"), ("tch", "x"), ("sh", "x"), ("ch", "x"), ("zh", "j"), ("dj", "j"),
    ("kh", "K"), ("gh", "g"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("ck", "k"),
    ("wh", "w"), ("ou", "u"), ("oo", "u"), ("x", "ks"),
)
_DIGRAPH_SOUNDS = dict(_DIGRAPHS)
# A word's letters and digraphs, in order: at each place the first digraph that fits, else one character.
_LATIN_PIECE = re.compile("|".join(group for group, _ in _DIGRAPHS) + "|.", re.DOTALL)

# Other readings of a Latin spelling that Arabic often chose. Rules of one
# group are alternatives; rules of different groups also combine (Djokovic
# needs both dj as d-y and -ic as -ich to meet ديوكوفيتش).
_LATIN_READINGS = (
    # group, pattern, replacement, penalty: example
    ("ch", r"(?<![st])ch", "k", 0.05),  # Michael مايكل, Zurich زيورخ (but March is not Mark)
    ("j", r"(?<!d)j", "y", 0.04),  # German and Italian j: Juncker يونكر
    ("j", r"(?<!d)j", "kh", 0.04),  # Spanish j: Rajoy راخوي
    ("dj", r"dj", "dy", 0.03),  # Djokovic ديوكوفيتش
    ("ic", r"ic$", "ich", 0.03),  # Slavic -ić: Ibrahimovic إبراهيموفيتش
    ("h", r"(?<=[aeiou])h(?![aeiouy])|(?<=[lmnr])h", "", 0.04),  # John جون, Mourinho مورينيو
    ("gh", r"(?<=[iu])gh", "", 0.03),  # Rights رايتس, Brighton
    ("ngh", r"ngh", "ng|h", 0.03),  # Birmingham برمنغهام, Shanghai شنغهاي
    ("ng", r"(?<=n)g(?=[^aeiouy])", "", 0.03),  # Washington واشنطن (but هونغ كونغ keeps it)
    ("ow", r"ow$", "ov", 0.04),  # German -ow for Russian -ov: Gerasimow
    ("ll", r"(?<=[aeiou])ll(?=[aeiou])", "y", 0.04),  # Spanish ll: Casillas كاسياس
    ("th", r"th", "t|h", 0.03),  # t and h of a compound: Lufthansa لوفتهانزا
    ("mc", r"^mc(?=[^aeiou])", "mac", 0.02),  # Mc is Mac: McCain ماكين
)
# French endings Arabic does not pronounce, tried in order (only the first applies).
_SILENT_ENDINGS = (
    (r"ault$", "o"), (r"eaux?$", "o"), (r"iers?$", "ie"), (r"cois$", "soi"),
    (r"(?<=[oa])is$", "i"), (r"ot$", "o"), (r"(?<=[^aeiou]e)s$", ""), (r"(?<=[ae]n)[td]$", ""),
)
_SILENT_PENALTY = 0.03  # Renault رينو, Villiers فيلييه, Francois فرانسوا, Charles شارل, Laurent لوران
# Compiled once; and any rule at all, one expression: most words meet none, and skip them all.
_LATIN_RULES = tuple((group, re.compile(pattern), replacement, penalty)
                     for group, pattern, replacement, penalty in _LATIN_READINGS)
_SILENT_RULES = tuple((re.compile(pattern), replacement) for pattern, replacement in _SILENT_ENDINGS)
_ANY_LATIN_RULE = re.compile("|".join(pattern for _, pattern, _, _ in _LATIN_READINGS))
_ANY_SILENT_RULE = re.compile("|".join(pattern for pattern, _ in _SILENT_ENDINGS))

# Romance particles that Arabic joins to the name: ديغول de Gaulle, لودريان Le Drian.
_PARTICLES = ("دي", "دو", "لو", "لا")

_FRENCH_E = 0.05  # final يه read as a French é or -ier: Villiers فيلييه, Calais كاليه
_ARTICLE_AS_NAME = 0.05  # ال read as part of the name (ألبانيا) rather than the article
MIN_KEY = 2  # a key of one consonant would meet half the dictionary
KEY_LETTERS = "".join(sorted(set(_KEY_CLASS.values()) | set("".join(_AMBIGUOUS.values()))))
MAX_SPELLINGS = 8


class Spelling(NamedTuple):
    """One reading of a word in the sound alphabet, and what the reading costs."""
    text: str
    penalty: float  # subtracted from a similarity that uses this reading


# --- spelling a word ----------------------------------------------------------

@lru_cache(maxsize=500_000)
def _spell_arabic(word: str) -> str:
    """بوتين -> 'butin'. و and ي are glides next to ا or at the start, else vowels.

    Arabic writes no doubled letters, so two alike are two sounds (فيدرر Federer).
    """
    out = []
    for i, ch in enumerate(word):
        prev = word[i - 1] if i else ""
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if ch == "ا" and i == 0 and nxt in ("و", "ي"):
            continue  # a bare seat for the vowel that follows: اوباما, ايران
        if ch == "ش" and prev == "ت":
            out[-1] = "x"  # تش is how Arabic writes English ch: تشرشل Churchill
        elif ch in ("و", "ي"):
            seated = i == 1 and prev == "ا"
            glide = not seated and (i == 0 or prev == "ا" or nxt == "ا")
            out.append(("w" if ch == "و" else "y") if glide else ("u" if ch == "و" else "i"))
        elif ch == "ه" and i == len(word) - 1 and i > 0:
            # ة, or a final h few hear: a final a (غزه Gaza), silent once ا has written it (حماة Hama);
            # the h of الله is heard (عبدالله Abdullah)
            out.append(WEAK if prev == "ا" else "h" if word.endswith("لله") else TA_MARBUTA)
        elif ch == "ع" and i == 0:
            out.append(INITIAL_AIN)
        elif ch in _ARABIC:
            out.append(_ARABIC[ch])
    return "".join(out)


@lru_cache(maxsize=500_000)
def _spell_latin(word: str) -> str:
    """'Charles' -> 'xarles'. c is s before e, i, y; y is a vowel unless one follows.

    Doubled consonants are one sound (Hollande); "|" keeps two letters apart.
    """
    out = []
    for piece in _LATIN_PIECE.finditer(word):
        ch = piece.group()
        sound = _DIGRAPH_SOUNDS.get(ch)
        if sound is not None:
            out.append(sound)
            continue
        i = piece.start()
        nxt = word[i + 1:i + 2]
        if ch == "c":
            out.append("s" if nxt in ("e", "i", "y") else "k")
        elif ch == "y":
            out.append("y" if nxt in VOWELS else "i")
        elif ch == "e" and i == len(word) - 1 and i > 1:
            out.append(WEAK)
        elif ch.isalpha() and ch.isascii():
            out.append(ch)
    return "".join(ch for i, ch in enumerate(out) if not (i and ch == out[i - 1] and ch not in VOWELS))


def _latin_spellings(word: str) -> list[Spelling]:
    found = [Spelling(_spell_latin(word), 0.0)]
    combined, combined_penalty, groups = word, 0.0, set()
    for group, pattern, replacement, penalty in _LATIN_RULES if _ANY_LATIN_RULE.search(word) else ():
        changed = pattern.sub(replacement, word)
        if changed != word:
            found.append(Spelling(_spell_latin(changed), penalty))
            if group not in groups:
                groups.add(group)
                combined = pattern.sub(replacement, combined)
                combined_penalty += penalty
    if len(groups) > 1:
        found.append(Spelling(_spell_latin(combined), combined_penalty))
    for pattern, replacement in _SILENT_RULES if _ANY_SILENT_RULE.search(word) else ():
        changed = pattern.sub(replacement, word)
        if changed != word and len(changed) >= 3:
            found.append(Spelling(_spell_latin(changed), _SILENT_PENALTY))
            break
    return found


def clitic_readings(word: str) -> list[str]:
    """A normalised Arabic word less its leading clitics, one layer at a time.

    Conjunction (و ف), then preposition (ب ل ك), then article (ال); لل is ل + ال.
    Only readings that keep three letters are given.

    >>> clitic_readings("وللقدس"), clitic_readings("بوتين")
    (['للقدس', 'القدس', 'قدس'], ['وتين'])
    """
    readings = []
    rest = word
    if rest[:1] in ("و", "ف") and len(rest) > 3:
        rest = rest[1:]
        readings.append(rest)
    if rest.startswith("لل") and len(rest) > 4:
        rest = "ال" + rest[2:]
        readings.append(rest)
    elif rest[:1] in ("ب", "ل", "ك") and len(rest) > 3:
        rest = rest[1:]
        readings.append(rest)
    if rest.startswith("ال") and len(rest) > 4:
        readings.append(rest[2:])
    return readings


def _arabic_spellings(word: str, clitics: bool = True) -> list[Spelling]:
    """The word itself, without its clitics, and without a joined Romance particle
    (`clitics` False: the word itself only, each letter its own).

    The whole word stays a reading: the ل of لودريان is the name's own.
    """
    own = _ARTICLE_AS_NAME if word.startswith("ال") else 0.0  # most ال words are article + noun
    bases = [(word, own)] + ([(rest, 0.02) for rest in clitic_readings(word)] if clitics else [])
    found = [Spelling(_spell_arabic(base), cost) for base, cost in bases]
    # Final يه is also how Arabic writes a French é: ي the vowel, ه a weak ending.
    found += [Spelling(text[:-2] + WEAK, cost + _FRENCH_E) for text, cost in found
              if text.endswith("i" + TA_MARBUTA) and len(text) >= 4]
    if "لل" in word:
        merged = _spell_arabic(word.replace("لل", "ل"))  # ال + ل: عبدالله Abdullah
        if word.endswith("لله") and merged.endswith(TA_MARBUTA):
            merged = merged[:-1] + "h"  # still the h of الله
        found.append(Spelling(merged, 0.0))
    for base, cost in bases if clitics else ():
        for particle in _PARTICLES:
            if base.startswith(particle) and len(base) - len(particle) >= 3:
                found.append(Spelling(_spell_arabic(base[len(particle):]), cost + 0.02))
    return found


@lru_cache(maxsize=1_000_000)
def spellings(word: str) -> tuple[Spelling, ...]:
    """Every reading of `word` in the sound alphabet, the plain one first.

    Empty for a stop word, a number, or anything in neither script.
    """
    if not word or len(word) > 40 or any(ch.isdigit() for ch in word):
        return ()
    forms = word_forms(word)
    return () if forms is None else exact_spellings(forms[1])


@lru_cache(maxsize=1_000_000)
def exact_spellings(exact: str) -> tuple[Spelling, ...]:
    """`spellings` of a word already in the form the `exact` field holds: the index's
    own words are read without being analysed again."""
    if not exact or len(exact) > 40 or any(ch.isdigit() for ch in exact):
        return ()
    script = script_of(exact)
    if script == ARABIC:
        found = _arabic_spellings(arabic.normalize(exact))
    elif script == LATIN and any(ch in "aeiouy" for ch in exact):
        found = _latin_spellings(exact)
    else:
        return ()  # Mr, BBC: Arabic spells a word without vowels letter by letter
    cheapest: dict[str, float] = {}  # one entry per reading, in order, at its lowest cost
    for text, penalty in found:
        if text and penalty < cheapest.get(text, 1.0):
            cheapest[text] = penalty
    return tuple(Spelling(text, penalty) for text, penalty in cheapest.items())[:MAX_SPELLINGS]


# --- keys ---------------------------------------------------------------------

# Each letter of the sound alphabet (ASCII) made its key class, or dropped (vowels, weak endings):
# the one key of a spelling without an ambiguous letter, made by str.translate, not letter by letter.
_KEY_TABLE = {c: _KEY_CLASS.get(chr(c)) for c in range(128)}


@lru_cache(maxsize=500_000)
def _keys_of(text: str) -> frozenset[str]:
    """Consonant skeletons of one spelling; an ambiguous letter gives one key per reading."""
    if text.isascii() and not any(ch in text for ch in _AMBIGUOUS):
        key = (text[:-1] if text.endswith("h") else text).translate(_KEY_TABLE)
        return frozenset((key,)) if len(key) >= MIN_KEY else frozenset()
    keys = [""]
    for i, ch in enumerate(text):
        classes = _AMBIGUOUS.get(ch) or _KEY_CLASS.get(ch, "")
        if classes and not (ch == "h" and i == len(text) - 1):  # Sarah: a final h is not heard
            keys = [key + c for key in keys for c in classes]
    return frozenset(key for key in keys if len(key) >= MIN_KEY)


@lru_cache(maxsize=1_000_000)
def sound_keys(word: str) -> frozenset[str]:
    """Consonant skeletons that the spellings of `word` in either script share.

    Empty when no reading keeps two consonants; such a word is never looked up.

    >>> sorted(sound_keys("Le")), sorted(sound_keys("لودريان"))
    ([], ['drn', 'ldrn'])
    """
    keys: set[str] = set()
    for spelling in spellings(word):
        keys |= _keys_of(spelling.text)
    return frozenset(keys)


def forget_words() -> None:
    """Empty the caches of words' readings and keys, which a build fills with every word of the corpus."""
    for cached in (spellings, exact_spellings, sound_keys, _spell_arabic, _spell_latin, _keys_of):
        cached.cache_clear()


# --- transliteration and similarity --------------------------------------------

_READABLE = str.maketrans({"x": "sh", "K": "kh", "T": "th", "D": "dh", "Z": "z", WEAK: "a", TA_MARBUTA: "a",
                           AIN: "'", INITIAL_AIN: "'"})


def transliterate(word: str) -> str:
    """A rough Latin rendering with the vowels Arabic writes: بوتين -> 'butin'."""
    found = spellings(word)
    if not found:
        return ""
    if script_of(word) == LATIN:
        return word_forms(word)[1]
    return found[0].text.translate(_READABLE)


# A weighted edit distance. Arabic leaves short vowels unwritten, so a Latin
# vowel with nothing opposite costs little; a consonant costs a whole unit.
_WEIGHT = {WEAK: 0.2, TA_MARBUTA: 0.2, AIN: 0.7, INITIAL_AIN: 0.7, "h": 0.7}
# Putin is not عبوتين; ة is heard (Jeddah, Hama), so a Latin name that ends without a vowel lacks it: Hall is not حالة
_INDEL = {WEAK: 0.05, TA_MARBUTA: 0.3, AIN: 0.7, INITIAL_AIN: 1.0, "h": 0.5}
_VOWEL_INDEL, _GLIDE_INDEL = 0.2, 0.25
_SUBSTITUTION = {frozenset(pair): cost for pair, cost in (
    # one key class: the same sound heard by two scripts
    ("pb", 0.05), ("vf", 0.05), ("jg", 0.1), ("zs", 0.05), ("Kk", 0.3), ("Kq", 0.3),
    ("Tt", 0.05), ("Dd", 0.05), ("Dt", 0.1), ("Dz", 0.1), ("Zz", 0.05), ("Zd", 0.1),
    ("xs", 0.3), ("xz", 0.4), ("Ds", 0.2), ("Zs", 0.1),
    # ق is Latin q (Qatar, Iraq); Arabic writes a Latin c or k with ك (Cal كال, Kim كيم), so ق
    # meets them only in long-settled names (Ankara أنقرة, Africa أفريقيا), and short قال is not Cal
    ("qk", 0.35),
    # ث is th (Athens أثينا, Houthis الحوثيين); a Latin s is س, and ث only in Ottoman forms (Osman عثمان)
    ("Ts", 0.3),
    # neighbouring sounds in different classes
    ("td", 0.5), ("kg", 0.5), ("qg", 0.5), ("Kh", 0.5), ("wf", 0.5), ("wv", 0.5),
    # vowels; Latin e and i, o and u are one Arabic letter each
    ("ei", 0.1), ("ou", 0.1), ("ae", 0.25), ("ao", 0.3),
    ("wu", 0.1), ("wo", 0.1), ("yi", 0.1), ("ye", 0.1),
    # ة is an a; against a Latin silent e it is a guess (Porsche بورشه, but Hale is not حالة)
    ("A@", 0.2),
)}


_FINALS = frozenset((WEAK, TA_MARBUTA))
_LETTERS = VOWELS | GLIDES | set(_KEY_CLASS) | set(_AMBIGUOUS) | _FINALS | {AIN, INITIAL_AIN}  # the sound alphabet


def _is_vowel(ch: str) -> bool:
    return ch in VOWELS or ch in _FINALS


def _weight(ch: str) -> float:
    return 0.5 if ch in VOWELS or ch in GLIDES else _WEIGHT.get(ch, 1.0)


def _indel(ch: str) -> float:
    return _VOWEL_INDEL if ch in VOWELS else _GLIDE_INDEL if ch in GLIDES else _INDEL.get(ch, 1.0)


@lru_cache(maxsize=10_000)
def _sub(a: str, b: str) -> float:
    if a == b:
        return 0.0
    pair = frozenset((a, b))
    if pair in _SUBSTITUTION:
        return _SUBSTITUTION[pair]
    if _is_vowel(a) and _is_vowel(b):
        return 0.1 if pair & _FINALS else 0.4
    if pair & {AIN, INITIAL_AIN}:
        other = b if a in (AIN, INITIAL_AIN) else a
        return 0.3 if _is_vowel(other) or other in GLIDES else 1.0  # Omar عمر, Saudi سعودي
    if pair & _FINALS and pair & (GLIDES | {"h"}):
        return 0.2
    return 1.0


COST_UNIT = 20  # every edit cost is a whole number of twentieths (0.05)


def _in_units(cost: float) -> float:
    """A sum of costs rounded to whole twentieths, as exact integer sums give it: the
    same distance summed in another order (search.matching) is then the same float."""
    return round(cost * COST_UNIT) / COST_UNIT


def _distance(a: str, b: str, limit: float = float("inf"), kept: frozenset = frozenset()) -> float:
    """The weighted edit distance of two spellings; any value over `limit` once it must exceed it.
    Leaving out a letter of `a` whose position is in `kept` costs as much as a consonant.

    A row's smallest cell never shrinks in the rows below it (every cost is
    at least 0), so when it passes `limit` the rest is not worth computing.
    """
    b_indel, previous = _indels(b)
    for i, ca in enumerate(a):
        a_indel, sub = 1.0 if i in kept else _indel(ca), _SUB_ROWS.get(ca) or _sub_row(ca)
        current = [previous[0] + a_indel]
        for j, cb in enumerate(b):
            current.append(min(previous[j] + (sub[cb] if cb in sub else _sub(ca, cb)),
                               previous[j + 1] + a_indel, current[j] + b_indel[j]))
        if min(current) > limit:
            return _in_units(min(current))
        previous = current
    return _in_units(previous[-1])


@lru_cache(maxsize=200_000)
def _indels(b: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Each letter's insertion cost, and the DP's first row (their running sums)."""
    costs = tuple(_indel(ch) for ch in b)
    row = [0.0]
    for cost in costs:
        row.append(row[-1] + cost)
    return costs, tuple(row)


_SUB_ROWS: dict[str, dict[str, float]] = {}


def _sub_row(ca: str) -> dict[str, float]:
    """Substitution costs from `ca`, filled in as letters come (the sound alphabet is small)."""
    row = _SUB_ROWS.setdefault(ca, {})
    for cb in _LETTERS:
        row[cb] = _sub(ca, cb)
    return row


def _heavier(a: str, b: str) -> float:
    return max(_total_weight(a), _total_weight(b), 1e-9)


@lru_cache(maxsize=200_000)
def _total_weight(text: str) -> float:
    return sum(map(_weight, text))


@lru_cache(maxsize=500_000)
def _text_similarity(a: str, b: str) -> float:
    """1 - weighted edit distance / weight of the heavier spelling."""
    return max(0.0, 1.0 - _distance(a, b) / _heavier(a, b))


@lru_cache(maxsize=200_000)
def similarity(query_word: str, candidate_word: str) -> float:
    """How alike two words sound, in [0, 1], over their best pair of readings.

    >>> round(similarity("Hollande", "هولاند"), 2), round(similarity("care", "كيري"), 2)
    (0.97, 0.83)
    """
    best = 0.0
    for sa in spellings(query_word):
        for sb in spellings(candidate_word):
            best = max(best, _text_similarity(sa.text, sb.text) - sa.penalty - sb.penalty)
    return best


def _written_vowels(arabic_text: str, every: bool) -> frozenset[int]:
    """Where an Arabic reading writes a vowel that a Latin name must have too.

    Every vowel letter, or (`every` False) one alone between consonants: two
    together stand for one Latin vowel or a glide (بايدن Biden, ميونيخ Munich),
    an alef opening the word seats a vowel a name may write otherwise
    (اسكتلندا Scotland), and Arabic ends many names with a vowel of its own
    (بولندا Poland, ميلانو Milan).
    """
    near = VOWELS | GLIDES
    return frozenset(i for i, ch in enumerate(arabic_text) if ch in VOWELS and (every or (
        0 < i < len(arabic_text) - 1 and arabic_text[i - 1] not in near and arabic_text[i + 1] not in near)))


def _heard(arabic_readings, latin_word: str, every: bool):
    """Scores of each pair of readings, with the Arabic vowels of `_written_vowels` kept."""
    for sa in arabic_readings:
        kept = _written_vowels(sa.text, every)
        for sb in spellings(latin_word):
            yield (max(0.0, 1.0 - _distance(sa.text, sb.text, kept=kept) / _heavier(sa.text, sb.text))
                   - sa.penalty - sb.penalty)


@lru_cache(maxsize=200_000)
def vowels_heard(arabic_word: str, latin_word: str) -> bool:
    """Whether a Latin name has a vowel wherever the Arabic word writes one alone between
    consonants, and still sounds alike enough for the key the two share.

    Arabic writes a name's long vowels and leaves its short ones out, so a
    vowel letter is a sound the name has: اليمني (al-yamani, Yemeni) is not
    Almunia, السوبر (al-super) not Spar, but بوتين is Putin.  It refines a
    match: a pair that `is_match` refuses is left to it.

    >>> vowels_heard("اليمني", "Almunia"), vowels_heard("بوتين", "Putin")
    (False, True)
    """
    if not is_match(arabic_word, latin_word):
        return True
    needed = threshold(shared_key_length(arabic_word, latin_word))
    return any(score >= needed for score in _heard(spellings(arabic_word), latin_word, every=False))


@lru_cache(maxsize=200_000)
def word_as_name_similarity(arabic_word: str, latin_word: str, whole: bool = False) -> float:
    """How alike an ordinary Arabic word and a Latin name sound: `similarity`, except that every
    vowel letter the Arabic word writes must meet a Latin vowel.

    An ordinary word's ا و ي are sounds it has, even its first alef, where a
    name's are a guess at the Latin one (see `vowels_heard`); a name that leaves
    one out shares only the skeleton: الأمير (al-amir) is not Almir, الأستاذ
    not Stade.  With `whole`, nothing is read off the front of the Arabic word
    as a clitic or particle: for a word the dictionary lists as written, وزير
    (minister) is not و + زير, so not Sir.

    >>> round(similarity("الأمير", "Almir"), 2), round(word_as_name_similarity("الأمير", "Almir"), 2)
    (0.91, 0.73)
    >>> round(similarity("وزير", "Sir"), 2), round(word_as_name_similarity("وزير", "Sir", whole=True), 2)
    (0.96, 0.9)
    """
    forms = word_forms(arabic_word)
    if forms is None or script_of(forms[1]) != ARABIC:
        return 0.0
    readings = _arabic_spellings(arabic.normalize(forms[1]), clitics=False) if whole else spellings(arabic_word)
    return max(_heard(readings, latin_word, every=True), default=0.0)


@lru_cache(maxsize=200_000)
def shared_key_length(first: str, second: str) -> int:
    """The most consonants a key of both words has (0 when they share none): what a match rests on.

    >>> shared_key_length("Putin", "بوتين"), shared_key_length("Tim", "تيم"), shared_key_length("Tim", "لندن")
    (3, 2, 0)
    """
    keys = [_keys_of(s.text) for s in spellings(second)]
    return max((len(key) for sa in spellings(first) for kb in keys for key in _keys_of(sa.text) & kb), default=0)


# The shorter the shared key, the more unrelated words share it, so the
# closer the whole spelling must be. Tuned on search/data/name_pairs.tsv
# against the frequent words of the corpora (see search/evaluate.py).
THRESHOLDS = {2: 0.90, 3: 0.82, 4: 0.78}
LONG_KEY_THRESHOLD = 0.74
_LOWEST_THRESHOLD = min(LONG_KEY_THRESHOLD, *THRESHOLDS.values())


def threshold(key_length: int) -> float:
    """The similarity a match needs when its longest shared key has this many consonants."""
    return THRESHOLDS.get(key_length, LONG_KEY_THRESHOLD) if key_length >= MIN_KEY else float("inf")


# What Arabic writes of a vowel: ا و ي as vowels, ة as a final a (غزة Gaza), and ع, which Latin
# writes as one (Saad سعد, Omar عمر).
_WRITTEN_VOWELS = frozenset("aiu") | {AIN, INITIAL_AIN, TA_MARBUTA}


def _arabic_side(query_word: str, candidate_word: str) -> int | None:
    """0 when the query is the Arabic word of a cross-script pair, 1 when the candidate is, else None."""
    first, second = script_of(query_word), script_of(candidate_word)
    if first == second:
        return None
    return 0 if first == ARABIC else 1 if second == ARABIC else None


def _unwritten(arabic_text: str, latin_text: str, key_length: int) -> bool:
    """Whether a reading pair of two consonants fails because Arabic writes none of the vowels Latin has.

    Arabic writes the vowels of a borrowed name with letters (Tim تيم, Tom توم, Obama أوباما); a
    word of two consonants and no vowel letter is an Arabic word (تم, حق, بد), which a short
    Latin name with vowels does not sound like. Longer keys carry enough consonants on their own:
    Ahmed أحمد, Idlib إدلب.
    """
    return (key_length == MIN_KEY and not any(ch in _WRITTEN_VOWELS for ch in arabic_text)
            and any(ch in VOWELS for ch in latin_text))


def _unwritten_pair(arabic_side: int | None, query_text: str, candidate_text: str, key_length: int) -> bool:
    """`_unwritten` for a query reading and a candidate reading, `arabic_side` as `_arabic_side` gives it."""
    if arabic_side is None:
        return False
    arabic_text, latin_text = (query_text, candidate_text) if arabic_side == 0 else (candidate_text, query_text)
    return _unwritten(arabic_text, latin_text, key_length)


@lru_cache(maxsize=200_000)
def is_match(query_word: str, candidate_word: str) -> bool:
    """Whether two words share a key and sound alike enough for its length.

    Only readings that share a key are compared, and each comparison stops
    as soon as its distance is too great for the key's threshold.

    >>> is_match("Gerasimow", "غيراسيموف"), is_match("Lavrov", "لافروف"), is_match("Putin", "عبوتين")
    (True, True, False)
    """
    arabic_side = _arabic_side(query_word, candidate_word)
    for sa in spellings(query_word):
        keys_a = _keys_of(sa.text)
        for sb in spellings(candidate_word):
            shared = keys_a & _keys_of(sb.text)
            if not shared:
                continue
            key_length = max(map(len, shared))
            if _unwritten_pair(arabic_side, sa.text, sb.text, key_length):
                continue
            needed = threshold(key_length)
            heavier = _heavier(sa.text, sb.text)
            # score >= needed  <=>  distance <= (1 - needed - penalties) * heavier; a little
            # slack keeps the early stop from ever deciding what the exact score would not.
            limit = (1.0 - needed - sa.penalty - sb.penalty) * heavier + 1e-6
            if limit < 0:
                continue
            distance = _distance(sa.text, sb.text, limit)
            if distance <= limit and max(0.0, 1.0 - distance / heavier) - sa.penalty - sb.penalty >= needed:
                return True
    return False


# A candidate far below the best one for the same query is noise even when it
# clears its threshold: Texas keeps تكساس and drops تخصيص ("allocation").
RELATIVE_MARGIN = 0.12


def best_matches(query_word: str, candidates, margin: float = RELATIVE_MARGIN) -> list[tuple[str, float]]:
    """The re-rank after a key lookup: matching candidates, best first, within `margin` of the best.

    >>> best_matches("Putin", ["عبوتين", "لبوتين", "بوتين"])
    [('بوتين', 0.9875), ('لبوتين', 0.9675)]
    """
    scored = [(c, round(similarity(query_word, c), 4)) for c in set(candidates) if is_match(query_word, c)]
    top = max((score for _, score in scored), default=0.0)
    return sorted(((c, s) for c, s in scored if s >= top - margin), key=lambda item: (-item[1], item[0]))
