"""Reading the corpus: .txt and .jsonl files into Documents, whatever the input.

A newsroom drops files of unknown quality into `corpus/`.  Nothing in one
file may stop the build or cost another file its articles: each problem
becomes a `Skipped(path, line, reason)`, each repair a note on its file.

Decisions, so the summary can be explained:

- Files: `.txt` and `.jsonl` (any case) in any subfolder.  Files and folders
  whose name starts with "." (.git, .DS_Store) are not corpus and are passed
  over silently; any other file is reported once as not read, because a
  .docx or .pdf that silently finds nothing is worse than one summary line.
  Symlinks are followed only to files inside the corpus folder; folder
  symlinks are reported and not followed (they loop and duplicate).
- Encodings: a BOM decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE).  Otherwise
  UTF-8; text that is mostly UTF-8 with a few damaged bytes stays UTF-8 with
  them replaced by U+FFFD (noted).  Anything else is a legacy 8-bit file:
  Windows-1256 (or ISO-8859-6) when that turns its high bytes mostly into
  Arabic letters, else Windows-1252, else Latin-1, which cannot fail.  We do
  not use a statistical detector: charset-normalizer reads a short cp1256
  Arabic title as Japanese cp932, and French cp1252 as Baltic cp775.  Other
  scripts' legacy encodings (KOI8, Shift-JIS) come out garbled but harmless.
- Binary: more than 5% control bytes in the first 64 KB (not counting tab,
  newlines, form feed, ESC).  UTF-16 without a BOM looks binary too; the
  reason says so.
- Size: a .txt file over `max_bytes` (default 20 MB) is skipped unread.  A
  .jsonl file has no size limit (it holds many articles) and is streamed;
  `max_bytes` limits each of its lines instead.
- Content: empty files, and text with no letter or digit (only whitespace or
  punctuation), are skipped.  Text is cleaned by `clean_text` before it is
  stored, because snippets are cut from the stored text.
- JSON Lines: a line needs an object with `id` (string or integer) and a
  non-empty string `text`; otherwise the line is skipped.  A `title` that is
  missing or empty becomes the text's first non-blank line (the .txt rule);
  a number is used as text; another type is replaced and noted.  `lang` is
  kept only as "en" or "ar" (case and region ignored: "EN-us" is "en"); a
  `date` that parses becomes YYYY-MM-DD and is otherwise dropped without a
  note.  Other keys (publisher, topics, category) are ignored.
- Ids: the first document with an id wins, within a file and across files,
  in sorted path order; later ones are skipped with where the first was.
- `FileResult.sha256` is the hash of the file's bytes, or None when it was
  not read (too large, unreadable), so an incremental update retries it.

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
from datetime import date as _date
from pathlib import Path
from typing import Iterator

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".txt", ".jsonl")
LANGS = ("en", "ar")
_SAMPLE = 64 * 1024


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str
    file: str  # path relative to the corpus folder, "/"-separated
    lang: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None
    line: int | None = None  # line of a .jsonl file; None for .txt


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
    sha256: str | None
    encoding: str | None
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # repairs, one line each


# --- cleaning -------------------------------------------------------------

# Character classes, each with the note a repair leaves and its replacement.
# NUL is deleted rather than spaced: stray NULs usually sit between the
# letters of UTF-16 read as bytes.  Other controls become a space, so a form
# feed between two words never joins them; they are invisible, invalid in
# HTML and XML, and a terminal would obey them.  Bidi controls, zero-width
# characters and BOMs are invisible too, but split a word in two for the
# tokenizer and can reorder a snippet's display.  Surrogates cannot be
# written as UTF-8, so the index or a JSON answer would fail on them.
_NUL, _CONTROLS = r"\x00", r"\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ZERO_WIDTH, _BOM, _SURROGATES = r"\u00ad\u200b-\u200d\u2060", r"\ufeff", r"\ud800-\udfff"
# Compatibility forms where NFKC helps search: Arabic presentation forms
# (ﻻ, ﺍﻟ from PDFs), Latin ligatures (ﬁ) and full-width letters.  NFKC is not
# applied to the whole text, where it would also rewrite "…", "²" and "½".
_COMPAT = r"\ufb00-\ufdff\ufe10-\ufefe\uff00-\uffef"
_REPAIRS = tuple(
    (note, re.compile(f"[{chars}]+"), replacement)
    for note, chars, replacement in (
        ("removed NUL bytes", _NUL, ""),
        ("replaced control characters with spaces", _CONTROLS, " "),
        ("removed bidi control characters", _BIDI, ""),
        ("removed zero-width characters", _ZERO_WIDTH, ""),
        ("removed byte order marks inside the text", _BOM, ""),
        ("replaced unpaired surrogates with U+FFFD", _SURROGATES, "\ufffd"),
    )
)
_ODD = re.compile(f"[{_NUL}{_CONTROLS}{_BIDI}{_ZERO_WIDTH}{_BOM}{_SURROGATES}{_COMPAT}]")
_COMPAT_RUN = re.compile(f"[{_COMPAT}]+")
_WORD = re.compile(r"[^\W_]")
_FIRST_LINE = re.compile(r"\S[^\n\r]*")


def _clean(text: str) -> tuple[str, list[str]]:
    """`clean_text`, and the notes for what it had to repair."""
    repairs = []
    if _ODD.search(text):  # most texts need no repair: one scan says so
        for note, pattern, replacement in _REPAIRS:
            text, count = pattern.subn(replacement, text)
            if count:
                repairs.append(note)
        folded = _COMPAT_RUN.sub(lambda m: unicodedata.normalize("NFKC", m[0]), text)
        if folded != text:
            repairs.append("normalised presentation forms and ligatures (NFKC)")
            text = folded
    # NFC joins decomposed letters (e + combining acute, alef + hamza above)
    # and never removes vowel marks, which snippets must show.
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, repairs


def clean_text(text: str) -> str:
    """The text as it is stored and searched; also applied to queries.

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
# Year first, or a month by name, is unambiguous; 03/04/2015 is not (March
# or April?), so it is dropped like any date that does not parse.
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
            parts = dict(zip(order, match.groups()))
            month = parts["m"]
            month = _MONTHS.index(month[:3].lower()) + 1 if month[0].isalpha() else int(month)
            try:
                return _date(int(parts["y"]), month, int(parts["d"])).isoformat()
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
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32), 127])
_NOT_CONTROL = bytes(set(range(256)) - set(_CONTROL_BYTES))
_HIGH_BYTES = bytes(range(128, 256))
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def _bom(head: bytes) -> tuple[bytes, str] | None:
    return next(((bom, codec) for bom, codec in _BOMS if head.startswith(bom)), None)


def _is_binary(sample: bytes) -> bool:
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls * 20 > len(sample)


def _decode(data: bytes) -> tuple[str, str, int]:
    """(text, encoding, bad bytes replaced) for bytes without a BOM."""
    try:
        return data.decode("utf-8"), "utf-8", 0
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    ascii_count = len(data.translate(None, _HIGH_BYTES))
    if len(text) - ascii_count - bad >= bad:  # more good characters than damage
        return text, "utf-8", bad
    sample = data[:_SAMPLE]
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    best, best_share = None, 0.5
    for codec in ("cp1256", "iso8859_6"):
        try:
            share = len(_ARABIC.findall(sample.decode(codec))) / high
        except UnicodeDecodeError:
            continue
        if share > best_share:
            best, best_share = codec, share
    if best is None:
        try:
            return data.decode("cp1252"), "cp1252", 0
        except UnicodeDecodeError:
            best = "latin-1"
    return data.decode(best, "replace"), best, 0


class _Notes:
    """Repairs of one file, one line per kind: 'what (N lines, first at line K)'."""

    def __init__(self) -> None:
        self._seen: dict[str, list] = {}

    def add(self, what: str, line: int | None = None) -> None:
        self._seen.setdefault(what, [0, line])[0] += 1

    def lines(self) -> list[str]:
        out = []
        for what, (count, first) in self._seen.items():
            if first is None:
                out.append(what)
            else:
                out.append(f"{what} ({count} lines, first at line {first})" if count > 1 else f"{what} (line {first})")
        return out


# --- .txt -----------------------------------------------------------------


def _read_txt(f: io.BufferedReader, size: int, path: str, max_bytes: int) -> FileResult:
    result = FileResult(path, None, None)
    if size > max_bytes:
        result.skipped.append(Skipped(path, None, f"too large: {size:,} bytes (limit {max_bytes:,})"))
        return result
    data = f.read(max_bytes + 1)  # the file may have grown since it was measured
    if len(data) > max_bytes:
        result.skipped.append(Skipped(path, None, f"too large: over {max_bytes:,} bytes (limit)"))
        return result
    result.sha256 = hashlib.sha256(data).hexdigest()
    notes = _Notes()
    if found := _bom(data):
        bom, result.encoding = found
        text = data[len(bom) :].decode(result.encoding, "replace")
    elif not data:
        result.skipped.append(Skipped(path, None, "empty file"))
        return result
    elif _is_binary(data[:_SAMPLE]):
        result.skipped.append(Skipped(path, None, "binary file (or UTF-16 without a BOM)"))
        return result
    else:
        text, result.encoding, bad = _decode(data)
        if bad:
            notes.add(f"replaced {bad} invalid UTF-8 byte sequence(s)")
    text, repairs = _clean(text)
    for note in repairs:
        notes.add(note)
    result.notes = notes.lines()
    if not _WORD.search(text):
        result.skipped.append(Skipped(path, None, "no letters or digits (empty, whitespace or punctuation)"))
    else:
        doc_id = path[: -len(".txt")]
        result.documents.append(Document(doc_id, _first_line(text), text, path))
    return result


# --- .jsonl ---------------------------------------------------------------


class _HashingReader(io.RawIOBase):
    """Hashes the bytes as they are read, so a large file is read only once."""

    def __init__(self, raw: io.RawIOBase) -> None:
        self.raw, self.sha = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        if count:
            self.sha.update(memoryview(buffer)[:count])
        return count


def _lines(stream, limit: int) -> Iterator[tuple[int, bytes | str | None]]:
    """(line number, line), the line None when longer than `limit`: never more in memory."""
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


def _text_field(record: dict, key: str, line: int, notes: _Notes) -> str | None:
    value = record.get(key)
    if isinstance(value, str):
        return _one_line(clean_text(value)) or None
    if value is not None:
        notes.add(f"{key} is {_kind(value)}, not a string: ignored", line)
    return None


def _lang(value: object, line: int, notes: _Notes) -> str | None:
    """"en" or "ar" from values like "EN" or "ar-SA"; anything else is noted and dropped."""
    if value is None:
        return None
    code = re.split(r"[-_]", value.strip().lower())[0] if isinstance(value, str) else None
    if code in LANGS:
        return code
    notes.add(f"lang {str(value)[:20]!r} is not en or ar: ignored", line)
    return None


def _parse_line(line: str, number: int, path: str, notes: _Notes) -> Document | str:
    """The line's Document, or the reason it is skipped."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:  # also int digit limits, deep nesting
        return f"malformed JSON ({getattr(exc, 'msg', None) or type(exc).__name__})"
    if not isinstance(record, dict):
        return f"not a JSON object but {_kind(record)}"
    line_id, text = record.get("id"), record.get("text")
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
        notes.add(note, number)
    title = record.get("title")
    if isinstance(title, (int, float)) and not isinstance(title, bool):
        title = str(title)
    elif title is not None and not isinstance(title, str):
        notes.add(f"title is {_kind(title)}: used the text's first line", number)
        title = None
    title = _one_line(clean_text(title or "")) or _first_line(text)
    lang = _lang(record.get("lang"), number, notes)
    url, source = (_text_field(record, key, number, notes) for key in ("url", "source"))
    file_id = path[: -len(".jsonl")]
    return Document(
        f"{file_id}/{line_id}", title, text, path, lang, normalize_date(record.get("date")), url, source, number
    )


def _read_jsonl(f: io.BufferedReader, path: str, max_bytes: int) -> FileResult:
    hashing = _HashingReader(f.raw)
    stream = io.BufferedReader(hashing, 1 << 20)
    result, notes, first_line = FileResult(path, None, None), _Notes(), {}
    encodings: dict[str, None] = {}  # ordered set of the encodings the lines needed
    head = stream.peek(_SAMPLE)[:_SAMPLE]
    lines = stream
    if found := _bom(head):
        bom, codec = found
        stream.read(len(bom))
        encodings[codec] = None
        if codec != "utf-8-sig":  # UTF-16/32 cannot be split into lines as bytes
            lines = io.TextIOWrapper(stream, encoding=codec, errors="replace", newline="\n")
    elif _is_binary(head):
        result.skipped.append(Skipped(path, None, "binary file (or UTF-16 without a BOM)"))
        lines = io.BytesIO()
    for number, line in _lines(lines, max_bytes):
        if line is None:
            result.skipped.append(Skipped(path, number, f"line longer than {max_bytes:,} (limit)"))
            continue
        if isinstance(line, bytes):
            if not line.isascii():
                line, encoding, bad = _decode(line)
                encodings.setdefault(encoding)
                if bad:
                    notes.add("replaced invalid UTF-8 byte sequences", number)
            else:
                line = line.decode("ascii")
        if not line.strip():
            continue  # blank lines separate nothing in JSON Lines; not an error
        doc = _parse_line(line, number, path, notes)
        if isinstance(doc, str):
            result.skipped.append(Skipped(path, number, doc))
        elif doc.id in first_line:
            result.skipped.append(Skipped(path, number, f"duplicate id {doc.id!r} (first at line {first_line[doc.id]})"))
        else:
            first_line[doc.id] = number
            result.documents.append(doc)
    while stream.read(1 << 20):  # hash whatever was not read as lines
        pass
    result.sha256 = hashing.sha.hexdigest()
    result.encoding = "+".join(encodings) or "utf-8"
    result.notes = notes.lines()
    return result


# --- files and folders ----------------------------------------------------


def _inside(root: Path, target: str) -> bool:
    real_root = os.path.realpath(root)
    return os.path.commonpath([real_root, os.path.realpath(target)]) == real_root


def _skip_reason(root: Path, full: str, name: str) -> str | None:
    """Why scan does not list a file, or None when it should be read."""
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
    and building an empty index from it would replace a good one.
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
        for name in [d for d in subfolders if os.path.islink(os.path.join(folder, d))]:
            if not name.startswith("."):
                skipped.append(Skipped(relative(os.path.join(folder, name)), None, "symlink to a folder: not followed"))
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            full = os.path.join(folder, name)
            reason = _skip_reason(root, full, name)
            if reason:
                skipped.append(Skipped(relative(full), None, reason))
            else:
                found.append(relative(full))
    return sorted(found), sorted(skipped, key=lambda s: s.path)


def read_file(root: Path, path: str, *, max_bytes: int = MAX_BYTES) -> FileResult:
    """The documents of one file, what was skipped in it, and its hash."""
    full = os.path.join(root, path)

    def skip(reason: str) -> FileResult:
        return FileResult(path, None, None, skipped=[Skipped(path, None, reason)])

    suffix = os.path.splitext(path)[1].lower()
    if suffix not in SUFFIXES:
        return skip("not a .txt or .jsonl file: ignored")
    if os.path.isabs(path) or not _inside(root, full):
        return skip("leads outside the corpus folder")
    try:
        # O_NONBLOCK: opening a FIFO named x.txt must not wait for a writer.
        fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return skip("disappeared before it could be read")
    except OSError as exc:
        return skip(f"cannot be read: {exc.strerror}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            return skip("not a regular file")
        with open(fd, "rb") as f:
            if suffix == ".txt":
                return _read_txt(f, info.st_size, path, max_bytes)
            return _read_jsonl(f, path, max_bytes)
    except OSError as exc:
        return skip(f"read error: {exc.strerror or exc}")
    except Exception as exc:  # a bug of ours must not cost the other files their articles
        return skip(f"could not be read ({type(exc).__name__}: {exc})")


def load_corpus(root: Path, *, max_bytes: int = MAX_BYTES) -> Iterator[FileResult]:
    """One FileResult per file, in path order; a duplicate id is kept only the first time.

    Files that `scan` passed over come first, each as a result with no documents.
    """
    paths, passed_over = scan(root)
    for skipped in passed_over:
        yield FileResult(skipped.path, None, None, skipped=[skipped])
    first: dict[str, str] = {}
    for path in paths:
        result = read_file(root, path, max_bytes=max_bytes)
        kept = []
        for doc in result.documents:
            where = doc.file if doc.line is None else f"{doc.file}:{doc.line}"
            if doc.id in first:
                result.skipped.append(Skipped(path, doc.line, f"duplicate id {doc.id!r} (first in {first[doc.id]})"))
            else:
                first[doc.id] = where
                kept.append(doc)
        result.documents = kept
        yield result
