"""Reading CSV files as people export them: encodings, separators, quoted multi-line cells, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.importing import read_table

TEXT = (
    'Name,E-mail,Notes\r\nZoë Ångström,zoe@example.com,"Line one\r\nline ""two"""\r\n'
    "José Nuñez,jose@example.com,€ 5\r\n"
)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16-le"),  # Outlook: with a byte order mark
        ("utf-16-le", "utf-16-le"),  # ... and without one
        ("utf-16-be", "utf-16-be"),
        ("cp1252", "cp1252"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(TEXT.encode(encoding))
    table = read_table(path)
    assert table.encoding == expected
    assert table.headers == ["Name", "E-mail", "Notes"]
    assert table.rows[0] == ["Zoë Ångström", "zoe@example.com", 'Line one\r\nline "two"']
    assert table.rows[1][2] == "€ 5"
    assert table.row_numbers == [2, 3]


def test_latin1_bytes_that_cp1252_lacks_fall_back_to_latin1(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_bytes("Name,Notes\nA,x\x81y\n".encode("latin-1"))
    table = read_table(path)
    assert table.encoding == "latin-1"
    assert table.rows == [["A", "x\x81y"]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "contacts.csv"
    comma = "" if delimiter == "," else ","  # values with commas inside files that separate by something else
    rows = [["Name", "Company", "City"], ["Ann", f"Acme{comma} Inc.", "Leeds"], ["Bob", f"Widgets{comma} Co", "York"]]
    path.write_text("\n".join(delimiter.join(row) for row in rows) + "\n")
    table = read_table(path)
    assert table.delimiter == delimiter
    assert table.headers == ["Name", "Company", "City"]
    assert table.rows[0] == ["Ann", f"Acme{comma} Inc.", "Leeds"]


def test_semicolons_inside_a_comma_file_do_not_fool_the_sniffer(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text('Name,Tags,Email\nAnn,"a; b; c",ann@example.com\nBob,"x; y",bob@example.com\n')
    table = read_table(path)
    assert table.delimiter == ","
    assert table.rows[0] == ["Ann", "a; b; c", "ann@example.com"]


def test_short_and_long_rows_are_padded_and_cut_and_blank_rows_skipped(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("A,B,C\n1\n\n,,\n1,2,3,4\n")
    table = read_table(path)
    assert table.rows == [["1", "", ""], ["1", "2", "3"]]
    assert table.row_numbers == [2, 5]


def test_header_after_blank_lines_and_bom_inside_header_is_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\n\n\xef\xbb\xbf  First   Name ,Email\nA,a@example.com\n")
    table = read_table(path)
    assert table.headers == ["First Name", "Email"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \r\n\r\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "save it as CSV first"),
        (b"abc\x00\x01\x02\x03\xff\xfe\x00\x00garbage" * 10, "not a text file"),
        (b"ann@example.com,+44 20 7946 0018\nbob@example.com,+44 20 7946 0019\n", "no header line"),
        (b'Name,Notes\nAnn,"never closed\nBob,x\n', "never closed"),
        (b",,,\n,,\n", "holds no rows"),
    ],
)
def test_files_that_are_no_table_give_one_clear_sentence(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as caught:
        read_table(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(ValidationError, match="is a folder"):
        read_table(tmp_path)
