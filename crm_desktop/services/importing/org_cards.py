"""vCards that describe a company: the organization values they give, and updating a matched organization."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from crm_desktop.domain import Organization
from crm_desktop.services import _validate as v
from crm_desktop.services.importing.cleaning import CleanContact
from crm_desktop.services.organizations import domain_of, update_organization

_ADDRESS = ("street", "city", "region", "postal_code", "country")


def organization_values(record: CleanContact) -> dict[str, Any]:
    """Organization columns from an organization card; what an organization cannot hold becomes a warning."""
    assert record.organization is not None
    values: dict[str, Any] = {"name": record.organization}
    values.update({k: record.fields[k] for k in _ADDRESS if record.fields.get(k)})
    if record.fields.get("phone"):
        values["phone"] = record.fields["phone"]
    if record.websites:
        values["website"] = record.websites[0][0][:500]
        values["domain"] = domain_of(values["website"])
    if record.fields.get("notes"):
        values["notes"] = record.fields["notes"]
    if record.fields.get("tags"):
        values["tags"] = record.fields["tags"]
    if record.fields.get("external_ref"):
        values["external_ref"] = record.fields["external_ref"]
    if record.emails:
        listed = ", ".join(e for e, _ in record.emails)
        record.warnings.append(f"organizations have no e-mail field; {listed[:100]} left out")
    left = [value for value, e164, _ in record.phones if e164 != values.get("phone")]
    if left:
        record.warnings.append(f"an organization keeps one phone number; {', '.join(left)[:100]} left out")
    return values


def update_existing_organization(session: Session, organization_id: uuid.UUID, values: Mapping[str, Any]) -> bool:
    """Give a matched organization the card's values (tags and notes add up); True when something changed."""
    organization = session.get(Organization, organization_id)
    assert organization is not None
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key in ("name", "domain") or value in (None, "", []):
            continue
        current = getattr(organization, key)
        if key == "tags":
            value = v.clean_tags([*current, *value])
        elif key == "notes" and current:
            value = current if value in current else f"{current}\n\n{value}"
        if current != value:
            changes[key] = value
    if changes:
        update_organization(session=session, organization_id=organization_id, changes=changes)
    return bool(changes)
