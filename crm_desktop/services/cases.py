"""Support cases: open, triage (status, priority, assignee), comment, resolve; every step in the case ledger.

The cases table (rows, sorting, search) lives in `case_list.py` and is re-exported here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from crm_desktop.domain import Case, CaseEvent, Contact, Organization, Product, User, case_reference, uuid7
from crm_desktop.domain.enums import OPEN_CASE_STATUSES, CaseEventKind, CasePriority, CaseStatus
from crm_desktop.domain.errors import Conflict, ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import acting_user_id, get_live, moment, move_to_trash, restore_from_trash
from crm_desktop.services.case_list import CASE_SORT_KEYS, CaseRow, count_cases, list_cases
from crm_desktop.services.settings import get_setting

__all__ = [
    "CASE_SORT_KEYS", "CaseRow", "assign_case", "case_events", "comment_case", "count_cases", "delete_case",
    "get_case", "list_cases", "open_case", "resolve_case", "restore_case", "set_case_priority",
    "set_case_status", "update_case",
]  # fmt: skip

_CLOSED = (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)


def _sla_due(session: Session, opened_at: datetime, priority: str) -> datetime | None:
    hours = get_setting(session=session, key="case_sla_hours").get(priority)
    return opened_at + timedelta(hours=float(hours)) if hours else None


def _event(session: Session, case: Case, kind: CaseEventKind, at: datetime, **values: Any) -> CaseEvent:
    event = CaseEvent(case_id=case.id, kind=kind.value, at=at, author_id=acting_user_id(session), **values)
    session.add(event)
    return event


def _check_links(session: Session, values: dict[str, Any]) -> None:
    v.check_ref(session, Contact, values.get("contact_id"), field="contact_id", what="Contact")
    v.check_ref(session, Organization, values.get("organization_id"), field="organization_id", what="Organization")
    v.check_ref(session, Product, values.get("product_id"), field="product_id", what="Product")


def open_case(
    *,
    session: Session,
    subject: str,
    contact_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    description: str | None = None,
    priority: str = "normal",
    category: str | None = None,
    channel: str | None = None,
    product_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> Case:
    """A new case with its short reference and SLA due time from the priority."""
    when = moment(at)
    links = {"contact_id": contact_id, "organization_id": organization_id, "product_id": product_id}
    _check_links(session, links)
    checked_priority = v.check_choice(priority, CasePriority, field="priority")
    if organization_id is None and contact_id is not None:
        organization_id = get_live(session, Contact, contact_id, what="Contact").organization_id
    case_id = uuid7()
    case = Case(
        id=case_id, reference=case_reference(case_id),
        subject=v.require_text(subject, field="subject", model=Case),
        description=v.clean_text(description, field="description"), status=CaseStatus.NEW.value,
        priority=checked_priority, category=v.clean_text(category, field="category", model=Case),
        channel=v.clean_text(channel, field="channel", model=Case), opened_at=when,
        sla_due_at=_sla_due(session, when, checked_priority), contact_id=contact_id,
        organization_id=organization_id, product_id=product_id, created_at=when, updated_at=when,
    )  # fmt: skip
    session.add(case)
    _event(session, case, CaseEventKind.OPENED, when, to_value=case.status)
    session.flush()
    return case


def get_case(*, session: Session, case_id: uuid.UUID, include_deleted: bool = False) -> Case:
    """One case; NotFound when missing or (unless asked for) in the Trash."""
    return get_live(session, Case, case_id, what="Case", include_deleted=include_deleted)


def _move(session: Session, case: Case, status: str, at: datetime) -> None:
    """Change status with its ledger row and the timestamps that follow from it."""
    _event(session, case, CaseEventKind.STATUS, at, from_value=case.status, to_value=status)
    if case.status == CaseStatus.NEW and case.first_response_at is None:
        case.first_response_at = at
    if status == CaseStatus.RESOLVED:
        case.resolved_at = at
        case.closed_at = None
    elif status == CaseStatus.CLOSED:
        case.resolved_at = case.resolved_at or at
        case.closed_at = at
    else:  # back in the queue: it is no longer resolved
        case.resolved_at = None
        case.closed_at = None
    case.status = status


def set_case_status(*, session: Session, case_id: uuid.UUID, status: str, at: datetime | None = None) -> Case:
    """Move a case to another status (a no-op when unchanged)."""
    case = get_case(session=session, case_id=case_id)
    checked = v.check_choice(status, CaseStatus, field="status")
    if checked != case.status:
        _move(session, case, checked, moment(at))
        session.add(case)
        session.flush()
    return case


def set_case_priority(*, session: Session, case_id: uuid.UUID, priority: str, at: datetime | None = None) -> Case:
    """Change how urgent a case is; the SLA due time follows the new priority."""
    case = get_case(session=session, case_id=case_id)
    checked = v.check_choice(priority, CasePriority, field="priority")
    if checked != case.priority:
        _event(session, case, CaseEventKind.PRIORITY, moment(at), from_value=case.priority, to_value=checked)
        case.priority = checked
        case.sla_due_at = _sla_due(session, case.opened_at, checked)
        session.add(case)
        session.flush()
    return case


def assign_case(
    *, session: Session, case_id: uuid.UUID, assignee_id: uuid.UUID | None, at: datetime | None = None
) -> Case:
    """Give a case to a team member (None leaves it unassigned)."""
    case = get_case(session=session, case_id=case_id)
    v.check_ref(session, User, assignee_id, field="assignee_id", what="Team member")
    if assignee_id != case.assignee_id:
        _event(
            session, case, CaseEventKind.ASSIGNMENT, moment(at),
            from_value=case.assignee_id.hex if case.assignee_id else None,
            to_value=assignee_id.hex if assignee_id else None,
        )  # fmt: skip
        case.assignee_id = assignee_id
        session.add(case)
        session.flush()
    return case


def comment_case(*, session: Session, case_id: uuid.UUID, body: str, at: datetime | None = None) -> CaseEvent:
    """Add a comment; the first one counts as the first response."""
    case = get_case(session=session, case_id=case_id)
    text = v.require_text(body, field="body")
    when = moment(at)
    event = _event(session, case, CaseEventKind.COMMENT, when, body=text)
    if case.first_response_at is None:
        case.first_response_at = when
        session.add(case)
    session.flush()
    return event


def resolve_case(
    *,
    session: Session,
    case_id: uuid.UUID,
    resolution: str,
    satisfaction: int | None = None,
    at: datetime | None = None,
) -> Case:
    """Mark a case resolved with what fixed it and, if known, how satisfied the customer was (1–5)."""
    case = get_case(session=session, case_id=case_id)
    if case.status in _CLOSED:
        raise Conflict(f"Case {case.reference} is already {case.status}")
    text = v.require_text(resolution, field="resolution")
    if satisfaction is not None:
        v.check_int(satisfaction, field="satisfaction", minimum=1, maximum=5)
    _move(session, case, CaseStatus.RESOLVED.value, moment(at))
    case.resolution = text
    case.satisfaction = satisfaction
    session.add(case)
    session.flush()
    return case


def case_events(*, session: Session, case_id: uuid.UUID) -> list[CaseEvent]:
    """The history of a case, oldest first."""
    get_case(session=session, case_id=case_id, include_deleted=True)
    stmt = (
        select(CaseEvent)
        .where(CaseEvent.case_id == case_id, col(CaseEvent.deleted_at).is_(None))
        .order_by(col(CaseEvent.at), col(CaseEvent.id))
    )
    return list(session.exec(stmt))


_EDITABLE = frozenset({"subject", "description", "category", "channel", "contact_id", "organization_id", "product_id"})


def update_case(*, session: Session, case_id: uuid.UUID, changes: Mapping[str, Any]) -> Case:
    """Edit a case's details (status, priority and assignee change through their own actions)."""
    case = get_case(session=session, case_id=case_id)
    unknown = sorted(set(changes) - _EDITABLE)
    if unknown:
        raise ValidationError(f"{unknown[0]!r} cannot be edited here", field=unknown[0])
    cleaned: dict[str, Any] = {}
    for key, value in changes.items():
        if key.endswith("_id"):
            cleaned[key] = value
        else:
            model = Case if key != "description" else None
            cleaned[key] = v.clean_text(value, field=key, model=model, required=key == "subject")
    _check_links(session, cleaned)
    for name, value in cleaned.items():
        if getattr(case, name) != value:
            setattr(case, name, value)
    session.add(case)
    session.flush()
    return case


def delete_case(*, session: Session, case_id: uuid.UUID) -> None:
    """Move a case to the Trash."""
    move_to_trash(session, Case, case_id, what="Case")


def restore_case(*, session: Session, case_id: uuid.UUID) -> Case:
    """Bring a case back from the Trash (a no-op for a live one)."""
    return restore_from_trash(session, Case, case_id, what="Case")


def is_open(status: str) -> bool:
    """True while a case still needs work (new, open or pending)."""
    return status in OPEN_CASE_STATUSES
