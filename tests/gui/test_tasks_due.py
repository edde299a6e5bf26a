"""The Due tasks dock: buckets, tick to complete (undoable), reminders on a fake clock, .ics export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from PySide6.QtCore import Qt

from crm_desktop.services.activities import add_task, list_tasks
from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.tasks_due import due_tasks
from crm_desktop.ui.tasks.delegate import SUBTITLE_ROLE
from crm_desktop.ui.tasks.reminders import CHECK_EVERY_MS, LATE_MARGIN_MS
from tests.gui.conftest import open_window

NOW = datetime(2024, 3, 6, 10, 0, tzinfo=UTC)  # the business time zone is UTC by default
H = timedelta(hours=1)
D = timedelta(days=1)


class FakeClock:
    """Time that moves only when a test says so."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def tasks_window(qtbot: Any, empty_db: Any, clock: FakeClock) -> Iterator[Any]:
    """A window on a small known task list, with the panel and reminders on the fake clock."""
    with empty_db.session() as session:
        ada = create_contact(session=session, data=ContactInput(given_name="Ada", family_name="Lovelace")).id
        add_task(session=session, title="Send the quote", due_at=NOW - D, contact_id=ada, priority="high")
        add_task(session=session, title="Call Ada", due_at=NOW + 2 * H, contact_id=ada)
        add_task(session=session, title="Prepare the demo", due_at=NOW + 3 * D)
        add_task(session=session, title="Someday", due_at=None)
    window = open_window(qtbot, empty_db)
    window.due_panel.clock = window.reminders.clock = clock
    window.reminders.start()
    window.due_panel.reload(force=True)
    window.show_due_tasks(True)
    yield window
    window.close()


def _groups(panel: Any) -> list[str]:
    return [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]


def _titles(panel: Any) -> list[str]:
    return [item.text(0) for item in panel.task_items().values()]


def test_the_dock_groups_tasks_and_the_status_bar_counts_overdue(tasks_window: Any) -> None:
    panel = tasks_window.due_panel
    assert tasks_window.due_dock.isVisible() and tasks_window.action_map["show_due_tasks"].isChecked()
    assert _groups(panel) == ["Overdue (1)", "Today (1)", "Next 7 days (1)"]
    assert sorted(_titles(panel)) == ["Call Ada", "Prepare the demo", "Send the quote"]
    assert panel.summary.text() == "1 overdue   ·   1 today   ·   1 next 7 days"
    items = {item.text(0): item for item in panel.task_items().values()}
    assert items["Call Ada"].data(0, SUBTITLE_ROLE) == "Ada Lovelace" and items["Call Ada"].text(1) == "12:00"
    assert tasks_window.due_button.isVisible() and tasks_window.due_button.text() == "1 overdue task"

    tasks_window.action_map["show_due_tasks"].trigger()  # View → Due Tasks toggles the dock
    assert not tasks_window.due_dock.isVisible() and not tasks_window.action_map["show_due_tasks"].isChecked()
    tasks_window.due_button.click()
    assert tasks_window.due_dock.isVisible()


def test_ticking_a_task_completes_it_and_undo_brings_it_back(qtbot: Any, tasks_window: Any, empty_db: Any) -> None:
    panel = tasks_window.due_panel
    item = next(i for i in panel.task_items().values() if i.text(0) == "Send the quote")
    item.setCheckState(0, Qt.CheckState.Checked)
    with empty_db.read_session() as session:
        assert "Send the quote" not in [t.title for t in list_tasks(session=session)]
    qtbot.waitUntil(lambda: "Send the quote" not in _titles(panel))
    assert _groups(panel) == ["Today (1)", "Next 7 days (1)"]
    qtbot.waitUntil(lambda: tasks_window.due_button.text() == "1 task due today")

    undo = tasks_window.action_map["undo"]
    assert undo.text() == "&Undo Complete “Send the quote”"
    undo.trigger()
    with empty_db.read_session() as session:
        assert "Send the quote" in [t.title for t in list_tasks(session=session)]
    qtbot.waitUntil(lambda: "Send the quote" in _titles(panel))


def test_snooze_and_move_to_tomorrow_are_undoable(qtbot: Any, tasks_window: Any, empty_db: Any) -> None:
    panel = tasks_window.due_panel
    call = next(i for i in panel.task_items().values() if i.text(0) == "Call Ada").data(0, Qt.ItemDataRole.UserRole + 1)
    assert panel.move_to_tomorrow(call)
    qtbot.waitUntil(lambda: _groups(panel) == ["Overdue (1)", "Next 7 days (2)"])
    with empty_db.read_session() as session:
        (moved,) = [t for t in list_tasks(session=session) if t.title == "Call Ada"]
        assert moved.due_at == NOW + D + 2 * H  # same time of day, tomorrow
    tasks_window.action_map["undo"].trigger()
    qtbot.waitUntil(lambda: _groups(panel) == ["Overdue (1)", "Today (1)", "Next 7 days (1)"])
    assert panel.snooze(call, H)
    with empty_db.read_session() as session:
        (snoozed,) = [t for t in list_tasks(session=session) if t.title == "Call Ada"]
        assert snoozed.remind_at == NOW + H


def test_double_click_asks_to_open_the_contact(qtbot: Any, tasks_window: Any) -> None:
    panel = tasks_window.due_panel
    item = next(i for i in panel.task_items().values() if i.text(0) == "Call Ada")
    with qtbot.waitSignal(panel.open_contact) as blocker:
        panel.tree.itemActivated.emit(item, 0)
    assert blocker.args[0] == item.data(0, Qt.ItemDataRole.UserRole + 1).contact_id
    assert tasks_window.tabs.currentWidget() is tasks_window.contacts


def test_a_reminder_fires_when_a_task_comes_due(qtbot: Any, tasks_window: Any, clock: FakeClock) -> None:
    reminders, notifier = tasks_window.reminders, tasks_window.notifier
    assert reminders.next_moment == NOW + 2 * H  # "Call Ada"
    assert reminders.timer.isActive() and reminders.timer.interval() == CHECK_EVERY_MS  # nothing within a minute
    clock.now = NOW + 2 * H - timedelta(seconds=30)
    reminders.check()
    assert notifier.last is None
    assert reminders.timer.interval() == 30_000 + LATE_MARGIN_MS  # wakes exactly at the due moment

    clock.now = NOW + 2 * H + timedelta(seconds=1)
    with qtbot.waitSignal(reminders.fired) as fired:
        reminders.timer.timeout.emit()
    assert [t.title for t in fired.args[0]] == ["Call Ada"]
    assert notifier.last == ("Task due: Call Ada", "Ada Lovelace — Due 6 Mar 2024 12:00")
    assert notifier.popup.isVisible() and notifier.popup.title.text() == "Task due: Call Ada"
    assert "Task due: Call Ada" in tasks_window.statusBar().currentMessage()
    assert "Call Ada" in [t.title for t in tasks_window.due_panel.due.overdue]  # the panel moved on too

    notifier.last = None
    reminders.check()  # announced once only
    assert notifier.last is None
    with qtbot.waitSignal(tasks_window.notifier.activated):
        notifier.popup.show_button.click()
    assert not notifier.popup.isVisible() and tasks_window.due_dock.isVisible()


def test_a_task_added_while_running_reschedules_the_timer(qtbot: Any, tasks_window: Any, empty_db: Any) -> None:
    with empty_db.session() as session:
        add_task(session=session, title="Quick call", due_at=NOW + timedelta(seconds=20))
    qtbot.waitUntil(lambda: tasks_window.reminders.next_moment == NOW + timedelta(seconds=20))
    assert tasks_window.reminders.timer.interval() == 20_000 + LATE_MARGIN_MS


def test_export_ics_writes_a_calendar_that_parses(qtbot: Any, tasks_window: Any, tmp_path: Path) -> None:
    panel = tasks_window.due_panel
    panel.ask_path = lambda kind: tmp_path / f"my-{kind}"  # no file dialog in tests; the suffix is added
    todo_action = panel.export_button.menu().actions()[0]
    todo_action.trigger()
    qtbot.waitUntil(lambda: panel.last_task is not None and panel.last_task.done, timeout=10_000)
    calendar = Calendar.from_ical((tmp_path / "my-todo.ics").read_bytes())
    assert sorted(str(t["summary"]) for t in calendar.walk("VTODO")) == [
        "Call Ada",
        "Prepare the demo",
        "Send the quote",
    ]
    qtbot.waitUntil(lambda: "Exported 3 tasks to my-todo.ics" in tasks_window.statusBar().currentMessage())


def test_the_panel_query_matches_the_service(tasks_window: Any, empty_db: Any) -> None:
    with empty_db.read_session() as session:
        due = due_tasks(session=session, now=NOW, tz=UTC)
    assert tasks_window.due_panel.due.total == due.total == 3
