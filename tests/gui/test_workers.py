"""The background worker: results and errors arrive on the GUI thread, Cancel stops the work."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QThread

from crm_desktop.services.contact_list import count_contacts
from crm_desktop.services.errors import Cancelled, ValidationError
from crm_desktop.ui.workers import TaskContext, TaskRunner, run_with_progress


@pytest.fixture
def runner(empty_db: Any) -> Any:
    task_runner = TaskRunner(empty_db)
    yield task_runner
    task_runner.shutdown()


def test_result_and_progress_arrive_on_the_gui_thread(qtbot: Any, runner: TaskRunner) -> None:
    seen: list[tuple[float, str, bool]] = []
    worker_threads: list[Any] = []

    def work(ctx: TaskContext) -> int:
        worker_threads.append(threading.current_thread())
        for step in range(5):
            ctx.report(step / 4, f"step {step}")
        with ctx.read_session() as session:
            return count_contacts(session=session)

    task = runner.task("count", work)
    task.progress.connect(lambda f, m: seen.append((f, m, QThread.currentThread().isMainThread())))
    with qtbot.waitSignal(task.succeeded, timeout=5000) as blocker:
        task.start()
    assert blocker.args == [0]
    assert worker_threads[0] is not threading.main_thread()
    assert seen and all(main for _f, _m, main in seen)
    assert seen[-1][:2] == (1.0, "step 4")


def test_errors_are_posted_back(qtbot: Any, runner: TaskRunner) -> None:
    def work(ctx: TaskContext) -> None:
        raise ValidationError("nope", field="email")

    task = runner.task("fail", work)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        task.start()
    assert isinstance(blocker.args[0], ValidationError)
    qtbot.waitUntil(lambda: task.done)
    assert not runner.busy


def test_cancel_stops_the_work_and_the_dialog_closes(qtbot: Any, runner: TaskRunner) -> None:
    started = threading.Event()

    def work(ctx: TaskContext) -> None:
        started.set()
        while not ctx.should_cancel():
            ctx.report(0.5, "waiting for Cancel")
            threading.Event().wait(0.005)
        raise Cancelled("stopped")

    task, dialog = run_with_progress(runner, "Long job", work, parent=None, title="Working")
    qtbot.addWidget(dialog)
    assert started.wait(5)
    with qtbot.waitSignal(task.finished, timeout=5000):
        dialog.cancel_button.click()
    assert isinstance(task.error, Cancelled)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())


def test_whoever_sees_done_sees_every_slot_already_run(qtbot: Any, runner: TaskRunner) -> None:
    """`done`, the runner's busy flag and every finished/failed slot settle in one event, never apart."""
    for number in range(40):
        ran: list[str] = []

        def work(ctx: TaskContext, number: int = number) -> int:
            if number % 2:
                raise ValidationError("odd", field="n")
            return number

        task = runner.task(f"task {number}", work)
        task.succeeded.connect(lambda _result, ran=ran: ran.append("succeeded"))
        task.failed.connect(lambda _error, ran=ran: ran.append("failed"))
        task.finished.connect(lambda ran=ran: ran.append("finished"))
        task.start()
        qtbot.waitUntil(lambda task=task: task.done, timeout=5000)
        assert not runner.busy
        assert ran == ["failed" if number % 2 else "succeeded", "finished"]
