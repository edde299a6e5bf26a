"""Contacts CSV: the app's own columns, Excel-friendly encoding, names for links, extra channels, paging."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest

from crm_desktop.domain.errors import Cancelled, ValidationError
from crm_desktop.services.contact_csv import CONTACT_CSV_COLUMNS, TAG_SEPARATOR
from crm_desktop.services.contacts import update_contact
from crm_desktop.services.exporting import _contacts, export_contacts_csv
from crm_desktop.services.exporting.csv_export import safe_cell
from crm_desktop.services.users import current_user
from crm_desktop.store import Database
from tests.unit.exporting.builders import NOTE, add_people


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte order mark"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_all_live_contacts_with_every_column(empty_db: Database, tmp_path: Path) -> None:
    people = add_people(empty_db)
    out = tmp_path / "contacts.csv"
    with empty_db.read_session() as s:
        assert export_contacts_csv(session=s, out=out) == 2
    header, rows = read_csv(out)
    assert [h for h in header if not h.startswith(("email_", "phone_"))] == list(CONTACT_CSV_COLUMNS)
    assert header[header.index("email") + 1 : header.index("email") + 3] == ["email_2", "email_3"]
    assert header[header.index("phone") + 1] == "phone_2" and "phone_3" not in header
    assert [r["display_name"] for r in rows] == ["Bo Li", "Zoë Müller-Łukasik"]  # by name, Trash left out
    zoe = rows[1]
    assert zoe["id"] == str(people.zoe)
    assert zoe["organization"] == "Rösterei Nord; GmbH" and zoe["campaign"] == "Spring fair"
    assert zoe["email"] == "zoe.mueller@example.com"
    assert (zoe["email_2"], zoe["email_3"]) == ("zoe@private.example", "buying@roesterei.example")
    assert (zoe["phone"], zoe["phone_2"]) == ("+49301234567", "+491709876543")
    assert zoe["tags"].split(TAG_SEPARATOR) == ["vip", "=cmd", "wholesale"]
    assert zoe["notes"] == NOTE, "multi-line notes survive quoting"
    assert zoe["birthday"] == "1985-04-12" and zoe["marketing_consent"] == "true" and zoe["do_not_contact"] == "false"
    assert zoe["consent_at"] == "2026-03-02T09:30:00+00:00" and zoe["created_at"] == "2026-03-02T09:30:00+00:00"
    assert zoe["title"] == "Head, Buying" and zoe["external_ref"] == "CRM-4711"
    assert rows[0]["email_2"] == "" and rows[0]["lead_status"] == "open"


def test_owner_is_written_by_name(empty_db: Database, tmp_path: Path) -> None:
    people = add_people(empty_db)
    with empty_db.session() as s:
        update_contact(session=s, contact_id=people.bo, changes={"owner_id": uuid.UUID(empty_db.user_id)})
        me = current_user(session=s).name
    with empty_db.read_session() as s:
        export_contacts_csv(session=s, out=tmp_path / "c.csv", contact_ids=[people.bo])
    assert read_csv(tmp_path / "c.csv")[1][0]["owner"] == me


def test_chosen_ids_in_their_order_without_trash_or_unknown(empty_db: Database, tmp_path: Path) -> None:
    people = add_people(empty_db)
    out = tmp_path / "some.csv"
    ids = [people.zoe, people.trashed, uuid.uuid4(), people.bo, people.zoe]
    with empty_db.read_session() as s:
        assert export_contacts_csv(session=s, out=out, contact_ids=ids) == 2
    _header, rows = read_csv(out)
    assert [r["id"] for r in rows] == [str(people.zoe), str(people.bo)]


def test_formulas_are_defused_but_numbers_are_not() -> None:
    assert safe_cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("-12.50") == "-12.50" and safe_cell("-x") == "'-x"
    assert safe_cell("+491709876543") == "+491709876543" and safe_cell("-2+3") == "'-2+3"
    assert safe_cell("\tcmd") == "'\tcmd"
    assert safe_cell(None) == "" and safe_cell(True) == "true"


def test_a_formula_title_is_written_defused(empty_db: Database, tmp_path: Path) -> None:
    people = add_people(empty_db)
    with empty_db.session() as s:
        update_contact(session=s, contact_id=people.bo, changes={"title": "=1+2"})
    with empty_db.read_session() as s:
        export_contacts_csv(session=s, out=tmp_path / "c.csv")
    assert read_csv(tmp_path / "c.csv")[1][0]["title"] == "'=1+2"


def test_streams_in_pages(demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_contacts, "PAGE", 7)
    steps: list[float] = []
    out = tmp_path / "demo.csv"
    with demo_db.read_session() as s:
        live = s.connection().exec_driver_sql("SELECT count(*) FROM contact WHERE deleted_at IS NULL").scalar_one()
        written = export_contacts_csv(session=s, out=out, progress=lambda f, _m: steps.append(f))
        identity_map = len(s.identity_map)
    _, rows = read_csv(out)
    assert written == live == len(rows) == len({r["id"] for r in rows})
    names = [(r["display_name"], r["id"]) for r in rows]
    assert names == sorted(names)
    assert len(steps) > live // 7 and steps == sorted(steps) and steps[-1] == 1.0
    assert identity_map <= 7 * 3, "pages are released once written"


def test_cancel_leaves_no_file(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "never.csv"
    with demo_db.read_session() as s, pytest.raises(Cancelled):
        export_contacts_csv(session=s, out=out, should_cancel=lambda: True)
    assert list(tmp_path.glob("*.csv*")) == [] and not any(p.name.startswith(".never") for p in tmp_path.iterdir())


def test_missing_folder_is_a_clear_error(empty_db: Database, tmp_path: Path) -> None:
    with empty_db.read_session() as s, pytest.raises(ValidationError, match="does not exist"):
        export_contacts_csv(session=s, out=tmp_path / "nope" / "c.csv")
    with empty_db.read_session() as s, pytest.raises(ValidationError, match="is a folder"):
        export_contacts_csv(session=s, out=tmp_path)
