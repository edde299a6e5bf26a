"""Reading a contact for the pane (one short read transaction) and writing its edits as one undoable action."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from crm_desktop.services.channels import (
    ChannelEdit,
    Choice,
    campaign_choices,
    custom_fields,
    list_channels,
    replace_channels,
)
from crm_desktop.services.contacts import ContactInput, get_contact, update_contact
from crm_desktop.services.errors import NotFound
from crm_desktop.services.organizations import get_organization
from crm_desktop.services.users import list_users
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.contacts.detail.channels_editor import Channel
from crm_desktop.ui.contacts.detail.editor import ContactSnapshot


@dataclass(frozen=True)
class FieldDef:
    """A custom field declaration, copied out of the session."""

    key: str
    label: str
    field_type: str
    choices: list[str]


def load_snapshot(db: Workspace, contact_id: uuid.UUID) -> ContactSnapshot | None:
    """The contact with everything the editor shows; None when it is gone (deleted or moved to the Trash)."""
    with db.read_session() as session:
        try:
            contact = get_contact(session=session, contact_id=contact_id)
        except NotFound:
            return None
        values: dict[str, Any] = {name: getattr(contact, name) for name in ContactInput.model_fields}
        values["tags"] = list(values["tags"] or [])
        values["custom"] = dict(values["custom"] or {})
        organization = None
        if contact.organization_id is not None:
            try:
                org = get_organization(session=session, organization_id=contact.organization_id, include_deleted=True)
                organization = Choice(org.id, org.name)
            except NotFound:
                organization = Choice(contact.organization_id, "(missing organization)")
        channels: dict[str, list[Channel]] = {}
        for channel in list_channels(session=session, contact_id=contact_id):
            channels.setdefault(channel.kind, []).append(Channel(channel.id, channel.label, channel.value))
        users = [Choice(u.id, u.name) for u in list_users(session=session)]
        defs = [
            FieldDef(d.key, d.label, d.field_type, list(d.choices))
            for d in custom_fields(session=session, entity="contact")
        ]
        return ContactSnapshot(
            id=contact.id,
            updated_at=contact.updated_at,
            values=values,
            consent_at=contact.consent_at,
            organization=organization,
            channels=channels,
            users=users,
            campaigns=campaign_choices(session=session),
            custom_defs=defs,  # type: ignore[arg-type]
        )


def same_record(a: ContactSnapshot | None, b: ContactSnapshot | None) -> bool:
    """True when two loads show the same stored contact (its row and its channels unchanged)."""
    if a is None or b is None:
        return a is b
    names = (a.organization.name if a.organization else None, b.organization.name if b.organization else None)
    return (
        a.id == b.id
        and a.updated_at == b.updated_at
        and a.channels == b.channels
        and names[0] == names[1]
        and a.users == b.users
        and a.campaigns == b.campaigns
        and list(a.custom_defs) == list(b.custom_defs)
    )


def save_edits(
    session: Any, contact_id: uuid.UUID, changes: dict[str, Any], channels: dict[str, list[ChannelEdit]]
) -> None:
    """One transaction: the contact's fields, then each edited channel list (all or nothing)."""
    if changes:
        update_contact(session=session, contact_id=contact_id, changes=changes)
    for kind, entries in channels.items():
        replace_channels(session=session, contact_id=contact_id, kind=kind, entries=entries)
