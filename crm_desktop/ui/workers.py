"""Database work off the GUI thread: one background worker, progress and Cancel, results posted back."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from crm_desktop.services.errors import Cancelled
from crm_desktop.services.workspace import Workspace

log = logging.getLogger("crm_desktop.ui")

_PROGRESS_INTERVAL = 0.04  # seconds between progress signals: smooth bars without flooding the event loop


class TaskContext:
    """What a task function receives: the workspace, a progress reporter and the Cancel flag."""

    def __init__(self, db: Workspace, task: Task) -> None:
        self.db = db
        self._task = task
        self._last_emit = 0.0
        self._last_message = ""

    def report(self, fraction: float, message: str = "") -> None:
        """Progress from 0 to 1; throttled, so services may call it as often as they like."""
        now = time.monotonic()
        if message == self._last_message and fraction < 1 and now - self._last_emit < _PROGRESS_INTERVAL:
            return
        self._last_emit, self._last_message = now, message
        self._task.progress.emit(max(0.0, min(1.0, float(fraction))), message)

    def should_cancel(self) -> bool:
        return self._task.is_cancelled

    @contextmanager
    def session(self) -> Iterator[Any]:
        """A write transaction owned by this worker thread (committed when the block ends)."""
        with self.db.session() as session:
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Any]:
        """A read-only unit of work on this worker thread."""
        with self.db.read_session() as session:
            yield session


TaskFn = Callable[[TaskContext], Any]


class Task(QObject):
    """One submitted piece of work; its signals arrive on the GUI thread.

    The worker posts one event when the work ends; on the GUI thread that event marks the task done,
    frees the runner and emits `succeeded` or `failed`, then `finished`, all in one go. So whoever sees
    `done` also sees every slot of those signals already run (separately queued signals could be
    delivered in different event-loop passes).
    """

    progress = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()
    _ended = Signal()  # emitted on the worker thread, delivered (queued) to `_settle` on the GUI thread

    def __init__(self, label: str, runner: TaskRunner) -> None:
        super().__init__(runner)
        self.label = label
        self._runner = runner
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False
        self._cancel = threading.Event()
        self._ended.connect(self._settle)

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def start(self) -> Task:
        """Queue the work; connect to the signals first, or early results could be missed."""
        self._runner._start(self)
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next check; it then fails with Cancelled and rolls back."""
        self._cancel.set()

    def _settle(self) -> None:
        self.done = True
        self._runner._forget(self)
        if self.error is not None:
            self.failed.emit(self.error)
        else:
            self.succeeded.emit(self.result)
        self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, fn: TaskFn, ctx: TaskContext, task: Task) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._fn, self._ctx, self._task = fn, ctx, task

    def run(self) -> None:
        task = self._task
        try:
            if task.is_cancelled:
                raise Cancelled("cancelled before it started")
            task.result = self._fn(self._ctx)
        except BaseException as exc:
            task.error = exc
            if not isinstance(exc, Cancelled):
                log.info("task %r failed: %s", task.label, exc, exc_info=exc)
        finally:
            task._ended.emit()


class TaskRunner(QObject):
    """One worker thread for all database work (SQLite has one writer anyway), like Anki's taskman."""

    def __init__(self, db: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending: dict[Task, _Runnable] = {}
        self._active: dict[Task, _Runnable] = {}

    def task(self, label: str, fn: TaskFn) -> Task:
        """A task for `fn(ctx)`, not started: connect its signals, then call `start()`."""
        task = Task(label, self)
        self._pending[task] = _Runnable(fn, TaskContext(self.db, task), task)
        return task

    def submit(
        self,
        label: str,
        fn: TaskFn,
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> Task:
        """Create, connect and start a task in one call."""
        task = self.task(label, fn)
        if on_success is not None:
            task.succeeded.connect(on_success)
        if on_failure is not None:
            task.failed.connect(on_failure)
        return task.start()

    def _start(self, task: Task) -> None:
        runnable = self._pending.pop(task)
        self._active[task] = runnable
        self._pool.start(runnable)

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel whatever runs and wait for the worker (called before the workspace closes)."""
        for task in list(self._active):
            task.cancel()
        return self._pool.waitForDone(timeout_ms)

    def _forget(self, task: Task) -> None:
        self._active.pop(task, None)
        task.setParent(None)  # Python owns it now: freed once callers drop their reference


class ProgressDialog(QProgressDialog):
    """A window-modal progress bar bound to one task; Cancel asks the task to stop."""

    STEPS = 1000

    def __init__(self, task: Task, title: str, parent: QWidget | None = None) -> None:
        super().__init__(task.label, "Cancel", 0, self.STEPS, parent)
        self.task = task
        self.cancel_button = QPushButton("Cancel", self)
        self.setCancelButton(self.cancel_button)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(300)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(420)
        self.canceled.connect(self._on_cancel)
        task.progress.connect(self._on_progress)
        task.finished.connect(self._on_finished)
        self.setValue(0)

    def _on_progress(self, fraction: float, message: str) -> None:
        if message:
            self.setLabelText(message)
        self.setValue(round(fraction * self.STEPS))

    def _on_cancel(self) -> None:
        if not self.task.done:
            self.task.cancel()
            self.setLabelText("Cancelling…")

    def _on_finished(self) -> None:
        self.canceled.disconnect(self._on_cancel)
        self.reset()
        self.close()
        self.deleteLater()


def run_with_progress(
    runner: TaskRunner,
    label: str,
    fn: TaskFn,
    *,
    parent: QWidget | None,
    title: str,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
) -> tuple[Task, ProgressDialog]:
    """Start `fn` behind a progress dialog with Cancel; callbacks run on the GUI thread."""
    task = runner.task(label, fn)
    dialog = ProgressDialog(task, title, parent)
    if on_success is not None:
        task.succeeded.connect(on_success)
    if on_failure is not None:
        task.failed.connect(on_failure)
    task.start()
    return task, dialog
