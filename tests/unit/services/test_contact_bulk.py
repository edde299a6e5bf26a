"""Bulk edits of many contacts (one transaction, undoable, cancellable) and saved views of the list."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlmodel import Session, select

from crm_desktop.domain import Contact, LeadStatusChange
from crm_desktop.domain.errors import Cancelled, NotFound, ValidationError
from crm_desktop.services import contact_bulk, undo
from crm_desktop.services.contact_list import ContactFilter, count_contacts
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact
from crm_desktop.services.saved_views import SETTING_KEY, SavedView, delete_view, get_view, list_views, save_view
from crm_desktop.services.settings import set_setting
from crm_desktop.services.users import create_user
from crm_desktop.store import Database


def _people(db: Database, n: int = 3) -> list[uuid.UUID]:
    with db.session() as s:
        return [
            create_contact(session=s, data=ContactInput(given_name=f"P{i}", tags=["vip"] if i == 0 else [])).id
            for i in range(n)
        ]


def _contacts(db: Database, ids: list[uuid.UUID]) -> list[Contact]:
    with db.read_session() as s:
        return [Contact.model_validate(s.get(Contact, i).model_dump()) for i in ids]  # type: ignore[union-attr]


def test_add_tag_skips_contacts_that_have_it_and_undo_takes_all_back(workspace: Database) -> None:
    ids = _people(workspace)
    n, changes = undo.perform(workspace, "Tag", lambda s: contact_bulk.add_tag(session=s, contact_ids=ids, tag=" VIP "))
    assert n == 2 and {e.table for e in changes.edits} == {"contact"}
    assert [c.tags for c in _contacts(workspace, ids)] == [["vip"], ["VIP"], ["VIP"]]
    undo.undo(workspace, changes)
    assert [c.tags for c in _contacts(workspace, ids)] == [["vip"], [], []]
    with workspace.read_session() as s:  # the search index followed both ways
        assert count_contacts(session=s, filter=ContactFilter(search="vip")) == 1


def test_remove_tag_set_owner_and_lead_status(workspace: Database) -> None:
    ids = _people(workspace)
    with workspace.session() as s:
        owner = create_user(session=s, name="Olga").id
        assert contact_bulk.remove_tag(session=s, contact_ids=ids, tag="VIP") == 1
        assert contact_bulk.set_owner(session=s, contact_ids=ids, owner_id=owner) == 3
        assert contact_bulk.set_owner(session=s, contact_ids=ids, owner_id=owner) == 0
        assert contact_bulk.set_lead_status(session=s, contact_ids=ids[:2], status="qualified") == 2
        ledger = s.exec(select(LeadStatusChange).where(LeadStatusChange.to_status == "qualified")).all()
        assert {row.contact_id for row in ledger} == set(ids[:2])
        assert all(row.from_status == "open" for row in ledger)
    contacts = _contacts(workspace, ids)
    assert [c.tags for c in contacts] == [[], [], []]
    assert {c.owner_id for c in contacts} == {owner}
    assert [c.lead_status for c in contacts] == ["qualified", "qualified", "open"]


def test_bad_arguments_are_refused_before_anything_is_written(workspace: Database) -> None:
    ids = _people(workspace)
    with workspace.session() as s:
        with pytest.raises(ValidationError):
            contact_bulk.add_tag(session=s, contact_ids=ids, tag="   ")
        with pytest.raises(ValidationError):
            contact_bulk.add_tag(session=s, contact_ids=ids, tag="x" * 61)
        with pytest.raises(ValidationError):
            contact_bulk.set_owner(session=s, contact_ids=ids, owner_id=uuid.uuid4())
        with pytest.raises(ValidationError):
            contact_bulk.set_lead_status(session=s, contact_ids=ids, status="won")
    assert [c.tags for c in _contacts(workspace, ids)] == [["vip"], [], []]


def test_move_to_trash_skips_trashed_ones_and_undo_restores(workspace: Database) -> None:
    ids = _people(workspace)
    with workspace.session() as s:
        delete_contact(session=s, contact_id=ids[2])
    n, changes = undo.perform(workspace, "Trash", lambda s: contact_bulk.move_to_trash(session=s, contact_ids=ids))
    assert n == 2
    with workspace.read_session() as s:
        assert count_contacts(session=s) == 0
    undo.undo(workspace, changes)
    with workspace.read_session() as s:
        assert count_contacts(session=s) == 2 and count_contacts(session=s, filter=ContactFilter(search="P0")) == 1


def test_cancel_stops_between_chunks_and_rolls_everything_back(workspace: Database, monkeypatch: Any) -> None:
    monkeypatch.setattr(contact_bulk, "CHUNK", 2)
    ids = _people(workspace, 5)
    progress: list[float] = []
    with pytest.raises(Cancelled), workspace.session() as s:
        contact_bulk.add_tag(
            session=s, contact_ids=ids, tag="new", progress=progress.append, should_cancel=lambda: len(progress) >= 2
        )
    assert progress == [0.4, 0.8]
    assert all("new" not in c.tags for c in _contacts(workspace, ids))
    with workspace.session() as s:
        assert contact_bulk.add_tag(session=s, contact_ids=ids + ids, tag="new", progress=progress.append) == 5
    assert progress[-1] == 1.0


# --- saved views ------------------------------------------------------------------------------------------


def test_saved_views_round_trip_replace_and_delete(session: Session) -> None:
    view = SavedView(
        name="Hot leads",
        filter=ContactFilter(search="café", lifecycle_stages=("lead",), tag="vip", has_open_deal=True),
        sort_key="created_at",
        descending=True,
        columns=("display_name", "email", "tags"),
    )
    save_view(session=session, view=view)
    save_view(
        session=session, view=SavedView(name="all customers", filter=ContactFilter(lifecycle_stages=("customer",)))
    )
    assert [v.name for v in list_views(session=session)] == ["all customers", "Hot leads"]
    assert get_view(session=session, name="hot LEADS") == view
    save_view(session=session, view=SavedView(name="HOT LEADS", sort_key="email"))  # same name: replaced
    assert [v.name for v in list_views(session=session)] == ["all customers", "HOT LEADS"]
    delete_view(session=session, name="hot leads")
    assert [v.name for v in list_views(session=session)] == ["all customers"]
    with pytest.raises(NotFound):
        delete_view(session=session, name="hot leads")
    with pytest.raises(NotFound):
        get_view(session=session, name="nope")


def test_saved_views_refuse_bad_input_and_skip_damaged_entries(session: Session) -> None:
    for view, field in [
        (SavedView(name="  "), "name"),
        (SavedView(name="x" * 81), "name"),
        (SavedView(name="a", sort_key="shoe_size"), "sort"),
        (SavedView(name="a", filter=ContactFilter(trash="bin")), "trash"),
    ]:
        with pytest.raises(ValidationError) as err:
            save_view(session=session, view=view)
        assert err.value.field == field
    damaged = [
        "not a dict",
        {"name": ""},
        {"name": "Odd", "filter": {"lifecycle_stages": ["lead", "vip"]}, "sort_key": "nope", "columns": "x"},
    ]
    set_setting(session=session, key=SETTING_KEY, value=damaged)
    (odd,) = list_views(session=session)
    assert odd == SavedView(name="Odd", filter=ContactFilter(lifecycle_stages=("lead",)))
