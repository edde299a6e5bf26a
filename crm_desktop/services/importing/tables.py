"""Reading a CSV file as people export it: any common encoding, `,` `;` or tab separated, quoted multi-line cells.

Address books write UTF-8 with or without a byte order mark, Outlook writes UTF-16, old Windows tools write
cp1252. The reader guesses the encoding and the separator, keeps rows as lists of text under one header row,
and turns files that are no table at all (binary, empty, no header line) into one readable ValidationError.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from crm_desktop.domain.errors import ValidationError

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_CHARS = 65_536
MAX_FILE_BYTES = 512 * 1024 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive or an Excel/Numbers workbook; save it as CSV first"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Word file; save it as CSV first"),
    (b"%PDF", "a PDF document"),
    (b"SQLite format 3", "a database file"),
    (b"\x89PNG", "a picture"),
    (b"\xff\xd8\xff", "a picture"),
    (b"GIF8", "a picture"),
)


@dataclass(frozen=True)
class SourceTable:
    """A CSV file read into memory: its header, its data rows and how it was decoded."""

    path: Path
    headers: list[str]
    rows: list[list[str]]  # each row has exactly len(headers) cells
    encoding: str
    delimiter: str
    row_numbers: list[int]  # the spreadsheet row of each data row (the header is row 1)

    @property
    def name(self) -> str:
        return self.path.name


def read_table(path: str | Path) -> SourceTable:
    """Read a CSV file; ValidationError with a clear sentence when it is not a readable table."""
    file = Path(path)
    text, encoding = decode_file(file)
    delimiter = sniff_delimiter(text)
    records = _parse(text, delimiter, file)
    header_index = _header_index(records)
    if header_index is None:
        raise ValidationError(f"{file.name} holds no rows: it is empty or only blank lines", field="file")
    headers = [_clean_header(cell) for cell in records[header_index]]
    _check_header(headers, file)
    width = len(headers)
    rows: list[list[str]] = []
    numbers: list[int] = []
    for index in range(header_index + 1, len(records)):
        record = records[index]
        if not any(cell.strip() for cell in record):
            continue
        rows.append((record + [""] * width)[:width] if len(record) != width else record)
        numbers.append(index + 1)
    return SourceTable(file, headers, rows, encoding, delimiter, numbers)


def _filled(record: list[str]) -> int:
    return sum(1 for cell in record if cell.strip())


def _header_index(records: list[list[str]]) -> int | None:
    """The header row: the first naming at least two columns, after notes some exports put above it (LinkedIn's
    "Notes:" paragraph); the first non-blank row when no row has two cells."""
    first = next((i for i, r in enumerate(records) if _filled(r)), None)
    if first is None:
        return None
    return next((i for i in range(first, min(len(records), first + 50)) if _filled(records[i]) >= 2), first)


def read_bytes(path: Path) -> bytes:
    """The file's content, or ValidationError naming why it cannot be read."""
    try:
        if path.is_dir():
            raise ValidationError(f"{path.name} is a folder, not a file", field="file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValidationError(f"{path.name} is too large to import (over 512 MB)", field="file")
        return path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"{path} does not exist", field="file") from None
    except PermissionError:
        raise ValidationError(f"{path} cannot be read (permission denied)", field="file") from None
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read: {exc.strerror or exc}", field="file") from None


def decode_file(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with."""
    return decode_bytes(read_bytes(path), name=path.name)


def decode_bytes(data: bytes, *, name: str, allow_nul: bool = False) -> tuple[str, str]:
    """Text from bytes: a byte order mark wins, then UTF-16 without one, UTF-8, cp1252 and latin-1.

    NUL bytes mean a binary file, unless `allow_nul` (a vCard file where one card may be damaged).
    """
    if not data.strip():
        raise ValidationError(f"{name} is empty", field="file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding.removesuffix("-sig"), name), encoding
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise ValidationError(f"{name} is not a text file (it looks like {what})", field="file")
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return _strict(data, utf16, name), utf16
    if b"\x00" in data[:65536] and not allow_nul:
        raise ValidationError(f"{name} is not a text file (it holds binary data)", field="file")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text of mostly Latin characters has a NUL in every other byte."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    if odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.7 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ValidationError(f"{name} is not valid {encoding.upper()} text (is the file damaged?)") from None


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines into the most columns, the same number on every line."""
    sample = text[:SAMPLE_CHARS]
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        if len(text) > SAMPLE_CHARS and len(records) > 1:
            records = records[:-1]  # the sample may end inside a record
        records = [r for r in records if any(cell.strip() for cell in r)][:50]
        width = next((len(r) for r in records if len(r) >= 2), 0)  # lines of notes above the header do not count
        if width < 2:
            continue
        consistent = sum(1 for r in records if len(r) == width) / len(records)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _parse(text: str, delimiter: str, file: Path) -> list[list[str]]:
    """All records; a quote left open (which would swallow the rest of the file) is refused with its row."""
    records: list[list[str]] = []
    try:
        records.extend(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
        return records
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ValidationError(
                f"{file.name} cannot be read as a table: the quote opened in row {len(records) + 1} is never closed",
                field="file",
            ) from None
    records = []  # sloppy but readable quoting (a"b"c): read it the lenient way
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records.extend(reader)
    except csv.Error as exc:
        raise ValidationError(
            f"{file.name} cannot be read as a table near line {reader.line_num} ({exc})", field="file"
        ) from None
    return records


def _clean_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split())


def _check_header(headers: list[str], file: Path) -> None:
    """The first row must name the columns: text, not e-mail addresses or numbers."""
    named = [h for h in headers if h]
    if not named:
        raise ValidationError(f"{file.name} has no header line naming its columns", field="file")
    data_like = [h for h in named if "@" in h or h.replace(" ", "").replace("+", "").replace("-", "").isdigit()]
    if data_like and len(data_like) * 2 >= len(named):
        raise ValidationError(
            f"{file.name} has no header line: its first line holds data ({data_like[0]!r}); add a first line "
            "with the column names (e.g. Name, Email, Phone)",
            field="file",
        )
    if any(not ch.isprintable() for h in named for ch in h):
        raise ValidationError(f"{file.name} is not a readable table (its first line holds control characters)")
