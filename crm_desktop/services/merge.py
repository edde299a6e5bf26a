"""Merging duplicate contacts into one: the user picks each field's value, every linked record follows.

One transaction, undoable with `services.undo`. Deals, cases, activities, tasks, feedback, subscriptions,
referrals (both sides), channels and contacts merged earlier into a merged one are re-pointed at the survivor
(Trash rows too, so a restore finds a live contact); channels repeating a survivor value go to the Trash.
Purchases are re-pointed although that ledger is otherwise append-only: the sale (amount, date, lines) is
untouched, only the customer it is filed under changes, and churn and revenue must see one customer, not two.
Points never move: correcting ledger rows transfer the balance (and the lifetime points, so the tier is kept).
Lifecycle and lead-status history stays on the merged contact: interleaved with the survivor's it would give
two "became a lead" starts and a stage path nobody took; analytics skip contacts in the Trash, so the person
counts once. The merged contacts go to the Trash with `merged_into` naming the survivor.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from crm_desktop.domain import (
    Activity,
    Campaign,
    Case,
    Contact,
    ContactChannel,
    CustomFieldDef,
    Deal,
    Feedback,
    Organization,
    PointsEntry,
    Purchase,
    Referral,
    Subscription,
    Task,
    User,
    utcnow,
)
from crm_desktop.domain.enums import ChannelKind, LifecycleStage, PointsReason
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import get_live
from crm_desktop.services.contacts import update_contact
from crm_desktop.services.loyalty import lifetime_points, points_balance
from crm_desktop.services.settings import get_setting

MAX_MERGE = 10
# (link name, model, column): rows re-pointed from a merged contact to the survivor
MOVED_LINKS: tuple[tuple[str, type[Any], str], ...] = (
    ("deals", Deal, "contact_id"), ("cases", Case, "contact_id"), ("activities", Activity, "contact_id"),
    ("tasks", Task, "contact_id"), ("purchases", Purchase, "contact_id"), ("feedback", Feedback, "contact_id"),
    ("subscriptions", Subscription, "contact_id"), ("referrals", Referral, "referrer_id"),
    ("referrals", Referral, "referred_id"), ("merged contacts", Contact, "merged_into"),
)  # fmt: skip
# (table, column) deliberately left on the merged contact (see the module docstring); channels are special
KEPT_LINKS = frozenset({("lifecycle_change", "contact_id"), ("lead_status_change", "contact_id"),
                        ("points_entry", "contact_id")})  # fmt: skip
CHANNEL_LINK = ("contact_channel", "contact_id")

FIELDS = (
    "display_name", "given_name", "family_name", "title", "organization_id", "email", "phone", "street", "city",
    "region", "postal_code", "country", "birthday", "owner_id", "source", "campaign_id", "lifecycle_stage",
    "lead_status", "marketing_consent", "do_not_contact", "external_ref", "notes",
)  # fmt: skip
ADDRESS = ("street", "city", "region", "postal_code", "country")
NAME_FIELDS = frozenset({"display_name", "given_name", "family_name", "email"})
LABELS = {
    "display_name": "Name", "given_name": "First name", "family_name": "Last name", "organization_id": "Organization",
    "owner_id": "Owner", "campaign_id": "Campaign", "external_ref": "External reference",
}  # fmt: skip
REFS: dict[str, type[Any]] = {"organization_id": Organization, "owner_id": User, "campaign_id": Campaign}
STAGE_RANK = {s.value: r for r, s in enumerate((LifecycleStage.OTHER, LifecycleStage.SUBSCRIBER, LifecycleStage.LEAD,
              LifecycleStage.OPPORTUNITY, LifecycleStage.CHURNED, LifecycleStage.CUSTOMER))}  # fmt: skip


@dataclass(frozen=True)
class FieldOption:
    """What one contact holds in a field: the value and how to show it."""

    contact_id: uuid.UUID
    value: Any
    text: str


@dataclass(frozen=True)
class MergeField:
    """One field of the merge dialog: each contact's value and the one chosen unless the user says otherwise.

    `default_contact_id` names the contact the default comes from; None when it is a combination (notes).
    """

    name: str
    label: str
    options: tuple[FieldOption, ...]
    default_contact_id: uuid.UUID | None
    default_value: Any
    differs: bool


@dataclass(frozen=True)
class MergeCandidate:
    """One contact about to be merged: who it is and how much hangs off it."""

    id: uuid.UUID
    display_name: str
    lifecycle_stage: str
    created_at: datetime
    links: Mapping[str, int]
    points_balance: int


@dataclass(frozen=True)
class MergePreview:
    """Everything the merge dialog shows, for a given survivor (defaults depend on it)."""

    survivor_id: uuid.UUID
    contacts: tuple[MergeCandidate, ...]
    fields: tuple[MergeField, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class MergeResult:
    """What a merge did."""

    survivor_id: uuid.UUID
    merged_ids: tuple[uuid.UUID, ...]
    moved: Mapping[str, int]
    points_transferred: int


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _value(contact: Contact, name: str) -> Any:
    if name.startswith("custom."):
        return contact.custom.get(name.removeprefix("custom."))
    return getattr(contact, name)


def _contacts(session: Session, ids: Sequence[uuid.UUID]) -> list[Contact]:
    unique = list(dict.fromkeys(ids))
    if len(unique) != len(ids):
        raise ValidationError("The same contact was chosen twice", field="contact_ids")
    if not 2 <= len(unique) <= MAX_MERGE:
        raise ValidationError(f"Choose between 2 and {MAX_MERGE} contacts to merge", field="contact_ids")
    return [get_live(session, Contact, i, what="Contact") for i in unique]


def _field_names(contacts: Sequence[Contact]) -> list[str]:
    keys = dict.fromkeys(k for c in contacts for k in c.custom)
    return [*FIELDS, *(f"custom.{k}" for k in keys)]


def _live_ref(session: Session, name: str, value: Any) -> bool:
    row = session.get(REFS[name], value) if name in REFS and value is not None else None
    return name not in REFS or (row is not None and row.deleted_at is None)


def _defaults(session: Session, contacts: Sequence[Contact], names: Sequence[str]) -> dict[str, tuple[Any, Any]]:
    """For each field, (source contact id or None, value) chosen when the user does not pick: contacts[0] is the
    survivor; blanks are filled from the others; address and lifecycle/lead status come as one piece."""
    survivor = contacts[0]
    chosen: dict[str, tuple[Any, Any]] = {}
    with_address = next((c for c in contacts if any(not _blank(getattr(c, f)) for f in ADDRESS)), survivor)
    furthest = max(contacts, key=lambda c: STAGE_RANK.get(c.lifecycle_stage, 0))  # first of equals: survivor
    cautious = next((c for c in contacts if c.do_not_contact), survivor)
    for name in names:
        source: Contact | None
        if name in ADDRESS:
            source = with_address
        elif name in ("lifecycle_stage", "lead_status"):
            source = furthest
        elif name == "do_not_contact":
            source = cautious
        elif name == "marketing_consent":
            source = survivor  # consent is a legal matter: never taken over silently
        elif name == "notes":
            notes = list(dict.fromkeys(c.notes.strip() for c in contacts if c.notes and c.notes.strip()))
            if len(notes) > 1:
                chosen[name] = (None, "\n\n".join(notes))
                continue
            source = next((c for c in contacts if c.notes and c.notes.strip()), survivor)
        else:
            filled = (c for c in contacts if not _blank(_value(c, name)) and _live_ref(session, name, _value(c, name)))
            source = next(filled, survivor)
        chosen[name] = (source.id, _value(source, name))
    return chosen


def _text(session: Session, name: str, value: Any) -> str:
    if _blank(value):
        return ""
    if name in REFS:
        row = session.get(REFS[name], value)
        return str(getattr(row, "name", "")) if row is not None else "(deleted)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.isoformat()
    if name == "phone":
        return v.format_phone(value, str(get_setting(session=session, key="default_region")))
    return str(value)


def _link_counts(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
    """Live linked records per contact, one GROUP BY per link."""
    counts: dict[uuid.UUID, dict[str, int]] = {i: {} for i in ids}
    links = [*((n, m, c) for n, m, c in MOVED_LINKS if m is not Contact), ("channels", ContactChannel, "contact_id")]
    for name, model, column in links:
        ref = col(getattr(model, column))
        stmt = select(ref, func.count()).where(ref.in_(ids), col(model.deleted_at).is_(None)).group_by(ref)
        for contact_id, n in session.exec(stmt):  # type: ignore[call-overload]
            counts[contact_id][name] = counts[contact_id].get(name, 0) + int(n)
    return counts


def merge_preview(
    *, session: Session, contact_ids: Sequence[uuid.UUID], survivor_id: uuid.UUID | None = None
) -> MergePreview:
    """Each mergeable field with every contact's value and the default pick, and what hangs off each contact.

    Without `survivor_id` the contact with the most linked records (then the oldest) is suggested.
    """
    contacts = _contacts(session, contact_ids)
    counts = _link_counts(session, [c.id for c in contacts])
    if survivor_id is None:
        survivor_id = max(contacts, key=lambda c: (sum(counts[c.id].values()), -c.created_at.timestamp())).id
    if survivor_id not in counts:
        raise ValidationError("The contact to keep must be one of the contacts being merged", field="survivor_id")
    ordered = sorted(contacts, key=lambda c: c.id != survivor_id)
    names = _field_names(ordered)
    defaults = _defaults(session, ordered, names)
    labels = _custom_labels(session)
    fields = []
    for name in names:
        options = tuple(FieldOption(c.id, _value(c, name), _text(session, name, _value(c, name))) for c in contacts)
        distinct = {repr(o.value) for o in options if not _blank(o.value)}
        label = labels.get(name) or LABELS.get(name) or v.label_of(name)
        fields.append(MergeField(name, label, options, *defaults[name], differs=len(distinct) > 1))
    candidates = tuple(
        MergeCandidate(c.id, c.display_name, c.lifecycle_stage, c.created_at, counts[c.id],
                       points_balance(session=session, contact_id=c.id))
        for c in contacts
    )  # fmt: skip
    tags = tuple(v.clean_tags(t for c in ordered for t in c.tags))
    return MergePreview(survivor_id, candidates, tuple(fields), tags)


def _custom_labels(session: Session) -> dict[str, str]:
    stmt = select(CustomFieldDef).where(CustomFieldDef.entity == "contact", col(CustomFieldDef.deleted_at).is_(None))
    return {f"custom.{d.key}": d.label for d in session.exec(stmt)}


def merge_contacts(
    *,
    session: Session,
    survivor_id: uuid.UUID,
    merged_ids: Sequence[uuid.UUID],
    choices: Mapping[str, Any] | None = None,
) -> MergeResult:
    """Merge `merged_ids` into `survivor_id`: chosen field values, united tags, every link moved, one transaction.

    `choices` maps a field name (as in `merge_preview`, custom fields as "custom.<key>") to the id of the
    merged contact whose value to take, or to an explicit value (validated like an edit). Fields not named
    get the preview's default. The merged contacts go to the Trash with `merged_into` set.
    """
    if survivor_id in merged_ids:
        raise ValidationError("The contact to keep cannot also be merged away", field="survivor_id")
    contacts = _contacts(session, [survivor_id, *merged_ids])
    survivor, merged = contacts[0], contacts[1:]
    by_id = {c.id: c for c in contacts}
    names = _field_names(contacts)
    unknown = sorted(set(choices or {}) - set(names))
    if unknown:
        raise ValidationError(f"{unknown[0]!r} is not a field that can be merged", field=unknown[0])
    picked = _defaults(session, contacts, names)
    for name, choice in (choices or {}).items():
        from_contact = isinstance(choice, uuid.UUID) and choice in by_id
        picked[name] = (choice, _value(by_id[choice], name)) if from_contact else (None, choice)
    primaries = [(kind, value) for c in contacts for kind, value in (("email", c.email), ("phone", c.phone))]
    _apply_fields(session, contacts, picked)
    moved = _move_links(session, survivor, merged)
    moved["channels"] = _merge_channels(session, survivor, merged, primaries)
    transferred = sum(_transfer_points(session, survivor, m) for m in merged)
    now = utcnow()
    for m in merged:
        m.merged_into, m.deleted_at = survivor.id, now
        session.add(m)
    session.flush()
    return MergeResult(survivor.id, tuple(m.id for m in merged), moved, transferred)


def _apply_fields(session: Session, contacts: Sequence[Contact], picked: Mapping[str, tuple[Any, Any]]) -> None:
    """Write the picked values on the survivor (contacts[0]) through `update_contact`: validated, with ledger rows."""
    survivor = contacts[0]
    changes = {n: val for n, (_, val) in picked.items() if "." not in n and val != getattr(survivor, n)}
    custom = {k: val for k, val in survivor.custom.items() if f"custom.{k}" not in picked}
    custom |= {n.removeprefix("custom."): val for n, (_, val) in picked.items() if "." in n and not _blank(val)}
    if custom != survivor.custom:
        changes["custom"] = custom
    tags = v.clean_tags(t for c in contacts for t in c.tags)
    if tags != survivor.tags:
        changes["tags"] = tags
    if NAME_FIELDS & changes.keys():
        changes["display_name"] = picked["display_name"][1]  # keep the chosen name, not one derived anew
    consent = next((c for c in contacts[1:] if c.id == picked["marketing_consent"][0]), None)
    if consent is not None and consent.consent_how != survivor.consent_how:
        changes["consent_how"] = consent.consent_how
    if changes:
        update_contact(session=session, contact_id=survivor.id, changes=changes)
    if consent is not None and survivor.consent_at != consent.consent_at:
        survivor.consent_at = consent.consent_at  # when and how the person agreed, not when we merged
        session.add(survivor)
        session.flush()


def _move_links(session: Session, survivor: Contact, merged: Sequence[Contact]) -> dict[str, int]:
    """Re-point every row naming a merged contact at the survivor (rows in the Trash too)."""
    ids = [m.id for m in merged]
    moved: dict[str, int] = {}
    session.flush()  # nothing else may ride along while ledger rewrites are allowed below
    for name, model, column in MOVED_LINKS:
        rows = session.exec(select(model).where(col(getattr(model, column)).in_(ids))).all()
        for row in rows:
            setattr(row, column, survivor.id)
            session.add(row)
        previous = session.info.get("allow_ledger_rewrite")
        session.info["allow_ledger_rewrite"] = model is Purchase  # the one ledger re-attributed (docstring)
        try:
            session.flush()
        finally:
            session.info["allow_ledger_rewrite"] = previous
        if rows and model is not Contact:
            moved[name] = moved.get(name, 0) + len(rows)
    return moved


def _channel_key(kind: str, value: str) -> tuple[str, str]:
    return kind, value if kind == ChannelKind.PHONE.value else value.strip().lower()


def _merge_channels(
    session: Session, survivor: Contact, merged: Sequence[Contact], primaries: Sequence[tuple[str, str | None]]
) -> int:
    """Channels follow the survivor without repeating a value it has; every email and phone any of the contacts
    had as its primary and that the survivor no longer shows is kept as an extra channel."""
    own = session.exec(select(ContactChannel).where(ContactChannel.contact_id == survivor.id)).all()
    taken = {_channel_key(c.kind, c.normalized or c.value) for c in own if c.deleted_at is None}
    taken |= {_channel_key(k, val) for k, val in (("email", survivor.email), ("phone", survivor.phone)) if val}
    position = max((c.position for c in own), default=-1) + 1
    count = 0
    theirs = session.exec(
        select(ContactChannel)
        .where(col(ContactChannel.contact_id).in_([m.id for m in merged]))
        .order_by(col(ContactChannel.contact_id), col(ContactChannel.position))
    ).all()
    now = utcnow()
    for channel in theirs:
        key = _channel_key(channel.kind, channel.normalized or channel.value)
        if channel.deleted_at is None and key in taken:
            channel.deleted_at = now  # the survivor already has this value
        else:
            channel.contact_id, channel.position = survivor.id, position
            position, count = position + 1, count + 1
            if channel.deleted_at is None:
                taken.add(key)
        session.add(channel)
    for kind, value in primaries:
        if value and _channel_key(kind, value) not in taken:
            key = _channel_key(kind, value)
            session.add(ContactChannel(contact_id=survivor.id, kind=kind, value=value, normalized=key[1],
                                       position=position))  # fmt: skip
            taken.add(key)
            position, count = position + 1, count + 1
    session.flush()
    return count


def _transfer_points(session: Session, survivor: Contact, merged: Contact) -> int:
    """Correcting ledger rows: the merged balance leaves it and reaches the survivor, lifetime points included."""
    balance = points_balance(session=session, contact_id=merged.id)
    lifetime = lifetime_points(session=session, contact_id=merged.id)
    name, reason, at = merged.display_name, PointsReason.ADJUSTMENT.value, utcnow()
    for contact_id, delta, note in (
        (merged.id, -balance, f"Merged into {survivor.display_name}"),
        (survivor.id, lifetime, f"Merged from {name}: points earned there"),
        (survivor.id, balance - lifetime, f"Merged from {name}: points spent or expired there"),
    ):
        if delta:
            session.add(PointsEntry(contact_id=contact_id, delta=delta, reason=reason, at=at, note=note))
    session.flush()
    return balance
