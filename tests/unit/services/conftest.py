"""Fixtures for service tests: a write session on a fresh workspace, and a fast template copy of it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from crm_desktop.store import Database


@pytest.fixture(scope="session")
def _template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated workspace with reference data, closed, so each test can start from a copy."""
    from crm_desktop.services.workspace import open_workspace

    path = tmp_path_factory.mktemp("template") / "crm.sqlite"
    open_workspace(path).close()
    return path


@pytest.fixture
def workspace(_template_workspace: Path, db_path: Path) -> Iterator[Database]:
    """A fresh real SQLite workspace (a copy of a freshly migrated one: same schema, same seed data)."""
    from crm_desktop.services.workspace import open_workspace

    shutil.copyfile(_template_workspace, db_path)
    db = open_workspace(db_path)
    yield db
    db.close()


@pytest.fixture
def session(workspace: Database) -> Iterator[Session]:
    """One write transaction on the workspace, committed when the test ends."""
    with workspace.session() as s:
        yield s
