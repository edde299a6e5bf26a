"""File → New/Open Database: the app swaps window and workspace, and a refused file changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from crm_desktop.services.contacts import ContactInput, create_contact
from crm_desktop.services.workspace import open_workspace
from crm_desktop.ui.app import AppController


@pytest.fixture
def controller(qtbot: Any, tmp_path: Path) -> Any:
    first = open_workspace(tmp_path / "first.sqlite")
    with first.session() as session:
        create_contact(session=session, data=ContactInput(given_name="Ada", family_name="Lovelace"))
    first.close()
    app_controller = AppController()
    assert app_controller.open(str(tmp_path / "first.sqlite"))
    qtbot.addWidget(app_controller.window)
    yield app_controller
    if app_controller.window is not None:
        app_controller.window.close()
    app_controller.close()


def test_new_database_replaces_the_window_and_closes_the_old_workspace(
    qtbot: Any, controller: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_window, old_db = controller.window, controller.db
    assert old_window.contacts.model.total == 1
    target = tmp_path / "second"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    old_window.new_database()
    qtbot.addWidget(controller.window)
    assert controller.window is not old_window and controller.db is not old_db
    assert controller.db.path == target.with_suffix(".sqlite")
    assert controller.window.contacts.model.total == 0
    qtbot.waitUntil(lambda: getattr(controller.window, "welcome_dialog", None) is not None)  # empty: offer demo
    controller.window.welcome_dialog.close()
    assert old_db.path == tmp_path / "first.sqlite"


def test_opening_takes_the_daily_and_weekly_backup(qtbot: Any, controller: Any, tmp_path: Path) -> None:
    folder = tmp_path / "first-backups"
    qtbot.waitUntil(lambda: len(list(folder.glob("daily/*.sqlite"))) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: len(list(folder.glob("weekly/*.sqlite"))) == 1, timeout=10_000)


def test_new_database_refuses_an_existing_file(
    qtbot: Any, controller: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = controller.window
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "first.sqlite"), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: shown.append(text))
    window.new_database()
    assert controller.window is window
    assert shown and "already exists" in shown[0]


def test_opening_a_file_that_is_not_a_database_keeps_the_current_one(
    qtbot: Any, controller: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, db = controller.window, controller.db
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    refusals: list[str] = []
    monkeypatch.setattr("crm_desktop.ui.app.error_box", lambda _p, exc: _Recorder(refusals, str(exc)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(notes), ""))
    window.open_database()
    assert controller.window is window and controller.db is db
    assert refusals and "not a CRM Desktop database" in refusals[0]
    assert notes.read_text() == "not a database"
    with db.read_session() as session:  # the current workspace still works
        from crm_desktop.services.contact_list import count_contacts

        assert count_contacts(session=session) == 1


class _Recorder:
    """Stands in for the error dialog: records the message instead of blocking."""

    def __init__(self, sink: list[str], text: str) -> None:
        sink.append(text)

    def exec(self) -> int:
        return 0
