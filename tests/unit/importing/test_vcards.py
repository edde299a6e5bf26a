"""vCard 2.1, 3.0 and 4.0 read into records: quoted-printable, charsets, folding, labels, organization cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.importing import ContactRecord, read_source, read_vcards
from crm_desktop.services.importing.vcards import logical_lines, repair_card


def card(records: list[ContactRecord], number: int) -> ContactRecord:
    return next(r for r in records if r.number == number)


def test_vcard_21_quoted_printable_with_soft_breaks_charsets_and_bare_types(fixtures: Path) -> None:
    records = read_vcards(fixtures / "v21_outlook.vcf").records
    assert len(records) == 2
    rosalind = card(records, 1)
    assert rosalind.values["display_name"] == "Dr. Rosalind Franklin"
    assert rosalind.values["given_name"] == "Rosalind Elsie" and rosalind.values["family_name"] == "Franklin"
    assert rosalind.values["organization"] == "King's College, London"  # 2.1 commas are plain text
    assert rosalind.notes == ["First line of the note\nSecond line, with a comma\nThird line after a soft break"]
    assert rosalind.phones == [("020 7946 0123", "work"), ("+44 7911 654321", "mobile"), ("020 7946 0124", "work fax")]
    assert rosalind.emails == [("rosalind@kcl.example", None), ("r.franklin@example.org", None)]
    assert rosalind.values["street"] == "Strand\nRoom 5" and rosalind.values["postal_code"] == "WC2R 2LS"
    assert rosalind.values["birthday"] == "19200725"
    juergen = card(records, 2)
    assert juergen.values["display_name"] == "Jürgen Müller"  # UTF-8 quoted-printable
    assert juergen.values["organization"] == "Müller & Söhne"  # ISO-8859-1 quoted-printable
    assert juergen.phones == [("+49 151 23456789", "mobile")]


def test_vcard_30_apple_folding_labels_double_line_ends_and_company_card(fixtures: Path) -> None:
    records = read_vcards(fixtures / "v30_apple.vcf").records
    lise = card(records, 1)
    assert not lise.is_organization
    assert lise.values["title"] == "Head of Physics, Nuclear Division"
    assert lise.notes == [
        "A long note that is folded over two lines because Apple folds at seventy five characters, always."
    ]
    assert ("+49 30 901820", "assistant") in lise.phones  # item2.X-ABLabel:_$!<Assistant>!$_
    assert lise.tags == ["Physics", "Speakers"]
    assert lise.values["organization"] == "Kaiser Wilhelm Institute"
    assert lise.values["country"] == "Germany"
    curie = card(records, 2)
    assert curie.is_organization
    assert curie.values["organization"] == "Curie Laboratories"


def test_vcard_40_uri_phones_preference_and_kind_org(fixtures: Path) -> None:
    records = read_vcards(fixtures / "v40.vcf").records
    wu = card(records, 1)
    assert wu.emails[0] == ("madame.wu@example.org", "home")  # PREF=1 comes first
    assert wu.phones[0] == ("tel:+1-212-854-1754;ext=102", "work")
    assert wu.values["birthday"] == "--0531"
    assert wu.values["external_ref"] == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    lab = card(records, 2)
    assert lab.is_organization and lab.values["organization"] == "Brookhaven National Laboratory"


def test_a_card_with_only_an_organization_name_is_an_organization(tmp_path: Path) -> None:
    path = tmp_path / "org.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nN:;;;;\nORG:Acme Ltd\nTEL:+44 20 7946 0018\nEND:VCARD\n"
                    "BEGIN:VCARD\nVERSION:3.0\nFN:Acme Ltd\nORG:Acme Ltd\nEND:VCARD\n"
                    "BEGIN:VCARD\nVERSION:3.0\nFN:Jo Bloggs\nORG:Acme Ltd\nEND:VCARD\n")  # fmt: skip
    records = read_vcards(path).records
    assert [r.is_organization for r in records] == [True, True, False]


def test_unreadable_cards_fail_alone(tmp_path: Path) -> None:
    path = tmp_path / "mixed.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:\x00\x01;\r\nFN:\r\nEND:VCARD\r\n"
        b"garbage between cards\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good Two\r\nEND:VCARD\r\n"
    )
    records = read_vcards(path).records
    assert [r.values.get("display_name") for r in records] == ["Good One", None, "Good Two"]


def test_an_unfinished_last_card_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "cut.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Whole\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Cut Off\nEMAIL:cut@x.example\n"
    )
    assert [r.values["display_name"] for r in read_vcards(path).records] == ["Whole", "Cut Off"]


def test_logical_lines_unfold_and_join_soft_breaks() -> None:
    lines = ["FN:Jo", " hn", "NOTE;ENCODING=QUOTED-PRINTABLE:a=", "b=", "c", "", "TEL:1"]
    assert logical_lines(lines) == ["FN:John", "NOTE;ENCODING=QUOTED-PRINTABLE:abc", "TEL:1"]


def test_repair_drops_photos_and_unknown_properties_and_rewrites_21_types() -> None:
    text = repair_card(["VERSION:2.1", "PHOTO;ENCODING=BASE64;JPEG:AAAA", " BBBB", "", "PROFILE:VCard",
                        "TEL;WORK;VOICE:1, 2", "X-CUSTOM:x"])  # fmt: skip
    assert text.splitlines() == ["BEGIN:VCARD", "VERSION:3.0", "TEL;TYPE=WORK;TYPE=VOICE:1\\, 2", "END:VCARD"]


def test_a_file_with_no_card_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "note.vcf"
    path.write_text("Just a note, not a card\n")
    with pytest.raises(ValidationError, match="not a vCard file"):
        read_vcards(path)


def test_read_source_picks_the_format_from_extension_then_content(tmp_path: Path, fixtures: Path) -> None:
    assert type(read_source(fixtures / "v40.vcf")).__name__ == "CardFile"
    assert type(read_source(fixtures / "google_new.csv")).__name__ == "SourceTable"
    odd = tmp_path / "contacts.dat"
    odd.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:X\nEND:VCARD\n")
    assert type(read_source(odd)).__name__ == "CardFile"
    with pytest.raises(ValidationError, match="unknown import format"):
        read_source(odd, format="xml")  # type: ignore[arg-type]
