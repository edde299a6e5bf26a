"""Keeping a workspace healthy: integrity check, backups and restore."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from crm_desktop.domain.errors import StorageError
from crm_desktop.store import Database
from crm_desktop.store.backup import backup_to, restore_from, timestamped_backup
from crm_desktop.store.backup import rolling_backup as store_rolling_backup
from crm_desktop.store.database import inspect_file
from crm_desktop.store.integrity import run_checks


def check_workspace(*, db: Database) -> list[str]:
    """All problems `check` finds, one line each (empty when healthy)."""
    with db.engine.connect() as conn:
        return run_checks(conn)


def backup_workspace(*, db: Database, out: Path | None = None) -> Path:
    """A consistent copy of the open database, to `out` or a timestamped file in its backup folder."""
    if db.path is None:
        raise StorageError("backups of a server database are made with the server's own tools (pg_dump)")
    return backup_to(db.path, out) if out else timestamped_backup(db.path, "manual")


def restore_workspace(*, db_path: Path, source: Path) -> Path | None:
    """Replace the database at `db_path` with `source` after validating it; returns the safety copy."""
    inspect_file(source)  # refuses damaged, foreign or newer-schema files
    return restore_from(db_path, source)


def rolling_backup(*, db: Database, today: date | None = None) -> list[Path]:
    """Take today's daily and this week's weekly backup if missing (keeps 7 daily + 4 weekly)."""
    if db.path is None:
        return []
    return store_rolling_backup(db.path, today or date.today())
