"""The alias gazetteer: the shipped file, matching in queries, and its checks."""

import pytest

from search.analysis import words
from search.gazetteer import Gazetteer, GazetteerError, default

HEADER = "kind\tenglish\tarabic\tsource\n"
GOOD = "city\tAleppo\tحلب\tdifferent words; a test\n"


def query(text: str) -> list[str]:
    return [w for w, _, _ in words(text)]


def test_the_shipped_file_loads_with_the_middle_east_of_2015():
    gazetteer = default()
    assert len(gazetteer) >= 150
    assert all(entry.source for entry in gazetteer.entries)
    assert default() is gazetteer  # loaded once


ALIASES = [
    pytest.param("Aleppo", "حلب", id="city, different words"),
    pytest.param("حلب", "Aleppo", id="Arabic to English"),
    pytest.param("Egypt", "مصر", id="country, different words"),
    pytest.param("Crimea", "القرم", id="region with the article"),
    pytest.param("Cairo", "القاهرة", id="Arabic alias with ة"),
    pytest.param("Jerusalem", "القدس", id="Jerusalem"),
    pytest.param("ISIS", "داعش", id="acronym to Arabic acronym"),
    pytest.param("DAESH", "تنظيم الدولة", id="any case of a long acronym"),
    pytest.param("Islamic State", "داعش", id="two English words"),
    pytest.param("تنظيم الدولة", "ISIL", id="two Arabic words"),
    pytest.param("Syria", "سورية", id="both Arabic spellings"),
    pytest.param("القاهره", "Cairo", id="ة typed as ه"),
    pytest.param("والقدس", "Jerusalem", id="conjunction و on the name"),
    pytest.param("بحلب", "Aleppo", id="preposition ب on the name"),
    pytest.param("للقدس", "Jerusalem", id="preposition ل merged with the article"),
    pytest.param("Egypt's", "مصر", id="English possessive"),
    pytest.param("al-Qaeda", "القاعدة", id="hyphenated article"),
    pytest.param("Monday", "الاثنين", id="day of the week"),
    pytest.param("German", "ألماني", id="nationality, not Germain by sound"),
    pytest.param("الفرنسية", "French", id="nationality, feminine with the article"),
    pytest.param("England", "إنجلترا", id="England, not Finland by sound"),
    pytest.param("James", "جيمس", id="a given name, not Gomez by sound"),
    pytest.param("Moody's", "موديز", id="the rating agency, not the adjective"),
]


@pytest.mark.parametrize("name, alias", ALIASES)
def test_an_alias_finds_the_other_names(name, alias):
    assert alias in default().aliases(name)


def test_a_match_gives_its_span_and_the_other_aliases():
    found = default().match(query("Putin met Sisi in Cairo"))
    assert [(m.start, m.end) for m in found] == [(2, 3), (4, 5)]
    assert "القاهرة" in found[1].aliases
    assert "Cairo" not in found[1].aliases  # what was typed is not an alias of itself


def test_the_longest_entry_wins():
    found = default().match(query("تنظيم الدولة الإسلامية في العراق"))
    assert [(m.start, m.end) for m in found] == [(0, 3), (4, 5)]


def test_a_shared_alias_names_every_entry():
    aliases = default().aliases("عمان")
    assert "Oman" in aliases and "Amman" in aliases


CASED = [
    pytest.param("IS fighters", [(0, 1)], id="IS in capitals is the group"),
    pytest.param("what is it", [], id="is in lower case is a verb"),
    pytest.param("the US and the UK", [(1, 2), (4, 5)], id="US and UK in capitals"),
    pytest.param("tell us", [], id="us is a pronoun"),
    pytest.param("WHO said", [(0, 1)], id="WHO in capitals is the organisation"),
    pytest.param("who said", [], id="who is a pronoun"),
]


@pytest.mark.parametrize("text, spans", CASED)
def test_a_short_acronym_matches_only_in_capitals(text, spans):
    assert [(m.start, m.end) for m in default().match(query(text))] == spans


def test_a_user_can_extend_the_file(tmp_path):
    path = tmp_path / "gazetteer.tsv"
    path.write_text("# my additions\n" + HEADER + GOOD + "city\tHoms\tحمص\tmy reason\n", encoding="utf-8")
    gazetteer = Gazetteer.load(path)
    assert gazetteer.aliases("Homs") == ["حمص"]
    assert gazetteer.entries[1].line == 4


MALFORMED = [
    pytest.param("city\tAleppo\tحلب\n", "expected 4 TAB-separated columns", id="a column missing"),
    pytest.param("city\tAleppo\tحلب\tsource\textra\n", "found 5", id="a column too many"),
    pytest.param("city\tAleppo||Halab\tحلب\tsource\n", "empty alias", id="empty alias"),
    pytest.param("city\tAleppo\t\tsource\n", "empty alias", id="empty Arabic column"),
    pytest.param("city\tAleppo\tHalab\tsource\n", "Latin text in the Arabic column", id="Latin in Arabic"),
    pytest.param("city\tحلب\tحلب\tsource\n", "Arabic text in the English column", id="Arabic in English"),
    pytest.param("city\tAleppo\tحلب\t\n", "missing source", id="no source"),
    pytest.param("town\tAleppo\tحلب\tsource\n", "unknown kind 'town'", id="unknown kind"),
    pytest.param("city\tAleppo|Aleppo\tحلب\tsource\n", "repeated", id="alias repeated"),
]


@pytest.mark.parametrize("line, problem", MALFORMED)
def test_a_malformed_line_names_the_file_line_and_problem(tmp_path, line, problem):
    path = tmp_path / "gazetteer.tsv"
    path.write_text("# comment\n" + HEADER + GOOD + line, encoding="utf-8")
    with pytest.raises(GazetteerError) as error:
        Gazetteer.load(path)
    assert str(error.value).startswith(f"{path}:4: ")
    assert problem in str(error.value)


def test_a_missing_header_is_an_error(tmp_path):
    path = tmp_path / "gazetteer.tsv"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(GazetteerError, match="expected the header line") as error:
        Gazetteer.load(path)
    assert str(error.value).startswith(f"{path}:1: ")
