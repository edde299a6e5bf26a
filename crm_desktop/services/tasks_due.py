"""Due tasks and reminders: what is overdue, due today and due in the next days, and when to remind next.

Everything is selected in SQL over the open-task index (`ix_task_open_due`: done_at, due_at), so the
panel and the reminder timer stay cheap with tens of thousands of tasks. Days are calendar days in the
business time zone. A task's reminder moment is its `remind_at` when set, otherwise its due time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func
from sqlmodel import Session, col, select

from crm_desktop.domain import Contact, Deal, Task
from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services._common import get_live, moment
from crm_desktop.services.activities import complete_task, reopen_task

__all__ = [
    "WEEK_DAYS", "DueTask", "DueTasks", "complete_task", "day_bounds", "due_tasks", "next_due_after",
    "open_tasks", "reminders_between", "reopen_task", "reschedule_task", "snooze_task",
]  # fmt: skip

WEEK_DAYS = 7  # "next 7 days": today and the six days after it


@dataclass(frozen=True)
class DueTask:
    """One open task as the due list shows it, with the names of what it concerns."""

    id: uuid.UUID
    title: str
    due_at: datetime | None
    remind_at: datetime | None
    priority: str
    notes: str | None
    contact_id: uuid.UUID | None
    contact_name: str | None
    deal_id: uuid.UUID | None
    deal_title: str | None
    done_at: datetime | None = None

    @property
    def concerns(self) -> str:
        """'Ada Lovelace · Espresso machines' — who and what the task is about ('' when nothing)."""
        return " · ".join(part for part in (self.contact_name, self.deal_title) if part)


@dataclass(frozen=True)
class DueTasks:
    """Open tasks in three buckets; each list holds at most `limit` rows, the counts are exact."""

    now: datetime
    today: date
    overdue: list[DueTask]
    due_today: list[DueTask]
    this_week: list[DueTask]
    overdue_count: int
    today_count: int
    week_count: int

    @property
    def total(self) -> int:
        return self.overdue_count + self.today_count + self.week_count


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The first moment of `day` and of the day after, in the business time zone (DST-safe)."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def _open(owner_id: uuid.UUID | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(Task.done_at).is_(None), col(Task.deleted_at).is_(None)]
    if owner_id is not None:
        conditions.append(col(Task.assignee_id) == owner_id)
    return conditions


def _rows(session: Session, where: list[Any], order: list[Any], limit: int) -> list[DueTask]:
    stmt: Any = (
        select(  # type: ignore[call-overload]
            Task.id, Task.title, Task.due_at, Task.remind_at, Task.priority, Task.notes, Task.contact_id,
            Contact.display_name, Task.deal_id, Deal.title, Task.done_at,
        )
        .select_from(Task)
        .outerjoin(Contact, col(Contact.id) == col(Task.contact_id))
        .outerjoin(Deal, col(Deal.id) == col(Task.deal_id))
        .where(*where)
        .order_by(*order)
        .limit(limit)
    )  # fmt: skip
    return [
        DueTask(
            id=r[0], title=r[1], due_at=r[2], remind_at=r[3], priority=r[4], notes=r[5], contact_id=r[6],
            contact_name=r[7], deal_id=r[8], deal_title=r[9], done_at=r[10],
        )
        for r in session.exec(stmt)
    ]  # fmt: skip


def due_tasks(
    *, session: Session, now: datetime, tz: tzinfo, owner_id: uuid.UUID | None = None, limit: int = 100
) -> DueTasks:
    """Open tasks due before the end of the next 7 days, split into overdue, today and the days after.

    Overdue means due before `now` (most recently overdue first, so a long backlog does not bury this
    week's misses); today means due from `now` to midnight; the week bucket runs from tomorrow through
    the sixth day after today. Undated and done tasks are not due.
    """
    v.check_paging(offset=0, limit=limit)
    now = moment(now)
    today = now.astimezone(tz).date()
    _, tomorrow = day_bounds(today, tz)
    _, week_end = day_bounds(today + timedelta(days=WEEK_DAYS - 1), tz)
    due = col(Task.due_at)
    base = [*_open(owner_id), due.is_not(None), due < week_end]
    counts = session.exec(
        select(
            func.count(case((due < now, 1))),
            func.count(case((and_(due >= now, due < tomorrow), 1))),
            func.count(case((due >= tomorrow, 1))),
        ).where(*base)
    ).one()
    ascending = [due.asc(), col(Task.id).asc()]
    return DueTasks(
        now=now,
        today=today,
        overdue=_rows(session, [*base, due < now], [due.desc(), col(Task.id).desc()], limit),
        due_today=_rows(session, [*base, due >= now, due < tomorrow], ascending, limit),
        this_week=_rows(session, [*base, due >= tomorrow], ascending, limit),
        overdue_count=int(counts[0]),
        today_count=int(counts[1]),
        week_count=int(counts[2]),
    )


def open_tasks(
    *, session: Session, owner_id: uuid.UUID | None = None, include_done: bool = False, limit: int = 100_000
) -> list[DueTask]:
    """Tasks with a due time (open ones, or all when `include_done`), soonest first: what a calendar gets."""
    v.check_paging(offset=0, limit=limit)
    where: list[Any] = [col(Task.deleted_at).is_(None), col(Task.due_at).is_not(None)]
    if not include_done:
        where.append(col(Task.done_at).is_(None))
    if owner_id is not None:
        where.append(col(Task.assignee_id) == owner_id)
    return _rows(session, where, [col(Task.due_at).asc(), col(Task.id).asc()], limit)


def next_due_after(*, session: Session, moment: datetime, owner_id: uuid.UUID | None = None) -> datetime | None:
    """The first reminder moment of an open task strictly after `moment` (None when nothing is coming)."""
    after = _aware(moment)
    remind = session.exec(
        select(func.min(col(Task.remind_at))).where(*_open(owner_id), col(Task.remind_at) > after)
    ).one()
    due = session.exec(
        select(func.min(col(Task.due_at))).where(
            *_open(owner_id), col(Task.due_at) > after, col(Task.remind_at).is_(None)
        )
    ).one()
    found = [_utc(value) for value in (remind, due) if value is not None]
    return min(found) if found else None


def reminders_between(
    *, session: Session, after: datetime, until: datetime, owner_id: uuid.UUID | None = None, limit: int = 50
) -> list[DueTask]:
    """Open tasks whose reminder moment falls in (`after`, `until`]: what to announce after a timer tick."""
    v.check_paging(offset=0, limit=limit)
    start, end = _aware(after), _aware(until)
    remind, due = col(Task.remind_at), col(Task.due_at)
    by_reminder = _rows(session, [*_open(owner_id), remind > start, remind <= end], [remind.asc()], limit)
    by_due = _rows(session, [*_open(owner_id), remind.is_(None), due > start, due <= end], [due.asc()], limit)
    found = sorted(by_reminder + by_due, key=lambda t: (t.remind_at or t.due_at, t.id))  # type: ignore[arg-type,return-value]
    return found[:limit]


def reschedule_task(*, session: Session, task_id: uuid.UUID, due_at: datetime) -> Task:
    """Move a task's due time; its reminder keeps the same lead time (e.g. one hour before)."""
    task = get_live(session, Task, task_id, what="Task")
    new_due = moment(due_at)
    if task.remind_at is not None:
        lead = (task.due_at - task.remind_at) if task.due_at is not None else timedelta(0)
        task.remind_at = new_due - max(lead, timedelta(0))
    task.due_at = new_due
    session.add(task)
    session.flush()
    return task


def snooze_task(*, session: Session, task_id: uuid.UUID, until: datetime) -> Task:
    """Remind again at `until` (the due time stays: an overdue task stays overdue until it is done)."""
    task = get_live(session, Task, task_id, what="Task")
    if task.done_at is not None:
        raise ValidationError("This task is already done; reopen it to be reminded again", field="until")
    task.remind_at = moment(until)
    session.add(task)
    session.flush()
    return task


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValidationError("times must carry a time zone")
    return value


def _utc(value: datetime) -> datetime:
    """Aggregates over a UTC column come back as naive text on SQLite: make them aware UTC again."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
