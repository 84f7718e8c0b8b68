"""The FreeDict reader and the translation table built from it."""

import gzip

import pytest

from search import dictionary
from search.dictionary import Dictionary, read_dictd

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def b64(n: int) -> str:
    out = ""
    while True:
        out = B64[n % 64] + out
        n //= 64
        if not n:
            return out


def write_dictd(stem, entries):
    """A dictd pair of files, as dictfmt writes them."""
    data, index = b"", []
    for headword, body in entries:
        entry = f"{headword} /ipa/\n{body}\n".encode()
        index.append(f"{headword}\t{b64(len(data))}\t{b64(len(entry))}\n")
        data += entry
    with gzip.open(f"{stem}.dict.dz", "wb") as out:
        out.write(data)
    with open(f"{stem}.index", "w", encoding="utf-8") as out:
        out.write("00databaseinfo\tA\tB\n" + "".join(index))


@pytest.fixture
def tiny(tmp_path):
    write_dictd(tmp_path / "freedict-eng-ara", [
        ("Attack", "الهجوم"),
        ("Lion", "الأسد"),
        ("Coalition", "التحالف"),
        ("The", "ال"),
    ])
    write_dictd(tmp_path / "freedict-ara-eng", [
        ("الهجمات", "1. Assaults\n2. Attacks\n3. Offensives\n4. Onslaughts"),
        ("حاملة الطائرات", "Aircraft carrier"),
    ])
    return dictionary.load.__wrapped__(tmp_path)


def shown(translations):
    return [t.text for _, _, found in translations for t in found]


def test_reads_headwords_and_numbered_senses(tmp_path):
    write_dictd(tmp_path / "x", [("الهجمات", "1. Assaults\n2. Attacks"), ("Lion", "الأسد")])
    assert list(read_dictd(tmp_path / "x")) == [("الهجمات", ["Assaults", "Attacks"]), ("Lion", ["الأسد"])]


@pytest.mark.parametrize(
    "query, expected",
    [
        pytest.param("attacks", ["الهجوم", "الهجمات"], id="inflected English reaches the entry Attack"),
        pytest.param("الهجوم", ["attack"], id="Arabic with the article reaches its entry"),
        pytest.param("هجمات", ["assaults", "attacks", "offensives"], id="at most three senses, in order"),
        pytest.param("aircraft carrier", ["حاملة الطائرات"], id="multi-word entry before single words"),
        pytest.param("حاملة الطائرات", ["aircraft carrier"], id="multi-word Arabic entry"),
        pytest.param("the", [], id="stop words are not translated"),
        pytest.param("zebra", [], id="unknown word"),
    ],
)
def test_translations(tiny, query, expected):
    assert shown(tiny.translate(query.split())) == expected


def test_missing_files_turn_the_feature_off(tmp_path):
    assert dictionary.load.__wrapped__(tmp_path) is None


def test_installed_freedict_translates_news_words():
    installed = dictionary.load()
    assert installed is not None, "install dict-freedict-eng-ara and dict-freedict-ara-eng (make sysdeps)"
    assert "التحالف" in shown(installed.translate(["coalition"]))
    assert "attacks" in shown(installed.translate(["الهجمات"]))


def test_empty_dictionary_finds_nothing():
    assert Dictionary().translate(["coalition"]) == []
