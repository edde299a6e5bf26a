"""The Trash: deleted contacts and organizations listed newest first, searched, paged and restored with links."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session, select

from crm_desktop.domain import Contact, ContactChannel
from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.services import undo
from crm_desktop.services.contact_list import count_contacts
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact, get_contact
from crm_desktop.services.deals import create_deal, get_deal
from crm_desktop.services.organizations import (
    OrganizationInput,
    create_organization,
    delete_organization,
    get_organization,
)
from crm_desktop.services.trash import count_trash, list_trash, restore, restore_many, trash_counts
from crm_desktop.store import Database
from tests.unit.services.plans import query_plans


def _person(session: Session, name: str, **fields: object) -> uuid.UUID:
    return create_contact(session=session, data=ContactInput(display_name=name, **fields)).id


def test_trash_lists_deleted_contacts_newest_first_with_their_organization(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme")).id
    ada = _person(session, "Ada Lovelace", email="ada@example.org", organization_id=acme)
    grace = _person(session, "Grace Hopper", phone="+442079460018")
    _person(session, "Alan Turing")  # stays live
    delete_contact(session=session, contact_id=ada)
    delete_contact(session=session, contact_id=grace)

    rows = list_trash(session=session, kind="contact")
    assert [r.name for r in rows] == ["Grace Hopper", "Ada Lovelace"]
    assert rows[0].deleted_at >= rows[1].deleted_at
    assert (rows[1].detail, rows[1].organization_name, rows[1].organization_in_trash) == (
        "ada@example.org",
        "Acme",
        False,
    )
    assert rows[0].detail == "+442079460018"  # no email: the phone identifies the person
    assert count_trash(session=session, kind="contact") == 2
    assert trash_counts(session=session) == {"contact": 2, "organization": 0}
    assert list_trash(session=session, kind="organization") == []


def test_trash_search_and_paging(session: Session) -> None:
    for n in range(5):
        delete_contact(session=session, contact_id=_person(session, f"Filler {n}", email=f"f{n}@x.example"))
    delete_contact(session=session, contact_id=_person(session, "100% O'Brien_"))
    assert [r.name for r in list_trash(session=session, kind="contact", search="100%")] == ["100% O'Brien_"]
    assert count_trash(session=session, kind="contact", search="f3@") == 1
    assert count_trash(session=session, kind="contact", search='" OR 1=1 --') == 0  # hostile text is just text
    first = list_trash(session=session, kind="contact", limit=4)
    rest = list_trash(session=session, kind="contact", limit=4, offset=4)
    assert len(first) == 4 and len(rest) == 2
    assert not {r.id for r in first} & {r.id for r in rest}


def test_unknown_kind_is_refused(session: Session) -> None:
    with pytest.raises(ValidationError, match="contacts and organizations"):
        list_trash(session=session, kind="deal")


def test_restore_brings_the_contact_back_with_its_links(session: Session) -> None:
    ada = _person(session, "Ada", email="ada@example.org")
    session.add(ContactChannel(contact_id=ada, kind="phone", value="+44 20 7946 0018"))
    deal = create_deal(session=session, title="Engines", contact_id=ada)
    delete_contact(session=session, contact_id=ada)
    assert count_contacts(session=session) == 0

    result = restore(session=session, kind="contact", row_id=ada)
    assert (result.name, result.organization_restored) == ("Ada", False)
    assert get_contact(session=session, contact_id=ada).deleted_at is None
    assert get_deal(session=session, deal_id=deal.id).contact_id == ada
    channels = session.exec(select(ContactChannel).where(ContactChannel.contact_id == ada)).all()
    assert [(c.value, c.deleted_at) for c in channels] == [("+44 20 7946 0018", None)]
    assert list_trash(session=session, kind="contact") == []
    assert count_contacts(session=session) == 1


def test_restoring_a_contact_restores_its_trashed_organization_or_says_so(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme")).id
    ada = _person(session, "Ada", organization_id=acme)
    grace = _person(session, "Grace", organization_id=acme)
    delete_contact(session=session, contact_id=ada)
    delete_contact(session=session, contact_id=grace)
    delete_organization(session=session, organization_id=acme)
    rows = list_trash(session=session, kind="contact")
    assert all(r.organization_in_trash for r in rows)

    kept = restore(session=session, kind="contact", row_id=ada, with_organization=False)
    assert kept.organization_still_in_trash and not kept.organization_restored
    assert "still in the Trash" in kept.summary()
    assert get_organization(session=session, organization_id=acme, include_deleted=True).deleted_at is not None

    both = restore(session=session, kind="contact", row_id=grace)
    assert both.organization_restored and both.summary() == "Restored Grace and its organization Acme"
    assert get_organization(session=session, organization_id=acme).deleted_at is None


def test_restore_organization_and_many(session: Session) -> None:
    orgs = [create_organization(session=session, data=OrganizationInput(name=n)).id for n in ("A", "B")]
    for org in orgs:
        delete_organization(session=session, organization_id=org)
    assert [r.name for r in list_trash(session=session, kind="organization")] == ["B", "A"]
    restored = restore_many(session=session, kind="organization", row_ids=orgs)
    assert [r.name for r in restored] == ["A", "B"]
    assert count_trash(session=session, kind="organization") == 0


def test_restore_of_a_live_record_is_a_no_op_and_an_unknown_one_is_not_found(session: Session) -> None:
    ada = _person(session, "Ada")
    assert restore(session=session, kind="contact", row_id=ada).name == "Ada"
    with pytest.raises(NotFound):
        restore(session=session, kind="contact", row_id=uuid.uuid4())


def test_a_merged_duplicate_shows_its_survivor_and_becomes_separate_again(session: Session) -> None:
    ada = _person(session, "Ada")
    copy = _person(session, "Ada L.")
    row = session.get(Contact, copy)
    assert row is not None
    row.merged_into = ada
    session.add(row)
    delete_contact(session=session, contact_id=copy)
    (listed,) = list_trash(session=session, kind="contact")
    assert listed.merged_into_name == "Ada"
    result = restore(session=session, kind="contact", row_id=copy)
    assert result.notes and get_contact(session=session, contact_id=copy).merged_into is None


def test_restore_is_undoable_through_the_generic_undo(workspace: Database) -> None:
    with workspace.session() as s:
        acme = create_organization(session=s, data=OrganizationInput(name="Acme")).id
        ada = _person(s, "Ada", organization_id=acme)
        delete_contact(session=s, contact_id=ada)
        delete_organization(session=s, organization_id=acme)
    _, changes = undo.perform(
        workspace, "Restore Ada", lambda s: restore_many(session=s, kind="contact", row_ids=[ada])
    )
    assert changes.tables() == {"contact", "organization"}
    undo.undo(workspace, changes)
    with workspace.read_session() as s:
        assert trash_counts(session=s) == {"contact": 1, "organization": 1}
    undo.redo(workspace, changes)
    with workspace.read_session() as s:
        assert trash_counts(session=s) == {"contact": 0, "organization": 0}


def test_the_trash_page_is_an_index_search_without_sorting_the_whole_trash(session: Session) -> None:
    for n in range(3):
        delete_contact(session=session, contact_id=_person(session, f"Gone {n}"))
    for kind, table in (("contact", "contact"), ("organization", "organization")):
        (plan,) = query_plans(session, lambda k=kind: list_trash(session=session, kind=k, limit=2))
        assert plan.startswith(f"SEARCH {table} USING INDEX") and "(deleted_at>?)" in plan
        # the index gives the order; only ties on the deletion time are sorted (by id), while streaming
        assert "TEMP B-TREE FOR ORDER BY" not in plan
