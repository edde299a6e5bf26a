"""A record's History: who changed which field to what, when — read from the change journal, newest first.

The journal stores raw JSON per field; this turns it into what a person reads: the user's name, the field's
label, decoded values (dates, names instead of ids, custom fields one by one) and the value before each change.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Uuid
from sqlmodel import Session, col, select

from crm_desktop.domain import (
    REPLICATED_MODELS,
    Campaign,
    Contact,
    ContactChannel,
    CustomFieldDef,
    Organization,
    User,
    UTCDateTime,
)
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.store.hlc import Timestamp
from crm_desktop.store.journal import history as journal_history

MODELS: dict[str, Any] = {m.__tablename__: m for m in REPLICATED_MODELS}  # type: ignore[misc]
HIDDEN = frozenset({"id", "created_at", "updated_at", "normalized", "position", "contact_id", "kind"})
LABELS = {
    "given_name": "Given name", "family_name": "Family name", "display_name": "Display name", "title": "Job title",
    "organization_id": "Organization", "owner_id": "Owner", "campaign_id": "Campaign", "assignee_id": "Assignee",
    "user_id": "User", "postal_code": "Postal code", "lifecycle_stage": "Lifecycle stage",
    "lead_status": "Lead status", "marketing_consent": "Marketing consent", "consent_at": "Consent given",
    "consent_how": "Consent obtained", "do_not_contact": "Do not contact", "external_ref": "External reference",
    "merged_into": "Merged into", "deleted_at": "In Trash", "website": "Website", "domain": "Domain",
}  # fmt: skip
_REFERENCES: dict[str, Any] = {
    "organization_id": Organization, "owner_id": User, "assignee_id": User, "user_id": User,
    "campaign_id": Campaign, "merged_into": Contact,
}  # fmt: skip
PHONE_FIELDS = frozenset({"phone"})


@dataclass(frozen=True)
class FieldChange:
    """One field set by one change. `kind` tells the UI how to show the values:
    text, date, moment, bool, list, phone, name (an id shown by its name) or json."""

    field: str
    label: str
    value: Any
    previous: Any
    kind: str


@dataclass(frozen=True)
class HistoryEntry:
    """One change of one record: when, by whom, what (created, changed, trashed, restored)."""

    at: datetime
    hlc: str
    user_name: str | None
    table: str
    row_id: uuid.UUID
    record: str
    action: str
    changes: tuple[FieldChange, ...]


def _kind_of(table: str, field: str) -> str:
    if field in PHONE_FIELDS:
        return "phone"
    if field in _REFERENCES:
        return "name"
    if field == "tags":
        return "list"
    column = MODELS[table].__table__.c.get(field)
    if column is None or isinstance(column.type, JSON):
        return "json"
    for sql_type, kind in ((UTCDateTime, "moment"), (Date, "date"), (Boolean, "bool"), (Uuid, "id")):
        if isinstance(column.type, sql_type):
            return kind
    return "text"


def _decode(raw: str | None, kind: str) -> Any:
    value = json.loads(raw) if raw is not None else None
    if value is None:
        return None
    if kind == "moment":
        return datetime.fromisoformat(str(value).removesuffix("Z")).replace(tzinfo=UTC)
    if kind == "date":
        return date.fromisoformat(str(value))
    if kind in ("name", "id"):
        return uuid.UUID(hex=str(value))
    return value


def record_history(*, session: Session, table: str, row_id: uuid.UUID, limit: int = 500) -> list[HistoryEntry]:
    """The changes of one record, newest first."""
    return _history(session, [(table, row_id)], {}, limit=limit)


def contact_history(*, session: Session, contact_id: uuid.UUID, limit: int = 500) -> list[HistoryEntry]:
    """A contact's changes and those of its extra emails, phones and handles (removed ones too), newest first."""
    channels = session.exec(select(ContactChannel).where(col(ContactChannel.contact_id) == contact_id)).all()
    names = {("contact_channel", c.id): _channel_name(c) for c in channels}
    kinds = {c.id: c.kind for c in channels}
    rows = [("contact", contact_id), *(("contact_channel", c.id) for c in channels)]
    return _history(session, rows, names, limit=limit, channel_kinds=kinds)


def organization_history(*, session: Session, organization_id: uuid.UUID, limit: int = 500) -> list[HistoryEntry]:
    """An organization's changes, newest first."""
    return record_history(session=session, table="organization", row_id=organization_id, limit=limit)


def _channel_name(channel: ContactChannel) -> str:
    noun = {"email": "Email", "phone": "Phone", "url": "Web address", "social": "Social profile"}.get(
        channel.kind, channel.kind.capitalize()
    )
    return f"{noun} ({channel.label})" if channel.label else noun


def _history(
    session: Session,
    rows: Iterable[tuple[str, uuid.UUID]],
    names: Mapping[tuple[str, uuid.UUID], str],
    *,
    limit: int,
    channel_kinds: Mapping[uuid.UUID, str] | None = None,
) -> list[HistoryEntry]:
    v.check_int(limit, field="limit", minimum=1)
    conn = session.connection()
    raw: list[tuple[str, uuid.UUID, dict[str, Any]]] = []
    for table, row_id in rows:
        if table not in MODELS:
            raise ValidationError(f"{table!r} has no history", field="table")
        raw.extend((table, row_id, change) for change in journal_history(conn, table, row_id))
    raw.sort(key=lambda item: item[2]["hlc"])  # oldest first, to know each field's previous value
    labels = _custom_labels(session)
    grouped: dict[tuple[str, str, uuid.UUID], list[tuple[str, Any, Any, str]]] = {}
    users: dict[tuple[str, str, uuid.UUID], str | None] = {}
    last: dict[tuple[str, uuid.UUID, str], Any] = {}
    for table, row_id, change in raw:
        field = change["field"]
        kind = _kind_of(table, field)
        if table == "contact_channel" and field == "value" and (channel_kinds or {}).get(row_id) == "phone":
            kind = "phone"
        value = _decode(change["value"], kind)
        key = (change["hlc"], table, row_id)
        grouped.setdefault(key, []).append((field, value, last.get((table, row_id, field)), kind))
        users[key] = change["user_id"]
        last[(table, row_id, field)] = value
    user_names = _names(session, User, {u for u in users.values() if u})
    ref_names = _reference_names(session, grouped.values())
    entries = [
        _entry(key, fields, user_names.get(users[key] or ""), names, labels, ref_names)
        for key, fields in sorted(grouped.items(), key=lambda item: item[0][0], reverse=True)
    ]
    return [e for e in entries if e.changes or e.action != "changed"][:limit]


def _entry(
    key: tuple[str, str, uuid.UUID],
    fields: list[tuple[str, Any, Any, str]],
    user_name: str | None,
    names: Mapping[tuple[str, uuid.UUID], str],
    custom_labels: Mapping[str, str],
    ref_names: Mapping[uuid.UUID, str],
) -> HistoryEntry:
    hlc, table, row_id = key
    set_fields = {f for f, *_ in fields}
    action = "created" if "created_at" in set_fields else "changed"
    changes: list[FieldChange] = []
    for field, value, previous, kind in fields:
        if field == "deleted_at":
            action = "trashed" if value is not None else "restored"
            continue
        if field in HIDDEN:
            continue
        if field == "custom":
            changes.extend(_custom_changes(value or {}, previous or {}, custom_labels))
            continue
        if kind == "name":
            value, previous = ref_names.get(value, value), ref_names.get(previous, previous)
        changes.append(FieldChange(field, LABELS.get(field, v.label_of(field)), value, previous, kind))
    order = {name: n for n, name in enumerate(MODELS[table].model_fields)}
    changes.sort(key=lambda c: order.get(c.field.split(".")[0], len(order)))
    record = names.get((table, row_id)) or MODELS[table].__name__
    moment = datetime.fromtimestamp(Timestamp.parse(hlc).millis / 1000, UTC)
    return HistoryEntry(moment, hlc, user_name, table, row_id, record, action, tuple(changes))


def _custom_changes(
    value: Mapping[str, Any], previous: Mapping[str, Any], labels: Mapping[str, str]
) -> list[FieldChange]:
    """A custom-fields change, one line per key that changed."""
    keys = [k for k in dict.fromkeys([*value, *previous]) if value.get(k) != previous.get(k)]
    return [
        FieldChange(f"custom.{k}", labels.get(k, v.label_of(k)), value.get(k), previous.get(k), "json") for k in keys
    ]


def _custom_labels(session: Session) -> dict[str, str]:
    return {d.key: d.label for d in session.exec(select(CustomFieldDef))}


def _reference_names(session: Session, groups: Iterable[list[tuple[str, Any, Any, str]]]) -> dict[uuid.UUID, str]:
    wanted: dict[Any, set[uuid.UUID]] = {}
    for fields in groups:
        for field, value, previous, kind in fields:
            if kind == "name":
                model = _REFERENCES[field]
                wanted.setdefault(model, set()).update(x for x in (value, previous) if isinstance(x, uuid.UUID))
    found: dict[uuid.UUID, str] = {}
    for model, ids in wanted.items():
        found.update(_names(session, model, {i.hex for i in ids}, by_uuid=True))
    return found


def _names(session: Session, model: Any, ids: set[str], *, by_uuid: bool = False) -> dict[Any, str]:
    """Display names of rows by id (hex keys, or UUID keys with `by_uuid`), Trash included."""
    if not ids:
        return {}
    name = col(model.display_name) if model is Contact else col(model.name)
    keys = [uuid.UUID(hex=i) for i in ids]
    rows = session.exec(select(col(model.id), name).where(col(model.id).in_(keys)))
    return {(row[0] if by_uuid else row[0].hex): row[1] for row in rows}
