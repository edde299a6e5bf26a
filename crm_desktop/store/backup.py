"""Copies of the database made with SQLite's online backup API, safe while the app runs."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

from crm_desktop.domain.errors import StorageError
from crm_desktop.store.paths import backup_dir

log = logging.getLogger("crm_desktop.store")
SQLITE_HEADER = b"SQLite format 3\x00"


def backup_to(db_path: Path, out: Path) -> Path:
    """Write a consistent copy of `db_path` to `out` (which must not exist yet)."""
    if out.exists():
        raise StorageError(f"{out} already exists; choose another file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    try:
        with (
            closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(tmp)) as dst,
        ):
            src.backup(dst)
        tmp.replace(out)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"could not back up {db_path}: {exc}") from exc
    log.info("backup written to %s", out)
    return out


def timestamped_backup(db_path: Path, label: str) -> Path:
    """A backup in the database's backup folder, named by label and time."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return backup_to(db_path, backup_dir(db_path) / f"{db_path.stem}-{label}-{stamp}.sqlite")


def restore_from(db_path: Path, source: Path) -> Path | None:
    """Replace the database with a backup; the current file is backed up first. Returns that safety copy."""
    if not source.is_file():
        raise StorageError(f"{source} does not exist")
    with source.open("rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            raise StorageError(f"{source} is not a SQLite database; nothing was restored")
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as check:
            result = check.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.Error as exc:
        raise StorageError(f"{source} is damaged ({exc}); nothing was restored") from exc
    if result != "ok":
        raise StorageError(f"{source} is damaged ({result}); nothing was restored")
    if "contact" not in tables or "alembic_version" not in tables:
        raise StorageError(f"{source} is not a CRM Desktop database; nothing was restored")
    safety = timestamped_backup(db_path, "before-restore") if db_path.exists() else None
    tmp = db_path.with_name(db_path.name + ".restoring")
    shutil.copyfile(source, tmp)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    tmp.replace(db_path)
    log.info("restored %s from %s (safety copy %s)", db_path, source, safety)
    return safety


def rolling_backup(db_path: Path, today: date, *, keep_daily: int = 7, keep_weekly: int = 4) -> list[Path]:
    """Daily and weekly safety copies in the backup folder, pruned to the newest few; returns new files."""
    made: list[Path] = []
    folder = backup_dir(db_path)
    iso_year, iso_week, _ = today.isocalendar()
    wanted = (
        ("daily", folder / "daily" / f"{db_path.stem}-{today.isoformat()}.sqlite", keep_daily),
        ("weekly", folder / "weekly" / f"{db_path.stem}-{iso_year}-W{iso_week:02d}.sqlite", keep_weekly),
    )
    for _kind, target, keep in wanted:
        if not target.exists():
            made.append(backup_to(db_path, target))
        copies = sorted(target.parent.glob(f"{db_path.stem}-*.sqlite"))
        for old in copies[:-keep]:
            old.unlink(missing_ok=True)
    return made
