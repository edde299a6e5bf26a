"""Data-subject rights (GDPR art. 15 and 17, DESIGN §7): all data held about one contact, and erasing them.

`contact_data` gathers everything about a person (the contact and any duplicates merged into it) for an
access request, written as JSON or as a readable PDF. `erase_contact` anonymizes the person everywhere,
including the old values kept in the change journal, while the anonymous ledgers (purchases, points, stage
and lifecycle changes) stay, so revenue, churn and conversion figures do not move.

Erasure is irreversible by design: it leaves nothing for Edit → Undo (its edits are withheld from the undo
stack; run it in a plain session, not through the undo stack), and on SQLite it overwrites the freed pages.
What it cannot reach: backups taken before it (they keep the person until rotated away) and other copies of
the workspace (a teammate's laptop gets the anonymized values by sync, but its own journal keeps the old ones).
Mentions are found by the person's full name, email, phone, street and references as written in the record;
a nickname or a differently written phone number in free text is not recognized.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, or_, select, text
from sqlmodel import Session, col

from crm_desktop.domain import (
    Activity,
    Campaign,
    Case,
    CaseEvent,
    Contact,
    ContactChannel,
    Deal,
    DealLine,
    DealStageChange,
    Feedback,
    LeadStatusChange,
    LifecycleChange,
    LostReason,
    Organization,
    Pipeline,
    PointsEntry,
    Product,
    Purchase,
    PurchaseLine,
    Referral,
    Stage,
    Subscription,
    Task,
    User,
    utcnow,
)
from crm_desktop.domain.errors import StorageError
from crm_desktop.services._common import get_live
from crm_desktop.services.exporting._codec import plain_row
from crm_desktop.services.exporting._files import atomic_text, check_target
from crm_desktop.services.settings import get_setting
from crm_desktop.store import Database
from crm_desktop.store import erase as erase_store
from crm_desktop.store.fts import refresh_contacts
from crm_desktop.store.journal import INFO_KEY, JournalContext

log = logging.getLogger("crm_desktop.services")
FORMAT = "crm-desktop-contact-data"
ERASED_NAME = "Erased contact"
ERASED_TEXT = "[erased]"
CONTACT_PERSONAL = (
    "given_name", "family_name", "display_name", "title", "email", "phone", "street", "city", "region",
    "postal_code", "country", "birthday", "notes", "tags", "custom", "external_ref", "consent_at", "consent_how",
)  # fmt: skip
CHANNEL_PERSONAL = ("value", "normalized", "label")
# Free text of the person's own activities, tasks, cases (and their events) and feedback: replaced whole.
OWN_TEXT: dict[type[Any], tuple[str, ...]] = {
    Activity: ("subject", "body"), Task: ("title", "notes"), Case: ("subject", "description", "resolution"),
    CaseEvent: ("body",), Feedback: ("comment",),
}  # fmt: skip
# Free text anywhere that may name the person: each mention replaced.
FREE_TEXT: dict[type[Any], tuple[str, ...]] = {
    **OWN_TEXT, Deal: ("title", "notes", "lost_note"), DealLine: ("description",), Purchase: ("note",),
    PurchaseLine: ("description",), PointsEntry: ("note",), Subscription: ("cancel_reason",), Contact: ("notes",),
    Organization: ("notes",), Campaign: ("notes",), Product: ("description",),
}  # fmt: skip
TABLE_OF = {
    "channels": "contact_channel", "deals": "deal", "deal_lines": "deal_line",
    "deal_stage_changes": "deal_stage_change", "cases": "support_case", "case_events": "case_event",
    "activities": "activity", "tasks": "task",
    "purchases": "purchase", "purchase_lines": "purchase_line", "subscriptions": "subscription",
    "points": "points_entry", "referrals": "referral", "feedback": "feedback",
    "lead_status_history": "lead_status_change", "lifecycle_history": "lifecycle_change",
}  # fmt: skip
_CHANGES = text(
    "SELECT hlc, row_id, field, value, user_id FROM change WHERE table_name = :t AND row_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
MIN_MENTION = 4  # shorter strings (initials, "Li") would erase unrelated words


def person_ids(session: Session, contact_id: uuid.UUID) -> list[uuid.UUID]:
    """The contact and every contact merged into it, directly or through earlier merges."""
    found, frontier = [contact_id], [contact_id]
    while frontier:
        merged = list(session.execute(select(Contact.id).where(col(Contact.merged_into).in_(frontier))).scalars())
        frontier = [m for m in merged if m not in found]
        found += frontier
    return found


def contact_data(*, session: Session, contact_id: uuid.UUID) -> dict[str, Any]:
    """Everything held about one person, as plain JSON values, for a data-subject access request."""
    contact = get_live(session, Contact, contact_id, what="Contact", include_deleted=True)
    ids = person_ids(session, contact.id)
    names = _Names(session)
    people = _rows(session, Contact, col(Contact.id).in_(ids), Contact.created_at)
    deals = _rows(session, Deal, col(Deal.contact_id).in_(ids), Deal.created_at)
    deal_ids = [uuid.UUID(d["id"]) for d in deals]
    cases = _rows(session, Case, col(Case.contact_id).in_(ids), Case.opened_at)
    case_ids = [uuid.UUID(c["id"]) for c in cases]
    purchases = _rows(session, Purchase, col(Purchase.contact_id).in_(ids), Purchase.occurred_at)
    points = _rows(session, PointsEntry, col(PointsEntry.contact_id).in_(ids), PointsEntry.at)
    about = {
        "channels": _rows(session, ContactChannel, col(ContactChannel.contact_id).in_(ids), ContactChannel.position),
        "deals": deals,
        "deal_lines": _rows(session, DealLine, col(DealLine.deal_id).in_(deal_ids), DealLine.position),
        "deal_stage_changes": _rows(session, DealStageChange, col(DealStageChange.deal_id).in_(deal_ids)),
        "cases": cases,
        "case_events": _rows(session, CaseEvent, col(CaseEvent.case_id).in_(case_ids), CaseEvent.at),
        "activities": _rows(session, Activity, _linked(Activity, ids, deal_ids, case_ids), Activity.occurred_at),
        "tasks": _rows(session, Task, _linked(Task, ids, deal_ids, case_ids), Task.created_at),
        "purchases": purchases,
        "purchase_lines": _rows(
            session, PurchaseLine, col(PurchaseLine.purchase_id).in_([uuid.UUID(p["id"]) for p in purchases])
        ),
        "subscriptions": _rows(session, Subscription, col(Subscription.contact_id).in_(ids), Subscription.started_at),
        "points": points,
        "referrals": _rows(
            session, Referral, or_(col(Referral.referrer_id).in_(ids), col(Referral.referred_id).in_(ids))
        ),
        "feedback": _rows(session, Feedback, col(Feedback.contact_id).in_(ids), Feedback.at),
        "lead_status_history": _rows(session, LeadStatusChange, col(LeadStatusChange.contact_id).in_(ids)),
        "lifecycle_history": _rows(session, LifecycleChange, col(LifecycleChange.contact_id).in_(ids)),
    }
    for deal in deals:
        deal.update(stage=names.of(Stage, deal["stage_id"]), pipeline=names.of(Pipeline, deal["pipeline_id"]))
        deal["lost_reason"] = names.of(LostReason, deal["lost_reason_id"])
    for change in about["deal_stage_changes"]:
        change.update(
            from_stage=names.of(Stage, change["from_stage_id"]), to_stage=names.of(Stage, change["to_stage_id"])
        )
    for person in people:
        person["organization"] = names.of(Organization, person["organization_id"])
        person["campaign"] = names.of(Campaign, person["campaign_id"])
        person["owner"] = names.of(User, person["owner_id"])
    for activity in about["activities"]:
        activity["user"] = names.of(User, activity["user_id"])
    for task in about["tasks"]:
        task["assignee"] = names.of(User, task["assignee_id"])
    subject = next(p for p in people if p["id"] == str(contact.id))
    tables = {"contact": people, **{TABLE_OF[key]: rows for key, rows in about.items()}}
    return {
        "format": FORMAT,
        "version": 1,
        "generated_at": utcnow().isoformat(),
        "contact": subject,
        "merged_contacts": [p for p in people if p is not subject],
        "consent": {key: subject[key] for key in ("marketing_consent", "consent_at", "consent_how", "do_not_contact")},
        **about,
        "points_balance": sum(p["delta"] for p in points if p["deleted_at"] is None),
        "changes": _journal(session, tables, names),
    }


def write_contact_data_json(*, session: Session, contact_id: uuid.UUID, out: Path) -> Path:
    """Write `contact_data` as indented UTF-8 JSON to `out`."""
    data = contact_data(session=session, contact_id=contact_id)
    with atomic_text(out) as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return Path(out)


def write_contact_data_pdf(*, session: Session, contact_id: uuid.UUID, out: Path) -> Path:
    """Write `contact_data` as a readable PDF in the business's name, paper size and locale."""
    from crm_desktop.reports.privacy import build_contact_data_pdf  # ReportLab loads only when a PDF is made

    out = check_target(out)
    data = contact_data(session=session, contact_id=contact_id)
    try:
        return build_contact_data_pdf(
            out=out,
            data=data,
            business_name=str(get_setting(session=session, key="business_name")),
            paper_size=str(get_setting(session=session, key="paper_size")),
            locale=str(get_setting(session=session, key="locale")),
        )
    except OSError as exc:
        raise StorageError(f"Could not write {out}: {exc.strerror or exc}") from exc


@dataclass(frozen=True)
class ErasureSummary:
    """What an erasure anonymized."""

    contacts: int  # the contact and duplicates merged into it
    records: int  # channels, activities, tasks, cases, deals, notes… whose text was anonymized
    journal_values: int  # old values forgotten in the change journal


def erase_contact(*, session: Session, contact_id: uuid.UUID) -> ErasureSummary:
    """Anonymize a person everywhere, for good: not undoable (see the module docstring)."""
    contact = get_live(session, Contact, contact_id, what="Contact", include_deleted=True)
    ctx: JournalContext = session.info[INFO_KEY]
    undoable_before = len(ctx.edits)
    conn = session.connection()
    ids = person_ids(session, contact.id)
    people = list(session.execute(select(Contact).where(col(Contact.id).in_(ids))).scalars())
    channels = list(session.execute(select(ContactChannel).where(col(ContactChannel.contact_id).in_(ids))).scalars())
    mentions = _mentions(people, channels)
    start = ctx.clock.now()  # journal values older than this are forgotten
    forget: set[tuple[str, str, str]] = set()
    changed: set[tuple[str, uuid.UUID]] = set()
    rewrite = session.info.get("allow_ledger_rewrite")
    session.info["allow_ledger_rewrite"] = True  # ledger rows keep their figures; only their free text goes
    try:
        with erase_store.secure_delete(conn):
            for person in people:
                _blank(person, CONTACT_PERSONAL)
                person.display_name, person.marketing_consent, person.do_not_contact = ERASED_NAME, False, True
                forget.update(("contact", person.id.hex, name) for name in CONTACT_PERSONAL)
            for channel in channels:
                channel.value, channel.normalized, channel.label = ERASED_TEXT, None, None
                channel.deleted_at = channel.deleted_at or utcnow()
                forget.update(("contact_channel", channel.id.hex, name) for name in CHANNEL_PERSONAL)
            session.add_all([*people, *channels])
            session.flush()
            for row, names in _own_rows(session, ids):
                _replace_whole(row, names)
                changed.add((row.__tablename__, row.id))
                forget.update((row.__tablename__, row.id.hex, name) for name in names)
            session.flush()
            for row, names in _rows_mentioning(session, mentions, exclude=set(ids)):
                changed.add((row.__tablename__, row.id))
                forget.update((row.__tablename__, row.id.hex, name) for name in names)
            session.flush()
            forget.update(_journal_mentions(session, mentions))
            forgotten = erase_store.scrub_journal(conn, sorted(forget), before=start)
            refresh_contacts(conn, [i.hex for i in ids])
            erase_store.compact_search_index(conn)
    finally:
        session.info["allow_ledger_rewrite"] = rewrite
    del ctx.edits[undoable_before:]  # nothing to undo: undo would write the person back
    return ErasureSummary(contacts=len(people), records=len(channels) + len(changed), journal_values=forgotten)


def erase_contact_for_good(*, db: Database, contact_id: uuid.UUID) -> ErasureSummary:
    """Erase in one transaction, then move the write-ahead log into the file so no copy of old pages lingers."""
    with db.session() as session:
        summary = erase_contact(session=session, contact_id=contact_id)
    if not erase_store.flush_write_ahead_log(db.engine):
        log.warning("erasure committed; an open reader kept old pages in the write-ahead log until the database closes")
    return summary


def _blank(row: Any, names: Iterable[str]) -> None:
    for name in names:
        setattr(row, name, [] if name == "tags" else {} if name == "custom" else None)


def _replace_whole(row: Any, names: Sequence[str]) -> None:
    for name in names:
        if getattr(row, name) is not None:
            setattr(row, name, ERASED_TEXT)


def _mentions(people: Sequence[Contact], channels: Sequence[ContactChannel]) -> list[str]:
    """Strings that identify the person in free text: names, addresses, numbers, references."""
    found: set[str] = set()
    for p in people:
        full = " ".join(part for part in (p.given_name, p.family_name) if part)
        found.update(v for v in (p.display_name, full, p.email, p.phone, p.street, p.external_ref) if v)
    found.update(v for c in channels for v in (c.value, c.normalized) if v)
    usable = {m.strip() for m in found if len(m.strip()) >= MIN_MENTION}
    return sorted(usable - {ERASED_NAME, ERASED_TEXT}, key=len, reverse=True)


def _like(mention: str) -> str:
    return "%" + mention.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _own_rows(session: Session, ids: list[uuid.UUID]) -> Iterable[tuple[Any, tuple[str, ...]]]:
    """The person's own activities, tasks, cases, case events and feedback, with their free-text fields."""
    deal_ids = list(session.execute(select(Deal.id).where(col(Deal.contact_id).in_(ids))).scalars())
    case_ids = list(session.execute(select(Case.id).where(col(Case.contact_id).in_(ids))).scalars())
    wheres: dict[type[Any], ColumnElement[bool]] = {
        Activity: _linked(Activity, ids, deal_ids, case_ids), Task: _linked(Task, ids, deal_ids, case_ids),
        Case: col(Case.id).in_(case_ids), CaseEvent: col(CaseEvent.case_id).in_(case_ids),
        Feedback: col(Feedback.contact_id).in_(ids),
    }  # fmt: skip
    for model, where in wheres.items():
        for row in session.execute(select(model).where(where)).scalars():
            yield row, OWN_TEXT[model]


def _rows_mentioning(
    session: Session, mentions: list[str], *, exclude: set[uuid.UUID]
) -> Iterable[tuple[Any, list[str]]]:
    """Rows anywhere whose free text mentions the person, each mention replaced; yields (row, fields changed)."""
    if not mentions:
        return
    patterns = [re.compile(re.escape(m), re.IGNORECASE) for m in mentions]
    for model, names in FREE_TEXT.items():
        test = or_(*(getattr(model, n).like(_like(m), escape="\\") for n in names for m in mentions))
        for row in session.execute(select(model).where(test)).scalars():
            if row.id in exclude:
                continue
            fields = []
            for name in names:
                value = getattr(row, name)
                if value is None:
                    continue
                for pattern in patterns:
                    value = pattern.sub(ERASED_TEXT, value)
                if value != getattr(row, name):
                    setattr(row, name, value)
                    fields.append(name)
            if fields:
                session.add(row)
                yield row, fields


def _journal_mentions(session: Session, mentions: list[str]) -> set[tuple[str, str, str]]:
    """(table, row, field) of free-text values in the journal that ever mentioned the person."""
    if not mentions:
        return set()
    pairs = {(model.__tablename__, name) for model, names in FREE_TEXT.items() for name in names}
    where = " OR ".join(f"value LIKE :m{n} ESCAPE '\\'" for n in range(len(mentions)))
    rows = session.connection().execute(
        text(f"SELECT table_name, row_id, field FROM change WHERE {where}"),
        {f"m{n}": _like(m) for n, m in enumerate(mentions)},
    )
    return {(t, r, f) for t, r, f in rows if (t, f) in pairs}


def _linked(
    model: type[Activity | Task], ids: list[uuid.UUID], deal_ids: list[uuid.UUID], case_ids: list[uuid.UUID]
) -> ColumnElement[bool]:
    return or_(col(model.contact_id).in_(ids), col(model.deal_id).in_(deal_ids), col(model.case_id).in_(case_ids))


def _rows(session: Session, model: type[Any], where: ColumnElement[bool], *order: Any) -> list[dict[str, Any]]:
    table: Table = model.__table__
    stmt = select(table).where(where).order_by(*order, table.c.id)
    return [plain_row(r) for r in session.connection().execute(stmt).mappings()]


class _Names:
    """Names of linked records by id (pipeline, stage, user…), each looked up once."""

    def __init__(self, session: Session) -> None:
        self.session, self.cache = session, {}

    def of(self, model: type[Any], row_id: str | uuid.UUID | None) -> str | None:
        """The name of the row with this id (UUID, canonical or hex text), None when missing."""
        if row_id is None:
            return None
        key = (model, str(row_id))
        if key not in self.cache:
            found = self.session.execute(select(model.name).where(model.id == uuid.UUID(str(row_id)))).scalars().first()
            self.cache[key] = found
        return self.cache[key]


def _journal(session: Session, tables: dict[str, list[dict[str, Any]]], names: _Names) -> list[dict[str, Any]]:
    """The change journal entries of these rows, oldest first, values decoded, authors named."""
    entries: list[dict[str, Any]] = []
    conn = session.connection()
    for table, rows in tables.items():
        ids = [uuid.UUID(r["id"]).hex for r in rows]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" for _ in chunk)
            result = conn.exec_driver_sql(
                f"SELECT hlc, row_id, field, value, user_id FROM change WHERE table_name = ? AND row_id IN ({marks})",
                (table, *chunk),
            )
            for hlc, row_id, field, value, user_id in result:
                entries.append({
                    "at": hlc[:24], "clock": hlc, "table": table, "row_id": str(uuid.UUID(row_id)), "field": field,
                    "value": None if value is None else json.loads(value), "by": names.of(User, user_id),
                })  # fmt: skip
    entries.sort(key=lambda e: (e["clock"], e["table"], e["row_id"], e["field"]))
    return entries
