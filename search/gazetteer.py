"""Aliases for names that are different words in English and Arabic.

The list lives in a TSV file that a user can read and extend
(search/data/gazetteer.tsv; its header explains the columns). It is checked
when loaded, and a bad line stops start-up with the file and line number,
because a silently skipped alias is a search that silently finds less.

>>> found = default().match(["battle", "for", "Aleppo"])
>>> found[0].start, found[0].end, found[0].aliases
(2, 3, ['حلب'])
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from search import arabic, english
from search.analysis import word_forms, words
from search.names import clitic_readings
from search.script import ARABIC, LATIN, OTHER, char_script, script_of

DEFAULT_PATH = Path(__file__).parent / "data" / "gazetteer.tsv"
HEADER = ("kind", "english", "arabic", "source")
KINDS = frozenset({"country", "city", "region", "org", "group", "person", "nationality", "time"})
# IS, US, WHO: as lower-case words these are everywhere, so they must be typed in capitals.
MAX_CASED_ACRONYM = 3


class GazetteerError(ValueError):
    """A malformed gazetteer line; the message starts with 'file:line:'."""


@dataclass(frozen=True)
class Entry:
    kind: str
    english: tuple[str, ...]
    arabic: tuple[str, ...]
    source: str
    line: int

    @property
    def names(self) -> tuple[str, ...]:
        return self.english + self.arabic


class AliasMatch(NamedTuple):
    """Words [start, end) of a query name an entry; `aliases` are its other names."""
    start: int
    end: int
    aliases: list[str]


def normalize(word: str) -> str:
    """The form two spellings of one word share: case, accents, hamza, ة folded.

    Stop words keep a form too, so that "Strait of Hormuz" still compares.
    """
    forms = word_forms(word)
    if forms is not None:
        return forms[1]
    if script_of(word) == ARABIC:
        return arabic.normalize(word)
    return english.strip_possessive(english.fold(word))


def _forms(alias: str) -> tuple[str, ...]:
    return tuple(normalize(w) for w, _, _ in words(alias))


class _Alias(NamedTuple):
    forms: tuple[str, ...]
    cased: bool  # an acronym such as IS that only matches in capitals
    entry: int


def _is_cased(alias: str) -> bool:
    letters = [ch for ch in alias if ch.isalpha()]
    return len(letters) <= MAX_CASED_ACRONYM and all(ch.isupper() for ch in letters)


class Gazetteer:
    def __init__(self, entries: list[Entry]):
        self.entries = list(entries)
        # First word of each alias -> the aliases that start with it, longest first.
        self._by_first: dict[str, list[_Alias]] = {}
        for index, entry in enumerate(self.entries):
            for name in entry.names:
                forms = _forms(name)
                self._by_first.setdefault(forms[0], []).append(_Alias(forms, _is_cased(name), index))
        for aliases in self._by_first.values():
            aliases.sort(key=lambda a: -len(a.forms))

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def load(cls, path: Path | str) -> "Gazetteer":
        """Read and check a gazetteer file; raise GazetteerError on the first bad line."""
        path = Path(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        return cls(list(_parse(lines, str(path))))

    def match(self, query_words: list[str]) -> list[AliasMatch]:
        """The longest entries named in `query_words`, left to right, not overlapping.

        Words compare by `normalize`. The first word may carry Arabic clitics
        (والقدس, بحلب): they attach to the whole name.
        """
        forms = [normalize(w) for w in query_words]
        found = []
        start = 0
        while start < len(forms):
            best = self._longest_at(query_words, forms, start)
            if best is None:
                start += 1
                continue
            end, entries, matched = best
            others = [name for i in entries for name in self.entries[i].names if _forms(name) != matched]
            found.append(AliasMatch(start, end, list(dict.fromkeys(others))))
            start = end
        return found

    def _longest_at(self, query_words, forms, start):
        first = forms[start]
        heads = [first] + (clitic_readings(first) if script_of(first) == ARABIC else [])
        for head in heads:
            fits = [alias for alias in self._by_first.get(head, ())
                    if _fits(alias, query_words, forms, start)]
            if fits:
                longest = fits[0].forms  # sorted longest first
                # Every entry with this alias: عمان is both Oman and Amman.
                entries = [a.entry for a in fits if a.forms == longest]
                return start + len(longest), list(dict.fromkeys(entries)), longest
        return None

    def aliases(self, name: str) -> list[str]:
        """The other names of `name` when the whole of it is one alias, else []."""
        query_words = [w for w, _, _ in words(name)]
        found = self.match(query_words)
        if len(found) == 1 and (found[0].start, found[0].end) == (0, len(query_words)):
            return found[0].aliases
        return []


def _fits(alias: _Alias, query_words: list[str], forms: list[str], start: int) -> bool:
    end = start + len(alias.forms)
    if end > len(forms) or tuple(forms[start + 1:end]) != alias.forms[1:]:
        return False
    return not alias.cased or all(w.isupper() for w in query_words[start:end])


def _parse(lines: list[str], path: str):
    header_seen = False
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path}:{number}"
        columns = line.split("\t")
        if not header_seen:
            if tuple(c.strip() for c in columns) != HEADER:
                raise GazetteerError(f"{where}: expected the header line {'<TAB>'.join(HEADER)!r}")
            header_seen = True
            continue
        yield _entry(columns, number, where)
    if not header_seen:
        raise GazetteerError(f"{path}: no header line {'<TAB>'.join(HEADER)!r}")


def _entry(columns: list[str], number: int, where: str) -> Entry:
    if len(columns) != len(HEADER):
        raise GazetteerError(
            f"{where}: expected {len(HEADER)} TAB-separated columns "
            f"({', '.join(HEADER)}), found {len(columns)}")
    kind, english_column, arabic_column, source = (c.strip() for c in columns)
    if kind not in KINDS:
        raise GazetteerError(f"{where}: unknown kind {kind!r}; use one of {', '.join(sorted(KINDS))}")
    if not source:
        raise GazetteerError(f"{where}: missing source (say why the entry exists and where the spellings are used)")
    english_names = _aliases(english_column, LATIN, "English", where)
    arabic_names = _aliases(arabic_column, ARABIC, "Arabic", where)
    return Entry(kind, english_names, arabic_names, source, number)


def _aliases(column: str, script: str, language: str, where: str) -> tuple[str, ...]:
    aliases = tuple(alias.strip() for alias in column.split("|"))
    for alias in aliases:
        if not alias:
            raise GazetteerError(f"{where}: empty alias in the {language} column {column!r}")
        if any(char_script(ch) not in (script, OTHER) for ch in alias):
            other = "Arabic" if script == LATIN else "Latin"
            raise GazetteerError(f"{where}: {other} text in the {language} column: {alias!r}")
        if not any(char_script(ch) == script for ch in alias):
            raise GazetteerError(f"{where}: alias {alias!r} in the {language} column has no {language} letters")
    if len(set(aliases)) != len(aliases):
        raise GazetteerError(f"{where}: an alias is repeated in the {language} column")
    return aliases


@cache
def default() -> Gazetteer:
    """The gazetteer shipped with the package, loaded once."""
    return Gazetteer.load(DEFAULT_PATH)
