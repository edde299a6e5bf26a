"""Module-wide workspaces: migrating a fresh database per test would make these tests slow."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from crm_desktop.services.workspace import open_workspace
from crm_desktop.store import Database


@pytest.fixture(scope="module")
def module_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One migrated workspace per test module (user dirs pointed into tmp as well)."""
    home = tmp_path_factory.mktemp("module-home")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(home / var.lower()))
        db = open_workspace(home / "crm.sqlite")
        yield db
        db.close()


@pytest.fixture
def scratch(module_workspace: Database) -> Iterator[Session]:
    """A session on the module workspace whose rows (flushed, never committed) vanish after the test."""
    with module_workspace.read_session() as session:
        yield session
