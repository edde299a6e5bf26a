"""The reminder timer: while the app runs, announce each task when its reminder (or due) moment arrives.

Cheap by construction: one indexed query per check, a check at least every minute and exactly at the
next reminder moment. The clock is injectable so tests can move time instead of waiting. After a sleep
or a late timer every moment missed in between is announced once, together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal

from crm_desktop.services.errors import CRMError
from crm_desktop.services.tasks_due import DueTask, next_due_after, reminders_between
from crm_desktop.services.workspace import Workspace

log = logging.getLogger("crm_desktop.ui.reminders")
Clock = Callable[[], datetime]
CHECK_EVERY_MS = 60_000
LATE_MARGIN_MS = 250  # wake just after the moment, so it is inside the (last, now] window


def system_clock() -> datetime:
    return datetime.now(UTC)


class Reminders(QObject):
    """Emits `fired(list[DueTask])` when tasks come due and `tick()` after every check (for day changes)."""

    fired = Signal(object)
    tick = Signal()

    def __init__(self, db: Workspace, *, clock: Clock = system_clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.clock = clock
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self.last_check: datetime | None = None
        self.next_moment: datetime | None = None

    def start(self) -> None:
        """Begin watching from now: tasks already overdue are the panel's job, not a burst of notices."""
        self.last_check = self.clock()
        self.reschedule()

    def stop(self) -> None:
        self.timer.stop()
        self.last_check = None

    def check(self) -> list[DueTask]:
        """Announce what came due since the last check, then plan the next one."""
        if self.last_check is None:
            return []
        now = self.clock()
        due: list[DueTask] = []
        if now > self.last_check:
            try:
                with self._db.read_session() as session:
                    due = reminders_between(session=session, after=self.last_check, until=now)
            except CRMError as exc:  # a locked or vanished file: try again at the next tick
                log.warning("reminder check failed: %s", exc)
                self._arm(CHECK_EVERY_MS)
                return []
            self.last_check = now
        if due:
            self.fired.emit(due)
        self.tick.emit()
        self.reschedule()
        return due

    def reschedule(self) -> None:
        """Plan the next check (after a task was added or moved the next moment may be sooner)."""
        if self.last_check is None:
            return
        now = self.clock()
        try:
            with self._db.read_session() as session:
                self.next_moment = next_due_after(session=session, moment=self.last_check)
        except CRMError as exc:
            log.warning("reminder planning failed: %s", exc)
            self.next_moment = None
        delay = CHECK_EVERY_MS
        if self.next_moment is not None:
            until = int((self.next_moment - now).total_seconds() * 1000) + LATE_MARGIN_MS
            delay = max(LATE_MARGIN_MS, min(delay, until))
        self._arm(delay)

    def _arm(self, delay_ms: int) -> None:
        self.timer.start(delay_ms)
