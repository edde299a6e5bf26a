"""Search is safe for any typed text and finds partial words; `check` finds real problems."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from crm_desktop.domain import Contact, Deal, Organization
from crm_desktop.store import Database
from crm_desktop.store.fts import contact_id_filter
from crm_desktop.store.integrity import run_checks


@pytest.fixture
def people(workspace: Database) -> Database:
    with workspace.session() as s:
        acme = Organization(name="Acme Roasters")
        s.add(acme)
        s.flush()
        s.add(Contact(display_name="Mia Johnson", email="mia@acme.example", organization_id=acme.id))
        s.add(Contact(display_name="Jürgen Müller", email="jm@example.de", phone="+4930123456"))
        s.add(Contact(display_name='Dana "DJ" O\'Neil', notes="likes AND-gates * and - signs"))
    return workspace


def search(db: Database, query: str) -> list[str]:
    with db.read_session() as s:
        stmt = select(Contact.display_name).where(Contact.deleted_at.is_(None))
        clause = contact_id_filter(query, Contact.id)
        if clause is not None:
            stmt = stmt.where(clause)
        return sorted(s.exec(stmt).all())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("son", ["Mia Johnson"]),
        ("@acme", ["Mia Johnson"]),
        ("Roasters", ["Mia Johnson"]),
        ("müller", ["Jürgen Müller"]),
        ("30123", ["Jürgen Müller"]),
        ('"DJ"', ['Dana "DJ" O\'Neil']),
        ("O'N", ['Dana "DJ" O\'Neil']),
        ("jo mia", ["Mia Johnson"]),
        ("nobody-here", []),
    ],
)
def test_search_finds_partial_words(people: Database, query: str, expected: list[str]) -> None:
    assert search(people, query) == expected


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.text(max_size=500) | st.sampled_from(['"', "*", "AND", "-", "NEAR(", "a OR b", "🙂🙂🙂", "x" * 500]))
def test_any_typed_text_is_safe(people: Database, query: str) -> None:
    search(people, query)  # must not raise


def test_deleted_contacts_leave_the_index(people: Database) -> None:
    with people.session() as s:
        mia = s.exec(select(Contact).where(Contact.display_name == "Mia Johnson")).one()
        mia.deleted_at = mia.updated_at
    assert search(people, "Johnson") == []


def test_renaming_an_organization_reindexes_its_contacts(people: Database) -> None:
    with people.session() as s:
        s.exec(select(Organization)).one().name = "Zenith Coffee"
    assert search(people, "zenith") == ["Mia Johnson"]


def test_check_is_clean_on_a_healthy_database(people: Database) -> None:
    with people.engine.connect() as conn:
        assert run_checks(conn) == []


def test_check_reports_dangling_references(people: Database) -> None:
    with people.session() as s:
        s.add(Deal(title="Orphan", pipeline_id=uuid.uuid4(), stage_id=uuid.uuid4(), contact_id=uuid.uuid4()))
    with people.engine.connect() as conn:
        problems = run_checks(conn)
    assert any("deal row(s) name a contact" in p for p in problems)
    assert any("deal row(s) name a stage" in p for p in problems)
