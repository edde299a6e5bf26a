"""The Due tasks panel: overdue, today and the next 7 days; tick to complete (undoable), export to a calendar."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import time, timedelta
from pathlib import Path
from typing import Any

from babel.dates import format_time
from PySide6.QtCore import QPoint, QStandardPaths, Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.calendar_export import CalendarKind, export_tasks_ics
from crm_desktop.services.errors import Cancelled, CRMError
from crm_desktop.services.tasks_due import (
    DueTask,
    DueTasks,
    complete_task,
    day_bounds,
    due_tasks,
    reschedule_task,
    snooze_task,
)
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.errors import error_box
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import RED, marker
from crm_desktop.ui.style import make_muted
from crm_desktop.ui.tasks.delegate import SUBTITLE_ROLE, TwoLineDelegate
from crm_desktop.ui.tasks.reminders import Clock, system_clock
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.workers import ProgressDialog, Task, TaskContext, TaskRunner, run_with_progress

WATCHES = frozenset({"task", "contact", "deal"})
SHOWN_PER_GROUP = 100
TASK_ROLE = Qt.ItemDataRole.UserRole + 1
GROUPS = (("overdue", "Overdue"), ("due_today", "Today"), ("this_week", "Next 7 days"))
EXPORT_KINDS: dict[CalendarKind, str] = {
    "todo": "As to-dos (Apple Reminders, Thunderbird)…",
    "event": "As calendar events (Google Calendar, Outlook)…",
}


class DueTasksPanel(QWidget):
    """Public widgets and methods so tests (and the window) can drive it; reloads when tasks change."""

    open_contact = Signal(object)  # the contact's uuid, on double-click or Enter
    counts_changed = Signal(int, int)  # overdue, due today
    message = Signal(str)  # a line for the status bar

    def __init__(
        self,
        db: Workspace,
        hub: EventHub,
        fmt: Formatter,
        undo: UndoStack,
        runner: TaskRunner,
        *,
        clock: Clock = system_clock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._undo, self._runner, self.fmt, self.clock = db, undo, runner, fmt, clock
        self.due: DueTasks | None = None
        self._shown: tuple[Any, ...] = ()
        self.ask_path: Callable[[CalendarKind], Path | None] = self._ask_path  # tests replace it
        self.message_box: QMessageBox | None = None
        self.progress_dialog: ProgressDialog | None = None
        self.last_task: Task | None = None

        self.summary = make_muted(QLabel(self))
        self.export_button = QPushButton("Export .ics", self)
        self.export_button.setToolTip("Save the open tasks as a calendar file for your calendar or to-do app")
        menu = QMenu(self.export_button)
        for kind, text in EXPORT_KINDS.items():
            menu.addAction(text, lambda k=kind: self.export_ics(k))
        self.export_button.setMenu(menu)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Task", "Due"])
        self.tree.setHeaderHidden(True)  # the group headings say it all
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(6)
        self.tree.setItemDelegate(TwoLineDelegate(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = make_muted(QLabel("Nothing due in the next 7 days.", self))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty, 1)

        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.itemActivated.connect(self._on_activated)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        hub.changed.connect(self._on_changed)

    # --- reading -----------------------------------------------------------------------------------------
    def reload(self, *, force: bool = False) -> None:
        """Re-query the buckets; the tree is rebuilt only when what it shows changed (keeps selection)."""
        with self._db.read_session() as session:
            due = due_tasks(session=session, now=self.clock(), tz=self.fmt.zone, limit=SHOWN_PER_GROUP)
        self.due = due
        shown = (
            due.today, due.overdue_count, due.today_count, due.week_count,
            tuple((name, t.id, t.title, t.due_at, t.concerns) for name, _ in GROUPS for t in getattr(due, name)),
        )  # fmt: skip
        if shown != self._shown or force:
            self._shown = shown
            self._rebuild(due)
        self.counts_changed.emit(due.overdue_count, due.today_count)

    def set_formatter(self, fmt: Formatter) -> None:
        self.fmt = fmt
        self.reload(force=True)

    def task_items(self) -> dict[uuid.UUID, QTreeWidgetItem]:
        """The task rows now shown, by task id."""
        found: dict[uuid.UUID, QTreeWidgetItem] = {}
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            for c in range(group.childCount()):
                task = group.child(c).data(0, TASK_ROLE)
                if isinstance(task, DueTask):
                    found[task.id] = group.child(c)
        return found

    # --- writing (each an undoable step) -----------------------------------------------------------------
    def complete(self, task: DueTask) -> bool:
        return self._perform(f"Complete “{task.title}”", lambda s: complete_task(session=s, task_id=task.id))

    def snooze(self, task: DueTask, delay: timedelta) -> bool:
        until = self.clock() + delay
        return self._perform(f"Snooze “{task.title}”", lambda s: snooze_task(session=s, task_id=task.id, until=until))

    def move_to_tomorrow(self, task: DueTask) -> bool:
        zone = self.fmt.zone
        local = (task.due_at or self.clock()).astimezone(zone)
        tomorrow = self.clock().astimezone(zone).date() + timedelta(days=1)
        start, _ = day_bounds(tomorrow, zone)
        at = local.time() if task.due_at is not None else time(9, 0)
        due = start.replace(hour=at.hour, minute=at.minute)
        return self._perform(
            f"Move “{task.title}” to tomorrow", lambda s: reschedule_task(session=s, task_id=task.id, due_at=due)
        )

    def export_ics(self, kind: CalendarKind = "todo", path: Path | None = None) -> Task | None:
        """Write the open dated tasks to an .ics file on the worker (asks where unless `path` is given)."""
        out = path or self.ask_path(kind)
        if out is None:
            return None
        out = out if out.suffix.lower() == ".ics" else out.with_name(out.name + ".ics")

        def work(ctx: TaskContext) -> int:
            with ctx.read_session() as session:
                return export_tasks_ics(
                    session=session, out=out, kind=kind, progress=ctx.report, should_cancel=ctx.should_cancel
                )

        self.last_task, self.progress_dialog = run_with_progress(
            self._runner,
            "Exporting tasks…",
            work,
            parent=self.window(),
            title="Export tasks",
            on_success=lambda count: self.message.emit(f"Exported {self.fmt.count(count, 'task')} to {out.name}"),
            on_failure=self._failed,
        )
        return self.last_task

    # --- private -----------------------------------------------------------------------------------------
    def _perform(self, label: str, action: Callable[[Any], object]) -> bool:
        try:
            self._undo.perform(label, action, initiator=self)
        except CRMError as exc:
            self._failed(exc)
            self.reload(force=True)  # untick what the user ticked
            return False
        return True

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.message.emit("Export cancelled — no file was written")
            return
        self.message_box = error_box(self.window(), exc)
        self.message_box.open()

    def _rebuild(self, due: DueTasks) -> None:
        selected = self.tree.currentItem().data(0, TASK_ROLE) if self.tree.currentItem() else None
        self.tree.blockSignals(True)
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        counts = {"overdue": due.overdue_count, "due_today": due.today_count, "this_week": due.week_count}
        for name, title in GROUPS:
            tasks: list[DueTask] = getattr(due, name)
            if not counts[name]:
                continue
            group = QTreeWidgetItem(self.tree, [f"{title} ({self.fmt.number(counts[name])})"])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setFont(0, bold)
            group.setFirstColumnSpanned(True)
            for task in tasks:
                item = self._item(group, task, overdue=name == "overdue")
                if isinstance(selected, DueTask) and selected.id == task.id:
                    self.tree.setCurrentItem(item)
            if counts[name] > len(tasks):
                more = QTreeWidgetItem(group, [f"… and {self.fmt.number(counts[name] - len(tasks))} more"])
                more.setFlags(Qt.ItemFlag.NoItemFlags)
            group.setExpanded(True)
        self.tree.blockSignals(False)
        self.tree.setVisible(due.total > 0)
        self.empty.setVisible(due.total == 0)
        parts = [(due.overdue_count, "overdue"), (due.today_count, "today"), (due.week_count, "next 7 days")]
        self.summary.setText("   ·   ".join(f"{self.fmt.number(n)} {w}" for n, w in parts if n) or "All caught up")

    def _item(self, group: QTreeWidgetItem, task: DueTask, *, overdue: bool) -> QTreeWidgetItem:
        item = QTreeWidgetItem(group, [task.title, self._when(task, overdue=overdue)])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Unchecked)
        item.setData(0, TASK_ROLE, task)
        item.setData(0, SUBTITLE_ROLE, task.concerns or " ")  # every task row two lines high, alike
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        tip = "\n".join(p for p in (task.title, task.concerns, task.notes or "") if p)
        hint = "Tick to mark it done" + (" · double-click to open the contact" if task.contact_id else "")
        for column in range(2):
            item.setToolTip(column, f"{tip}\n\n{hint}")
        icon = marker(task.priority) if task.priority in ("high", "urgent") else None
        if icon is not None:
            item.setIcon(1, icon)
            item.setToolTip(1, f"{task.priority.capitalize()} priority\n\n{tip}")
        if overdue:
            item.setForeground(1, QBrush(RED))
        return item

    def _when(self, task: DueTask, *, overdue: bool) -> str:
        if task.due_at is None:
            return ""
        local = task.due_at.astimezone(self.fmt.zone)
        clock_time = format_time(local.time(), format="short", locale=self.fmt.locale)
        today = self.clock().astimezone(self.fmt.zone).date()
        if local.date() == today:
            return clock_time
        if overdue or local.date() - today > timedelta(days=6):
            return self.fmt.date(local)
        return f"{self.fmt.date(local, fmt='EEE')} {clock_time}"

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        task = item.data(0, TASK_ROLE)
        if column == 0 and isinstance(task, DueTask) and item.checkState(0) == Qt.CheckState.Checked:
            self.complete(task)

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        task = item.data(0, TASK_ROLE)
        if isinstance(task, DueTask) and task.contact_id is not None:
            self.open_contact.emit(task.contact_id)

    def _on_changed(self, tables: frozenset[str]) -> None:
        if tables & WATCHES:
            self.reload()

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        task = item.data(0, TASK_ROLE) if item is not None else None
        if not isinstance(task, DueTask):
            return
        menu = QMenu(self)
        menu.addAction("Mark done", lambda: self.complete(task))
        menu.addAction("Remind me in 1 hour", lambda: self.snooze(task, timedelta(hours=1)))
        menu.addAction("Move to tomorrow", lambda: self.move_to_tomorrow(task))
        if task.contact_id is not None:
            menu.addSeparator()
            menu.addAction("Open contact", lambda: self.open_contact.emit(task.contact_id))
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def _ask_path(self, kind: CalendarKind) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = Path(folder or Path.home()) / ("tasks.ics" if kind == "todo" else "task-events.ics")
        name, _ = QFileDialog.getSaveFileName(self, "Export tasks", str(suggested), "iCalendar files (*.ics)")
        return Path(name) if name else None


class DueTasksDock(QDockWidget):
    """The panel in a dock on the right, toggled from View → Due Tasks; its place is saved with the window."""

    def __init__(self, panel: DueTasksPanel, parent: QWidget | None = None) -> None:
        super().__init__("Due tasks", parent)
        self.setObjectName("dueTasksDock")
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.panel = panel
        self.setWidget(panel)
        self.setMinimumWidth(360)
