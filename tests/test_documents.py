"""The corpus loader: every kind of bad input is skipped or repaired, never fatal."""

import codecs
import hashlib
import json
import os
import tempfile
import tracemalloc
import unicodedata
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.documents import (
    MAX_BYTES,
    Skipped,
    clean_text,
    load_corpus,
    normalize_date,
    read_file,
    scan,
)

PROJECT = Path(__file__).resolve().parents[1]
SHARED_CORPORA = PROJECT.parent / "shared" / "corpora"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ARABIC = "بوتين يلتقي الأسد في موسكو"
PARAGRAPH = "Russian and French officers resumed talks on Thursday in Moscow. " * 3


def write(root: Path, name: str, data: bytes | str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def load(root: Path, **kwargs) -> tuple[dict, list[str]]:
    """{id: Document} and the skipped lines as the summary prints them."""
    paths, passed_over = scan(root)
    docs, skipped = {}, [str(s) for s in passed_over]
    for result in load_corpus(root, paths, **kwargs):
        for doc in result.documents:
            assert doc.id not in docs, f"duplicate id {doc.id}"
            docs[doc.id] = doc
        skipped += [str(s) for s in result.skipped]
    return docs, skipped


# --- clean_text -----------------------------------------------------------

CLEAN_CASES = [
    pytest.param("Putin meets Assad\r\nin Moscow", "Putin meets Assad\r\nin Moscow", id="plain text and CRLF unchanged"),
    pytest.param("Syr\x00ia", "Syria", id="NUL bytes removed, joining the letters"),
    pytest.param("end\x0cStart", "end Start", id="form feed becomes a space, not a join"),
    pytest.param("بها.\x1a\x1aالفعاليات", "بها. الفعاليات", id="SUB pair as paragraph break becomes a space"),
    pytest.param("\u200fبوتين\u200e Putin", "بوتين Putin", id="RLM and LRM removed"),
    pytest.param("\u202bموسكو\u202c", "موسكو", id="bidi embedding removed"),
    pytest.param("\u2067داعش\u2069 ISIS", "داعش ISIS", id="bidi isolates removed"),
    pytest.param("\u061c\u0627\u0644\u0642\u062f\u0633", "القدس", id="arabic letter mark removed"),
    pytest.param("Syr\u200bia", "Syria", id="zero-width space inside a word removed"),
    pytest.param("بو\u200cتين", "بوتين", id="zero-width non-joiner removed"),
    pytest.param("nego\u00adtiations", "negotiations", id="soft hyphen removed"),
    pytest.param("Moscow\ufeff talks", "Moscow talks", id="BOM inside the text removed"),
    pytest.param("\ufefb \ufe8d\ufedf\ufed8\ufeaa\ufeb1", "لا القدس", id="arabic presentation forms (NFKC)"),
    pytest.param("\ufb01nal of\ufb02ine", "final offline", id="latin ligatures split (NFKC)"),
    pytest.param("\uff30\uff35\uff34\uff29\uff2e \uff12\uff10", "PUTIN 20", id="full-width letters and digits (NFKC)"),
    pytest.param("…² ½ ™", "…² ½ ™", id="no NFKC outside compatibility blocks"),
    pytest.param("Franc\u0327ois", "François", id="decomposed accent composed (NFC)"),
    pytest.param("\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f", "\u0645\u064f\u062d\u064e\u0645\u064e\u0651\u062f",
                 id="vowel marks kept, NFC only orders shadda after fatha"),
    pytest.param("بـوتـين", "بـوتـين", id="tatweel kept for the analyser"),
    pytest.param("a\ud800b\udfff", "a\ufffdb\ufffd", id="unpaired surrogates replaced"),
    pytest.param("caf\x85\x9d", "caf ", id="run of C1 controls becomes one space"),
]


@pytest.mark.parametrize("raw, expected", CLEAN_CASES)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@given(st.text())
def test_clean_text_is_idempotent_and_writable(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    cleaned.encode("utf-8")  # raises on a surrogate: the index could not store it
    assert "\x00" not in cleaned and "\u200f" not in cleaned


# --- dates ----------------------------------------------------------------

DATE_CASES = [
    pytest.param("2015-07-21", "2015-07-21", id="ISO date"),
    pytest.param("2015-07-21T10:00:00Z", "2015-07-21", id="ISO date-time"),
    pytest.param("2015/7/1", "2015-07-01", id="year first with slashes"),
    pytest.param("26-FEB-1987 15:01:01.79", "1987-02-26", id="Reuters day-MON-year"),
    pytest.param("26-MAR-1987 10:00:00.00&#9;&#9;&#9;F", "1987-03-26", id="Reuters with trailing junk"),
    pytest.param("Thu, 26 Feb 1987 10:00:00 +0000", "1987-02-26", id="RFC 2822"),
    pytest.param("1 Sept. 2015", "2015-09-01", id="day and long month name"),
    pytest.param("February 26, 1987", "1987-02-26", id="month name first"),
    pytest.param("٢٠١٥-٠٧-٢١", "2015-07-21", id="arabic-indic digits"),
    pytest.param("2004/2005", None, id="year range dropped"),
    pytest.param("03/04/2015", None, id="ambiguous day and month dropped"),
    pytest.param("2015-02-30", None, id="impossible day dropped"),
    pytest.param("yesterday", None, id="words dropped"),
    pytest.param(20150721, None, id="number dropped"),
]


@pytest.mark.parametrize("raw, expected", DATE_CASES)
def test_normalize_date(raw, expected):
    assert normalize_date(raw) == expected


# --- .txt files: encodings and bad content --------------------------------


AR = f"{ARABIC}\nPutin said"
FR = "Le président François «non»"
TXT_ENCODINGS = [
    pytest.param(AR, AR.encode(), "utf-8", id="utf-8"),
    pytest.param(AR, codecs.BOM_UTF8 + AR.encode(), "utf-8-sig", id="utf-8 with BOM"),
    pytest.param(AR, codecs.BOM_UTF16_LE + AR.encode("utf-16-le"), "utf-16-le", id="utf-16 LE with BOM"),
    pytest.param(AR, codecs.BOM_UTF16_BE + AR.encode("utf-16-be"), "utf-16-be", id="utf-16 BE with BOM"),
    pytest.param(AR, codecs.BOM_UTF32_LE + AR.encode("utf-32-le"), "utf-32-le", id="utf-32 LE BOM not taken for utf-16"),
    pytest.param(AR, AR.encode("cp1256"), "cp1256", id="windows-1256 arabic"),
    pytest.param("مُحَمَّد", "مُحَمَّد".encode("cp1256"), "cp1256", id="windows-1256 with vowel marks"),
    pytest.param("بوتين", "بوتين".encode("cp1256"), "cp1256", id="windows-1256 single word"),
    pytest.param(FR, FR.encode("cp1252"), "cp1252", id="windows-1252 french stays latin"),
    pytest.param("Die Größe der Straße", "Die Größe der Straße".encode("cp1252"), "cp1252",
                 id="windows-1252 german, whose lone ö and ß are arabic letters in cp1256"),
    pytest.param("año señor", "año señor".encode("cp1252"), "cp1252", id="windows-1252 spanish"),
    pytest.param("Café\x81", b"Caf\xe9\x81", "latin-1", id="latin-1 where cp1252 has no such byte"),
    pytest.param("A" * 70_000 + "\nété", b"A" * 70_000 + "\nété".encode("cp1252"), "cp1252",
                 id="first non-utf-8 byte after 64 KB of ascii"),
    pytest.param(f"{ARABIC}\ufffd", ARABIC.encode() + b"\xff", "utf-8", id="utf-8 with a damaged byte stays utf-8"),
]


@pytest.mark.parametrize("text, data, encoding", TXT_ENCODINGS)
def test_txt_encodings(tmp_path, text, data, encoding):
    write(tmp_path, "a.txt", data)
    result = read_file(tmp_path, "a.txt")
    assert result.encoding == encoding
    assert [d.text for d in result.documents] == [clean_text(text)]
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.skipped == []


TXT_TITLES_AND_REPAIRS = [
    pytest.param(b"Title\n\nBody text", "Title\n\nBody text", "Title", [], id="title is the first line"),
    pytest.param(b"\n \n\t\n  Headline here  \nbody", "\n \n\t\n  Headline here  \nbody", "Headline here", [],
                 id="title is the first non-blank line, stripped"),
    pytest.param(b"Headline\r\nbody", "Headline\r\nbody", "Headline", [], id="title line ends at CRLF, text kept as is"),
    pytest.param(b"Syr\x00ia\n" + PARAGRAPH.encode(), "Syria\n" + PARAGRAPH, "Syria", ["a.txt: removed NUL bytes"],
                 id="NUL bytes removed and noted"),
    pytest.param("\ufefbبأس\u200f\n".encode(), "لابأس\n", "لابأس",
                 ["a.txt: removed bidi control characters", "a.txt: normalised presentation forms and ligatures (NFKC)"],
                 id="odd text repaired and noted"),
    pytest.param(ARABIC.encode() + b"\xff\xfe.", ARABIC + "\ufffd\ufffd.", ARABIC + "\ufffd\ufffd.",
                 ["a.txt: replaced 2 invalid UTF-8 byte sequence(s)"], id="damaged utf-8 bytes noted"),
]


@pytest.mark.parametrize("data, text, title, notes", TXT_TITLES_AND_REPAIRS)
def test_txt_title_and_repairs(tmp_path, data, text, title, notes):
    write(tmp_path, "a.txt", data)
    result = read_file(tmp_path, "a.txt")
    assert [(d.id, d.title, d.text) for d in result.documents] == [("a", title, text)]
    assert result.notes == notes


TXT_SKIPPED = [
    pytest.param(b"", "empty file", id="empty file"),
    pytest.param(b"  \n\t\r\n  ", "no letters or digits", id="only whitespace"),
    pytest.param("... -- !!! ؟، «» …".encode(), "no letters or digits", id="only punctuation"),
    pytest.param(b"\x00" * 100, "binary", id="only NUL bytes"),
    pytest.param(bytes(range(256)) * 40, "binary", id="binary junk"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary", id="png image"),
    pytest.param("Putin in Moscow".encode("utf-16-le"), "UTF-16 without a BOM", id="utf-16 without BOM"),
]


@pytest.mark.parametrize("data, reason", TXT_SKIPPED)
def test_txt_is_skipped(tmp_path, data, reason):
    write(tmp_path, "a.txt", data)
    result = read_file(tmp_path, "a.txt")
    assert result.documents == []
    assert [s.path for s in result.skipped] == ["a.txt"]
    assert reason in result.skipped[0].reason


def test_size_limit_is_a_parameter(tmp_path):
    write(tmp_path, "a.txt", b"x" * 100)
    assert read_file(tmp_path, "a.txt", max_bytes=100).documents != []
    over = read_file(tmp_path, "a.txt", max_bytes=99)
    assert (over.documents, over.sha256) == ([], None)  # None: not read, so an update retries it
    assert "too large: 100 bytes (limit 99)" in str(over.skipped[0])


def test_50_mb_txt_is_skipped_without_reading_it(tmp_path):
    with open(tmp_path / "big.txt", "wb") as f:
        for _ in range(50):
            f.write(b"word " * 209716)  # 1 MB at a time
    tracemalloc.start()
    try:
        result = read_file(tmp_path, "big.txt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (tmp_path / "big.txt").stat().st_size > MAX_BYTES
    assert result.documents == [] and "too large" in result.skipped[0].reason
    assert peak < 1_000_000


def test_50_mb_jsonl_line_is_skipped_and_the_others_load(tmp_path):
    with open(tmp_path / "big.jsonl", "wb") as f:
        f.write(b'{"id": "1", "text": "before"}\n{"id": "2", "text": "')
        for _ in range(50):
            f.write(b"x" * 1_000_000)
        f.write(b'"}\n{"id": "3", "text": "after"}\n')
    tracemalloc.start()
    try:
        result = read_file(tmp_path, "big.jsonl", max_bytes=1_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [d.id for d in result.documents] == ["big/1", "big/3"]
    assert [str(s) for s in result.skipped] == ["big.jsonl:2: line longer than 1,000,000 (limit)"]
    assert peak < 10_000_000  # a fifth of the file: it was streamed
    assert result.sha256 == hashlib.sha256((tmp_path / "big.jsonl").read_bytes()).hexdigest()


# --- .jsonl lines ---------------------------------------------------------

GOOD_BEFORE = json.dumps({"id": "first", "title": "First", "text": "Kept before"})
GOOD_AFTER = json.dumps({"id": "last", "title": "Last", "text": "Kept after"})


def line(**record) -> str:
    return json.dumps({"id": "x", "text": "Body of the article", **record}, ensure_ascii=False)


JSONL_SKIPPED = [
    pytest.param('{"id": "x", "text": "unclosed"', "malformed JSON (Expecting ',' delimiter)", id="malformed JSON"),
    pytest.param('{"id": "x", "n": 1' + "1" * 5000 + "}", "malformed JSON (ValueError)", id="number over the digit limit"),
    pytest.param("[" * 100_000, "malformed JSON (RecursionError)", id="nesting too deep"),
    pytest.param('["x", "text"]', "not a JSON object but a list", id="array, not an object"),
    pytest.param('"just text"', "not a JSON object but a string", id="string, not an object"),
    pytest.param('{"id": "x", "title": "No body"}', "no text", id="missing text"),
    pytest.param(line(text=""), "no text", id="empty text"),
    pytest.param(line(text=["para 1", "para 2"]), "text is a list, not a string", id="text is a list"),
    pytest.param(line(text=42), "text is a number, not a string", id="text is a number"),
    pytest.param(line(text=" ... !!! ؟ "), "text has no letters or digits", id="text of punctuation"),
    pytest.param(line(text="\u200f\u200e\x00"), "text has no letters or digits", id="text of invisible characters"),
    pytest.param('{"text": "No id"}', "no id", id="missing id"),
    pytest.param(line(id={"a": 1}), "id is an object, not a string", id="id is an object"),
    pytest.param(line(id=True), "id is true/false, not a string", id="id is a boolean"),
    pytest.param(line(id="  "), "empty id", id="blank id"),
    pytest.param(line(id="first"), "duplicate id 'f/first' (first at line 1)", id="duplicate id within the file"),
]


@pytest.mark.parametrize("bad, reason", JSONL_SKIPPED)
def test_bad_jsonl_line_is_skipped_and_the_others_load(tmp_path, bad, reason):
    write(tmp_path, "f.jsonl", "\n".join([GOOD_BEFORE, bad, GOOD_AFTER]) + "\n")
    result = read_file(tmp_path, "f.jsonl")
    assert [d.id for d in result.documents] == ["f/first", "f/last"]
    assert [str(s) for s in result.skipped] == [f"f.jsonl:2: {reason}"]


JSONL_LOADED = [
    pytest.param(line(id=7), {"id": "f/7"}, None, id="integer id"),
    pytest.param(line(id="a/b"), {"id": "f/a/b"}, None, id="id joined to the file id"),
    pytest.param(line(title=" Two\nlines "), {"title": "Two lines"}, None, id="title made one line"),
    pytest.param(line(), {"title": "Body of the article"}, None, id="missing title from the text"),
    pytest.param(line(title=""), {"title": "Body of the article"}, None, id="empty title from the text"),
    pytest.param(line(title=2015), {"title": "2015"}, None, id="numeric title used as text"),
    pytest.param(line(title=["a"]), {"title": "Body of the article"}, "title is a list", id="title is a list"),
    pytest.param(line(lang="EN-us"), {"lang": "en"}, None, id="lang case and region ignored"),
    pytest.param(line(lang="ar"), {"lang": "ar"}, None, id="lang ar"),
    pytest.param(line(lang="fr"), {"lang": None}, "lang 'fr' is not en or ar", id="other lang dropped"),
    pytest.param(line(lang=1), {"lang": None}, "lang is a number, not a string", id="lang is a number"),
    pytest.param(line(date="26-FEB-1987 15:01:01.79"), {"date": "1987-02-26"}, None, id="date normalised"),
    pytest.param(line(date="2004/2005"), {"date": None}, None, id="unparsable date dropped silently"),
    pytest.param(line(url="http://a.example/x", source="bbc"), {"url": "http://a.example/x", "source": "bbc"}, None,
                 id="url and source kept"),
    pytest.param(line(url=5), {"url": None}, "url is a number, not a string", id="url of wrong type dropped"),
    pytest.param(line(text="Syr\u200bia\x00"), {"text": "Syria"}, "zero-width", id="text cleaned and noted"),
    pytest.param(line(publisher="x", topics=["a"], extra={"deep": [1]}), {"id": "f/x"}, None, id="other keys ignored"),
]


@pytest.mark.parametrize("good, fields, note", JSONL_LOADED)
def test_jsonl_line_is_read(tmp_path, good, fields, note):
    write(tmp_path, "f.jsonl", good + "\n")
    result = read_file(tmp_path, "f.jsonl")
    assert result.skipped == []
    assert [{key: getattr(doc, key) for key in fields} for doc in result.documents] == [fields]
    assert result.documents[0].line == 1
    if note:
        assert any(note in n for n in result.notes), result.notes
        assert all(n.endswith("(line 1)") for n in result.notes)
    else:
        assert result.notes == []


def test_blank_lines_in_jsonl_are_not_errors(tmp_path):
    write(tmp_path, "f.jsonl", f"\n{GOOD_BEFORE}\n   \n\r\n{GOOD_AFTER}")  # no final newline either
    result = read_file(tmp_path, "f.jsonl")
    assert ([d.id for d in result.documents], [d.line for d in result.documents]) == (["f/first", "f/last"], [2, 5])
    assert result.skipped == []


def test_repeated_repairs_are_one_note(tmp_path):
    write(tmp_path, "f.jsonl", "\n".join(line(id=str(i), text="\u200fنص") for i in range(3)))
    assert read_file(tmp_path, "f.jsonl").notes == ["f.jsonl: removed bidi control characters (3 lines, first at line 1)"]


ROW = line(id="1", text=f"{ARABIC} Putin")
JSONL_ENCODINGS = [
    pytest.param(ROW.encode(), "utf-8", id="utf-8"),
    pytest.param(codecs.BOM_UTF8 + ROW.encode(), "utf-8-sig", id="utf-8 with BOM"),
    pytest.param(codecs.BOM_UTF16_LE + (ROW + "\n" + ROW.replace('"1"', '"2"')).encode("utf-16-le"), "utf-16-le",
                 id="utf-16 LE with BOM"),
    pytest.param(codecs.BOM_UTF16_BE + ROW.encode("utf-16-be"), "utf-16-be", id="utf-16 BE with BOM"),
    pytest.param(ROW.encode("cp1256"), "cp1256", id="windows-1256"),
    pytest.param(ROW.encode() + b"\n" + ROW.replace('"1"', '"2"').encode("cp1256"), "utf-8+cp1256",
                 id="one windows-1256 line in a utf-8 file"),
]


@pytest.mark.parametrize("data, encoding", JSONL_ENCODINGS)
def test_jsonl_encodings(tmp_path, data, encoding):
    write(tmp_path, "f.jsonl", data)
    result = read_file(tmp_path, "f.jsonl")
    assert result.encoding == encoding
    assert {d.text for d in result.documents} == {f"{ARABIC} Putin"}
    assert result.sha256 == hashlib.sha256(data).hexdigest()


JSONL_FILE_SKIPPED = [
    pytest.param(bytes(range(256)) * 10 + b"\n" + GOOD_AFTER.encode(), None, "binary file (or UTF-16 without a BOM)",
                 id="binary"),
    pytest.param(b"", "utf-8", "empty file (no JSON lines)", id="empty"),
    pytest.param(b"\n  \n\r\n", "utf-8", "empty file (no JSON lines)", id="blank lines only"),
]


@pytest.mark.parametrize("data, encoding, reason", JSONL_FILE_SKIPPED)
def test_whole_jsonl_file_is_skipped(tmp_path, data, encoding, reason):
    write(tmp_path, "f.jsonl", data)
    result = read_file(tmp_path, "f.jsonl")
    assert (result.documents, [str(s) for s in result.skipped]) == ([], [f"f.jsonl: {reason}"])
    assert result.encoding == encoding
    assert result.sha256 == hashlib.sha256(data).hexdigest()


# --- ids, folders and files that cannot be read ---------------------------


def test_ids_come_from_paths_and_lines(tmp_path):
    write(tmp_path, "top.txt", "Top story\nbody")
    write(tmp_path, "sub/deeper/x.txt", "Nested\nbody")
    write(tmp_path, "Upper.TXT", "Upper case suffix\nbody")
    write(tmp_path, "feeds/wire.jsonl", line(id="7", title="From the wire"))
    docs, skipped = load(tmp_path)
    assert {i: (d.title, d.file) for i, d in docs.items()} == {
        "top": ("Top story", "top.txt"),
        "sub/deeper/x": ("Nested", "sub/deeper/x.txt"),
        "Upper": ("Upper case suffix", "Upper.TXT"),
        "feeds/wire/7": ("From the wire", "feeds/wire.jsonl"),
    }
    assert skipped == []


DUPLICATES = [
    pytest.param({"a.TXT": "One\nx", "a.txt": "Two\nx"}, "a", "a.txt: duplicate id 'a' (first in a.TXT)",
                 id="same name in another case"),
    pytest.param({"sub.jsonl": line(id="x"), "sub/x.txt": "Two\nx"}, "sub/x",
                 "sub/x.txt: duplicate id 'sub/x' (first in sub.jsonl:1)", id="jsonl line and a file in a folder"),
    pytest.param({"a.jsonl": line(id="b/c"), "a/b.jsonl": line(id="c")}, "a/b/c",
                 "a/b.jsonl:1: duplicate id 'a/b/c' (first in a.jsonl:1)", id="line id with a slash and a nested file"),
]


@pytest.mark.parametrize("files, doc_id, reason", DUPLICATES)
def test_duplicate_ids_across_files_first_wins(tmp_path, files, doc_id, reason):
    for name, data in files.items():
        write(tmp_path, name, data)
    docs, skipped = load(tmp_path)
    assert docs[doc_id].file == sorted(files)[0]
    assert skipped == [reason]


def make_fifo(root: Path) -> None:
    os.mkfifo(root / "pipe.txt")


def make_symlink_outside(root: Path) -> None:
    outside = root.parent / f"{root.name}-outside.txt"
    outside.write_text("Secret\noutside the corpus")
    (root / "leak.txt").symlink_to(outside)


SCAN_SKIPPED = [
    pytest.param(lambda r: write(r, "a.docx", b"PK"), "a.docx: not a .txt or .jsonl file: ignored", id="other extension"),
    pytest.param(make_symlink_outside, "leak.txt: symlink leads outside the corpus folder", id="symlink leading outside"),
    pytest.param(lambda r: (r / "gone.txt").symlink_to(r / "missing.txt"), "gone.txt: broken symlink", id="broken symlink"),
    pytest.param(lambda r: (r / "loop").symlink_to(r), "loop: symlink to a folder: not followed", id="folder symlink"),
    pytest.param(make_fifo, "pipe.txt: not a regular file", id="fifo named .txt"),
]


@pytest.mark.parametrize("make, reason", SCAN_SKIPPED)
def test_scan_passes_over(tmp_path, make, reason):
    root = tmp_path / "corpus"
    write(root, "ok.txt", "Fine\ntext")
    make(root)
    paths, skipped = scan(root)
    assert (paths, [str(s) for s in skipped]) == (["ok.txt"], [reason])
    docs, summary = load(root)
    assert (list(docs), summary) == (["ok"], [reason])


def test_load_corpus_reads_the_paths_it_is_given(tmp_path):
    write(tmp_path, "a.txt", "A\ntext")
    write(tmp_path, "b.txt", "B\ntext")
    write(tmp_path, "c.pdf", b"%PDF")
    assert [r.path for r in load_corpus(tmp_path)] == ["a.txt", "b.txt"]  # c.pdf is scan's to report
    assert [r.path for r in load_corpus(tmp_path, ["b.txt"])] == ["b.txt"]


def test_hidden_files_and_folders_are_silently_ignored(tmp_path):
    write(tmp_path, ".DS_Store", b"\x00\x01")
    write(tmp_path, ".git/HEAD.txt", "ref")
    write(tmp_path, "ok.txt", "Fine")
    assert scan(tmp_path) == (["ok.txt"], [])


def test_missing_corpus_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="corpus folder not found"):
        scan(tmp_path / "nope")


def unreadable(root: Path) -> str:
    write(root, "locked.txt", "Locked\ntext").chmod(0)
    return "locked.txt"


def vanished(root: Path) -> str:
    write(root, "gone.txt", "Gone\ntext").unlink()
    return "gone.txt"


def symlink_swapped_after_scan(root: Path) -> str:
    make_symlink_outside(root)
    return "leak.txt"


def folder_named_txt(root: Path) -> str:
    (root / "x.txt").mkdir()
    return "x.txt"


READ_SKIPPED = [
    pytest.param(unreadable, "cannot be read: Permission denied", id="no read permission",
                 marks=pytest.mark.skipif(IS_ROOT, reason="root reads files whatever their mode")),
    pytest.param(vanished, "disappeared before it could be read", id="file gone between scan and read"),
    pytest.param(symlink_swapped_after_scan, "leads outside the corpus folder", id="symlink outside given directly"),
    pytest.param(lambda r: "../escape.txt", "leads outside the corpus folder", id="path climbing out"),
    pytest.param(folder_named_txt, "not a regular file", id="folder named .txt"),
    pytest.param(lambda r: make_fifo(r) or "pipe.txt", "not a regular file", id="fifo does not block"),
]


@pytest.mark.parametrize("make, reason", READ_SKIPPED)
def test_read_file_skips_what_cannot_be_read(tmp_path, make, reason):
    root = tmp_path / "corpus"
    root.mkdir()
    write(tmp_path, "escape.txt", "Outside\ntext")
    path = make(root)
    result = read_file(root, path)
    assert (result.documents, result.sha256) == ([], None)
    assert [str(s) for s in result.skipped] == [f"{path}: {reason}"]


@pytest.mark.skipif(IS_ROOT, reason="root lists folders whatever their mode")
def test_unlistable_folder_is_skipped(tmp_path):
    write(tmp_path, "ok.txt", "Fine")
    (tmp_path / "locked").mkdir(mode=0)
    try:
        assert scan(tmp_path) == (["ok.txt"], [Skipped("locked", None, "folder cannot be read: Permission denied")])
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_symlink_inside_the_corpus_is_read(tmp_path):
    write(tmp_path, "a.txt", "Shared\ntext")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    docs, skipped = load(tmp_path)
    assert (sorted(docs), skipped) == (["a", "b"], [])


# --- the real corpora -----------------------------------------------------


def test_project_corpus_ids_and_titles():
    docs, skipped = load(PROJECT / "corpus")
    assert sorted(docs) == [
        "000_0bacf5d05607d659",
        "001_90be085a9dae3c16",
        "002_7393bfd90634e5fe",
        "003_b916ab04b36c1af1",
        "004_b8fceaef4f830341",
    ]
    assert {i: d.title for i, d in docs.items() if not i.startswith(("000", "004"))} == {
        "001_90be085a9dae3c16": "Russia signals willingness to cooperate with West on DAESH",
        "002_7393bfd90634e5fe": "Russia tries to secure Assad's role in the fight against ISIS",
        "003_b916ab04b36c1af1": "Aleppo Victory Close: Russia-US Revive Cooperation on Syria",
    }
    # 000 and 004 have no headline line: their first paragraph is the title.
    assert docs["004_b8fceaef4f830341"].title.startswith("بعد عام ونصف من تجميد العلاقات بسبب الأزمة الأوكرانية،")
    assert docs["004_b8fceaef4f830341"].title.endswith("في مكافحة تنظيم الدولة “داعش” الإرهابي.")
    assert docs["000_0bacf5d05607d659"].title.startswith("Alwaght- The recent Paris terror attacks")
    assert skipped == []


@pytest.mark.skipif(not SHARED_CORPORA.is_dir(), reason="the shared corpora are not beside the project")
def test_shared_corpora_load_whole():
    docs, skipped = load(SHARED_CORPORA)
    assert len(docs) == 43_735
    # The TREC topics are queries, not articles: they have no text.
    assert {s.split(":")[0] for s in skipped} == {"README.md", "trec2002_arabic_topics_bilingual.jsonl"}
    assert sum(1 for s in skipped if s.endswith(": no text")) == 50


# --- arbitrary input ------------------------------------------------------


def check_invariants(root: Path, files: dict[str, bytes]) -> None:
    ids = set()
    for result in load_corpus(root, max_bytes=4096):
        for doc in result.documents:
            assert doc.id not in ids
            ids.add(doc.id)
            assert doc.text.strip() and doc.title == " ".join(doc.title.split())
            assert unicodedata.is_normalized("NFC", doc.text)
        for skipped in result.skipped:
            assert not skipped.reason.startswith("could not be read"), skipped  # our own bug
        if result.sha256 is not None:
            assert result.sha256 == hashlib.sha256(files[result.path]).hexdigest()


RECORD = st.dictionaries(
    st.sampled_from(["id", "title", "text", "lang", "date", "url", "source"]),
    st.one_of(st.text(), st.integers(), st.none(), st.booleans(), st.lists(st.text(), max_size=2)),
)


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(txt=st.binary(max_size=6000), jsonl=st.binary(max_size=6000))
def test_arbitrary_bytes_never_escape(txt, jsonl):
    files = {"a.txt": txt, "a.jsonl": jsonl, "b.jsonl": b"\n".join(jsonl.split(b"\n")[::-1])}
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            write(Path(folder), name, data)
        check_invariants(Path(folder), files)


@settings(deadline=None, max_examples=200)
@given(st.lists(st.one_of(RECORD, st.text()), max_size=8), st.sampled_from(["utf-8", "utf-16", "cp1256"]))
def test_arbitrary_records_never_escape(records, encoding):
    text = "\n".join(json.dumps(r, ensure_ascii=False) if isinstance(r, dict) else r for r in records)
    files = {"f.jsonl": text.encode(encoding, "replace")}
    with tempfile.TemporaryDirectory() as folder:
        write(Path(folder), "f.jsonl", files["f.jsonl"])
        check_invariants(Path(folder), files)


# Tests run as root in CI, where a chmod-000 file is still readable; these
# make the operating system refuse instead, so the refusal path always runs.
def test_refused_read_is_skipped_even_as_root(tmp_path, monkeypatch):
    write(tmp_path, "locked.txt", "Title\ntext")
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = read_file(tmp_path, "locked.txt")
    assert (result.documents, result.sha256) == ([], None)
    assert [str(s) for s in result.skipped] == ["locked.txt: cannot be read: Permission denied"]


def test_refused_folder_is_skipped_even_as_root(tmp_path, monkeypatch):
    write(tmp_path, "ok.txt", "Fine")
    write(tmp_path, "locked/hidden.txt", "Hidden")
    real_walk = os.walk

    def walk(top, onerror=None, **kwargs):
        for folder, subfolders, files in real_walk(top, onerror=onerror, **kwargs):
            if folder.endswith("locked"):
                onerror(PermissionError(13, "Permission denied", folder))
                continue
            yield folder, subfolders, files

    monkeypatch.setattr(os, "walk", walk)
    assert scan(tmp_path) == (["ok.txt"], [Skipped("locked", None, "folder cannot be read: Permission denied")])
