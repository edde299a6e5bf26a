"""Undo and redo of any action, from the rows and fields its transaction wrote."""

from __future__ import annotations

import pytest
from sqlmodel import select

from crm_desktop.domain import Contact, LeadStatusChange
from crm_desktop.domain.errors import Conflict
from crm_desktop.services import undo
from crm_desktop.services.contacts import (
    ContactInput,
    create_contact,
    delete_contact,
    set_lead_status,
    update_contact,
)
from crm_desktop.store import Database


def _contact(db: Database, **fields: object) -> Contact:
    with db.session() as s:
        return create_contact(session=s, data=ContactInput(display_name="Ada", **fields))


def _get(db: Database, contact: Contact) -> Contact:
    """A detached copy of the stored contact (read sessions expire what they loaded)."""
    with db.read_session() as s:
        row = s.get(Contact, contact.id)
        return Contact.model_validate(row.model_dump())


def test_undo_puts_edited_fields_back_and_redo_applies_them_again(workspace: Database) -> None:
    ada = _contact(workspace, email="ada@example.org", tags=["vip"])
    edit = {"email": "ada@new.example", "tags": ["a", "b"]}
    _, changes = undo.perform(
        workspace, "Edit Ada", lambda s: update_contact(session=s, contact_id=ada.id, changes=edit)
    )
    assert _get(workspace, ada).email == "ada@new.example"
    undo.undo(workspace, changes)
    assert (_get(workspace, ada).email, _get(workspace, ada).tags) == ("ada@example.org", ["vip"])
    undo.redo(workspace, changes)
    assert (_get(workspace, ada).email, _get(workspace, ada).tags) == ("ada@new.example", ["a", "b"])


def test_undo_of_a_delete_brings_the_contact_back(workspace: Database) -> None:
    ada = _contact(workspace)
    _, changes = undo.perform(workspace, "Delete", lambda s: delete_contact(session=s, contact_id=ada.id))
    assert _get(workspace, ada).deleted_at is not None
    undo.undo(workspace, changes)
    assert _get(workspace, ada).deleted_at is None


def test_undo_of_a_create_moves_the_new_rows_to_the_trash(workspace: Database) -> None:
    new, changes = undo.perform(
        workspace, "New contact", lambda s: create_contact(session=s, data=ContactInput(display_name="Grace"))
    )
    undo.undo(workspace, changes)
    assert _get(workspace, new).deleted_at is not None
    undo.redo(workspace, changes)
    assert _get(workspace, new).deleted_at is None


def test_undo_of_a_lead_status_change_restores_status_and_retires_its_ledger_row(workspace: Database) -> None:
    ada = _contact(workspace)
    _, changes = undo.perform(
        workspace, "Qualify", lambda s: set_lead_status(session=s, contact_id=ada.id, status="qualified")
    )
    undo.undo(workspace, changes)
    assert _get(workspace, ada).lead_status == "open"
    with workspace.read_session() as s:
        live = s.exec(
            select(LeadStatusChange.to_status).where(
                LeadStatusChange.contact_id == ada.id, LeadStatusChange.deleted_at.is_(None)
            )
        ).all()
    assert live == ["open"]


def test_undo_refuses_to_overwrite_a_later_change(workspace: Database) -> None:
    ada = _contact(workspace, email="ada@example.org")
    _, changes = undo.perform(
        workspace, "Edit Ada", lambda s: update_contact(session=s, contact_id=ada.id, changes={"email": "a@b.example"})
    )
    with workspace.session() as s:
        update_contact(session=s, contact_id=ada.id, changes={"email": "later@b.example"})
    with pytest.raises(Conflict, match="changed since"):
        undo.undo(workspace, changes)
    assert _get(workspace, ada).email == "later@b.example"
