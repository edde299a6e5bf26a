"""Tasks as an iCalendar file (RFC 5545), so they show up in the calendar or to-do app people already use.

Two shapes: VTODO (to-dos: Apple Reminders, Thunderbird, Evolution) or VEVENT (short events: Google
Calendar and Outlook import only events). UIDs are the task ids, so importing a newer export updates the
same entries instead of duplicating them. A task's reminder becomes a VALARM.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlmodel import Session

if TYPE_CHECKING:  # icalendar is imported on first export: it costs 80 ms at every start otherwise
    from icalendar import Alarm, Calendar, Event, Todo

from crm_desktop.domain.errors import Cancelled, StorageError, ValidationError
from crm_desktop.services.settings import get_setting
from crm_desktop.services.tasks_due import DueTask, open_tasks

CalendarKind = Literal["todo", "event"]
PRODID = "-//CRM Desktop//Tasks//EN"
UID_DOMAIN = "crm-desktop"
EVENT_LENGTH = timedelta(minutes=15)
PRIORITY = {"urgent": 1, "high": 3, "normal": 5, "low": 9}  # RFC 5545 §3.8.1.9: 1 highest, 9 lowest


def task_uid(task_id: object) -> str:
    """The stable UID of a task's calendar entry."""
    return f"{task_id}@{UID_DOMAIN}"


def _description(task: DueTask) -> str:
    lines = []
    if task.contact_name:
        lines.append(f"Contact: {task.contact_name}")
    if task.deal_title:
        lines.append(f"Deal: {task.deal_title}")
    if task.notes:
        lines.append(task.notes)
    return "\n".join(lines)


def _alarm(task: DueTask, at: datetime) -> Alarm:
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", task.title)  # DISPLAY alarms must carry a description (§3.6.6)
    alarm.add("trigger", at.astimezone(UTC))  # absolute trigger: TRIGGER;VALUE=DATE-TIME, in UTC
    return alarm


def _component(task: DueTask, kind: CalendarKind, stamp: datetime) -> Todo | Event:
    assert task.due_at is not None
    due = task.due_at.astimezone(UTC)
    from icalendar import Event, Todo

    entry: Todo | Event = Todo() if kind == "todo" else Event()
    entry.add("uid", task_uid(task.id))
    entry.add("dtstamp", stamp)
    entry.add("summary", task.title)
    description = _description(task)
    if description:
        entry.add("description", description)
    entry.add("priority", PRIORITY.get(task.priority, 0))
    if kind == "todo":
        entry.add("due", due)
        if task.done_at is not None:
            entry.add("status", "COMPLETED")
            entry.add("completed", task.done_at.astimezone(UTC))
            entry.add("percent-complete", 100)
        else:
            entry.add("status", "NEEDS-ACTION")
    else:
        entry.add("dtstart", due)
        entry.add("duration", EVENT_LENGTH)
        entry.add("transp", "TRANSPARENT")  # a reminder, not a meeting: it does not block the calendar
        entry.add("status", "CONFIRMED")
    if task.done_at is None:
        alarm_at = task.remind_at or (due if kind == "event" else None)
        if alarm_at is not None:
            entry.add_component(_alarm(task, alarm_at))
    return entry


def tasks_calendar(
    tasks: Iterable[DueTask],
    *,
    kind: CalendarKind = "todo",
    name: str = "CRM Desktop tasks",
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> Calendar:
    """A VCALENDAR holding one VTODO or VEVENT per task that has a due time."""
    if kind not in ("todo", "event"):
        raise ValidationError("Export tasks as to-dos or as events", field="kind")
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for number, task in enumerate(tasks, 1):
        if task.due_at is not None:
            calendar.add_component(_component(task, kind, stamp))
        if progress is not None:
            progress(number)
    return calendar


def export_tasks_ics(
    *,
    session: Session,
    out: Path,
    kind: CalendarKind = "todo",
    include_done: bool = False,
    owner_id: uuid.UUID | None = None,
    now: datetime | None = None,
    progress: Callable[[float, str], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> int:
    """Write the open (or all) dated tasks to an .ics file, replacing it only once complete; returns the count."""
    out = Path(out)
    if not out.parent.is_dir():
        raise ValidationError(f"The folder {out.parent} does not exist.", field="out")
    tasks = open_tasks(session=session, include_done=include_done, owner_id=owner_id)
    name = f"{get_setting(session=session, key='business_name')} tasks"
    total = max(len(tasks), 1)

    def step(number: int) -> None:
        if should_cancel is not None and number % 200 == 0 and should_cancel():
            raise Cancelled("Export cancelled — no file was written")
        if progress is not None and number % 200 == 0:
            progress(number / total, f"{number:,} of {len(tasks):,} tasks")

    data = tasks_calendar(tasks, kind=kind, name=name, now=now, progress=step).to_ical()
    partial = out.with_name(out.name + ".part")
    try:
        with open(partial, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"Could not write {out}: {exc.strerror or exc}") from exc
    if progress is not None:
        progress(1.0, f"{len(tasks):,} tasks exported")
    return len(tasks)
