"""Names across scripts: a phonetic key both scripts reduce to, and a finer score.

A name is written once in Latin letters and once in Arabic ones, by people
who hear it differently. Both spellings are first rewritten in one private
sound alphabet (a "spelling"); its consonants, folded into broad classes, give
the key that the index stores; the whole spelling, vowels included, gives
the similarity that re-ranks what the key found.

>>> sorted(sound_keys("Putin")), sorted(sound_keys("بوتين"))
(['btn'], ['btn'])
>>> transliterate("بوتين"), is_match("Putin", "بوتين"), is_match("care", "كيري")
('butin', True, False)

Key letters: b f g k s x(sh) t d l m n r h. Vowels, w and y are dropped
because Arabic writes short vowels not at all and long ones with the same
letters (ا و ي) that also serve as the glides w and y.
"""

from functools import lru_cache
from typing import NamedTuple

from search import arabic
from search.analysis import word_forms
from search.script import ARABIC, LATIN, script_of

# --- the sound alphabet ------------------------------------------------------
# One character per sound. Lower-case Latin letters mean themselves; the rest:
#   x  sh (ش, sh, ch, sch)      K  kh (خ, kh)          '  ع (a throat sound Latin drops)
#   T  ث (th or s)              D  ذ (dh, d, t or z)   Z  ظ (dh, d or z)
#   @  a weak final vowel: Latin silent e, Arabic ة or final ه
VOWELS = frozenset("aeiou")
GLIDES = frozenset("wy")
WEAK = "@"
AIN = "'"

# Consonant -> key class. The ambiguous Arabic letters have several.
_KEY_CLASS = {
    "b": "b", "p": "b", "f": "f", "v": "f", "g": "g", "j": "g",
    "k": "k", "q": "k", "K": "k", "s": "s", "z": "s", "x": "x",
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
    ("x", "ks"),
)

# Arabic one-letter clitics (and, so, with, for, like) and the article forms.
_CLITICS = ("وال", "فال", "بال", "كال", "ال", "لل", "و", "ف", "ب", "ل", "ك")
# Romance particles that Arabic joins to the name: ديغول de Gaulle, لودريان Le Drian.
_PARTICLES = ("دي", "دو", "لو", "لا")

MIN_KEY = 2  # a key of one consonant would meet half the dictionary
MAX_SPELLINGS = 8


class Spelling(NamedTuple):
    """One reading of a word in the sound alphabet, and what the reading costs."""
    text: str
    penalty: float  # subtracted from a similarity that uses this reading


# --- spelling a word ----------------------------------------------------------

def _collapse(text: str) -> str:
    """Double letters are one sound: Hollande, Mohammed; Arabic writes them once."""
    out = []
    for ch in text:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _spell_arabic(word: str) -> str:
    """بوتين -> 'butin'. و and ي are glides next to ا or at the start, else vowels."""
    out = []
    for i, ch in enumerate(word):
        prev = word[i - 1] if i else ""
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if ch == "ا" and i == 0 and nxt in ("و", "ي"):
            continue  # a bare seat for the vowel that follows: اوباما, ايران
        if ch in ("و", "ي"):
            glide = i == 0 or prev == "ا" or nxt == "ا"
            out.append(("w" if ch == "و" else "y") if glide else ("u" if ch == "و" else "i"))
        elif ch == "ه" and i == len(word) - 1 and i > 0:
            out.append(WEAK)  # ة, or a final h few hear: حماة, غزه
        elif ch in _ARABIC:
            out.append(_ARABIC[ch])
    return _collapse("".join(out))


def _spell_latin(word: str) -> str:
    """'Charles' -> 'xarl@s'. c is s before e, i, y; y is a vowel except before one."""
    out = []
    i = 0
    while i < len(word):
        for group, sound in _DIGRAPHS:
            if word.startswith(group, i):
                out.append(sound)
                i += len(group)
                break
        else:
            ch = word[i]
            nxt = word[i + 1] if i + 1 < len(word) else ""
            if ch == "c":
                out.append("s" if nxt in ("e", "i", "y") else "k")
            elif ch == "y":
                out.append("y" if nxt in VOWELS else "i")
            elif ch == "e" and i == len(word) - 1 and i > 1:
                out.append(WEAK)
            elif ch.isalpha() and ch.isascii():
                out.append(ch)
            i += 1
    return _collapse("".join(out))


def _latin_variants(word: str, text: str) -> list[Spelling]:
    """Other readings a Latin spelling is often given in Arabic."""
    found = []
    if "ch" in word and not any(c in word for c in ("chr", "chl")):
        found.append(Spelling(_spell_latin(word.replace("ch", "k")), 0.03))  # Michael مايكل
    if word.startswith(("chr", "chl")):
        found.insert(0, Spelling(_spell_latin("k" + word[2:]), 0.0))  # Christopher كريستوفر
    if "ng" in word:
        bare = _spell_latin(_drop_silent_g(word))
        if bare != text:
            found.append(Spelling(bare, 0.03))  # Washington واشنطن
    for ending, spoken in (("ault", "o"), ("eaux", "o"), ("eau", "o"), ("iers", "ie"),
                           ("ier", "ie"), ("ois", "oi"), ("ais", "ai"), ("ot", "o")):
        if word.endswith(ending) and len(word) > len(ending) + 1:
            stem = word[: -len(ending)]
            if ending == "ois" and stem.endswith("c"):
                stem = stem[:-1] + "s"  # Francois فرانسوا
            found.append(Spelling(_spell_latin(stem + spoken), 0.04))
            break
    else:
        if len(word) > 4 and word[-1] in "sxz" and word[-2] not in "s":
            found.append(Spelling(_spell_latin(word[:-1]), 0.05))  # Charles شارل
    if word.endswith(("ow", "ew")):
        found.append(Spelling(text[:-1] + "f", 0.04))  # Gerasimow: German -ow is -ov
    return found


def _drop_silent_g(word: str) -> str:
    """ng before a consonant or at the end is often plain n in older Arabic loans."""
    out = []
    for i, ch in enumerate(word):
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if ch == "g" and i and word[i - 1] == "n" and (not nxt or nxt not in VOWELS):
            continue
        out.append(ch)
    return "".join(out)


def _arabic_variants(word: str) -> list[Spelling]:
    """The word without a clitic or a joined Romance particle, when enough is left."""
    found = []
    for clitic in _CLITICS:
        rest = word[len(clitic):]
        if word.startswith(clitic) and len(rest) >= 3:
            if clitic == "لل":
                rest = "ل" + rest  # للاذقية: ل + اللاذقية with its alef dropped
            found.append(Spelling(_spell_arabic(rest), 0.02))
            if clitic.endswith("ال") or clitic in ("و", "ف", "ب", "ل", "ك"):
                inner = _arabic_variants(rest) if clitic in ("و", "ف", "ب") else []
                found.extend(Spelling(s.text, s.penalty + 0.02) for s in inner if "ال" in rest[:2])
            break
    for particle in _PARTICLES:
        rest = word[len(particle):]
        if word.startswith(particle) and len(rest) >= 3:
            found.append(Spelling(_spell_arabic(rest), 0.05))
    return found


@lru_cache(maxsize=1_000_000)
def spellings(word: str) -> tuple[Spelling, ...]:
    """Every reading of `word` in the sound alphabet, the plain one first.

    Empty for a stop word, a number, or anything in neither script.
    """
    if not word or len(word) > 40 or any(ch.isdigit() for ch in word):
        return ()
    forms = word_forms(word)
    if forms is None:
        return ()
    exact = forms[1]
    script = script_of(exact)
    if script == ARABIC:
        exact = arabic.normalize(exact)
        found = [Spelling(_spell_arabic(exact), 0.0)] + _arabic_variants(exact)
    elif script == LATIN:
        if not any(ch in "aeiouy" for ch in exact):
            return ()  # Mr, BBC: Arabic spells these letter by letter, if at all
        text = _spell_latin(exact)
        found = [Spelling(text, 0.0)] + _latin_variants(exact, text)
    else:
        return ()
    unique: dict[str, Spelling] = {}
    for spelling in found:
        if spelling.text and spelling.text not in unique:
            unique[spelling.text] = spelling
    return tuple(unique.values())[:MAX_SPELLINGS]


# --- keys ---------------------------------------------------------------------

@lru_cache(maxsize=200_000)
def _keys_of(text: str) -> frozenset[str]:
    """Consonant skeletons of one spelling; ambiguous letters give one key each."""
    keys = [""]
    last = ""
    for i, ch in enumerate(text):
        if ch in VOWELS or ch in GLIDES or ch in (WEAK, AIN):
            last = ""
            continue
        if ch == "h" and i == len(text) - 1:
            continue  # Abdullah, Sarah: a final h is not heard in either script
        classes = _AMBIGUOUS.get(ch) or _KEY_CLASS.get(ch, "")
        if not classes:
            continue
        # Adjacent letters of one class are one sound (ks from x stays two).
        keys = [k if (k and k[-1] == c and last) else k + c for k in keys for c in classes]
        last = ch
    return frozenset(k for k in keys if len(k) >= MIN_KEY)


@lru_cache(maxsize=1_000_000)
def sound_keys(word: str) -> frozenset[str]:
    """Consonant skeletons of `word` that its spellings in the other script share.

    >>> sorted(sound_keys("Le")), sorted(sound_keys("لودريان"))
    ([], ['drn', 'ldrn'])
    """
    keys: set[str] = set()
    for spelling in spellings(word):
        keys |= _keys_of(spelling.text)
    return frozenset(keys)


# --- transliteration and similarity --------------------------------------------

_READABLE = str.maketrans({"x": "sh", "K": "kh", "T": "th", "D": "dh", "Z": "z", WEAK: "a", AIN: "'"})


def transliterate(word: str) -> str:
    """A rough Latin rendering with the vowels Arabic writes: بوتين -> 'butin'."""
    found = spellings(word)
    if not found:
        return ""
    if script_of(word) == LATIN:
        return word_forms(word)[1]
    return found[0].text.translate(_READABLE)


# Costs of the weighted edit distance. Arabic leaves short vowels unwritten,
# so a Latin vowel with nothing opposite is cheap; a consonant is not.
_WEIGHT = {WEAK: 0.2, AIN: 0.7, "h": 0.7}
_INDEL = {WEAK: 0.05, AIN: 0.7, "h": 0.5}
_VOWEL_SUB = {frozenset("ei"): 0.1, frozenset("ou"): 0.1, frozenset("ae"): 0.25, frozenset("ao"): 0.3}
_NEAR = {frozenset(pair): cost for pair, cost in (
    ("td", 0.5), ("kg", 0.5), ("qg", 0.5), ("sx", 0.5), ("Kh", 0.5), ("Kk", 0.4), ("Kq", 0.4),
    ("wf", 0.5), ("wv", 0.5), ("wu", 0.1), ("wo", 0.1), ("yi", 0.1), ("ye", 0.1),
)}


def _weight(ch: str) -> float:
    if ch in VOWELS or ch in GLIDES:
        return 0.5
    return _WEIGHT.get(ch, 1.0)


def _indel(ch: str) -> float:
    if ch in VOWELS:
        return 0.2
    if ch in GLIDES:
        return 0.3
    return _INDEL.get(ch, 1.0)


def _classes(ch: str) -> str:
    return _AMBIGUOUS.get(ch) or _KEY_CLASS.get(ch, "")


@lru_cache(maxsize=100_000)
def _sub(a: str, b: str) -> float:
    if a == b:
        return 0.0
    pair = frozenset((a, b))
    vowelish = VOWELS | {WEAK}
    if a in vowelish and b in vowelish:
        return 0.1 if WEAK in pair else _VOWEL_SUB.get(pair, 0.4)
    if pair in _NEAR:
        return _NEAR[pair]
    if AIN in pair and (pair - {AIN}) <= (VOWELS | GLIDES | {WEAK}):
        return 0.2  # Omar عمر, Saudi سعودي: Latin writes ع as a vowel
    if WEAK in pair and (pair & (GLIDES | {"h"})):
        return 0.2
    if set(_classes(a)) & set(_classes(b)):
        return 0.15  # p/b, v/f, s/z, k/q, ث/t: one key class
    return 1.0


@lru_cache(maxsize=500_000)
def _text_similarity(a: str, b: str) -> float:
    """1 - weighted edit distance / weight of the heavier spelling."""
    previous = [0.0]
    for ch in b:
        previous.append(previous[-1] + _indel(ch))
    for ca in a:
        current = [previous[0] + _indel(ca)]
        for j, cb in enumerate(b):
            current.append(min(
                previous[j] + _sub(ca, cb),
                previous[j + 1] + _indel(ca),
                current[j] + _indel(cb),
            ))
        previous = current
    heavier = max(sum(map(_weight, a)), sum(map(_weight, b)), 1e-9)
    return max(0.0, 1.0 - previous[-1] / heavier)


def _scored_pairs(a: str, b: str):
    """(score, shared key length) for every pair of readings of the two words."""
    for sa in spellings(a):
        for sb in spellings(b):
            shared = _keys_of(sa.text) & _keys_of(sb.text)
            score = _text_similarity(sa.text, sb.text) - sa.penalty - sb.penalty
            yield max(0.0, score), max(map(len, shared), default=0)


def similarity(query_word: str, candidate_word: str) -> float:
    """How alike two words sound, in [0, 1], over their best pair of readings.

    >>> round(similarity("Hollande", "هولاند"), 2), round(similarity("care", "كيري"), 2)
    (0.95, 0.83)
    """
    return max((score for score, _ in _scored_pairs(query_word, candidate_word)), default=0.0)


# The shorter the shared key, the more unrelated words share it, so the
# closer the whole spelling must be. Tuned on search/data/name_pairs.tsv
# against the frequent words of the corpora (see search/evaluate.py).
THRESHOLDS = {2: 0.90, 3: 0.82, 4: 0.76}
LONG_KEY_THRESHOLD = 0.72


def threshold(key_length: int) -> float:
    if key_length < MIN_KEY:
        return float("inf")
    return THRESHOLDS.get(key_length, LONG_KEY_THRESHOLD)


def is_match(query_word: str, candidate_word: str) -> bool:
    """Whether two words share a key and sound alike enough for its length.

    >>> is_match("Gerasimow", "غيراسيموف"), is_match("Lavrov", "لافروف"), is_match("Putin", "عبوتين")
    (True, True, False)
    """
    return any(length >= MIN_KEY and score >= threshold(length)
               for score, length in _scored_pairs(query_word, candidate_word))
