"""History: the change journal of a record, read as who changed which field from what to what, newest first."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from crm_desktop.domain import CustomFieldDef
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.channels import add_channel, remove_channel, update_channel
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact, restore_contact, update_contact
from crm_desktop.services.history import contact_history, organization_history, record_history
from crm_desktop.services.organizations import OrganizationInput, create_organization, update_organization
from crm_desktop.services.users import create_user, current_user
from crm_desktop.store import Database


def test_contact_edits_read_as_field_changes_with_previous_values(workspace: Database) -> None:
    with workspace.session() as session:
        acme = create_organization(session=session, data=OrganizationInput(name="Acme")).id
        owner = create_user(session=session, name="Olga Owner").id
        ada = create_contact(session=session, data=ContactInput(given_name="Ada", email="ada@one.example")).id
        me = current_user(session=session).name
    with workspace.session() as session:
        update_contact(
            session=session,
            contact_id=ada,
            changes={"email": "ada@two.example", "organization_id": acme, "owner_id": owner, "tags": ["vip"]},
        )
    with workspace.session() as session:
        update_contact(session=session, contact_id=ada, changes={"birthday": date(1990, 5, 1), "do_not_contact": True})
    with workspace.read_session() as session:
        entries = contact_history(session=session, contact_id=ada)
    assert [e.action for e in entries] == ["changed", "changed", "created"]
    assert all(e.user_name == me and e.record == "Contact" for e in entries)
    assert entries[0].at >= entries[1].at >= entries[2].at

    newest = {c.field: c for c in entries[0].changes}
    assert newest["birthday"].value == date(1990, 5, 1) and newest["birthday"].kind == "date"
    assert (newest["do_not_contact"].value, newest["do_not_contact"].previous) == (True, False)
    assert newest["do_not_contact"].label == "Do not contact"

    edit = {c.field: c for c in entries[1].changes}
    assert (edit["email"].label, edit["email"].value, edit["email"].previous) == (
        "Email",
        "ada@two.example",
        "ada@one.example",
    )
    assert (edit["organization_id"].label, edit["organization_id"].value) == ("Organization", "Acme")
    assert edit["owner_id"].value == "Olga Owner" and edit["owner_id"].kind == "name"
    assert edit["tags"].value == ["vip"] and edit["tags"].kind == "list"
    assert "updated_at" not in edit

    created = {c.field for c in entries[2].changes}
    assert {"given_name", "email", "display_name"} <= created
    assert not created & {"id", "created_at", "updated_at"}


def test_channels_show_in_the_contacts_history(session: Session) -> None:
    ada = create_contact(session=session, data=ContactInput(given_name="Ada")).id
    mobile = add_channel(session=session, contact_id=ada, kind="phone", value="+44 7911 123456", label="mobile")
    update_channel(session=session, channel_id=mobile.id, value="+44 7400 123456")
    remove_channel(session=session, channel_id=mobile.id)
    entries = [e for e in contact_history(session=session, contact_id=ada) if e.table == "contact_channel"]
    assert [e.action for e in entries] == ["trashed", "changed", "created"]
    assert {e.record for e in entries} == {"Phone (mobile)"}
    (value,) = entries[1].changes
    assert (value.value, value.previous, value.kind) == ("+447400123456", "+447911123456", "phone")


def test_trash_restore_and_custom_fields(session: Session) -> None:
    session.add(CustomFieldDef(entity="contact", key="shoe", label="Shoe size", field_type="number"))
    session.add(CustomFieldDef(entity="contact", key="club", label="Club", field_type="text"))
    session.flush()
    ada = create_contact(session=session, data=ContactInput(given_name="Ada", custom={"shoe": 38})).id
    update_contact(session=session, contact_id=ada, changes={"custom": {"shoe": 38, "club": "Chess"}})
    delete_contact(session=session, contact_id=ada)
    restore_contact(session=session, contact_id=ada)
    entries = contact_history(session=session, contact_id=ada)
    assert [e.action for e in entries] == ["restored", "trashed", "changed", "created"]
    (club,) = entries[2].changes
    assert (club.field, club.label, club.value, club.previous) == ("custom.club", "Club", "Chess", None)


def test_organization_history_and_limits(session: Session) -> None:
    acme = create_organization(session=session, data=OrganizationInput(name="Acme")).id
    update_organization(session=session, organization_id=acme, changes={"name": "Acme Ltd"})
    update_organization(session=session, organization_id=acme, changes={"website": "acme.example"})
    entries = organization_history(session=session, organization_id=acme)
    assert [e.action for e in entries] == ["changed", "changed", "created"]
    assert {c.field for c in entries[0].changes} == {"website", "domain"}
    assert [(c.value, c.previous) for c in entries[1].changes] == [("Acme Ltd", "Acme")]
    assert len(record_history(session=session, table="organization", row_id=acme, limit=1)) == 1
    with pytest.raises(ValidationError):
        record_history(session=session, table="nonsense", row_id=acme)
