"""Names by sound across scripts: the index field, and the lookup in it.

At index time every word that may be a name puts `"<key> <exact form>"` in
the `sound` field: every Arabic word (the script has no capitals), and every
Latin word written with a capital where a sentence does not begin.  At query time a word's keys are
prefix-expanded in that field's lexicon, which lists the corpus's own words
that sound alike; `matching.match_readings` then keeps the close ones (as `names.is_match` would).

Whether a Latin word is a name is read from the corpus: the share of its
articles in which it is capitalised.  `care` is capitalised only at the start
of a sentence (which the index does not count), `Kerry` everywhere, so `كيري` finds Kerry and `care` finds
no Arabic word.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from typing import NamedTuple

from whoosh.analysis import Filter

from search.analysis import WordTokenizer, word_forms
from search.matching import Readings, match_readings, readings
from search.names import KEY_LETTERS, MIN_KEY, RELATIVE_MARGIN, sound_keys
from search.script import ARABIC, LATIN, script_of

FIELD = "sound"
# Latin particles that Arabic writes as one word with the name: de Gaulle / ديغول.
PARTICLES = frozenset({"de", "le", "la", "du", "al", "el", "van", "von", "di", "da", "bin", "ibn", "abu"})
NAME_SHARE = 0.6  # of a Latin word's articles that capitalise it, for it to count as a name
MAX_CANDIDATES = 500  # a key's entries weighed, in each script; a longer list means the key says little
MAX_MATCHES = 5  # expansions kept per query word, in each script
RARER = 20  # a rare other-script match in fewer articles than 1/RARER of the best-attested one is dropped
# Of its language's articles, the least a word must be in (as a possible name) not to be rare:
# about 5 of the shared corpus's 24,000 English articles, 4 of its 20,000 Arabic ones.
ATTESTED = 1 / 5_000


NEVER, ALWAYS, UNLESS_INITIAL = 0, 1, 2  # when a word may be a name

# Arabic has no capitals, so the words around an Arabic word tell whether it is used as a
# name: a title or a kind of place before it (الأمير خالد, مدينة الموصل, شهر رمضان), or بن
# beside it (فهد بن عبدالعزيز).  Each such use puts NAMED + its exact form in the field, and
# `named_articles` tells خالد (a name in 68% of its articles in the shared corpus) from كبير (2%).
NAMED = "~ "  # no sound key has "~"
NAME_WINDOW = 3  # words after a title that it may name: الرئيس الروسي فلاديمير بوتين
_TITLES = """الرئيس رئيس الرئيسة الملك الملكة الأمير الأميرة الشيخ الشيخة السيد السيدة الدكتور المهندس
    الأستاذ الإمام القاضي المستشار النائب السفير الوزير المتحدث الناطق اللواء العميد العقيد الفريق
    المشير الجنرال المدرب اللاعب النجم الفنان الفنانة الكاتب الصحفي العاصمة"""
_KINDS = """مدينة محافظة منطقة ريف بلدة قرية ولاية عاصمة جزيرة ميناء مطار إقليم مقاطعة حي شارع مخيم
    سجن مستشفى جامعة شركة منظمة مجموعة نادي فريق صحيفة وكالة قناة حزب جماعة حركة تنظيم بنك مصرف شهر"""
_KIN = "بن ابن بنت أبو أبي"
FOLLOWS, KIN = 1, 2  # name_cue: a name follows the word; a name stands on each side of it


def _cue_forms(text: str) -> frozenset:
    return frozenset(word_forms(w)[1] for w in text.split())


_FOLLOWED, _KINSHIP = _cue_forms(_TITLES + " " + _KINDS), _cue_forms(_KIN)


def name_cue(word: str) -> int:
    """KIN, FOLLOWS or 0: what `word` says of the Arabic words near it."""
    forms = word_forms(word)
    if forms is None or script_of(word) != ARABIC:
        return 0
    return KIN if forms[1] in _KINSHIP else FOLLOWS if forms[1] in _FOLLOWED else 0


def named_words(found: list[str]) -> set[str]:
    """Exact forms of the Arabic words of a document (its words in order) that stand where a name does."""
    named = set()
    for at, word in enumerate(found):
        cue = name_cue(word)
        if not cue:
            continue
        near = found[at + 1:at + 1 + NAME_WINDOW] + (found[at - 1:at] if cue == KIN and at else [])
        for other in near:
            forms = word_forms(other)
            if forms is not None and script_of(other) == ARABIC:
                named.add(forms[1])
    return named


def name_rule(word: str) -> int:
    """ALWAYS for an Arabic word (the script has no capitals); UNLESS_INITIAL for a
    capitalised Latin word, which opening a sentence says nothing; NEVER otherwise."""
    script = script_of(word)
    if script == ARABIC:
        return ALWAYS
    if script == LATIN and word[:1].isupper():
        return UNLESS_INITIAL
    return NEVER


def may_be_name(rule: int, initial) -> bool:
    """Whether a word with this `name_rule` may be a name where it stands (`initial`: it opens a sentence)."""
    return rule == ALWAYS or (rule == UNLESS_INITIAL and not initial)


@lru_cache(maxsize=1_000_000)
def name_terms(word: str) -> tuple[str, ...]:
    """The terms a word that may be a name puts in the field: `"<key> <exact>"` per key.

    Memoised, as its keys are: the same names fill the news day after day.
    """
    forms = word_forms(word)
    if forms is None:
        return ()
    return tuple(f"{key} {forms[1]}" for key in sound_keys(word))


@lru_cache(maxsize=200_000)
def particle_terms(particle: str, word: str) -> tuple[str, ...]:
    """The terms of a particle and the name after it, as one word: de Gaulle, al Assad."""
    joined = f"{particle} {word.lower()}"
    return tuple(f"{key} {joined}" for key in sound_keys(particle + word))


class SoundFilter(Filter):
    """Tokens `"<key> <exact>"` for each word that may be a name, and for particle + name;
    NAMED + exact for each Arabic word that stands where a name does (`named_words`)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        particle = None
        found = []
        for token in tokens:
            word = token.text
            found.append(word)
            terms = ()
            if may_be_name(name_rule(word), getattr(token, "initial", False)):
                terms = name_terms(word)
                if particle is not None:
                    terms += particle_terms(particle, word)
            lower = word.lower()
            particle = lower if lower in PARTICLES else None
            for term in terms:
                token.text = term
                yield token
        for exact in sorted(named_words(found)):
            token.text = NAMED + exact
            yield token


def sound_analyzer():
    return WordTokenizer() | SoundFilter()


class Candidate(NamedTuple):
    exact: str  # as the exact field holds it; two words for particle + name
    similarity: float
    share: float = 1.0  # of its language's articles, that it is in

    @property
    def attested(self) -> bool:
        """In at least ATTESTED of its language's articles."""
        return self.share >= ATTESTED


def _decode(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def name_share(reader, exact: str) -> float | None:
    """The share of a Latin word's articles that capitalise it, or None if the corpus lacks it."""
    total = reader.doc_frequency("exact", exact)
    if not total:
        return None
    keys = sound_keys(exact)
    capitalised = max((reader.doc_frequency(FIELD, f"{key} {exact}") for key in keys), default=0)
    return capitalised / total


def named_articles(reader, exact: str) -> int:
    """The articles that use an Arabic word as a name (`named_words`)."""
    return reader.doc_frequency(FIELD, NAMED + exact)


def is_name(reader, word: str, shares: dict | None = None) -> bool:
    """Whether a query word may be a name: any Arabic word; a Latin one the corpus capitalises.
    `shares`: name shares read ahead (`Cache.shares`)."""
    script = script_of(word)
    if script == ARABIC:
        return True
    if script != LATIN:
        return False
    forms = word_forms(word)
    if forms is None:
        return False
    share = (shares or {}).get(forms[1])
    if share is None:
        share = name_share(reader, forms[1])
    return share is None or share >= NAME_SHARE  # a word the corpus lacks may be a misspelt name


class Entries(NamedTuple):
    """A key's lexicon words, as the exact field holds them, with their readings: at most
    MAX_CANDIDATES of each script, the ones in most articles (`_most_found`)."""

    exacts: list
    single: Readings  # the one-word entries, read as they stand
    joined: Readings  # particle + name, read once joined: "abu dhabi's" as "abudhabi's"
    articles: dict  # exact -> the articles in which it may be a name (its term's document frequency)


def entries(reader, key: str) -> Entries:
    articles = {}
    prefix = (key + " ").encode("utf-8")
    for leaf, _ in reader.leaf_readers():  # each segment's terms with their counts, read as they are passed
        for term, info in leaf.iter_prefix(FIELD, prefix):
            exact = _decode(term)[len(key) + 1:]
            articles[exact] = articles.get(exact, 0) + info.doc_frequency()
    exacts = sorted(articles, key=lambda exact: exact.encode("utf-8"))  # lexicon order
    if len(exacts) > MAX_CANDIDATES:
        exacts = _most_found(exacts, articles)
    return Entries(exacts, readings([e for e in exacts if " " not in e], exact_forms=True),
                   readings([e.replace(" ", "") for e in exacts if " " in e]),
                   {e: articles[e] for e in exacts})


def _most_found(exacts: list, articles: dict) -> list:
    """At most MAX_CANDIDATES words of each script, the ones in most articles, in lexicon order.

    Forty-nine keys of the shared corpus have more (ص ر, "sr", has 2,044).
    The lexicon lists a key's Latin words before its Arabic ones, in
    alphabetical order, so the first MAX_CANDIDATES left out the Arabic
    words late in the alphabet: Messi did not meet ميسي.
    """
    by_script: dict[bool, list] = {True: [], False: []}
    for exact in exacts:
        by_script[exact[0] < "\x80"].append(exact)
    kept = set()
    for group in by_script.values():
        group.sort(key=lambda exact: -articles[exact])  # stable: ties stay in lexicon order
        kept.update(group[:MAX_CANDIDATES])
    return [exact for exact in exacts if exact in kept]


SHORT_KEY = 3  # consonants; keys this short are shared by many words and list hundreds of entries


def short_keys() -> list[str]:
    """Every key of MIN_KEY to SHORT_KEY letters.  On the shared corpus they are 1,814 keys
    with 166,000 entries between them, and a search's cold lookups were mostly these."""
    return ["".join(letters) for size in range(MIN_KEY, SHORT_KEY + 1) for letters in product(KEY_LETTERS, repeat=size)]


@dataclass
class Cache:
    """What the sound lookups of one index generation keep."""

    entries: object  # a search.cache.Lru: key -> Entries
    # Latin word of the field -> its name_share: after `preload`, every one that starts with an
    # ASCII letter; the others as searches meet them (three segments' lookups each, the same words
    # again and again).  Bounded by the field's Latin words.
    shares: dict = field(default_factory=dict)
    languages: dict = field(default_factory=dict)  # "ar" and "en" -> their articles
    named: dict = field(default_factory=dict)  # common Arabic word -> `named_articles`, as searches meet them

    def share(self, reader, exact: str) -> float | None:
        if exact not in self.shares:
            self.shares[exact] = name_share(reader, exact)
        return self.shares[exact]

    def articles(self, reader, language: str) -> int:
        if language not in self.languages:
            self.languages[language] = reader.doc_frequency("lang", language)
        return self.languages[language]


def preload(reader, cache: Cache) -> None:
    """Read and spell the entries of every short key into `cache` (4 s on the shared corpus),
    and every Latin word's name share (2 s)."""
    for key in short_keys():
        cache.entries.get(key, lambda: entries(reader, key))
    cache.shares.update(name_shares(reader))


def name_shares(reader) -> dict[str, float]:
    """`name_share` of every Latin word in the field, from one pass over each segment's terms.

    A search would otherwise look up two or three terms in each segment for
    each Latin word it meets among a key's entries: about 30 words a search,
    a third of a millisecond.
    """
    capitalised: dict[bytes, int] = {}  # "<key> <word>" -> its articles, over all segments
    for leaf, _ in reader.leaf_readers():
        for term in leaf.lexicon(FIELD):  # terms alone, as bytes: most are Arabic words, passed over
            space = term.find(b" ")
            if term[space + 1] < 0x80 and term.find(b" ", space + 1) < 0:  # an ASCII letter first; no particle
                capitalised[term] = capitalised.get(term, 0) + leaf.doc_frequency(FIELD, term)
    best: dict[str, int] = {}
    for term, count in capitalised.items():
        key, exact = term.decode("utf-8").split(" ")
        if count > best.get(exact, 0) and script_of(exact) == LATIN and key in sound_keys(exact):
            best[exact] = count
    shares = {}
    for exact, count in best.items():
        total = reader.doc_frequency("exact", exact)
        if total:
            shares[exact] = count / total
    return shares


def candidates(reader, word: str, exclude: str = "", cache: Cache | None = None,
               same_script: float = 0.0, keep=None) -> list[Candidate]:
    """Words of the corpus that sound like `word`, closest first.

    `cache` keeps each key's `Entries`: short keys are shared by many words,
    and their hundreds of entries are read and spelt once.  `same_script`:
    the least similarity of a word in `word`'s script (`match_readings`).
    `keep(exact)`: whether a word may be a candidate at all.  Both are
    applied before the best MAX_MATCHES are chosen, so a word the caller
    would drop takes no place from one it would keep.
    """
    found, articles = {}, {}
    for key in sorted(sound_keys(word)):
        under = cache.entries.get(key, lambda: entries(reader, key)) if cache is not None else entries(reader, key)
        single = match_readings(word, under.single, same_script)
        joined = match_readings(word, under.joined, same_script)
        for exact in under.exacts:
            score = joined.get(exact.replace(" ", "")) if " " in exact else single.get(exact)
            if score is None or exact == exclude or exact in found:
                continue
            if keep is not None and not keep(exact):
                continue
            if script_of(exact) == LATIN and " " not in exact:
                share = cache.share(reader, exact) if cache is not None else name_share(reader, exact)
                if share is not None and share < NAME_SHARE:
                    continue
            found[exact], articles[exact] = score, under.articles[exact]
    totals = {language: max(1, language_articles(reader, language, cache)) for language in ("ar", "en")}
    ranked = [Candidate(exact, score, articles[exact] / totals["ar" if script_of(exact) == ARABIC else "en"])
              for exact, score in found.items()]
    return _best(word, ranked, articles)


def language_articles(reader, language: str, cache: Cache | None = None) -> int:
    """The articles of a language ("ar" or "en") in the index."""
    return cache.articles(reader, language) if cache is not None else reader.doc_frequency("lang", language)


def _best(word: str, found: list[Candidate], articles: dict[str, int]) -> list[Candidate]:
    """The closest MAX_MATCHES of each script, closest first.

    The other script's words are ranked apart, so that a name's many
    spellings in its own script (باوباما, لاوباما...) leave room for it in the
    other (Obama).  Of those, only the ones within RELATIVE_MARGIN of the
    closest are kept, as the evaluation keeps them.  A rare one (not
    `attested`) also gives way to one in RARER times as many `articles`:
    موسكو meets Moscow (139 articles of the shared corpus), not Muskie (1),
    while Modi still meets مودي (8), though مدي (range) is in 1,128.
    """
    ranked = sorted(found, key=lambda c: (-c.similarity, c.exact))
    script = script_of(word)
    same = [c for c in ranked if script_of(c.exact) == script][:MAX_MATCHES]
    other = [c for c in ranked if script_of(c.exact) != script]
    other = [c for c in other if c.similarity >= other[0].similarity - RELATIVE_MARGIN]
    most = max((articles[c.exact] for c in other), default=0)
    other = [c for c in other if c.attested or articles[c.exact] * RARER >= most]
    return sorted(same + other[:MAX_MATCHES], key=lambda c: (-c.similarity, c.exact))

