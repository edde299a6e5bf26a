"""Load demo business: seeds the workspace on the worker, with progress and Cancel (rolled back)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from crm_desktop.ui.workers import ProgressDialog, Task, TaskContext, TaskRunner, run_with_progress

DEMO_SIZE = "small"


def start_demo_load(
    runner: TaskRunner,
    *,
    parent: QWidget | None,
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    size: str = DEMO_SIZE,
) -> tuple[Task, ProgressDialog]:
    """Run `demo.populate` behind a progress dialog; the task's result is the service's summary."""

    def work(ctx: TaskContext) -> Any:
        from crm_desktop.services import demo  # imported on use: keeps start-up fast

        return demo.populate(db=ctx.db, size=size, progress=ctx.report, should_cancel=ctx.should_cancel)

    return run_with_progress(
        runner,
        "Creating the demo business…",
        work,
        parent=parent,
        title="Demo business",
        on_success=on_success,
        on_failure=on_failure,
    )
