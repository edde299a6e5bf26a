"""Start-up: the application object, and databases that cannot or should not be opened in place."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from crm_desktop.ui import app


def test_make_application_names_and_styles_the_app(qapp: Any) -> None:
    application = app.make_application()
    assert application is qapp
    assert application.applicationDisplayName() == "CRM Desktop"
    assert not application.windowIcon().isNull()
    assert "QTableView" in application.styleSheet()


def test_a_file_that_is_not_a_database_is_refused_with_a_dialog(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs ours
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("this is not a database")
    assert app.open_or_explain(str(bogus), allow_synced_folder=False) is None
    assert shown and shown[0].windowTitle() == "Database problem"
    assert bogus.read_text() == "this is not a database"
    assert app.run_app(str(bogus)) == 1


@pytest.mark.parametrize("choice", [True, False])
def test_synced_folder_asks_before_opening(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, choice: bool
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(app, "_open_anyway", lambda message: asked.append(message) or choice)
    location = tmp_path / "Dropbox" / "crm.sqlite"
    db = app.open_or_explain(str(location), allow_synced_folder=False)
    assert asked and "synced" in asked[0]
    assert (db is not None) == choice
    if db is not None:
        db.close()
