"""What else a query looks for: the same name in the other script, its
aliases, and (for ordinary words) the dictionary's translations.

Each expansion covers a span of the query's words and carries the Whoosh
query for its alternative, weighted below the words as typed, so a hit found
only through an expansion ranks below hits of what was typed.

Names go first.  A word that is a name (found by sound or in the
gazetteer, or capitalised in the corpus) is not translated, so Assad is not
also searched as الأسد the lion.
"""

from dataclasses import dataclass, field

from whoosh import query as wq

from search import arabic, dictionary, gazetteer, sound
from search.analysis import word_forms, words
from search.english import FUNCTION_WORDS
from search.names import (MIN_KEY, clitic_readings, is_match, shared_key_length, similarity, vowels_heard,
                          word_as_name_similarity)
from search.script import ARABIC, LATIN, script_of

SOUND_BOOST = 0.5  # times the similarity, in (0.7, 1]
ALIAS_BOOST = 0.6
DICTIONARY_BOOST = 0.3
SAME_SCRIPT_SIMILARITY = 0.95
WORD_AS_NAME_SIMILARITY = 0.90  # an ordinary Arabic word meets a Latin name only this close
BOTH_WORDS_SIMILARITY = 0.95  # and an ordinary Latin word, or a name on two consonants, only this close
OUTWEIGHED = 50  # an ordinary Arabic word this many times as common as a Latin name is not that name
COMMON = 0.01  # of the Arabic articles: an Arabic word in more is a common word, unless used as a name
COMMON_EVIDENCE = 20  # articles: a word in fewer says too little of how it is used
NAMED_SHARE = 0.15  # of its articles that use it as a name (sound.named_words), for a common word to be one
COMMON_OUTWEIGHS = 10  # a common Arabic word meets no Latin word this many times rarer


@dataclass(frozen=True)
class Expansion:
    """{"query": "Putin", "matched": "بوتين", "via": "sound"}"""

    query: str
    matched: str
    via: str  # "sound", "alias" or "dictionary"


@dataclass
class Alternative:
    expansion: Expansion
    query: wq.Query
    stems: tuple = ()  # what a snippet marks, and how a hit shows it matched
    exact: tuple = ()
    attested: bool = True  # a sound match in enough articles to make the query word a name (sound.ATTESTED)


@dataclass
class Span:
    start: int
    end: int
    alternatives: list = field(default_factory=list)


def _exact_query(forms: tuple, boost: float) -> wq.Query:
    if len(forms) == 1:
        return wq.Term("exact", forms[0], boost=boost)
    return wq.Phrase("exact", list(forms), boost=boost)


def _stem_query(stems: tuple, boost: float) -> wq.Query:
    if len(stems) == 1:
        return wq.Or([wq.Term("text", stems[0]), wq.Term("title", stems[0])], boost=boost)
    return wq.Or([wq.Phrase("text", list(stems)), wq.Phrase("title", list(stems))], boost=boost)


def alias_phrases(gazetteer_: gazetteer.Gazetteer) -> list[wq.Query]:
    """The phrases that searches for the gazetteer's names of several words look up
    (United States, U.S.): as aliases (exact forms), and as typed (stems, in title and text)."""
    found = []
    for name in {name for entry in gazetteer_.entries for name in entry.names}:
        forms = [f for f in (word_forms(w) for w, _, _ in words(name)) if f is not None]
        if len(forms) > 1:
            found += [_exact_query(tuple(exact for _, exact in forms), ALIAS_BOOST),
                      _stem_query(tuple(stem for stem, _ in forms), 1.0)]
    return found


def _exact_forms(text: str) -> tuple:
    forms = (word_forms(w) for w, _, _ in words(text))
    return tuple(f[1] for f in forms if f is not None)


def _stem_of(exact: str) -> str | None:
    found = word_forms(exact) if " " not in exact else None
    return found[0] if found else None


def translates(book, arabic: str, latin: str) -> bool:
    """Whether the dictionary makes the two words translations across scripts.

    Either a translation of the Arabic word sounds like the Latin one (برلمان
    gives parliament), or the Latin word's entry gives the Arabic word as written:
    Bahrain gives البحرين, whose own entry says "maritime"; bank gives البنوك, not بنوك.
    """
    if any(script_of(m) != ARABIC and is_match(latin, m.replace(" ", "")) for m in book.meanings(arabic)):
        return True
    own = word_forms(arabic)
    return own is not None and any(word_forms(m) == own for m in book.meanings(latin)
                                   if script_of(m) == ARABIC and " " not in m)


def function_word(word: str) -> bool:
    """Whether an Arabic word is a stop word behind its clitics: a conjunction
    (و ف), then a preposition (ب ل ك) that is not followed by a conjunction.

    >>> function_word("بما"), function_word("فلا"), function_word("كولا")
    (True, True, False)
    """
    rest = word
    if rest[:1] in ("و", "ف") and len(rest) > 2:
        rest = rest[1:]
        if arabic.is_stop(rest):
            return True
    if rest[:1] in ("ب", "ل", "ك") and len(rest) > 2 and rest[1] not in ("و", "ف"):
        rest = rest[1:]
    return arabic.is_stop(rest)


def ordinary(book, word: str, name: str = "") -> bool:
    """Whether an Arabic word is a FreeDict word, also once its clitics are off:
    بشكل is ب + شكل (form), لانه is ل + انه.  A word that FreeDict translates
    as it stands, with nothing for the stemmer to take off, is one too, though
    no one-word entry writes it so: حال (case), ليس (not), قام (stood).
    So is a stop word or a translated FreeDict word with an inflection on
    (`uninflected`; `name` is the Latin word the Arabic one is to meet)."""
    normal = gazetteer.normalize(word)
    if book.is_word(word) or any(book.is_word(r) or arabic.is_stop(r) for r in clitic_readings(normal)):
        return True
    if any(arabic.is_stop(r) or translated(book, r) for r in uninflected(normal, name)):
        return True
    forms = word_forms(word)
    return forms is not None and forms[0] == forms[1] and bool(book.meanings(word))


def translated(book, word: str) -> bool:
    """Whether FreeDict lists an Arabic word and translates it, rather than spelling a name: ماك
    gives Mac (and Mackey), so ماكين (McCain) is not ماك + ين."""
    meanings = book.meanings(word)
    return book.is_word(word) and bool(meanings) and not any(similarity(word, m) >= WORD_AS_NAME_SIMILARITY
                                                              for m in meanings)


# Endings that inflect a word the dictionary lists bare: the pronoun هم (بينهم among them, انهم that
# they), the verb's plural وا (كانوا they were), the dual or plural ين (الحرمين the two holy mosques),
# the verb's ت (صنعت she made, سيطرت she controlled), the accusative ا (فضلا, بارزا), and ة or
# the pronoun ه (التركية Turkish, الغربية western), all ه once normalised.
_INFLECTIONS = ("هم", "وا", "ين", "ت", "ا", "ه")


def uninflected(word: str, name: str = "") -> list[str]:
    """A normalised Arabic word less an inflection: an ending of `_INFLECTIONS`, the future
    prefix س before a verb's own prefix (سيكون is س + يكون, سيتم س + يتم), or the
    present's prefix ت or ي (تعمل she works is ت + عمل).

    The light stemmer keeps most of these letters, as names end and begin with
    them too (جنين Jenin, سيدني Sydney); they tell an ordinary word only where
    what is left is a stop word or a dictionary word that FreeDict translates.
    The ending ه is no inflection where `name`, the Latin word to meet, ends in
    the a that ة is heard as: الحديدة is حديد (iron) + ة, and also Hodeidah.

    >>> uninflected("بينهم"), uninflected("سيكون"), uninflected("الحديده", "Hodeidah")
    (['بين'], ['يكون', 'كون'], [])
    """
    heard = name.lower().endswith(("a", "ah"))
    found = [word[:-len(ending)] for ending in _INFLECTIONS
             if word.endswith(ending) and len(word) - len(ending) >= 2 and not (ending == "ه" and heard)]
    verbs = [word]
    if word[:1] == "س" and word[1:2] in ("ي", "ت", "ن", "ا") and len(word) >= 4:
        verbs.append(word[1:])
    found += verbs[1:]
    found += [verb[1:] for verb in verbs if verb[:1] in ("ت", "ي") and len(verb) >= 4]
    return found


CLITIC_LETTERS = frozenset("وفبلك")  # conjunctions and prepositions written as one word with the next


def dictionary_allows(book, word: str, candidate: str) -> bool:
    """Whether a sound match across scripts survives the dictionary's word.

    An Arabic function word (`function_word`: بما, لانه) meets no Latin word, nor
    does a word whose lone vowel letters the Latin one lacks (`names.vowels_heard`).
    An Arabic word that FreeDict lists, alone or behind its clitics (`ordinary`),
    is an ordinary word first, so it meets a Latin name only where the two
    translate each other (`translates`) or sound nearly alike: واشنطن
    (Washington) meets Washington, مركز (centre) does not meet Marcus and قطر
    (diameter) not Qatar, which the gazetteer lists instead.  Where the Latin
    word is a dictionary word too, two ordinary words meet only closer still:
    بحوث (research) does not meet House, أبل meets Apple.  So does a match that
    rests on two consonants: they leave the vowels to decide, and an ordinary
    word has many near namesakes (كبير meets no Pires, الدين no Dino).
    An Arabic word that FreeDict translates only by its stem (`stem_translated`)
    meets a Latin dictionary word on the same terms.  And a word that FreeDict
    lists as written is read whole: the و of وزير (minister) is its own, so it
    is not و + زير, which sounds like Sir.
    """
    if same_script(word, candidate):
        return True
    arabic_word, latin = (word, candidate) if script_of(word) == ARABIC else (candidate, word)
    if function_word(gazetteer.normalize(arabic_word)) or not vowels_heard(arabic_word, latin.replace(" ", "")):
        return False
    if book is None:
        return True
    latin = latin.replace(" ", "")
    if translates(book, arabic_word, latin):
        return True
    if not ordinary(book, arabic_word, latin):
        return (not (book.is_word(latin) and stem_translated(book, arabic_word, latin))
                or similarity(arabic_word, latin) >= BOTH_WORDS_SIMILARITY)
    whole = arabic_word[:1] in CLITIC_LETTERS and book.lists(arabic_word)  # وزير (minister) is not و + زير, Sir
    # The vowels it writes heard: الأمير is not Almir.  Mubarak is also مبارك "blessed": a name that close is kept.
    close = word_as_name_similarity(arabic_word, latin, whole)
    return close >= BOTH_WORDS_SIMILARITY or (close >= WORD_AS_NAME_SIMILARITY and not book.is_word(latin)
                                              and shared_key_length(arabic_word, latin) > MIN_KEY)


def stem_translated(book, word: str, latin: str) -> bool:
    """Whether FreeDict translates an Arabic word by its stem: الحالي (current) is حال (case) + ي,
    المصرية (Egyptian) is مصر + ية.

    Such a word is not `ordinary`, since many names also end in what the stemmer takes off
    (الحديدة Hodeidah is حديد, iron, + ة; بريدة Buraidah is بريد, mail, + ة), so it still meets
    a name the dictionary lacks.  A Latin word that FreeDict lists is an ordinary word too, and two
    ordinary words do not meet by sound alone: الحالي is not Hall, المصرية not Missouri, يسيطرون
    (they control) not Western.

    So is a word translated by its stem once its clitics are off: وبالتالي (and therefore) is not
    Italy, لفريقه (for his team) not Africa, بخير (well) not Baker.  A name can read so too (باولو
    is also ب + اولو, possessors), so one that sounds like the Latin word's own Arabic entry in
    FreeDict (بولو for Paulo) still meets it.
    """
    if book.meanings(word):
        return True
    return (any(book.meanings(reading) for reading in clitic_readings(gazetteer.normalize(word)))
            and not any(similarity(word, entry) >= WORD_AS_NAME_SIMILARITY for entry in book.meanings(latin)
                        if script_of(entry) == ARABIC and " " not in entry))


def _by_sound(reader, typed: str, word: str, book=None, lexicon=None) -> list[Alternative]:
    own = word_forms(word)
    own_exact = own[1] if own else ""
    own_articles = reader.doc_frequency("exact", own_exact) if own_exact else 0
    unknown = not own_articles
    # Another spelling in the same script only stands in for a word the corpus
    # lacks (Gerasimow) or one a letter away (سينا, سيناء), so an ordinary word
    # keeps the ranking it had; and not one with the word's own stem, which
    # finds it already (والوطنيه for الوطنية).
    def keep(exact):
        return not (own and same_script(exact, word) and _stem_of(exact) == own[0])

    out = []
    own_share = own_articles / max(1, sound.language_articles(reader, "ar" if script_of(word) == ARABIC else "en",
                                                              lexicon))
    floor = 0.0 if unknown else SAME_SCRIPT_SIMILARITY
    named = lexicon.named if lexicon is not None else {}  # common Arabic words' named counts, read once
    for c in sound.candidates(reader, word, exclude=own_exact, cache=lexicon, same_script=floor, keep=keep):
        if not dictionary_allows(book, word, c.exact) or _namesake_gives_way(book, word, c, own_share):
            continue
        if _common_word_gives_way(reader, book, word, (own_exact, own_articles, own_share), c, lexicon, named):
            continue
        forms = tuple(c.exact.split())
        out.append(Alternative(Expansion(typed, c.exact, "sound"), _exact_query(forms, SOUND_BOOST * c.similarity),
                               exact=forms, attested=c.attested))
    return out


def _namesake_gives_way(book, word: str, candidate: sound.Candidate, own_share: float) -> bool:
    """Whether a Latin name gives way to the ordinary Arabic word that sounds like it.

    An Arabic word that FreeDict lists (`ordinary`) and does not translate by
    the name is translated unless it is a name.  It meets a Latin name only
    if the name is not rare (`Candidate.attested`: MTOR, in one article of
    the shared corpus, does not make مطار, airport, a name), and only if the
    word is no more than OUTWEIGHED times as common among the Arabic articles
    (`own_share`) as the name among the English ones: مكان (place, 4.2% of
    the Arabic articles) does not meet McCain (0.03% of the English ones),
    167 times rarer, while مبارك meets Mubarak, 37 times rarer.
    """
    if book is None or same_script(word, candidate.exact) or script_of(word) != ARABIC:
        return False
    if candidate.attested and candidate.share * OUTWEIGHED >= own_share:
        return False
    latin = candidate.exact.split(" ")[-1]
    return ordinary(book, word, latin) and not translates(book, word, latin)


def is_common_word(articles: int, arabic_articles: int, named: int) -> bool:
    """Whether an Arabic word in `articles` of the `arabic_articles` is a common word: in at least
    COMMON of them (and COMMON_EVIDENCE), and used as a name (`named`) in under NAMED_SHARE of its own."""
    return articles >= max(COMMON_EVIDENCE, COMMON * arabic_articles) and named < NAMED_SHARE * articles


def common_word_gives_way(book, arabic_word: str, latin: str, articles: int, arabic_articles: int,
                          named: int, latin_share: float) -> bool:
    """Whether a common Arabic word keeps from meeting a Latin word that sounds like it.

    Arabic has no capitals, so the words around an Arabic word tell whether the
    corpus uses it as a name (`named`: after a title or a kind of place, or
    beside بن; `sound.named_words`).  خالد is used so in 68% of its articles
    of the shared corpus, كبير (big) in 2%, بلغ (reached) in 5%.  A common
    word (`is_common_word`) that is no name meets a Latin word only where
    FreeDict gives the one for the other, or where the Latin word is at most
    COMMON_OUTWEIGHS times rarer among the English articles (`latin_share`):
    تويتر meets Twitter and سبتمبر September, while كبير does not meet Cabir,
    nor بلغ Plough.
    """
    if not is_common_word(articles, arabic_articles, named):
        return False
    if latin_share * COMMON_OUTWEIGHS >= articles / arabic_articles:
        return False
    return book is None or not translates(book, arabic_word, latin)


def _common_word_gives_way(reader, book, word: str, own: tuple[str, int, float], candidate: sound.Candidate,
                           lexicon, named: dict) -> bool:
    """`common_word_gives_way` for a query word (`own`: its exact form, articles and share of its
    language's articles) and a candidate.  Only a common Arabic word has its counts read:
    `named` keeps them (`sound.Cache.named`)."""
    if same_script(word, candidate.exact):
        return False
    own_exact, own_articles, own_share = own
    if (own_share if script_of(word) == ARABIC else candidate.share) < COMMON:
        return False  # most words: nothing to read
    arabic_total = sound.language_articles(reader, "ar", lexicon)
    if script_of(word) == ARABIC:
        arabic_word, articles, latin, latin_share = own_exact, own_articles, candidate.exact.split(" ")[-1], None
    else:
        arabic_word, articles, latin = candidate.exact, round(candidate.share * arabic_total), own_exact
        latin_share = own_share
    if arabic_word not in named:
        named[arabic_word] = sound.named_articles(reader, arabic_word)
    if not is_common_word(articles, arabic_total, named[arabic_word]):
        return False
    if latin_share is None:
        latin_share = reader.doc_frequency("exact", latin) / max(1, sound.language_articles(reader, "en", lexicon))
    return common_word_gives_way(book, arabic_word, latin, articles, arabic_total, named[arabic_word], latin_share)


def _by_alias(aliases: list[str], typed: str) -> list[Alternative]:
    out = []
    for alias in aliases:
        forms = _exact_forms(alias)
        if forms:
            out.append(Alternative(Expansion(typed, alias, "alias"), _exact_query(forms, ALIAS_BOOST), exact=forms))
    return out


def _by_dictionary(found, typed: str) -> list[Alternative]:
    top = max(t.weight for t in found)
    return [
        Alternative(Expansion(typed, t.text, "dictionary"), _stem_query(t.stems, DICTIONARY_BOOST * t.weight / top),
                    stems=t.stems)
        for t in found
    ]


def expand(reader, query_words: list, *, names: bool = True, translate: bool = True, lexicon=None) -> list[Span]:
    """Spans of `query_words` (None where a word may not be expanded) with their alternatives.

    `lexicon`: the index generation's `sound.Cache` (sound keys' entries, Latin words' name shares).
    """
    spans: dict[tuple[int, int], Span] = {}
    named: set[int] = set()  # words that are names: never translated

    def add(start, end, alternatives, via_names=True):
        if alternatives and (names or not via_names):
            spans.setdefault((start, end), Span(start, end)).alternatives.extend(alternatives)

    runs = _runs(query_words)
    book = dictionary.load()  # also when translation is off: it tells ordinary words from names
    translating = translate and book is not None
    # Names are looked for even when their expansions are off, to keep them out of the dictionary.
    if names or translating:
        for offset, run in runs:
            for match in gazetteer.default().match(run):
                typed = " ".join(run[match.start:match.end])
                add(offset + match.start, offset + match.end, _by_alias(match.aliases, typed))
                named.update(range(offset + match.start, offset + match.end))
            for i, word in enumerate(run):
                if offset + i in named:
                    continue  # the gazetteer knows this name; sound would only add noise (Iraq, اوراق)
                if i + 1 < len(run) and word.lower() in sound.PARTICLES:  # de Gaulle: ديغول
                    typed = f"{word} {run[i + 1]}"
                    found = _by_sound(reader, typed, word + run[i + 1], book, lexicon)
                    add(offset + i, offset + i + 2, found)
                    if found:
                        named.update((offset + i, offset + i + 1))
                if not sound.is_name(reader, word, lexicon.shares if lexicon is not None else None):
                    continue
                found = _by_sound(reader, word, word, book, lexicon)
                add(offset + i, offset + i + 1, found)
                # A rare namesake in the other script (Europa, 2 articles, for اوروبا) leaves it a word.
                if script_of(word) == LATIN or any(not same_script(a.expansion.matched, word)
                                                   and a.attested for a in found):
                    named.add(offset + i)
    if translating:
        for offset, run in runs:
            for start, end, found in book.translate(run):
                if all(w.lower() in FUNCTION_WORDS for w in run[start:end]):
                    continue  # about is not حوالي, after not الحلوى: FreeDict's senses of a function word are noise
                if not named & set(range(offset + start, offset + end)):
                    add(offset + start, offset + end, _by_dictionary(found, " ".join(run[start:end])), via_names=False)
    return sorted(spans.values(), key=lambda s: (s.start, -s.end))


def _runs(query_words: list) -> list[tuple[int, list[str]]]:
    """(offset, words) for each stretch of expandable words."""
    runs, current, start = [], [], 0
    for i, word in enumerate(query_words + [None]):
        if word is None:
            if current:
                runs.append((start, current))
            current, start = [], i + 1
        else:
            current.append(word)
    return runs


def same_script(a: str, b: str) -> bool:
    return script_of(a) == script_of(b)
