"""Tasks as iCalendar: VTODO or VEVENT per dated task, valid RFC 5545 that icalendar parses back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlmodel import Session

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services.activities import add_task, complete_task
from crm_desktop.services.calendar_export import export_tasks_ics, task_uid, tasks_calendar
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.deals import create_deal
from crm_desktop.services.tasks_due import open_tasks

NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def _seed(session: Session) -> dict[str, object]:
    ada = create_contact(session=session, data=ContactInput(display_name="Ada Lovelace")).id
    deal = create_deal(session=session, title="Analytical engine", contact_id=ada).id
    call = add_task(
        session=session, title="Call Ada; about the engine, really", due_at=NOW + H, remind_at=NOW,
        priority="high", notes="Bring the\nblueprints", contact_id=ada, deal_id=deal,
    )  # fmt: skip
    done = add_task(session=session, title="Send quote", due_at=NOW - H)
    complete_task(session=session, task_id=done.id, at=NOW - 2 * H)
    add_task(session=session, title="Someday", due_at=None)
    return {"call": call.id, "done": done.id}


def _parse(path: Path) -> Calendar:
    raw = path.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")  # CRLF lines
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded at 75 octets
    return Calendar.from_ical(raw)


def test_open_tasks_export_as_vtodos(session: Session, tmp_path: Path) -> None:
    ids = _seed(session)
    out = tmp_path / "tasks.ics"
    assert export_tasks_ics(session=session, out=out, now=NOW) == 1
    calendar = _parse(out)
    assert str(calendar["version"]) == "2.0" and "CRM Desktop" in str(calendar["prodid"])
    (todo,) = calendar.walk("VTODO")
    assert str(todo["uid"]) == task_uid(ids["call"])
    assert str(todo["summary"]) == "Call Ada; about the engine, really"
    assert todo.decoded("due") == NOW + H
    assert todo.decoded("dtstamp") == NOW
    assert str(todo["status"]) == "NEEDS-ACTION" and int(todo["priority"]) == 3
    description = str(todo["description"])
    assert "Contact: Ada Lovelace" in description and "Deal: Analytical engine" in description
    assert "Bring the\nblueprints" in description
    (alarm,) = todo.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger") == NOW
    assert not list(tmp_path.glob("*.part"))


def test_done_tasks_are_completed_vtodos_without_alarms(session: Session, tmp_path: Path) -> None:
    ids = _seed(session)
    out = tmp_path / "all.ics"
    assert export_tasks_ics(session=session, out=out, include_done=True, now=NOW) == 2
    by_uid = {str(t["uid"]): t for t in _parse(out).walk("VTODO")}
    done = by_uid[task_uid(ids["done"])]
    assert str(done["status"]) == "COMPLETED" and done.decoded("completed") == NOW - 2 * H
    assert done.walk("VALARM") == []


def test_events_for_calendars_that_only_import_events(session: Session, tmp_path: Path) -> None:
    _seed(session)
    out = tmp_path / "events.ics"
    export_tasks_ics(session=session, out=out, kind="event", now=NOW)
    (event,) = _parse(out).walk("VEVENT")
    assert event.decoded("dtstart") == NOW + H
    assert event.decoded("duration") == timedelta(minutes=15)
    assert str(event["transp"]) == "TRANSPARENT"
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == NOW


def test_an_unknown_kind_or_missing_folder_writes_nothing(session: Session, tmp_path: Path) -> None:
    _seed(session)
    with pytest.raises(ValidationError, match="to-dos or as events"):
        tasks_calendar(open_tasks(session=session), kind="journal")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="does not exist"):
        export_tasks_ics(session=session, out=tmp_path / "nowhere" / "x.ics")


def test_a_new_export_replaces_the_old_file_with_the_same_uids(session: Session, tmp_path: Path) -> None:
    _seed(session)
    out = tmp_path / "tasks.ics"
    out.write_text("old")
    export_tasks_ics(session=session, out=out, now=NOW)
    first = [str(t["uid"]) for t in _parse(out).walk("VTODO")]
    export_tasks_ics(session=session, out=out, now=NOW + H)
    assert [str(t["uid"]) for t in _parse(out).walk("VTODO")] == first
