"""GUI fixtures: one seeded database built per session and copied per test, and an open main window."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from crm_desktop.services.workspace import open_workspace
from tests.gui.seeding import seed_known_business

EXTRA_CONTACTS = 260  # enough for the contacts table to need a second page
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints"  # offscreen platform limitation


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tolerate the one warning the offscreen platform prints for dialogs; every other Qt warning fails."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


def _demo_populate() -> Any:
    try:
        from crm_desktop.services.demo import populate
    except ImportError:
        return None
    return populate


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo business (when the demo package is present) plus a few known people, built once."""
    path = tmp_path_factory.mktemp("template") / "crm.sqlite"
    db = open_workspace(path)
    try:
        populate = _demo_populate()
        if populate is not None:
            populate(db=db, size="small")
        seed_known_business(db, extra_contacts=EXTRA_CONTACTS)
    finally:
        db.close()
    return path


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal exec() would hang the run: fail loudly instead (tests that expect one patch it themselves)."""

    def refuse(self: QDialog) -> int:
        text = self.text() if isinstance(self, QMessageBox) else ""
        raise AssertionError(f"unexpected modal dialog {self.windowTitle()!r}: {text}")

    monkeypatch.setattr(QDialog, "exec", refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse)


@pytest.fixture(autouse=True)
def isolated_qsettings(isolated_user_dirs: Path) -> None:
    """QSettings caches its folder once per process: point it at this test's config dir."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(isolated_user_dirs / "qt"))


@pytest.fixture
def db(tmp_path: Path, template_db: Path) -> Iterator[Any]:
    """A private copy of the seeded database, open."""
    path = tmp_path / "crm.sqlite"
    shutil.copy(template_db, path)
    workspace = open_workspace(path)
    yield workspace
    workspace.close()
    for leftover in path.parent.glob(path.name + "*"):  # the copy is tens of MB: don't keep one per test
        leftover.unlink()


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Any]:
    workspace = open_workspace(tmp_path / "empty.sqlite")
    yield workspace
    workspace.close()


def open_window(qtbot: Any, workspace: Any) -> Any:
    """A shown main window whose tables and board have loaded."""
    from crm_desktop.ui.main_window import MainWindow
    from crm_desktop.ui.style import apply_style

    apply_style(QApplication.instance())
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    with qtbot.waitSignal(window.pipeline.loaded, timeout=10_000):
        window.load()
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot: Any, db: Any) -> Iterator[Any]:
    win = open_window(qtbot, db)
    yield win
    win.close()
