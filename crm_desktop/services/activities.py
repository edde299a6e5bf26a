"""Engagement: logged calls, emails and meetings; follow-up tasks; customer feedback (NPS, CSAT)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session, col, select

from crm_desktop.domain import Activity, Case, Contact, Deal, Feedback, Organization, Task, User, utcnow
from crm_desktop.domain.enums import ActivityKind, Direction, FeedbackKind, TaskPriority
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import acting_user_id, get_live, moment


def _check_links(
    session: Session,
    *,
    contact_id: uuid.UUID | None,
    organization_id: uuid.UUID | None,
    deal_id: uuid.UUID | None,
    case_id: uuid.UUID | None,
) -> None:
    v.check_ref(session, Contact, contact_id, field="contact_id", what="Contact")
    v.check_ref(session, Organization, organization_id, field="organization_id", what="Organization")
    v.check_ref(session, Deal, deal_id, field="deal_id", what="Deal")
    v.check_ref(session, Case, case_id, field="case_id", what="Case")


def log_activity(
    *,
    session: Session,
    kind: str,
    subject: str,
    body: str | None = None,
    contact_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    deal_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    direction: str | None = None,
    occurred_at: datetime | None = None,
    duration_minutes: int | None = None,
) -> Activity:
    """Record a call, email, meeting, note, message or visit on the timeline of what it concerns."""
    checked_kind = v.check_choice(kind, ActivityKind, field="kind")
    checked_direction = v.check_optional_choice(direction, Direction, field="direction")
    if duration_minutes is not None:
        v.check_int(duration_minutes, field="duration_minutes", minimum=0, maximum=24 * 60 * 7)
    _check_links(session, contact_id=contact_id, organization_id=organization_id, deal_id=deal_id, case_id=case_id)
    when = moment(occurred_at)
    recorded = min(when, utcnow())  # back-dated entries (imports, demo) keep their history; future ones don't
    activity = Activity(
        kind=checked_kind, direction=checked_direction,
        subject=v.require_text(subject, field="subject", model=Activity),
        body=v.clean_text(body, field="body"), occurred_at=when, duration_minutes=duration_minutes,
        contact_id=contact_id, organization_id=organization_id, deal_id=deal_id, case_id=case_id,
        user_id=acting_user_id(session), created_at=recorded, updated_at=recorded,
    )  # fmt: skip
    session.add(activity)
    session.flush()
    return activity


def list_activities(
    *,
    session: Session,
    contact_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    deal_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    limit: int = 200,
) -> list[Activity]:
    """A timeline, newest first, of the activities linked to the given record(s)."""
    v.check_paging(offset=0, limit=limit)
    stmt = select(Activity).where(col(Activity.deleted_at).is_(None))
    for column, value in (
        (Activity.contact_id, contact_id),
        (Activity.organization_id, organization_id),
        (Activity.deal_id, deal_id),
        (Activity.case_id, case_id),
    ):
        if value is not None:
            stmt = stmt.where(col(column) == value)
    stmt = stmt.order_by(col(Activity.occurred_at).desc(), col(Activity.id).desc()).limit(limit)
    return list(session.exec(stmt))


def add_task(
    *,
    session: Session,
    title: str,
    due_at: datetime | None = None,
    remind_at: datetime | None = None,
    priority: str = "normal",
    notes: str | None = None,
    contact_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    deal_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    assignee_id: uuid.UUID | None = None,
) -> Task:
    """A follow-up to do by a date; unassigned tasks go to the acting user."""
    checked_priority = v.check_choice(priority, TaskPriority, field="priority")
    due = moment(due_at) if due_at is not None else None
    remind = moment(remind_at) if remind_at is not None else None
    if due is not None and remind is not None and remind > due:
        raise ValidationError("The reminder should come before the due time", field="remind_at")
    _check_links(session, contact_id=contact_id, organization_id=organization_id, deal_id=deal_id, case_id=case_id)
    v.check_ref(session, User, assignee_id, field="assignee_id", what="Team member")
    task = Task(
        title=v.require_text(title, field="title", model=Task), due_at=due, remind_at=remind,
        priority=checked_priority, notes=v.clean_text(notes, field="notes"), contact_id=contact_id,
        organization_id=organization_id, deal_id=deal_id, case_id=case_id,
        assignee_id=assignee_id or acting_user_id(session),
    )  # fmt: skip
    session.add(task)
    session.flush()
    return task


def complete_task(*, session: Session, task_id: uuid.UUID, at: datetime | None = None) -> Task:
    """Tick a task off (a no-op when it is already done)."""
    task = get_live(session, Task, task_id, what="Task")
    if task.done_at is None:
        task.done_at = moment(at)
        session.add(task)
        session.flush()
    return task


def reopen_task(*, session: Session, task_id: uuid.UUID) -> Task:
    """Put a done task back on the list (a no-op when it is still open)."""
    task = get_live(session, Task, task_id, what="Task")
    if task.done_at is not None:
        task.done_at = None
        session.add(task)
        session.flush()
    return task


def list_tasks(
    *,
    session: Session,
    open_only: bool = True,
    contact_id: uuid.UUID | None = None,
    deal_id: uuid.UUID | None = None,
    due_before: datetime | None = None,
    limit: int = 200,
) -> list[Task]:
    """Tasks, soonest due first (undated ones last), optionally for one contact or deal."""
    v.check_paging(offset=0, limit=limit)
    stmt = select(Task).where(col(Task.deleted_at).is_(None))
    if open_only:
        stmt = stmt.where(col(Task.done_at).is_(None))
    if contact_id is not None:
        stmt = stmt.where(col(Task.contact_id) == contact_id)
    if deal_id is not None:
        stmt = stmt.where(col(Task.deal_id) == deal_id)
    if due_before is not None:
        stmt = stmt.where(col(Task.due_at) < moment(due_before))
    stmt = stmt.order_by(col(Task.due_at).asc().nulls_last(), col(Task.created_at), col(Task.id)).limit(limit)
    return list(session.exec(stmt))


_SCORE_RANGE = {FeedbackKind.NPS.value: (0, 10), FeedbackKind.CSAT.value: (1, 5)}


def record_feedback(
    *,
    session: Session,
    contact_id: uuid.UUID,
    kind: str,
    score: int | None = None,
    comment: str | None = None,
    case_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> Feedback:
    """Store an NPS (0–10) or CSAT (1–5) score, or a plain comment, from a contact."""
    get_live(session, Contact, contact_id, what="Contact")
    checked_kind = v.check_choice(kind, FeedbackKind, field="kind")
    text = v.clean_text(comment, field="comment")
    if checked_kind in _SCORE_RANGE:
        low, high = _SCORE_RANGE[checked_kind]
        if score is None:
            raise ValidationError(f"A {checked_kind.upper()} answer needs a score from {low} to {high}", field="score")
        v.check_int(score, field="score", minimum=low, maximum=high)
    else:
        if score is not None:
            raise ValidationError("A comment has no score; choose NPS or CSAT to give one", field="score")
        if text is None:
            raise ValidationError("Enter the comment", field="comment")
    v.check_ref(session, Case, case_id, field="case_id", what="Case")
    feedback = Feedback(
        contact_id=contact_id, kind=checked_kind, score=score, comment=text, at=moment(at), case_id=case_id
    )
    session.add(feedback)
    session.flush()
    return feedback
