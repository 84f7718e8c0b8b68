"""Reading the corpus: .txt and .jsonl files into Documents, whatever the input.

Nothing in one file may stop the build or cost another file its articles:
each problem is a `Skipped(path, line, reason)`, each repair a note on the
file's `FileResult`.  The decisions (each one's "why" is at its code):

- Files: .txt and .jsonl, any case, in any subfolder.  Names starting with
  "." are passed over silently; any other file is reported as ignored.
  Symlinks are read only when they lead to a file inside the corpus folder.
- Encodings: a BOM (UTF-8, -16, -32), else UTF-8, else Windows-1256 for
  Arabic, else Windows-1252, else Latin-1; see `_decode` for why.
- Size: `max_bytes` (20 MB) per .txt file, skipped unread when larger.  A
  .jsonl file is streamed whatever its size; `max_bytes` limits each line.
- Skipped: binary and empty files, texts without a letter or digit, JSON
  lines that are not an object with an id and a string text, repeated ids
  (the first wins, within a file and across files in sorted path order).
- Repaired and noted: what `clean_text` removes, damaged UTF-8 bytes,
  titles, urls and `lang` values of the wrong type or value.  A missing
  title is the text's first non-blank line, as in a .txt file.  A `date`
  that does not parse is dropped silently; other keys are ignored.

>>> clean_text("\\u200fﻻ\\x00 بأس")
'لا بأس'
>>> normalize_date("26-FEB-1987 15:01:01.79"), normalize_date("2004/2005")
('1987-02-26', None)
"""

import codecs
import hashlib
import io
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".txt", ".jsonl")
LANGS = ("en", "ar")
_SAMPLE = 64 * 1024  # enough bytes to tell binary from text, or Arabic from Latin


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str
    file: str  # path relative to the corpus folder, with "/"
    lang: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None
    line: int | None = None  # line in a .jsonl file, to point at in messages


@dataclass(frozen=True)
class Skipped:
    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass
class FileResult:
    path: str
    sha256: str | None  # None when the file was not read, so an update tries it again
    encoding: str | None
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # repairs, one line each: "path: what"


# --- cleaning -------------------------------------------------------------

# NUL is deleted, not spaced: stray NULs sit between letters of UTF-16 read
# as bytes.  Other controls become a space, so a form feed never joins two
# words; they are invalid in HTML and a terminal would obey them.  Bidi and
# zero-width characters and BOMs are invisible, split a word for the
# tokenizer and can reorder a snippet.  Surrogates cannot be UTF-8 encoded,
# so the index or a JSON answer would fail on them.
_NUL, _CONTROLS = r"\x00", r"\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH, _BOM, _SURROGATES = r"\u00ad\u200b-\u200d\u2060", r"\ufeff", r"\ud800-\udfff"
# NFKC only where it helps search: Arabic presentation forms (ﻻ, ﺍﻟ from
# PDFs), Latin ligatures (ﬁ), full-width letters.  On the whole text it would
# also rewrite "…", "²" and "½".
_COMPAT = r"\ufb00-\ufdff\ufe10-\ufefe\uff00-\uffef"
_REPAIRS = [
    (note, re.compile(f"[{chars}]+"), replacement)
    for note, chars, replacement in (
        ("removed NUL bytes", _NUL, ""),
        ("replaced control characters with spaces", _CONTROLS, " "),
        ("removed bidi control characters", _BIDI, ""),
        ("removed zero-width characters", _ZERO_WIDTH, ""),
        ("removed byte order marks inside the text", _BOM, ""),
        ("replaced unpaired surrogates with U+FFFD", _SURROGATES, "\ufffd"),
        ("normalised presentation forms and ligatures (NFKC)", _COMPAT, lambda m: unicodedata.normalize("NFKC", m[0])),
    )
]
_ODD = re.compile(f"[{_NUL}{_CONTROLS}{_BIDI}{_ZERO_WIDTH}{_BOM}{_SURROGATES}{_COMPAT}]")
_WORD = re.compile(r"[^\W_]")
_FIRST_LINE = re.compile(r"\S[^\n\r]*")


def _clean(text: str) -> tuple[str, list[str]]:
    """`clean_text`, and notes on what it had to repair."""
    repairs = []
    if _ODD.search(text):  # most texts need no repair, and one scan says so
        for note, pattern, replacement in _REPAIRS:
            repaired = pattern.sub(replacement, text)
            if repaired != text:
                text = repaired
                repairs.append(note)
    # NFC composes e + combining acute and alef + hamza above; it only
    # reorders vowel marks (fatha before shadda), never drops them.
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, repairs


def clean_text(text: str) -> str:
    """The text as it is stored and searched; queries go through it too.

    >>> clean_text("Syr\\u200bia \\ufb01nal مُحَمَّد")
    'Syria final مُحَمَّد'
    """
    return _clean(text)[0]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _first_line(text: str) -> str:
    match = _FIRST_LINE.search(text)
    return _one_line(match[0]) if match else ""


# --- dates ----------------------------------------------------------------

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = rf"({'|'.join(_MONTHS)})[a-z]*\.?"
# Year first, or a month by name, is unambiguous; 03/04/2015 (March or
# April?) is not, so it is dropped like any date that does not parse.
_DATE_FORMS = (
    (re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"), "ymd"),  # 2015-07-21
    (re.compile(rf"(?<!\d)(\d{{1,2}})[-\s]+{_MONTH}[-\s,]+(\d{{4}})(?!\d)", re.I), "dmy"),  # 26-FEB-1987
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})(?!\d)", re.I), "mdy"),  # February 26, 1987
)


def normalize_date(value: object) -> str | None:
    """YYYY-MM-DD for a date in a common format, else None."""
    if not isinstance(value, str):
        return None
    for pattern, order in _DATE_FORMS:
        if match := pattern.search(value):
            part = dict(zip(order, match.groups()))
            month = _MONTHS.index(part["m"].lower()) + 1 if part["m"].isalpha() else int(part["m"])
            try:
                return date(int(part["y"]), month, int(part["d"])).isoformat()
            except ValueError:
                return None
    return None


# --- bytes to text --------------------------------------------------------

_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control bytes that text in any encoding we read does not use (tab,
# newlines, form feed and ESC are text); random bytes are about 10% these.
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32), 127])
_NOT_CONTROL = bytes(set(range(256)) - set(_CONTROL_BYTES))
_HIGH_BYTES = bytes(range(128, 256))
# Two or more Arabic letters in a row, each with any vowel marks it carries.
_ARABIC_WORDS = re.compile(r"(?:[\u0621-\u064a\u0671-\u06d3][\u064b-\u0652]*){2,}")


def _bom(head: bytes) -> tuple[bytes, str] | None:
    return next(((bom, codec) for bom, codec in _BOMS if head.startswith(bom)), None)


def _is_binary(sample: bytes) -> bool:
    return len(sample.translate(None, _NOT_CONTROL)) * 20 > len(sample)


def _decode(data: bytes) -> tuple[str, str, int]:
    """(text, encoding, bad bytes replaced) for bytes without a BOM.

    UTF-8 is kept while damage is the exception.  Else an 8-bit encoding:
    Windows-1256 when it reads most high bytes as Arabic words (runs of two
    or more letters: German "ö", "ß" also come out as Arabic letters, but
    alone), else Windows-1252, else Latin-1, which cannot fail.  We chose
    this over a statistical detector: charset-normalizer read a short cp1256
    title as Japanese cp932 and French cp1252 as Baltic cp775.  ISO-8859-6
    is not guessed: it reads é, è, à as Arabic letters.  Other scripts'
    8-bit encodings (KOI8, Shift-JIS) come out garbled but harmless.
    """
    try:
        return data.decode("utf-8"), "utf-8", 0
    except UnicodeDecodeError as exc:
        text, start = data.decode("utf-8", "replace"), exc.start
    bad = text.count("\ufffd")
    if len(text) - len(data.translate(None, _HIGH_BYTES)) - bad >= bad:  # more good characters than bad
        return text, "utf-8", bad
    sample = data[start : start + _SAMPLE]  # begins at a high byte, so `high` > 0
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    if sum(map(len, _ARABIC_WORDS.findall(sample.decode("cp1256")))) * 2 > high:
        return data.decode("cp1256"), "cp1256", 0
    try:
        return data.decode("cp1252"), "cp1252", 0
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", 0


def _note(notes: dict, what: str, line: int | None = None) -> None:
    notes.setdefault(what, [0, line])[0] += 1


def _note_lines(path: str, notes: dict) -> list[str]:
    """One line per kind of repair: 'path: what (N lines, first at line K)'."""
    lines = []
    for what, (count, first) in notes.items():
        where = "" if first is None else f" (line {first})" if count == 1 else f" ({count} lines, first at line {first})"
        lines.append(f"{path}: {what}{where}")
    return lines


# --- .txt -----------------------------------------------------------------


def _read_txt(fd: int, size: int, path: str, max_bytes: int) -> FileResult:
    result = FileResult(path, None, None)
    with open(fd, "rb", closefd=False) as f:
        data = f.read(max_bytes + 1) if size <= max_bytes else b""  # it may grow after fstat
    if size > max_bytes or len(data) > max_bytes:
        result.skipped.append(Skipped(path, None, f"too large: {max(size, len(data)):,} bytes (limit {max_bytes:,})"))
        return result
    result.sha256, notes = hashlib.sha256(data).hexdigest(), {}
    if found := _bom(data):
        bom, result.encoding = found
        text = data[len(bom) :].decode(result.encoding, "replace")
    elif not data or _is_binary(data[:_SAMPLE]):
        reason = "binary file (or UTF-16 without a BOM)" if data else "empty file"
        result.skipped.append(Skipped(path, None, reason))
        return result
    else:
        text, result.encoding, bad = _decode(data)
        if bad:
            _note(notes, f"replaced {bad} invalid UTF-8 byte sequence(s)")
    text, repairs = _clean(text)
    for note in repairs:
        _note(notes, note)
    result.notes = _note_lines(path, notes)
    if _WORD.search(text):
        result.documents.append(Document(path[: -len(".txt")], _first_line(text), text, path))
    else:
        result.skipped.append(Skipped(path, None, "no letters or digits (whitespace or punctuation only)"))
    return result


# --- .jsonl ---------------------------------------------------------------


class _HashingReader(io.RawIOBase):
    """Hashes bytes as they are read, so a large file is read once."""

    def __init__(self, raw: io.RawIOBase) -> None:
        self.raw, self.sha = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        self.sha.update(memoryview(buffer)[: count or 0])
        return count


def _lines(stream, limit: int) -> Iterator[tuple[int, bytes | str | None]]:
    """(number, line) with None for a line over `limit`, which is never held whole."""
    newline = "\n" if isinstance(stream, io.TextIOBase) else b"\n"
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(newline):
            while line and not line.endswith(newline):
                line = stream.readline(1 << 20)
            line = None
        yield number, line


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def _optional(record: dict, key: str, line: int, notes: dict) -> str | None:
    """A short optional field (url, source, lang) as one clean line, or None."""
    value = record.get(key)
    if isinstance(value, str):
        return _one_line(clean_text(value)) or None
    if value is not None:
        _note(notes, f"{key} is {_kind(value)}, not a string: ignored", line)
    return None


def _parse_line(line: str, number: int, file_id: str, path: str, notes: dict) -> Document | str:
    """The line's Document, or the reason it is skipped."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:  # ValueError: also Python's digit limit
        return f"malformed JSON ({getattr(exc, 'msg', None) or type(exc).__name__})"
    if not isinstance(record, dict):
        return f"not a JSON object but {_kind(record)}"
    line_id, text, title = record.get("id"), record.get("text"), record.get("title")
    if isinstance(line_id, bool) or not isinstance(line_id, (str, int)):
        return "no id" if line_id is None else f"id is {_kind(line_id)}, not a string"
    if not (line_id := _one_line(clean_text(str(line_id)))):
        return "empty id"
    if text is None or text == "":
        return "no text"
    if not isinstance(text, str):
        return f"text is {_kind(text)}, not a string"
    text, repairs = _clean(text)
    if not _WORD.search(text):
        return "text has no letters or digits"
    for note in repairs:
        _note(notes, note, number)
    if isinstance(title, (int, float)) and not isinstance(title, bool):
        title = str(title)
    elif title is not None and not isinstance(title, str):
        _note(notes, f"title is {_kind(title)}: used the text's first line", number)
        title = None
    lang = _optional(record, "lang", number, notes)
    if lang is not None and (lang := re.split(r"[-_]", lang.lower())[0]) not in LANGS:
        _note(notes, f"lang {lang[:20]!r} is not en or ar: ignored", number)
        lang = None
    return Document(
        id=f"{file_id}/{line_id}",
        title=_one_line(clean_text(title or "")) or _first_line(text),
        text=text,
        file=path,
        lang=lang,
        date=normalize_date(record.get("date")),
        url=_optional(record, "url", number, notes),
        source=_optional(record, "source", number, notes),
        line=number,
    )


def _read_jsonl(fd: int, path: str, max_bytes: int) -> FileResult:
    result, notes, first_line = FileResult(path, None, None), {}, {}
    hashing = _HashingReader(io.FileIO(fd, closefd=False))
    stream = lines = io.BufferedReader(hashing, 1 << 20)
    head = stream.peek(_SAMPLE)[:_SAMPLE]
    base, encodings = "utf-8", {}  # encodings: an ordered set of those the lines needed
    if found := _bom(head):
        bom, base = found
        stream.read(len(bom))
        encodings[base] = None
        if base != "utf-8-sig":  # UTF-16 and UTF-32 cannot be split into lines as bytes
            lines = io.TextIOWrapper(stream, encoding=base, errors="replace", newline="\n")
    elif _is_binary(head):
        result.skipped.append(Skipped(path, None, "binary file (or UTF-16 without a BOM)"))
        base, lines = None, io.BytesIO()
    for number, line in _lines(lines, max_bytes):
        if line is None:
            result.skipped.append(Skipped(path, number, f"line longer than {max_bytes:,} (limit)"))
            continue
        if isinstance(line, bytes) and line.isascii():
            line = line.decode("ascii")
        elif isinstance(line, bytes):
            line, encoding, bad = _decode(line)
            encodings.setdefault(base if encoding == "utf-8" else encoding)
            if bad:
                _note(notes, "replaced invalid UTF-8 byte sequences", number)
        if not line.strip():
            continue  # blank lines are harmless in JSON Lines
        doc = _parse_line(line, number, path[: -len(".jsonl")], path, notes)
        if isinstance(doc, str):
            result.skipped.append(Skipped(path, number, doc))
        elif doc.id in first_line:
            result.skipped.append(Skipped(path, number, f"duplicate id {doc.id!r} (first at line {first_line[doc.id]})"))
        else:
            first_line[doc.id] = number
            result.documents.append(doc)
    while stream.read(1 << 20):  # hash whatever was not read as lines
        pass
    if not result.documents and not result.skipped:
        result.skipped.append(Skipped(path, None, "empty file (no JSON lines)"))
    result.sha256, result.encoding = hashing.sha.hexdigest(), "+".join(encodings) or base
    result.notes = _note_lines(path, notes)
    return result


# --- files and folders ----------------------------------------------------


def _inside(root: Path, target: str) -> bool:
    real_root = os.path.realpath(root)
    return os.path.commonpath([real_root, os.path.realpath(target)]) == real_root


def _scan_reason(root: Path, full: str, name: str) -> str | None:
    """Why `scan` passes over a file, or None when the file is to be read."""
    if not name.lower().endswith(SUFFIXES):
        return "not a .txt or .jsonl file: ignored"
    if os.path.islink(full) and not _inside(root, full):
        return "symlink leads outside the corpus folder"
    try:
        mode = os.stat(full).st_mode
    except FileNotFoundError:
        return "broken symlink" if os.path.islink(full) else "disappeared while scanning"
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    return None if stat.S_ISREG(mode) else "not a regular file"


def scan(root: Path) -> tuple[list[str], list[Skipped]]:
    """Sorted relative paths of the .txt and .jsonl files, and what was passed over.

    A missing corpus folder raises FileNotFoundError: it is a usage error,
    and an empty index built from it would replace a good one.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    found, skipped = [], []

    def relative(full: str) -> str:
        return Path(full).relative_to(root).as_posix()

    def cannot_list(exc: OSError) -> None:
        skipped.append(Skipped(relative(exc.filename), None, f"folder cannot be read: {exc.strerror}"))

    for folder, subfolders, files in os.walk(root, onerror=cannot_list):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in subfolders:
            if os.path.islink(os.path.join(folder, name)):  # os.walk does not enter them
                skipped.append(Skipped(relative(os.path.join(folder, name)), None, "symlink to a folder: not followed"))
        for name in files:
            full = os.path.join(folder, name)
            if name.startswith("."):
                continue
            if reason := _scan_reason(root, full, name):
                skipped.append(Skipped(relative(full), None, reason))
            else:
                found.append(relative(full))
    return sorted(found), sorted(skipped, key=lambda s: s.path)


def read_file(root: Path, path: str, *, max_bytes: int = MAX_BYTES) -> FileResult:
    """The documents of one file (path relative to root), what was skipped, and its hash."""
    full, suffix = os.path.join(root, path), os.path.splitext(path)[1].lower()

    def skip(reason: str) -> FileResult:
        return FileResult(path, None, None, skipped=[Skipped(path, None, reason)])

    if suffix not in SUFFIXES:
        return skip("not a .txt or .jsonl file: ignored")
    if os.path.isabs(path) or not _inside(root, full):
        return skip("leads outside the corpus folder")
    try:  # O_NONBLOCK: opening a FIFO named x.txt must not wait for a writer
        fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return skip("disappeared before it could be read")
    except OSError as exc:
        return skip(f"cannot be read: {exc.strerror}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return skip("not a regular file")
        if suffix == ".txt":
            return _read_txt(fd, info.st_size, path, max_bytes)
        return _read_jsonl(fd, path, max_bytes)
    except OSError as exc:
        return skip(f"read error: {exc.strerror or exc}")
    except Exception as exc:  # a bug of ours must not cost the other files their articles
        return skip(f"could not be read ({type(exc).__name__}: {exc})")
    finally:
        os.close(fd)


def load_corpus(
    root: Path, paths: Iterable[str] | None = None, *, max_bytes: int = MAX_BYTES
) -> Iterator[FileResult]:
    """A FileResult per file of `paths` (default: `scan(root)`'s), each id kept the first time.

    What `scan` passed over is in its own second value, not here: a caller
    that wants both scans once and passes the paths in.
    """
    first: dict[str, str] = {}
    for path in scan(root)[0] if paths is None else paths:
        result, kept = read_file(root, path, max_bytes=max_bytes), []
        for doc in result.documents:
            if doc.id in first:
                result.skipped.append(Skipped(path, doc.line, f"duplicate id {doc.id!r} (first in {first[doc.id]})"))
            else:
                first[doc.id] = doc.file if doc.line is None else f"{doc.file}:{doc.line}"
                kept.append(doc)
        result.documents = kept
        yield result
