"""Which existing contact a record matches: e-mail in any letter case, extra channels, the oldest of two, never
one in the Trash, and (over many rows) the same answers however the keys are looked up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select

from crm_desktop.domain import Contact
from crm_desktop.services.channels import add_channel
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact
from crm_desktop.services.importing import ImportPlan, read_source, run_import
from crm_desktop.services.importing.cleaning import Lookups, clean_record
from crm_desktop.services.importing.fields import ContactRecord
from crm_desktop.services.importing.matching import Matcher, key_filters
from crm_desktop.store import Database

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(text)
    return path


def test_email_matches_ignoring_letter_case_and_through_extra_channels(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    with fresh_workspace.session() as session:
        mixed = create_contact(session=session, data=ContactInput(display_name="Mixed", email="Ann.Lee@Example.com"))
        extra = create_contact(session=session, data=ContactInput(display_name="Extra", email="bo@example.com")).id
        add_channel(session=session, contact_id=extra, kind="email", value="Bo.Second@Example.org")
        add_channel(session=session, contact_id=extra, kind="phone", value="+44 20 7946 0099")
    path = _write(
        tmp_path, "Name,Email,Phone\nAnn,ann.lee@EXAMPLE.com,\nBo,bo.second@example.org,\nCy,,020 7946 0099\n"
    )
    report = run_import(fresh_workspace, read_source(path), ImportPlan(region="GB"))
    assert (report.created, report.updated) == (0, 3)
    with fresh_workspace.read_session() as session:
        names = dict(session.exec(select(Contact.id, Contact.display_name)).all())
    assert names[mixed.id] == "Ann" and names[extra] == "Cy"  # Bo and then Cy both matched the contact with channels


def test_contacts_in_the_trash_are_never_matched(fresh_workspace: Database, tmp_path: Path) -> None:
    with fresh_workspace.session() as session:
        data = ContactInput(display_name="Gone", email="gone@example.com", phone="+442079460017", external_ref="G-1")
        gone = create_contact(session=session, data=data)
        add_channel(session=session, contact_id=gone.id, kind="email", value="gone.too@example.com")
        delete_contact(session=session, contact_id=gone.id)
    path = _write(tmp_path, "Name,Email,Phone,External ID\nA,gone@example.com,,\nB,,020 7946 0017,\nC,,,G-1\n"
                            "D,gone.too@example.com,,\n")  # fmt: skip
    report = run_import(fresh_workspace, read_source(path), ImportPlan(region="GB"))
    assert (report.created, report.updated) == (4, 0)


def test_the_oldest_of_two_contacts_sharing_an_address_wins(fresh_workspace: Database, tmp_path: Path) -> None:
    with fresh_workspace.session() as session:
        newer = create_contact(session=session, data=ContactInput(display_name="Newer", email="twin@example.com"),
                               at=T0 + timedelta(days=1))  # fmt: skip
        older = create_contact(session=session, data=ContactInput(display_name="Older", email="Twin@example.com"),
                               at=T0)  # fmt: skip
        older_id, newer_id = older.id, newer.id
    report = run_import(fresh_workspace, read_source(_write(tmp_path, "Name,Email\nWinner,TWIN@example.com\n")),
                        ImportPlan())  # fmt: skip
    assert report.updated == 1
    with fresh_workspace.read_session() as session:
        assert session.get(Contact, older_id).display_name == "Winner"  # type: ignore[union-attr]
        assert session.get(Contact, newer_id).display_name == "Newer"  # type: ignore[union-attr]


def test_one_json_lookup_finds_what_chunked_lookups_find(fresh_workspace: Database) -> None:
    """Over 2,500 keys (more than one IN list would hold), SQLite's single JSON lookup loses nothing."""
    with fresh_workspace.session() as session:
        for i in range(0, 2_500, 10):
            create_contact(session=session, data=ContactInput(display_name=f"P{i}", email=f"P{i}@Example.com"))
    lookups = Lookups(region="GB", day_first=True)
    rows = [ContactRecord(i + 2, values={"display_name": f"R{i}"}, emails=[(f"p{i}@example.com", None)])
            for i in range(2_500)]  # fmt: skip
    records = [clean_record(row, lookups) for row in rows]
    with fresh_workspace.read_session() as session:
        matcher = Matcher(session, records)
        found = {r.number for r in records if matcher.find(r) is not None}
        email = col(Contact.email)
        [condition] = key_filters(session, email, [f"P{i}@example.com" for i in range(2_500)])  # stored normalized
        assert len(session.exec(select(Contact.id).where(condition)).all()) == 250
    assert found == {i + 2 for i in range(0, 2_500, 10)}
