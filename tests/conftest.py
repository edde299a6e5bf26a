"""Shared fixtures: offscreen Qt, isolated user dirs, and real SQLite workspaces in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep tests away from the developer's real data, logs and Qt settings."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("CRM_DESKTOP_DB", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "crm.sqlite"


@pytest.fixture
def workspace(db_path: Path) -> Iterator[object]:
    """A freshly migrated workspace with reference data, in a real SQLite file."""
    from crm_desktop.services.workspace import open_workspace

    db = open_workspace(db_path)
    yield db
    db.close()
