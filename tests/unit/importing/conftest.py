"""Fixtures for import tests: the synthetic files in tests/fixtures/import and fresh real workspaces."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_desktop.store import Database

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"


@pytest.fixture(scope="session")
def _template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated workspace with reference data, closed, so each test can start from a copy."""
    from crm_desktop.services.workspace import open_workspace

    path = tmp_path_factory.mktemp("template") / "crm.sqlite"
    open_workspace(path).close()
    return path


@pytest.fixture
def fresh_workspace(_template_workspace: Path, tmp_path: Path) -> Iterator[Database]:
    """A new real SQLite workspace (a copy of a freshly migrated one)."""
    from crm_desktop.services.workspace import open_workspace

    path = tmp_path / "crm.sqlite"
    shutil.copyfile(_template_workspace, path)
    db = open_workspace(path)
    yield db
    db.close()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
