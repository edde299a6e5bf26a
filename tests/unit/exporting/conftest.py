"""Fixtures for export and privacy tests: real SQLite workspaces, empty or holding the small demo business."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from crm_desktop.services.demo import populate
from crm_desktop.services.workspace import open_workspace
from crm_desktop.store import Database

DEMO_DAY = date(2026, 5, 20)


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two closed workspaces to copy from: a fresh empty one and one holding the small demo business."""
    folder = tmp_path_factory.mktemp("export-templates")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(folder / var.lower()))
        open_workspace(folder / "empty.sqlite").close()
        demo = open_workspace(folder / "demo.sqlite")
        populate(db=demo, size="small", seed=7, today=DEMO_DAY)
        demo.close()
    return {"empty": folder / "empty.sqlite", "demo": folder / "demo.sqlite"}


def _copy(template: Path, target: Path) -> Database:
    shutil.copyfile(template, target)
    return open_workspace(target)


@pytest.fixture
def empty_db(_templates: dict[str, Path], tmp_path: Path) -> Iterator[Database]:
    """A new, empty workspace (reference data and its placeholder user only)."""
    db = _copy(_templates["empty"], tmp_path / "empty.sqlite")
    yield db
    db.close()


@pytest.fixture
def demo_db(_templates: dict[str, Path], tmp_path: Path) -> Iterator[Database]:
    """A workspace holding the small demo business (a private copy: tests may write to it)."""
    db = _copy(_templates["demo"], tmp_path / "demo.sqlite")
    yield db
    db.close()


@pytest.fixture
def new_db(_templates: dict[str, Path], tmp_path: Path) -> Iterator[Database]:
    """A second new, empty workspace, to import into."""
    db = _copy(_templates["empty"], tmp_path / "new.sqlite")
    yield db
    db.close()
