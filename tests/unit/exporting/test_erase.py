"""Erasure: the person is gone from every table, the journal and the file; figures and ledgers stay as they were."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from crm_desktop.analytics import compute_churn, compute_conversion
from crm_desktop.domain import Contact, ContactChannel, Organization, PointsEntry
from crm_desktop.domain.errors import NotFound
from crm_desktop.services import undo
from crm_desktop.services.activities import log_activity
from crm_desktop.services.cases import open_case
from crm_desktop.services.channels import add_channel
from crm_desktop.services.contact_list import ContactFilter, list_contacts
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact, update_contact
from crm_desktop.services.deals import create_deal
from crm_desktop.services.maintenance import check_workspace
from crm_desktop.services.merge import merge_contacts
from crm_desktop.services.privacy import ERASED_NAME, ERASED_TEXT, contact_data, erase_contact, erase_contact_for_good
from crm_desktop.store import Database
from tests.unit.exporting.builders import add_people
from tests.unit.exporting.conftest import DEMO_DAY

START = date(2024, 11, 1)
LEDGERS = ("purchase", "purchase_line", "points_entry", "deal_stage_change", "lifecycle_change", "lead_status_change",
           "case_event", "subscription")  # fmt: skip


@dataclass(frozen=True)
class Subject:
    """A demo customer with personal details in every corner of the database."""

    id: uuid.UUID
    secrets: tuple[str, ...]  # strings that identify the person and must vanish


def _figures(db: Database) -> dict[str, Any]:
    """Conversion and churn as reported, at-risk names aside (the erased person is renamed)."""
    with db.read_session() as s:
        conversion = compute_conversion(session=s, start=START, end=DEMO_DAY).to_dict()
        churn = compute_churn(session=s, start=START, end=DEMO_DAY).to_dict()
        ledgers = {t: s.connection().exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one() for t in LEDGERS}
        revenue = s.connection().exec_driver_sql("SELECT sum(amount_cents) FROM purchase").scalar_one()
    for row in churn["at_risk"]:
        row.pop("name")
    return {"conversion": conversion, "churn": churn, "ledgers": ledgers, "revenue": revenue}


@pytest.fixture
def subject(demo_db: Database) -> Subject:
    """A referred customer (their name is in the referrer's points note), given more to hide."""
    with demo_db.session() as s:
        row = (
            s.connection()
            .exec_driver_sql(
                "SELECT c.id FROM contact c JOIN referral r ON r.referred_id = c.id WHERE r.status = 'converted' "
                "AND c.organization_id IS NULL AND c.email IS NOT NULL AND c.phone IS NOT NULL ORDER BY c.id LIMIT 1"
            )
            .scalar_one()
        )
        contact = s.get(Contact, uuid.UUID(row))
        name, email, phone = contact.display_name, contact.email, contact.phone
        other = s.exec(select(Contact).where(Contact.id != contact.id, Contact.deleted_at.is_(None))).first()
        note = "Secret: allergic to hazelnuts, key under the mat"
        update_contact(session=s, contact_id=contact.id, changes={"notes": note, "street": "Lindenweg 12"})
        update_contact(session=s, contact_id=contact.id, changes={"notes": note + " (updated)"})
        add_channel(session=s, contact_id=contact.id, kind="email", value="kw.private@example.org", label="home")
        create_deal(session=s, title=f"{name} – grinder upgrade", contact_id=contact.id, notes=f"call {phone}")
        open_case(session=s, subject="Broken kettle", description=f"{name} wrote from {email}", contact_id=contact.id)
        log_activity(session=s, kind="note", subject=f"Met {name} at the fair", contact_id=other.id)
        s.add(PointsEntry(contact_id=other.id, delta=5, reason="adjustment", at=datetime.now(UTC),
                          note=f"Thanks for bringing {name.upper()}"))  # fmt: skip
    return Subject(contact.id, (name, email, phone, "allergic to hazelnuts", "Lindenweg 12", "kw.private@example.org"))


def _text_hits(session: Session, needles: tuple[str, ...]) -> dict[str, list[str]]:
    """Per needle, every table holding it in any column (the journal included), ignoring case."""
    conn = session.connection()
    hits: dict[str, list[str]] = {needle: [] for needle in needles}
    tables = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars().all()
    for table in tables:
        rows = conn.exec_driver_sql(f'SELECT * FROM "{table}"').all()
        text = "\x1f".join(str(value) for row in rows for value in row if value is not None).lower()
        for needle in needles:
            if needle.lower() in text:
                hits[needle].append(table)
    return hits


def test_erased_everywhere_but_figures_unchanged(demo_db: Database, subject: Subject) -> None:
    @event.listens_for(demo_db.engine, "connect")
    def _like_most_builds(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA secure_delete = OFF")  # Debian compiles it on; Windows and macOS builds do not

    demo_db.engine.dispose()
    with demo_db.read_session() as s:
        assert all(_text_hits(s, subject.secrets).values()), "every secret is there before"
    before = _figures(demo_db)
    summary = erase_contact_for_good(db=demo_db, contact_id=subject.id)
    assert summary.contacts == 1 and summary.records >= 8 and summary.journal_values >= 10
    with demo_db.read_session() as s:
        assert _text_hits(s, subject.secrets) == {secret: [] for secret in subject.secrets}
        contact = s.get(Contact, subject.id)
        assert contact.display_name == ERASED_NAME and contact.deleted_at is None
        assert contact.do_not_contact and not contact.marketing_consent and contact.tags == []
        assert all(c.value == ERASED_TEXT and c.deleted_at for c in s.exec(
            select(ContactChannel).where(ContactChannel.contact_id == subject.id)))  # fmt: skip
        secret = ContactFilter(search=subject.secrets[0])
        assert subject.id not in {c.id for c in list_contacts(session=s, filter=secret)}
        assert [c.id for c in list_contacts(session=s, filter=ContactFilter(search=ERASED_NAME))] == [subject.id]
        history = s.connection().exec_driver_sql(
            "SELECT value FROM change WHERE table_name = 'contact' AND row_id = ? AND field = 'display_name' "
            "ORDER BY hlc", (subject.id.hex,)
        ).scalars().all()  # fmt: skip
    assert history[:-1] == [None] * (len(history) - 1) and json.loads(history[-1]) == ERASED_NAME
    assert _figures(demo_db) == before
    assert check_workspace(db=demo_db) == []
    wal = demo_db.path.with_name(demo_db.path.name + "-wal")
    raw = demo_db.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for secret in subject.secrets:
        for form in {secret, json.dumps(secret)[1:-1]}:
            assert form.encode("utf-8") not in raw, f"{secret!r} is still in the database file"


def test_free_text_loses_only_the_mentions(demo_db: Database, subject: Subject) -> None:
    name = subject.secrets[0]
    erase_contact_for_good(db=demo_db, contact_id=subject.id)
    with demo_db.read_session() as s:
        conn = s.connection()
        notes = conn.exec_driver_sql("SELECT note FROM points_entry WHERE note LIKE 'Thanks for bringing%'").scalar()
        met = conn.exec_driver_sql("SELECT subject FROM activity WHERE subject LIKE 'Met %fair'").scalar()
        deal = conn.exec_driver_sql("SELECT title FROM deal WHERE title LIKE '%grinder upgrade'").scalar()
        case = conn.exec_driver_sql("SELECT subject FROM support_case WHERE contact_id = ?", (subject.id.hex,)).scalar()
    assert notes == f"Thanks for bringing {ERASED_TEXT}" and met == f"Met {ERASED_TEXT} at the fair"
    assert deal == f"{ERASED_TEXT} – grinder upgrade" and case == ERASED_TEXT
    with demo_db.read_session() as s:
        assert name not in json.dumps(contact_data(session=s, contact_id=subject.id), ensure_ascii=False)


def test_namesakes_keep_their_name(demo_db: Database, subject: Subject) -> None:
    name = subject.secrets[0]
    with demo_db.session() as s:
        namesake = create_contact(session=s, data=ContactInput(display_name=name, email="someone.else@example.com"))
    erase_contact_for_good(db=demo_db, contact_id=subject.id)
    with demo_db.read_session() as s:
        assert s.get(Contact, namesake.id).display_name == name
        assert [c.id for c in list_contacts(session=s, filter=ContactFilter(search="someone.else"))] == [namesake.id]


def test_erasure_cannot_be_undone(demo_db: Database, subject: Subject) -> None:
    _, changes = undo.perform(demo_db, "Erase", lambda s: erase_contact(session=s, contact_id=subject.id))
    assert not changes, "nothing for Edit → Undo to write back"
    with demo_db.read_session() as s:
        assert s.get(Contact, subject.id).display_name == ERASED_NAME


def test_duplicates_merged_into_the_person_are_erased_too(empty_db: Database) -> None:
    people = add_people(empty_db)
    with empty_db.session() as s:
        data = ContactInput(
            given_name="Zoe", family_name="Mueller", email="zoe.old@example.com", notes="at Hauptstraße 5"
        )
        old = create_contact(session=s, data=data)
        merge_contacts(session=s, survivor_id=people.zoe, merged_ids=[old.id])
        delete_contact(session=s, contact_id=people.zoe)  # erasing works on the Trash too
    summary = erase_contact_for_good(db=empty_db, contact_id=people.zoe)
    assert summary.contacts == 2
    secrets = ("Zoë Müller-Łukasik", "Zoe Mueller", "zoe.old@example.com", "zoe.mueller@example.com", "Hauptstraße 5",
               "+49301234567", "+491709876543", "@zoe_beans", "hazelnuts", "CRM-4711")  # fmt: skip
    with empty_db.read_session() as s:
        assert _text_hits(s, secrets) == {secret: [] for secret in secrets}
        assert {c.display_name for c in s.exec(select(Contact).where(Contact.id.in_([people.zoe, old.id])))} == {
            ERASED_NAME
        }
        assert s.get(Contact, people.bo).display_name == "Bo Li"
        assert s.get(Organization, people.organization).name == "Rösterei Nord; GmbH"


def test_unknown_contact(demo_db: Database) -> None:
    with pytest.raises(NotFound), demo_db.session() as s:
        erase_contact(session=s, contact_id=uuid.uuid4())
