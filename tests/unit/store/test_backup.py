"""Backups are consistent copies; rolling backups keep 7 daily and 4 weekly; restore validates first."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest

from crm_desktop.domain import Contact
from crm_desktop.domain.errors import StorageError
from crm_desktop.store import Database
from crm_desktop.store.backup import backup_to, restore_from, rolling_backup
from crm_desktop.store.paths import backup_dir


def contact_count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM contact").fetchone()[0]


def test_backup_of_an_open_database_holds_committed_rows(workspace: Database, db_path: Path, tmp_path: Path) -> None:
    with workspace.session() as s:
        s.add(Contact(display_name="Kept"))
    out = backup_to(db_path, tmp_path / "copy.sqlite")
    assert contact_count(out) == 1
    with pytest.raises(StorageError, match="already exists"):
        backup_to(db_path, out)


def test_rolling_backups_keep_seven_daily_and_four_weekly(workspace: Database, db_path: Path) -> None:
    start = date(2026, 1, 1)
    for offset in range(40):
        rolling_backup(db_path, start + timedelta(days=offset))
    daily = sorted((backup_dir(db_path) / "daily").iterdir())
    weekly = sorted((backup_dir(db_path) / "weekly").iterdir())
    assert len(daily) == 7 and daily[-1].name.endswith("2026-02-09.sqlite")
    assert len(weekly) == 4
    assert rolling_backup(db_path, start + timedelta(days=39)) == []  # nothing new on the same day


def test_restore_replaces_the_database_and_keeps_a_safety_copy(workspace: Database, db_path: Path,
                                                               tmp_path: Path) -> None:  # fmt: skip
    snapshot = backup_to(db_path, tmp_path / "snapshot.sqlite")
    with workspace.session() as s:
        s.add(Contact(display_name="Added after the snapshot"))
    workspace.close()
    safety = restore_from(db_path, snapshot)
    assert contact_count(db_path) == 0
    assert safety is not None and contact_count(safety) == 1
