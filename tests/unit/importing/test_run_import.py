"""Importing into a real workspace: creates, matches (update / skip / create), bad rows, dry run, cancel."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, ContactChannel, LeadStatusChange, LifecycleChange, Organization
from crm_desktop.domain.errors import Cancelled
from crm_desktop.services.contact_list import ContactFilter, list_contacts
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.importing import ImportPlan, read_source, run_import
from crm_desktop.services.organizations import OrganizationInput, create_organization
from crm_desktop.store import Database


def contact_named(session: Session, name: str) -> Contact:
    return session.exec(select(Contact).where(Contact.display_name == name, col(Contact.deleted_at).is_(None))).one()


def channels(session: Session, contact: Contact, kind: str) -> list[tuple[str, str | None, str | None]]:
    rows = session.exec(
        select(ContactChannel).where(ContactChannel.contact_id == contact.id, ContactChannel.kind == kind)
        .order_by(col(ContactChannel.position))
    ).all()  # fmt: skip
    return [(c.value, c.normalized, c.label) for c in rows]


def _found(session: Session, search: str) -> list[str]:
    """The names the contacts list shows for a search."""
    return [r.display_name for r in list_contacts(session=session, filter=ContactFilter(search=search))]


def counts(db: Database) -> dict[str, int]:
    with db.read_session() as session:
        conn = session.connection()
        return {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("contact", "contact_channel", "organization", "lifecycle_change", "lead_status_change",
                          "change", "contact_search")
        }  # fmt: skip


def test_google_export_creates_contacts_channels_organizations_and_ledgers(
    fresh_workspace: Database, fixtures: Path
) -> None:
    report = run_import(fresh_workspace, read_source(fixtures / "google_old.csv"), ImportPlan())
    assert (report.total, report.created, report.updated, report.failed) == (2, 2, 0, [])
    assert report.organizations_created == 1  # "analytical engines ltd" is the same organization
    with fresh_workspace.read_session() as session:
        ada = contact_named(session, "Ada Lovelace")
        assert (ada.given_name, ada.family_name, ada.title) == ("Ada", "Lovelace", "Mathematician")
        assert ada.email == "ada@engines.example" and ada.phone == "+447911123456"
        assert ada.notes == 'Met at the "Analytical" fair.\nSecond line of the note.'
        assert ada.tags == ["VIP"] and ada.country == "GB" and str(ada.birthday) == "1815-12-10"
        assert channels(session, ada, "email") == [
            ("ada.home@example.org", "ada.home@example.org", "home"),
            ("a.lovelace@example.net", "a.lovelace@example.net", "other"),
        ]
        assert channels(session, ada, "phone") == [("+442079460018", "+442079460018", "work")]
        charles = contact_named(session, "Charles Babbage")
        org = session.get(Organization, ada.organization_id)
        assert org is not None and org.name == "Analytical Engines Ltd"
        assert charles.organization_id == ada.organization_id
        assert (ada.lifecycle_stage, ada.lead_status) == ("lead", "open")
        ledger = session.exec(select(LifecycleChange).where(LifecycleChange.contact_id == ada.id)).one()
        assert (ledger.from_stage, ledger.to_stage, ledger.user_id) == (
            None,
            "lead",
            uuid.UUID(fresh_workspace.user_id),
        )
        status = session.exec(select(LeadStatusChange).where(LeadStatusChange.contact_id == ada.id)).one()
        assert status.to_status == "open"
        assert _found(session, "lovelace") == ["Ada Lovelace"]
        assert _found(session, "a.lovelace@example") == ["Ada Lovelace"]
        assert set(_found(session, "Analytical Engines")) == {"Ada Lovelace", "Charles Babbage"}
        journal = (
            session.connection()
            .execute(
                text("SELECT count(*) FROM change WHERE table_name = 'contact' AND row_id = :id"), {"id": ada.id.hex}
            )
            .scalar_one()
        )
        assert journal > 5


def test_existing_organizations_are_found_ignoring_case(fresh_workspace: Database, fixtures: Path) -> None:
    with fresh_workspace.session() as session:
        existing = create_organization(session=session, data=OrganizationInput(name="MÜLLER & SÖHNE GMBH")).id
    report = run_import(fresh_workspace, read_source(fixtures / "german.csv"), ImportPlan(region="DE"))
    assert report.created == 2 and report.organizations_created == 0
    with fresh_workspace.read_session() as session:
        juergen = contact_named(session, "Jürgen Müller")
        assert juergen.organization_id == existing == contact_named(session, "Grete Weiß").organization_id
        assert juergen.phone == "+4930901820"  # read as a German number with --region DE
        assert str(juergen.birthday) == "1970-04-03" and juergen.country == "DE"


def test_bad_rows_are_reported_and_good_rows_arrive(fresh_workspace: Database, fixtures: Path) -> None:
    report = run_import(fresh_workspace, read_source(fixtures / "bad_rows.csv"), ImportPlan())
    assert report.created == 3
    assert [number for number, _ in report.failed] == [3, 4, 6]
    reasons = dict(report.failed)
    assert "not a valid email address" in reasons[3]
    assert "No name" in reasons[4]
    assert "too long" in reasons[6]
    with fresh_workspace.read_session() as session:
        bobby = contact_named(session, 'Robert"); DROP TABLE contact;-- 😀')
        assert bobby.notes == "😀 emoji, 'quotes' and \"double quotes\""
        org = session.get(Organization, bobby.organization_id)
        assert org is not None and org.name == 'Little "Bobby" Tables; Ltd'
        assert contact_named(session, "Another Good").notes == "=cmd|' /C calc'!A0"
        found = list_contacts(session=session, filter=ContactFilter(search='DROP TABLE "'))
        assert [r.display_name for r in found] == ['Robert"); DROP TABLE contact;-- 😀']
        assert session.exec(select(func.count()).select_from(Contact)).one() == 3


@pytest.mark.parametrize(("on_match", "created", "updated", "skipped"), [
    ("update", 0, 2, 0), ("skip", 0, 0, 2), ("create", 2, 0, 0),
])  # fmt: skip
def test_matches_are_updated_skipped_or_created_anyway(
    fresh_workspace: Database, fixtures: Path, on_match: str, created: int, updated: int, skipped: int
) -> None:
    with fresh_workspace.session() as session:
        old = ContactInput(display_name="Old Name", email="Hedy@Frequency.example", tags=["Existing"], notes="Old note")
        by_email = create_contact(session=session, data=old).id
        other = create_contact(session=session, data=ContactInput(display_name="Other", email="DISPLAY@example.com"))
        other_id = other.id
    report = run_import(fresh_workspace, read_source(fixtures / "thunderbird.csv"), ImportPlan(on_match=on_match))  # type: ignore[arg-type]
    assert (report.created, report.updated, report.skipped, report.failed) == (created, updated, skipped, [])
    with fresh_workspace.read_session() as session:
        total = session.exec(select(func.count()).select_from(Contact)).one()
        assert total == 2 + created
        hedy = session.get(Contact, by_email)
        assert hedy is not None
        if on_match == "update":
            assert hedy.display_name == "Hedy Lamarr" and hedy.title == "Inventor"
            assert hedy.tags == ["Existing"] and hedy.notes == "Old note\n\nSpread spectrum"
            assert hedy.email == "Hedy@frequency.example"  # the contact's own address stays primary
            assert [v for v, _, _ in channels(session, hedy, "email")] == ["hedy.l@example.com"]
            assert hedy.phone == "+12127363100" and str(hedy.birthday) == "1914-11-09"
            assert session.get(Contact, other_id).display_name == "Only Display"  # type: ignore[union-attr]
        else:
            assert hedy.display_name == "Old Name" and hedy.title is None


def test_update_matches_by_external_ref_before_email_and_phone(fresh_workspace: Database, tmp_path: Path) -> None:
    with fresh_workspace.session() as session:
        ref = create_contact(session=session, data=ContactInput(display_name="By Ref", external_ref="X-1")).id
        create_contact(session=session, data=ContactInput(display_name="By Email", email="shared@example.com"))
    path = tmp_path / "refs.csv"
    path.write_text("Name,Email,External ID\nNew Name,shared@example.com,X-1\n")
    report = run_import(fresh_workspace, read_source(path), ImportPlan())
    assert report.updated == 1 and report.created == 0
    with fresh_workspace.read_session() as session:
        contact = session.get(Contact, ref)
        assert contact is not None and contact.display_name == "New Name" and contact.email == "shared@example.com"


def test_phone_numbers_match_whatever_their_formatting(fresh_workspace: Database, tmp_path: Path) -> None:
    with fresh_workspace.session() as session:
        by_phone = create_contact(
            session=session, data=ContactInput(display_name="Phone Only", phone="+442079460018")
        ).id
    path = tmp_path / "phones.csv"
    path.write_text("Name,Telefon,Firma\nPhone Only,020 7946 0018,Acme\n")
    report = run_import(fresh_workspace, read_source(path), ImportPlan())
    assert (report.created, report.updated) == (0, 1)
    with fresh_workspace.read_session() as session:
        contact = session.get(Contact, by_phone)
        assert contact is not None and contact.organization_id is not None


def test_a_person_listed_twice_in_one_file_is_created_once(fresh_workspace: Database, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("Name,Email,Phone\nAnn Lee,ann@example.com,\nAnn Lee,ANN@example.com,+44 20 7946 0018\n")
    report = run_import(fresh_workspace, read_source(path), ImportPlan())
    assert (report.created, report.updated) == (1, 1)
    with fresh_workspace.read_session() as session:
        ann = contact_named(session, "Ann Lee")
        assert ann.phone == "+442079460018"


def test_reimporting_the_same_file_changes_nothing(fresh_workspace: Database, fixtures: Path) -> None:
    run_import(fresh_workspace, read_source(fixtures / "outlook.csv"), ImportPlan())
    before = counts(fresh_workspace)
    report = run_import(fresh_workspace, read_source(fixtures / "outlook.csv"), ImportPlan())
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert counts(fresh_workspace) == before


def test_dry_run_reports_the_same_and_writes_nothing(fresh_workspace: Database, fixtures: Path) -> None:
    before = counts(fresh_workspace)
    source = read_source(fixtures / "bad_rows.csv")
    dry = run_import(fresh_workspace, source, ImportPlan(), dry_run=True)
    assert dry.dry_run and "dry run" in dry.summary()
    assert counts(fresh_workspace) == before
    real = run_import(fresh_workspace, source, ImportPlan())
    assert (dry.created, dry.updated, dry.failed, dry.organizations_created) == (
        real.created, real.updated, real.failed, real.organizations_created)  # fmt: skip
    assert counts(fresh_workspace)["contact"] == before["contact"] + 3


def test_cancel_leaves_nothing_behind(fresh_workspace: Database, fixtures: Path) -> None:
    before = counts(fresh_workspace)
    progress, should_cancel = cancel_once_written()
    source = read_source(fixtures / "google_old.csv")
    with pytest.raises(Cancelled, match="nothing was imported"):
        run_import(fresh_workspace, source, ImportPlan(), progress=progress, should_cancel=should_cancel)
    assert counts(fresh_workspace) == before
    with pytest.raises(Cancelled):  # and a Cancel pressed before anything happened
        run_import(fresh_workspace, source, ImportPlan(), should_cancel=lambda: True)
    assert counts(fresh_workspace) == before


def test_a_crash_while_writing_rolls_everything_back(fresh_workspace: Database, fixtures: Path) -> None:
    before = counts(fresh_workspace)

    def explode(fraction: float, message: str) -> None:
        if message == "Import finished":
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        run_import(fresh_workspace, read_source(fixtures / "outlook.csv"), ImportPlan(), progress=explode)
    assert counts(fresh_workspace) == before


def test_own_export_round_trips_ids_stages_consent_and_warns_about_unknown_names(
    fresh_workspace: Database, fixtures: Path
) -> None:
    report = run_import(fresh_workspace, read_source(fixtures / "crm_export.csv"), ImportPlan())
    assert report.created == 2 and report.failed == []
    warned = " ".join(w for _, w in report.warnings)
    assert "no team member called 'Nobody Known'" in warned and "no campaign called 'Spring Fair'" in warned
    with fresh_workspace.read_session() as session:
        kj = contact_named(session, "Katherine Johnson")
        assert (kj.lifecycle_stage, kj.lead_status, kj.marketing_consent) == ("customer", None, True)
        assert kj.consent_at is not None and kj.tags == ["VIP", "Space"] and kj.external_ref == "CRM-1"
        assert [v for v, _, _ in channels(session, kj, "phone")] == ["+17578642000"]
        dorothy = contact_named(session, "Dorothy Vaughan")
        assert dorothy.lead_status == "qualified"
        assert session.exec(select(LeadStatusChange).where(LeadStatusChange.contact_id == kj.id)).all() == []
    again = run_import(fresh_workspace, read_source(fixtures / "crm_export.csv"), ImportPlan())
    assert again.created == 0


def test_update_through_own_export_moves_the_stage_with_a_ledger_row(fresh_workspace: Database, tmp_path: Path) -> None:
    with fresh_workspace.session() as session:
        contact_id = create_contact(
            session=session, data=ContactInput(display_name="Mover", email="mover@example.com")
        ).id
    path = tmp_path / "export.csv"
    path.write_text(f"id,display_name,given_name,family_name,email,lifecycle_stage\n{contact_id},Mover,,,,customer\n")
    report = run_import(fresh_workspace, read_source(path), ImportPlan())
    assert report.updated == 1
    with fresh_workspace.read_session() as session:
        assert session.get(Contact, contact_id).lifecycle_stage == "customer"  # type: ignore[union-attr]
        stages = session.exec(select(LifecycleChange.to_stage).where(LifecycleChange.contact_id == contact_id)
                              .order_by(col(LifecycleChange.at))).all()  # fmt: skip
        assert list(stages) == ["lead", "customer"]


def test_vcards_import_people_and_organization_cards(fresh_workspace: Database, fixtures: Path) -> None:
    report = run_import(fresh_workspace, read_source(fixtures / "v40.vcf"), ImportPlan())
    assert (report.unit, report.created, report.failed) == ("card", 2, [])
    assert any("organizations have no e-mail field" in w for _, w in report.warnings)
    assert any("has no year" in w for _, w in report.warnings)
    with fresh_workspace.read_session() as session:
        lab = session.exec(select(Organization).where(Organization.name == "Brookhaven National Laboratory")).one()
        assert (lab.phone, lab.website, lab.domain) == ("+16313448000", "https://www.bnl.example", "bnl.example")
        assert lab.city == "Upton"
        assert session.exec(select(Contact).where(Contact.display_name == "Brookhaven National Laboratory")).all() == []
        wu = contact_named(session, "Chien-Shiung Wu")
        assert wu.email == "madame.wu@example.org" and wu.phone == "+12128541754"
        assert channels(session, wu, "email") == [("wu@columbia.example", "wu@columbia.example", "work")]


def test_a_broken_card_fails_alone(fresh_workspace: Database, fixtures: Path) -> None:
    report = run_import(fresh_workspace, read_source(fixtures / "several_with_broken.vcf"), ImportPlan())
    assert report.created == 2
    assert [n for n, _ in report.failed] == [2, 3]
    assert "not a valid email address" in report.failed[0][1]


def test_invalid_phone_numbers_are_kept_as_written_with_a_warning(fresh_workspace: Database, tmp_path: Path) -> None:
    path = tmp_path / "phones.csv"
    path.write_text("Name,Phone,Mobile\nPat,555-1234,+44 7911 123456\n")
    report = run_import(fresh_workspace, read_source(path), ImportPlan())
    assert report.created == 1 and any("'555-1234' is not a valid number" in w for _, w in report.warnings)
    with fresh_workspace.read_session() as session:
        pat = contact_named(session, "Pat")
        assert pat.phone == "+447911123456"
        assert channels(session, pat, "phone") == [("555-1234", None, None)]


def cancel_once_written() -> tuple[Callable[[float, str], None], Callable[[], bool]]:
    """Progress and Cancel callbacks that press Cancel once the rows are written, just before the commit."""
    saving = False

    def progress(_fraction: float, message: str) -> None:
        nonlocal saving
        saving = saving or message == "Saving"

    return progress, lambda: saving


def test_large_files_take_the_bulk_path_and_still_roll_back_on_cancel(
    fresh_workspace: Database, tmp_path: Path
) -> None:
    path = tmp_path / "many.csv"
    lines = ["First Name,Last Name,Email,Company"]
    lines += [f"Person,{i},person{i}@example.com,Company {i % 40}" for i in range(2_500)]
    path.write_text("\n".join(lines) + "\n")
    source = read_source(path)
    before = counts(fresh_workspace)
    progress, should_cancel = cancel_once_written()
    with pytest.raises(Cancelled):
        run_import(fresh_workspace, source, ImportPlan(), progress=progress, should_cancel=should_cancel)
    assert counts(fresh_workspace) == before
    report = run_import(fresh_workspace, source, ImportPlan())
    assert (report.created, report.organizations_created) == (2_500, 40)
    after = counts(fresh_workspace)
    assert after["contact"] - before["contact"] == after["contact_search"] - before["contact_search"] == 2_500
    assert after["lifecycle_change"] - before["lifecycle_change"] == 2_500
    with fresh_workspace.read_session() as session:
        assert session.connection().exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"


def test_preview_shows_the_first_rows_as_they_would_arrive(fresh_workspace: Database, fixtures: Path) -> None:
    from crm_desktop.services.importing import preview

    with fresh_workspace.read_session() as session:
        rows = preview(session=session, source=read_source(fixtures / "bad_rows.csv"), plan=ImportPlan(), limit=4)
    assert [r.number for r in rows] == [2, 3, 4, 5]
    assert rows[0].values["display_name"] == "Good One" and rows[0].values["phone"] == "+442079460100"
    assert rows[0].organization == "Acme" and rows[0].error is None
    assert rows[1].error is not None and "not a valid email address" in rows[1].error
    assert counts(fresh_workspace)["contact"] == 0
