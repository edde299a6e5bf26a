"""Reminder notifications that never block: a system tray message, or a small popup inside the window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from crm_desktop.services.tasks_due import DueTask
from crm_desktop.ui.formatting import Formatter
from crm_desktop.ui.resources import app_icon
from crm_desktop.ui.style import make_muted

SHOW_FOR_MS = 20_000
MARGIN = 16
LISTED = 3


class NoticePopup(QFrame):
    """A card in the window's lower-right corner with "Show tasks" and "Dismiss"; hides itself after a while."""

    show_tasks = Signal()

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("noticePopup")
        self.setStyleSheet(
            "QFrame#noticePopup { border: 1px solid palette(mid); border-radius: 8px; background: palette(base); }"
        )
        self.setFixedWidth(340)
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(18)
        shadow.setOffset(0, 3)
        shadow.setColor(QColor(0, 0, 0, 70))
        self.setGraphicsEffect(shadow)
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        self.text = make_muted(QLabel(self))
        self.text.setWordWrap(True)
        self.show_button = QPushButton("Show tasks", self)
        self.dismiss_button = QPushButton("Dismiss", self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.hide_timer = QTimer(self)
        self.hide_timer.setSingleShot(True)
        self.hide_timer.timeout.connect(self.hide)
        self.dismiss_button.clicked.connect(self.hide)
        self.show_button.clicked.connect(self._on_show)
        window.installEventFilter(self)
        self.hide()

    def show_notice(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.text.setText(text)
        layout = self.layout()
        layout.activate()
        self.setFixedHeight(layout.totalHeightForWidth(self.width()))  # wrapped labels: height follows width
        self._place()
        self.show()
        self.raise_()
        self.hide_timer.start(SHOW_FOR_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def _place(self) -> None:
        window = self.parentWidget()
        if not isinstance(window, QMainWindow):
            return
        bottom = window.height() - (window.statusBar().height() if window.statusBar().isVisible() else 0)
        self.move(window.width() - self.width() - MARGIN, bottom - self.height() - MARGIN)

    def _on_show(self) -> None:
        self.hide()
        self.show_tasks.emit()


def describe(tasks: list[DueTask], fmt: Formatter) -> tuple[str, str]:
    """The notice's title and text: one task in detail, several as a short list."""
    if len(tasks) == 1:
        task = tasks[0]
        when = fmt.moment(task.due_at) if task.due_at else ""
        parts = [task.concerns, f"Due {when}" if when else ""]
        return f"Task due: {task.title}", " — ".join(p for p in parts if p)
    names = [f"• {t.title}" for t in tasks[:LISTED]]
    if len(tasks) > LISTED:
        names.append(f"and {fmt.number(len(tasks) - LISTED)} more")
    return f"{fmt.number(len(tasks))} tasks due", "\n".join(names)


def status_line(tasks: list[DueTask], fmt: Formatter) -> str:
    """The same news in one line for the status bar."""
    title, text = describe(tasks, fmt)
    if len(tasks) == 1:
        return f"{title} — {text}" if text else title
    return f"{title}: {tasks[0].title} and {fmt.number(len(tasks) - 1)} more"


class Notifier(QObject):
    """Shows reminders: a tray message when the window is in the background and a tray exists, else the popup."""

    activated = Signal()  # the user asked to see the tasks

    def __init__(self, window: QMainWindow, *, tray: bool | None = None) -> None:
        super().__init__(window)
        self.use_tray = (
            QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages() if tray is None else tray
        )
        self.popup = NoticePopup(window)
        self.popup.show_tasks.connect(self.activated)
        self.tray_icon: QSystemTrayIcon | None = None
        self.last: tuple[str, str] | None = None  # title and text of the latest notice, for tests

    def announce(self, tasks: list[DueTask], fmt: Formatter) -> None:
        if not tasks:
            return
        window = self.parent()
        assert isinstance(window, QMainWindow)
        title, text = describe(tasks, fmt)
        self.last = (title, text)
        window.statusBar().showMessage(status_line(tasks, fmt), SHOW_FOR_MS)
        if self.use_tray and not window.isActiveWindow():
            self._tray().showMessage(title, text, app_icon(), SHOW_FOR_MS)
        else:
            self.popup.show_notice(title, text)
        QApplication.alert(window)  # flash the taskbar entry; never steals focus

    def _tray(self) -> QSystemTrayIcon:
        if self.tray_icon is None:
            self.tray_icon = QSystemTrayIcon(app_icon(), self)
            self.tray_icon.setToolTip("CRM Desktop — task reminders")
            self.tray_icon.messageClicked.connect(self.activated)
            self.tray_icon.activated.connect(lambda _reason: self.activated.emit())
            self.tray_icon.show()
        return self.tray_icon

    def close(self) -> None:
        """Take the tray icon away with the window."""
        if self.tray_icon is not None:
            self.tray_icon.hide()
        self.popup.hide()


def bring_forward(widget: QWidget) -> None:
    """Show a window that may be minimised or behind others (after a click on a notice)."""
    window = widget.window()
    if window.isMinimized():
        window.showNormal()
    if not window.isActiveWindow():
        window.raise_()
        window.activateWindow()
