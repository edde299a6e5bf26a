"""First start: the welcome dialog loads the demo business on the worker, with progress and Cancel."""

from __future__ import annotations

from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QMessageBox

from crm_desktop.services.contact_list import count_contacts
from crm_desktop.services.errors import Cancelled, Conflict
from crm_desktop.services.workspace import is_empty
from tests.gui.conftest import open_window

pytest.importorskip("crm_desktop.services.demo")


@pytest.fixture
def empty_window(qtbot: Any, empty_db: Any) -> Any:
    win = open_window(qtbot, empty_db)
    yield win
    win.close()


def test_no_welcome_on_a_workspace_with_data(window: Any) -> None:
    assert window.maybe_welcome() is None


def test_welcome_loads_the_demo_and_refreshes_every_tab(qtbot: Any, empty_window: Any, empty_db: Any) -> None:
    dialog = empty_window.maybe_welcome()
    assert dialog is not None and dialog.isVisible()
    assert empty_window.contacts.model.total == 0
    dialog.demo_button.click()
    task = empty_window.last_task
    assert task is not None
    progress: list[float] = []
    task.progress.connect(lambda fraction, _message: progress.append(fraction))
    with qtbot.waitSignal(empty_window.pipeline.loaded, timeout=120_000):
        qtbot.waitUntil(lambda: task.done, timeout=120_000)
    assert task.error is None
    assert progress and progress[-1] == 1.0
    with empty_db.read_session() as session:
        contacts = count_contacts(session=session)
    assert contacts > 0
    assert empty_window.contacts.model.total == contacts
    assert sum(c.model.column.count for c in empty_window.pipeline.columns) > 0
    assert empty_window.cases.model.total > 0 and empty_window.loyalty.model.total > 0
    dialog = empty_window.progress_dialog
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed, then deleted later


def test_cancelling_the_demo_leaves_the_workspace_empty(
    qtbot: Any, empty_window: Any, empty_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    task = empty_window.load_demo()
    empty_window.progress_dialog.cancel_button.click()
    qtbot.waitUntil(lambda: task.done, timeout=60_000)
    assert isinstance(task.error, Cancelled)
    assert "Cancelled" in empty_window.statusBar().currentMessage()
    with empty_db.read_session() as session:
        assert is_empty(session=session)


def test_demo_on_a_workspace_with_data_explains_why_not(
    qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self) or 0)
    task = window.load_demo()
    qtbot.waitUntil(lambda: task.done, timeout=30_000)
    assert isinstance(task.error, Conflict)
    assert shown and "already holds" in shown[0].text()
