"""Opening databases: bad files are refused untouched, newer schemas refused, migrations back up first."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from crm_desktop.domain import Contact
from crm_desktop.domain.errors import NewerSchemaError, StorageError, SyncedFolderWarning
from crm_desktop.store import Database
from crm_desktop.store.migrate import alembic_config, head_revision
from crm_desktop.store.paths import backup_dir, synced_folder_reason


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(path: Path) -> list[Path]:
    return [p for p in path.parent.iterdir() if p.name != path.name and p.name.startswith(path.name)]


def make_database(path: Path, contacts: int = 20) -> None:
    db = Database.open(path)
    with db.session() as s:
        for i in range(contacts):
            s.add(Contact(display_name=f"Person {i}", notes="x" * 2000))
    db.close()


def test_text_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("name,email\nAda,ada@example.org\n")
    before = digest(path)
    with pytest.raises(StorageError, match="not a CRM Desktop database"):
        Database.open(path)
    assert digest(path) == before and sidecars(path) == []


@pytest.mark.parametrize("damage", ["truncate", "scribble-page-1", "scribble-schema"])
def test_corrupt_database_is_refused_and_untouched(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "crm.sqlite"
    make_database(path)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "scribble-page-1":
        data[100:4000] = bytes((i * 7) & 0xFF for i in range(3900))
    else:
        data[4096 * 2 : 4096 * 30] = bytes((i * 13) & 0xFF for i in range(4096 * 28))
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StorageError, match="damaged"):
        Database.open(path)
    assert digest(path) == before and sidecars(path) == []


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
        conn.commit()
    with pytest.raises(StorageError, match="not a CRM Desktop one"):
        Database.open(path)


def test_newer_schema_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite"
    make_database(path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        conn.commit()
    before = digest(path)
    with pytest.raises(NewerSchemaError, match="newer version"):
        Database.open(path)
    assert digest(path) == before


def test_migration_takes_a_backup_first(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite"
    make_database(path)
    db = Database.open(path)
    config = alembic_config()
    with db.engine.begin() as conn:  # simulate a database from before the first revision
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    db.close()
    reopened = Database.open(path)
    try:
        backups = list(backup_dir(path).glob("*before-migration*.sqlite"))
        assert len(backups) == 1
        with closing(sqlite3.connect(backups[0])) as conn:
            assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (0,)
        with reopened.read_session() as s:
            assert s.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
    finally:
        reopened.close()


def test_new_database_gets_pragmas(workspace: Database) -> None:
    with workspace.read_session() as s:
        conn = s.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_synced_folder_needs_explicit_consent(tmp_path: Path) -> None:
    path = tmp_path / "Dropbox" / "crm.sqlite"
    with pytest.raises(SyncedFolderWarning, match="cloud-synced"):
        Database.open(path)
    assert not path.exists()
    db = Database.open(path, allow_synced_folder=True)
    try:
        with db.read_session() as s:
            assert s.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    finally:
        db.close()


def test_only_folders_make_a_path_synced_not_the_file_name(tmp_path: Path) -> None:
    assert synced_folder_reason(tmp_path / "icloud-contacts.sqlite") is None  # an export's name, in a local folder
    assert synced_folder_reason(tmp_path / "OneDrive - Acme" / "crm.sqlite") == (
        "it is inside 'OneDrive - Acme', a cloud-synced folder"
    )


def test_locked_database_gives_a_clear_error_and_keeps_data(workspace: Database, db_path: Path) -> None:
    with workspace.session() as s:
        s.add(Contact(display_name="Before the lock"))
    blocker = sqlite3.connect(db_path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError, match="locked"), workspace.session() as s:
            s.add(Contact(display_name="During the lock"))
    finally:
        blocker.rollback()
        blocker.close()
    with workspace.read_session() as s:
        names = s.connection().execute(text("SELECT display_name FROM contact")).scalars().all()
    assert names == ["Before the lock"]


def _journal_mode(db: Database) -> str:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()


def _contacts(db: Database) -> int:
    with db.read_session() as s:
        return s.connection().exec_driver_sql("SELECT count(*) FROM contact").scalar_one()


def test_bulk_session_loads_with_a_rollback_journal_and_returns_to_wal(workspace: Database) -> None:
    with workspace.bulk_session() as s:
        assert s.connection().exec_driver_sql("PRAGMA journal_mode").scalar_one() == "delete"
        s.add(Contact(display_name="Loaded"))
    assert _journal_mode(workspace) == "wal"
    assert _contacts(workspace) == 1
    with pytest.raises(RuntimeError), workspace.bulk_session() as s:
        s.add(Contact(display_name="Rolled back"))
        s.flush()
        raise RuntimeError("cancel")
    assert _journal_mode(workspace) == "wal"
    assert _contacts(workspace) == 1


def test_bulk_session_stays_in_wal_when_another_program_has_the_file_open(workspace: Database, db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as other:
        other.execute("SELECT count(*) FROM contact").fetchone()
        with workspace.bulk_session() as s:
            assert s.connection().exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            s.add(Contact(display_name="Still saved"))
        assert other.execute("SELECT count(*) FROM contact").fetchone()[0] == 1
    assert _journal_mode(workspace) == "wal"
