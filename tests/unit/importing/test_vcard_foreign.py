"""vCards and contact CSVs as other programs write them (Samsung, Apple, DAVx5, Outlook, old phones), imported into
a real workspace: each quirk that once lost or mangled a contact, with what a person expects to get instead."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from crm_desktop.domain import Contact, ContactChannel, Organization
from crm_desktop.services.importing import ImportPlan, ImportReport, read_source, read_vcards, run_import
from crm_desktop.services.importing.cleaning import bare_address
from crm_desktop.services.importing.formats import country_code, parse_date
from crm_desktop.store import Database


def vcf(tmp_path: Path, text: str | bytes, name: str = "cards.vcf") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


def imported(db: Database, path: Path, region: str = "US") -> ImportReport:
    return run_import(db, read_source(path), ImportPlan(region=region))


def people(db: Database) -> dict[str, dict[str, Any]]:
    """Every live contact's columns, by display name."""
    with db.read_session() as session:
        live = session.exec(select(Contact).where(col(Contact.deleted_at).is_(None))).all()
        return {c.display_name: c.model_dump() for c in live}


def channels(db: Database, contact: dict[str, Any], kind: str) -> list[tuple[str, str | None]]:
    with db.read_session() as session:
        rows = session.exec(
            select(ContactChannel).where(ContactChannel.contact_id == contact["id"], ContactChannel.kind == kind)
            .order_by(col(ContactChannel.position))
        ).all()  # fmt: skip
        return [(c.value, c.label) for c in rows]


def warnings_of(report: ImportReport, number: int) -> str:
    return " | ".join(w for n, w in report.warnings if n == number)


def test_a_card_missing_its_end_line_in_the_middle_does_not_swallow_the_cards_after_it(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    path = vcf(tmp_path, "BEGIN:VCARD\nVERSION:3.0\nFN:First Good\nEMAIL:first@example.com\nEND:VCARD\n"
                         "BEGIN:VCARD\nVERSION:3.0\nFN:Broken Card\nEMAIL:broken@example.com\n"
                         "BEGIN:VCARD\nVERSION:3.0\nFN:Second Good\nEMAIL:second@example.com\nEND:VCARD\n"
                         "BEGIN:VCARD\nVERSION:3.0\nFN:Third Good\nEMAIL:third@example.com\nEND:VCARD\n")  # fmt: skip
    report = imported(fresh_workspace, path)
    assert (report.total, report.created, report.failed) == (4, 4, [])
    assert "no END:VCARD line" in warnings_of(report, 2) and "next card begins" in warnings_of(report, 2)
    assert sorted(people(fresh_workspace)) == ["Broken Card", "First Good", "Second Good", "Third Good"]


def test_a_vcard_21_agent_still_nests_its_card_instead_of_starting_a_new_one(tmp_path: Path) -> None:
    path = vcf(
        tmp_path,
        "BEGIN:VCARD\nVERSION:2.1\nFN:Big Boss\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\nFN:Ann Assistant\n"
        "END:VCARD\nTEL;WORK:+1 212 555 0100\nEND:VCARD\nBEGIN:VCARD\nVERSION:2.1\nFN:Nora\nEND:VCARD\n",
    )
    records = read_vcards(path).records
    assert [r.values["display_name"] for r in records] == ["Big Boss", "Nora"]
    assert records[0].phones == [("+1 212 555 0100", "work")] and not records[0].warnings


def test_an_empty_unfinished_card_fails_with_its_reason(tmp_path: Path) -> None:
    path = vcf(tmp_path, "BEGIN:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:After\nEND:VCARD\n")
    first, second = read_vcards(path).records
    assert first.error is not None and "no END:VCARD" in first.error
    assert second.values["display_name"] == "After"


@pytest.fixture
def vobject_stderr() -> Iterator[None]:
    """What a command-line run has: vobject.base's own handler writing to stderr (added when it is imported)."""
    handler = logging.StreamHandler(sys.stderr)
    logging.getLogger("vobject.base").addHandler(handler)
    yield
    logging.getLogger("vobject.base").removeHandler(handler)


def test_samsung_custom_labels_are_read_and_vobject_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], vobject_stderr: None
) -> None:
    path = vcf(tmp_path, "BEGIN:VCARD\nVERSION:2.1\nN:Ivanova;Anna;;;\n"
                         "TEL;X-CUSTOM(CHARSET=UTF-8,ENCODING=QUOTED-PRINTABLE,=D0=94=D0=B0=D1=87=D0=B0)"
                         ":+7 495 123-45-67\n"
                         "TEL;X-CUSTOM(Office 2):+7 495 765-43-21\nTEL;X-Summer house:+7 495 000-00-01\n"
                         "TEL;CELL;PREF:+7 916 123-45-67\nEND:VCARD\n")  # fmt: skip
    (record,) = read_vcards(path).records
    assert record.phones == [("+7 916 123-45-67", "mobile"), ("+7 495 123-45-67", "дача"),
                             ("+7 495 765-43-21", "office 2"), ("+7 495 000-00-01", "summer house")]  # fmt: skip
    assert not record.warnings
    unreadable = vcf(
        tmp_path, "BEGIN:VCARD\nVERSION:3.0\nFN:Jo\nTEL;X-OTHER(A=B):+1 212 555 0100\nEND:VCARD\n", "bad.vcf"
    )
    assert "could not be read" in " ".join(read_vcards(unreadable).records[0].warnings)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("kind", ["KIND:group", "X-ADDRESSBOOKSERVER-KIND:group"])
def test_contact_group_cards_are_reported_not_imported_as_people(
    fresh_workspace: Database, tmp_path: Path, kind: str
) -> None:
    path = vcf(
        tmp_path,
        f"BEGIN:VCARD\nVERSION:3.0\nFN:Book club\nN:Book club;;;;\n{kind}\n"
        "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Jean Dupont\nX-ADDRESSBOOKSERVER-KIND:individual\nEND:VCARD\n",
    )
    report = imported(fresh_workspace, path)
    assert report.failed == [(1, "the card is a contact group (Book club), not a person; not imported")]
    assert list(people(fresh_workspace)) == ["Jean Dupont"]


def test_apple_birthday_without_a_year_is_left_out_not_stored_as_1604(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    path = vcf(
        tmp_path,
        "BEGIN:VCARD\nVERSION:3.0\nFN:Siobhán O'Hara\nBDAY;X-APPLE-OMIT-YEAR=1604;value=date:1604-07-23\n"
        "END:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Zero Year\nBDAY:0000-07-23\nEND:VCARD\n",
    )
    report = imported(fresh_workspace, path)
    assert people(fresh_workspace)["Siobhán O'Hara"]["birthday"] is None
    assert people(fresh_workspace)["Zero Year"]["birthday"] is None
    assert "it has no year" in warnings_of(report, 1) and "it has no year" in warnings_of(report, 2)


@pytest.mark.parametrize(
    ("written", "year"),
    [("19850412", 1985), ("1985-04-12", 1985), ("1985-04-12T00:00:00Z", 1985), ("19850412T000000", 1985),
     ("1985-04-12T00:00:00.000+02:00", 1985)],
)  # fmt: skip
def test_birthday_forms_address_books_write(written: str, year: int) -> None:
    born = parse_date(written, day_first=False)
    assert born is not None and (born.year, born.month, born.day) == (year, 4, 12)


@pytest.mark.parametrize("written", ["--0412", "--04-12", "0000-04-12", "00000412"])
def test_birthdays_without_a_year_say_so(written: str) -> None:
    with pytest.raises(ValueError, match="no year"):
        parse_date(written, day_first=False)


@pytest.mark.parametrize(
    ("written", "address"),
    [("John Doe <john.doe@example.com>", "john.doe@example.com"), ('"Doe, John" <q@example.com>', "q@example.com"),
     ("<angle@example.net>", "angle@example.net"), ("mailto:jd@example.org", "jd@example.org"),
     ("MAILTO:jd%40example.org?subject=Hi", "jd@example.org"), ("SMTP:ex@contoso.com", "ex@contoso.com"),
     ("plain@example.com", "plain@example.com")],
)  # fmt: skip
def test_the_address_is_taken_out_of_display_names_and_uris(written: str, address: str) -> None:
    assert bare_address(written) == address


def test_emails_with_display_names_or_mailto_are_imported(fresh_workspace: Database, tmp_path: Path) -> None:
    path = vcf(tmp_path, "BEGIN:VCARD\nVERSION:3.0\nFN:Odd Forms\nEMAIL;TYPE=INTERNET:John Doe <john.doe@example.com>\n"
                         "EMAIL;TYPE=WORK:mailto:jd@example.org\nEMAIL:\"Doe, John\" <quoted@example.com>\n"
                         "EMAIL:not-an-address\nEND:VCARD\n")  # fmt: skip
    report = imported(fresh_workspace, path)
    odd = people(fresh_workspace)["Odd Forms"]
    assert odd["email"] == "john.doe@example.com"
    assert channels(fresh_workspace, odd, "email") == [("jd@example.org", "work"), ("quoted@example.com", None)]
    assert "'not-an-address' is not a valid email address" in warnings_of(report, 1)


def test_an_exchange_directory_name_is_no_reason_to_refuse_a_contact(fresh_workspace: Database, tmp_path: Path) -> None:
    path = tmp_path / "outlook.csv"
    path.write_text(
        "First Name,Last Name,E-mail Address,E-mail Type\n"
        "Seán,O'Brien,/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients,EX\n"
    )
    report = imported(fresh_workspace, path)
    assert report.created == 1 and report.failed == []
    assert people(fresh_workspace)["Seán O'Brien"]["email"] is None
    assert "Exchange directory name" in warnings_of(report, 2)


def test_a_phone_extension_that_cannot_be_stored_is_reported(fresh_workspace: Database, tmp_path: Path) -> None:
    path = vcf(
        tmp_path,
        "BEGIN:VCARD\nVERSION:4.0\nFN:Ext Ension\nTEL;VALUE=uri:tel:+1-212-555-0148;ext=5555\n"
        "TEL;TYPE=work:212-555-0147 x89\nTEL;TYPE=home:1-800-FLOWERS\nEND:VCARD\n",
    )
    report = imported(fresh_workspace, path)
    contact = people(fresh_workspace)["Ext Ension"]
    assert contact["phone"] == "+12125550148"
    assert channels(fresh_workspace, contact, "phone") == [("+12125550147", "work"), ("+18003569377", "home")]
    text = warnings_of(report, 1)
    assert "without its extension 5555" in text and "without its extension 89" in text and "FLOWERS" not in text


def test_a_file_mixing_utf8_latin1_and_shift_jis_cards_keeps_every_name(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    data = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ångström\r\nEND:VCARD\r\n".encode()
    data += "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-8859-1:Jürgen Müller\r\nEND:VCARD\r\n".encode("latin-1")
    data += "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=SHIFT_JIS:佐藤 花子\r\nEND:VCARD\r\n".encode("shift_jis")
    path = vcf(tmp_path, data)
    assert read_vcards(path).encoding.startswith("utf-8 and")
    imported(fresh_workspace, path)
    assert sorted(people(fresh_workspace)) == sorted(["Zoë Ångström", "Jürgen Müller", "佐藤 花子"])


def test_an_8bit_windows_1252_file_is_still_read_as_windows_1252(tmp_path: Path) -> None:
    path = vcf(tmp_path, "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Seán O’Brien\r\nORG:Café “Le Réveil”\r\nEND:VCARD\r\n"
                         .encode("cp1252"))  # fmt: skip
    (record,) = read_vcards(path).records
    assert record.values["display_name"] == "Seán O’Brien" and record.values["organization"] == "Café “Le Réveil”"


@pytest.mark.parametrize(("name", "code"), [("Ελλάδα", "GR"), ("Россия", "RU"), ("日本", "JP"), ("Suomi", "FI")])
def test_country_names_in_the_languages_of_phone_exports(name: str, code: str) -> None:
    assert country_code(name) == code


def test_outlook_21_in_utf16_with_quoted_printable_label_and_photo(fresh_workspace: Database, tmp_path: Path) -> None:
    card = ("BEGIN:VCARD\r\nVERSION:2.1\r\nN;LANGUAGE=en-us:Doe;John;Q.;Mr.;III\r\nFN:John Q. Doe III\r\n"
            "ORG:Contoso, Ltd.;Sales\r\nTEL;WORK;VOICE:(425) 555-0100\r\nTEL;CELL;VOICE:(425) 555-0122\r\n"
            "LABEL;WORK;PREF;ENCODING=QUOTED-PRINTABLE:One Microsoft Way=0D=0ARedmond, WA 98052=0D=0AUnited St=\r\n"
            "ates of America\r\nBDAY:19850412\r\nEMAIL;PREF;INTERNET:john.doe@contoso.com\r\n"
            "PHOTO;TYPE=JPEG;ENCODING=BASE64:\r\n  /9j/4AAQSkZJRgABAQEAYABgAAD\r\n"
            "  /2wBDAAgGBgcGBQgHBwcJCQgKDBQN\r\n\r\n"
            "END:VCARD\r\n")  # fmt: skip
    path = vcf(tmp_path, b"\xff\xfe" + card.encode("utf-16-le"))
    report = imported(fresh_workspace, path)
    assert (report.created, report.failed, report.warnings) == (1, [], [])
    john = people(fresh_workspace)["John Q. Doe III"]
    assert (john["email"], john["phone"], str(john["birthday"])) == (
        "john.doe@contoso.com",
        "+14255550100",
        "1985-04-12",
    )
    with fresh_workspace.read_session() as session:
        org = session.get(Organization, john["organization_id"])
        assert org is not None and org.name == "Contoso, Ltd."


def test_google_csv_with_a_display_name_in_the_email_column(fresh_workspace: Database, tmp_path: Path) -> None:
    path = tmp_path / "google.csv"
    path.write_text("First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Labels\n"
                    "Γιώργος,Παπαδόπουλος,* Work,Giorgos <giorgos@example.gr>,Mobile,+30 694 123 4567,* myContacts\n",
                    encoding="utf-8")  # fmt: skip
    report = imported(fresh_workspace, path)
    assert report.failed == []
    giorgos = people(fresh_workspace)["Γιώργος Παπαδόπουλος"]
    assert (giorgos["email"], giorgos["phone"]) == ("giorgos@example.gr", "+306941234567")
