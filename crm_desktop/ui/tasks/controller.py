"""Due tasks in the main window: the dock, the status-bar count, the reminder timer and its notices."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMainWindow, QToolButton

from crm_desktop.services.tasks_due import DueTask
from crm_desktop.services.workspace import Workspace
from crm_desktop.ui.event_hub import EventHub
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.labels import RED
from crm_desktop.ui.resources import tinted_icon
from crm_desktop.ui.tasks.notice import Notifier, bring_forward
from crm_desktop.ui.tasks.panel import DueTasksDock, DueTasksPanel
from crm_desktop.ui.tasks.reminders import Clock, Reminders
from crm_desktop.ui.undo_stack import UndoStack
from crm_desktop.ui.workers import TaskRunner

STATUS_MS = 6000


class DueTasksController(QObject):
    """Builds and wires the due-task parts of a window; the window keeps only menu actions and aliases."""

    visibility_changed = Signal(bool)  # the dock was shown or hidden (View → Due Tasks follows)

    def __init__(
        self,
        window: QMainWindow,
        db: Workspace,
        hub: EventHub,
        fmt: Formatter,
        undo: UndoStack,
        runner: TaskRunner,
        *,
        clock: Clock,
    ) -> None:
        super().__init__(window)
        self.fmt = fmt
        self.panel = DueTasksPanel(db, hub, fmt, undo, runner, clock=clock)
        self.dock = DueTasksDock(self.panel, window)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()  # until the user opens it (restoring the window state brings back a dock left open)
        self.reminders = Reminders(db, clock=clock, parent=self)
        self.notifier = Notifier(window)
        self.button = QToolButton(window)
        self.button.setAutoRaise(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setToolTip("Show the due tasks")
        self.button.hide()

        # bound methods, not lambdas: Qt drops them with the window, and nothing keeps the window alive
        self.button.clicked.connect(self._show)
        self.panel.counts_changed.connect(self._update_button)
        self.panel.message.connect(self._status)
        self.dock.visibilityChanged.connect(self._visibility)
        self.reminders.fired.connect(self._announce)
        self.reminders.tick.connect(self.panel.reload)  # overdue moves on with the clock and the date
        self.notifier.activated.connect(self._show_from_notice)
        hub.changed.connect(self._on_changed)

    def start(self) -> None:
        self.panel.reload()
        self.reminders.start()

    def stop(self) -> None:
        self.reminders.stop()
        self.notifier.close()

    def show(self, visible: bool = True) -> None:
        self.dock.setVisible(visible)
        if visible:
            self.dock.raise_()
            self.panel.reload()
        self.visibility_changed.emit(self.dock.isVisible())

    def set_formatter(self, fmt: Formatter) -> None:
        self.fmt = fmt
        self.panel.set_formatter(fmt)

    def _on_changed(self, tables: frozenset[str]) -> None:
        if "task" in tables:
            self.reminders.reschedule()  # a new or moved task may be due before the next planned check

    def _update_button(self, overdue: int, today: int) -> None:
        if overdue:
            self.button.setText(self.fmt.count(overdue, "overdue task"))
            self.button.setIcon(tinted_icon("overdue", RED))
        elif today:
            self.button.setText(self.fmt.count(today, "task") + " due today")
            self.button.setIcon(tinted_icon("overdue", self.button.palette().windowText().color()))
        self.button.setVisible(bool(overdue or today))

    def _announce(self, tasks: list[DueTask]) -> None:
        self.notifier.announce(tasks, self.fmt)

    def _status(self, text: str) -> None:
        window = self.parent()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, STATUS_MS)

    def _visibility(self, *_: object) -> None:
        self.visibility_changed.emit(self.dock.isVisible())

    def _show(self, *_: object) -> None:
        self.show(True)

    def _show_from_notice(self, *_: object) -> None:
        bring_forward(self.dock)
        self.show(True)
