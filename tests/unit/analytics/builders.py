"""Small builders for hand-made analytics timelines: real domain rows added through a workspace session."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlmodel import Session

from crm_desktop.domain import (
    Case,
    Contact,
    Deal,
    DealStageChange,
    Feedback,
    LeadStatusChange,
    LifecycleChange,
    Purchase,
    Subscription,
    case_reference,
)
from crm_desktop.services.reference import seed_id

PIPELINE = seed_id("pipeline", "Sales")


def at(day: date | str, hour: int = 12, minute: int = 0) -> datetime:
    """An aware UTC instant on `day` (noon unless told), so day arithmetic in tests stays obvious."""
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=UTC)


def stage(name: str) -> uuid.UUID:
    """The id of a stage of the default pipeline that every workspace starts with."""
    return seed_id("stage", f"Sales/{name}")


def contact(
    s: Session,
    name: str,
    *,
    created: str = "2024-01-01",
    first_stage: str | None = "lead",
    source: str | None = None,
    statuses: tuple[tuple[str, str], ...] = (("open", ""),),
    lead_status: str | None = None,
    deleted: bool = False,
) -> Contact:
    """A contact with its first lifecycle entry and lead-status history ((status, iso day) pairs)."""
    when = at(created)
    history = [(status, day or created) for status, day in statuses] if statuses else []
    row = Contact(
        display_name=name,
        created_at=when,
        source=source,
        lifecycle_stage=first_stage or "lead",
        lead_status=lead_status or (history[-1][0] if history else None),
        deleted_at=when if deleted else None,
    )
    s.add(row)
    if first_stage:
        s.add(LifecycleChange(contact_id=row.id, from_stage=None, to_stage=first_stage, at=when))
    previous = None
    for status, day in history:
        s.add(LeadStatusChange(contact_id=row.id, from_status=previous, to_status=status, at=at(day)))
        previous = status
    return row


def purchase(s: Session, who: Contact | uuid.UUID, when: datetime | str, cents: int = 1000) -> None:
    contact_id = who.id if isinstance(who, Contact) else who
    s.add(Purchase(contact_id=contact_id, occurred_at=at(when) if isinstance(when, str) else when, amount_cents=cents))


def subscription(s: Session, who: Contact, start: str, cancelled: str | None = None, cents: int = 1000) -> None:
    s.add(
        Subscription(
            contact_id=who.id,
            plan="Plan",
            monthly_amount_cents=cents,
            started_at=at(start),
            cancelled_at=at(cancelled) if cancelled else None,
        )
    )


def deal(
    s: Session,
    title: str,
    *,
    created: str,
    current: str,
    history: tuple[tuple[str, str], ...] = (),
    who: Contact | None = None,
    status: str = "open",
    closed: str | None = None,
    value: int = 0,
    source: str | None = None,
) -> Deal:
    """A deal in the default pipeline; `history` lists (stage entered, iso day) from creation on."""
    row = Deal(
        title=title,
        contact_id=who.id if who else None,
        pipeline_id=PIPELINE,
        stage_id=stage(current),
        status=status,
        value_cents=value,
        created_at=at(created),
        won_at=at(closed) if status == "won" and closed else None,
        lost_at=at(closed) if status == "lost" and closed else None,
        source=source,
    )
    s.add(row)
    previous = None
    for name, day in history:
        s.add(DealStageChange(deal_id=row.id, from_stage_id=previous, to_stage_id=stage(name), at=at(day)))
        previous = stage(name)
    return row


def case(s: Session, who: Contact, *, priority: str, status: str = "open", opened: str = "2024-06-01") -> Case:
    row = Case(
        reference="",
        subject="Broken",
        contact_id=who.id,
        status=status,
        priority=priority,
        opened_at=at(opened),
    )
    row.reference = case_reference(row.id)
    s.add(row)
    return row


def feedback(s: Session, who: Contact, kind: str, score: int, when: str) -> None:
    s.add(Feedback(contact_id=who.id, kind=kind, score=score, at=at(when)))
