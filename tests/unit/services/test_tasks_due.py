"""Due tasks: overdue / today / next days in the business time zone, reminders, completing and snoozing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from crm_desktop.domain.errors import NotFound, ValidationError
from crm_desktop.services.activities import add_task
from crm_desktop.services.contacts import ContactInput, create_contact, delete_contact
from crm_desktop.services.deals import create_deal
from crm_desktop.services.tasks_due import (
    complete_task,
    day_bounds,
    due_tasks,
    next_due_after,
    open_tasks,
    reminders_between,
    reopen_task,
    reschedule_task,
    snooze_task,
)
from crm_desktop.services.users import create_user
from tests.unit.services.plans import query_plans

NY = ZoneInfo("America/New_York")
NOW = datetime(2024, 3, 6, 15, 0, tzinfo=NY)  # a Wednesday afternoon in New York
H = timedelta(hours=1)
D = timedelta(days=1)


def task(session: Session, title: str, due: datetime | None, **links: object) -> uuid.UUID:
    return add_task(session=session, title=title, due_at=due, **links).id  # type: ignore[arg-type]


def test_buckets_follow_the_business_calendar_day(session: Session) -> None:
    ada = create_contact(session=session, data=ContactInput(display_name="Ada")).id
    deal = create_deal(session=session, title="Engines", contact_id=ada).id
    task(session, "long ago", NOW - 30 * D)
    task(session, "this morning", NOW - 5 * H, contact_id=ada)
    task(session, "tonight", NOW.replace(hour=23, minute=30), contact_id=ada, deal_id=deal)
    task(session, "tomorrow early", NOW.replace(hour=0, minute=5) + D)
    task(session, "in six days", NOW + 6 * D)
    task(session, "in seven days", NOW.replace(hour=0, minute=1) + 7 * D)  # outside the window
    task(session, "undated", None)
    done = task(session, "done already", NOW - H)
    complete_task(session=session, task_id=done)

    due = due_tasks(session=session, now=NOW, tz=NY)
    assert due.today == NOW.date()
    assert [t.title for t in due.overdue] == ["this morning", "long ago"]  # most recently overdue first
    assert [t.title for t in due.due_today] == ["tonight"]
    assert [t.title for t in due.this_week] == ["tomorrow early", "in six days"]
    assert (due.overdue_count, due.today_count, due.week_count, due.total) == (2, 1, 2, 5)
    (tonight,) = due.due_today
    assert (tonight.contact_name, tonight.deal_title, tonight.concerns) == ("Ada", "Engines", "Ada · Engines")

    # 23:30 New York is already tomorrow in UTC: the same instant seen from UTC moves buckets
    utc_view = due_tasks(session=session, now=NOW, tz=UTC)
    assert "tonight" not in [t.title for t in utc_view.due_today]


def test_counts_are_exact_when_rows_are_limited(session: Session) -> None:
    for n in range(7):
        task(session, f"late {n}", NOW - (n + 1) * H)
    due = due_tasks(session=session, now=NOW, tz=NY, limit=3)
    assert len(due.overdue) == 3 and due.overdue_count == 7
    with pytest.raises(ValidationError):
        due_tasks(session=session, now=NOW, tz=NY, limit=-1)


def test_owner_filter_and_deleted_tasks(session: Session) -> None:
    bob = create_user(session=session, name="Bob").id
    task(session, "mine", NOW + H)
    task(session, "bob's", NOW + 2 * H, assignee_id=bob)
    assert [t.title for t in due_tasks(session=session, now=NOW, tz=NY, owner_id=bob).due_today] == ["bob's"]
    ada = create_contact(session=session, data=ContactInput(display_name="Ada")).id
    task(session, "for a deleted contact", NOW + 3 * H, contact_id=ada)
    delete_contact(session=session, contact_id=ada)  # the task still exists and still names the person
    assert "Ada" in [t.contact_name for t in due_tasks(session=session, now=NOW, tz=NY).due_today]


def test_naive_now_is_refused(session: Session) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        due_tasks(session=session, now=datetime(2024, 3, 6, 12, 0), tz=NY)
    with pytest.raises(ValidationError, match="time zone"):
        next_due_after(session=session, moment=datetime(2024, 3, 6, 12, 0))


def test_day_bounds_handle_daylight_saving() -> None:
    start, end = day_bounds(datetime(2024, 3, 10).date(), NY)  # clocks go forward: a 23-hour day
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)


def test_next_due_after_uses_the_reminder_when_set(session: Session) -> None:
    assert next_due_after(session=session, moment=NOW) is None
    task(session, "past", NOW - H)
    first = task(session, "call", NOW + 3 * H)
    add_task(session=session, title="prepare", due_at=NOW + 5 * H, remind_at=NOW + 2 * H)
    assert next_due_after(session=session, moment=NOW) == (NOW + 2 * H).astimezone(UTC)
    assert next_due_after(session=session, moment=NOW + 2 * H) == (NOW + 3 * H).astimezone(UTC)
    complete_task(session=session, task_id=first)
    assert next_due_after(session=session, moment=NOW + 2 * H) is None  # "prepare" reminded already


def test_reminders_between_is_half_open(session: Session) -> None:
    task(session, "at three", NOW)
    add_task(session=session, title="reminded", due_at=NOW + 4 * H, remind_at=NOW + H)
    task(session, "later", NOW + 2 * H)
    titles = [t.title for t in reminders_between(session=session, after=NOW - H, until=NOW + H)]
    assert titles == ["at three", "reminded"]
    assert [t.title for t in reminders_between(session=session, after=NOW, until=NOW + H)] == ["reminded"]
    assert reminders_between(session=session, after=NOW + 4 * H, until=NOW + 5 * H) == []  # reminded before


def test_complete_reopen_reschedule_and_snooze(session: Session) -> None:
    tid = add_task(session=session, title="call", due_at=NOW, remind_at=NOW - H).id
    moved = reschedule_task(session=session, task_id=tid, due_at=NOW + D)
    assert (moved.due_at, moved.remind_at) == (NOW + D, NOW + D - H)  # the reminder keeps its lead time
    snoozed = snooze_task(session=session, task_id=tid, until=NOW + 2 * H)
    assert snoozed.remind_at == NOW + 2 * H and snoozed.due_at == NOW + D
    complete_task(session=session, task_id=tid, at=NOW)
    assert due_tasks(session=session, now=NOW, tz=NY).total == 0
    with pytest.raises(ValidationError, match="already done"):
        snooze_task(session=session, task_id=tid, until=NOW + 3 * H)
    reopen_task(session=session, task_id=tid)
    assert due_tasks(session=session, now=NOW, tz=NY).week_count == 1
    with pytest.raises(NotFound):
        reschedule_task(session=session, task_id=uuid.uuid4(), due_at=NOW)


def test_open_tasks_for_the_calendar(session: Session) -> None:
    task(session, "b", NOW + D)
    task(session, "a", NOW)
    task(session, "undated", None)
    done = task(session, "done", NOW - D)
    complete_task(session=session, task_id=done)
    assert [t.title for t in open_tasks(session=session)] == ["a", "b"]
    assert [t.title for t in open_tasks(session=session, include_done=True)] == ["done", "a", "b"]


def test_due_queries_stay_on_the_open_task_index(session: Session) -> None:
    task(session, "soon", NOW + H)
    plans = query_plans(session, lambda: due_tasks(session=session, now=NOW, tz=NY))
    plans += query_plans(session, lambda: next_due_after(session=session, moment=NOW))
    task_plans = [p.split(" | ")[0] for p in plans]
    assert all(p.startswith("SEARCH task USING INDEX ix_task_open_due") for p in task_plans), task_plans
