"""The database the app owns: engine, pragmas, sessions with the journal attached, local identity.

Nothing here runs at import time: the app opens a `Database` and hands it down to services.
"""

from __future__ import annotations

import getpass
import logging
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from crm_desktop.domain import LocalState, User
from crm_desktop.domain.errors import CRMError, StorageError, SyncedFolderWarning
from crm_desktop.store import journal, migrate
from crm_desktop.store.backup import SQLITE_HEADER, timestamped_backup
from crm_desktop.store.hlc import HybridClock
from crm_desktop.store.paths import is_database_url, synced_folder_reason

log = logging.getLogger("crm_desktop.store")


@dataclass(frozen=True)
class ChangeNotice:
    """What one committed transaction wrote: row ids per table (empty set: too many to list) and who asked."""

    rows: Mapping[str, frozenset[str]]
    initiator: object | None = None

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(self.rows)


ChangeListener = Callable[[ChangeNotice], None]


class JournalSession(Session):
    """A SQLModel session whose flushes are journaled (hooks installed below)."""


journal.install(JournalSession)


@dataclass(frozen=True)
class FileFacts:
    """What a read-only look at an existing file found, before we dare write to it."""

    has_tables: bool
    revision: str | None


def inspect_file(path: Path) -> FileFacts:
    """Validate an existing file read-only: a SQLite database, ours, of a schema we know."""
    if not path.exists() or path.stat().st_size == 0:
        return FileFacts(has_tables=False, revision=None)
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a database file")
    with path.open("rb") as fh:
        header = fh.read(100)
    if header[:16] != SQLITE_HEADER:
        raise StorageError(f"{path} is not a CRM Desktop database (not a SQLite file); it was left untouched")
    if _truncated(header, path.stat().st_size):
        raise StorageError(f"{path} is damaged (the file is shorter than its header says); it was left untouched")
    sidecars = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    absent = [p for p in sidecars if not p.exists()]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        for created in absent:  # leave the folder as we found it
            created.unlink(missing_ok=True)
        raise StorageError(f"{path} is damaged and cannot be opened ({exc}); it was left untouched") from exc
    if tables and "alembic_version" not in tables:
        raise StorageError(f"{path} is a SQLite database but not a CRM Desktop one; it was left untouched")
    migrate.ensure_known(revision, where=str(path))
    return FileFacts(has_tables=bool(tables), revision=revision)


def _truncated(header: bytes, size: int) -> bool:
    """True when the header's page count is valid and promises more bytes than the file has."""
    if len(header) < 100:
        return True
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    change_counter, valid_for = header[24:28], header[92:96]
    return page_count > 0 and change_counter == valid_for and size < page_size * page_count


def _sqlite_engine(path: Path, *, wal: bool) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 5})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute(f"PRAGMA journal_mode={'WAL' if wal else 'DELETE'}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN " + conn.get_execution_options().get("sqlite_begin", "DEFERRED"))

    return engine


def _leave_wal(raw: Any) -> bool:
    """Switch a connection from WAL to a synchronous rollback journal, if nobody else has the file open."""
    if raw.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        return False
    raw.execute("PRAGMA busy_timeout=0")  # another connection means: stay in WAL, do not wait for it
    try:
        switched = raw.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    except sqlite3.OperationalError:
        switched = False
    finally:
        raw.execute("PRAGMA busy_timeout=5000")
    if switched:
        raw.execute("PRAGMA synchronous=FULL")
    return switched


def describe_db_error(exc: Exception) -> str:
    """A sentence for a failing database call, naming the likely cause."""
    text = str(getattr(exc, "orig", exc))
    if "locked" in text or "busy" in text:
        return "The database is busy or locked by another program; try again in a moment."
    if "full" in text:
        return "The disk is full; free some space and try again. Nothing was saved."
    if "malformed" in text or "not a database" in text:
        return "The database file is damaged; restore a backup (File → Restore). Nothing was saved."
    if "readonly" in text or "read-only" in text:
        return "The database file is read-only; nothing could be saved."
    return f"The database reported an error: {text}"


class Database:
    """An open CRM database: engine, journaled sessions, this device's clock and the acting user."""

    def __init__(self, engine: Engine, *, location: str, path: Path | None) -> None:
        self.engine = engine
        self.location = location
        self.path = path
        self._factory = sessionmaker(bind=engine, class_=JournalSession, expire_on_commit=False)
        self._write_bind = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._listeners: list[ChangeListener] = []
        self.device_id, self.clock, self.user_id = self._load_identity()

    def add_change_listener(self, listener: ChangeListener) -> None:
        """Call `listener` (on the committing thread) after every successful write transaction."""
        self._listeners.append(listener)

    def remove_change_listener(self, listener: ChangeListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    @classmethod
    def open(cls, location: str | Path, *, allow_synced_folder: bool = False) -> Database:
        """Open (creating if needed) and migrate a database file or server URL."""
        location = str(location)
        if is_database_url(location):
            engine = create_engine(location, pool_pre_ping=True)
            migrate.upgrade(engine)
            return cls(engine, location=location, path=None)
        path = Path(location).expanduser()
        facts = inspect_file(path)
        reason = synced_folder_reason(path)
        if reason and not allow_synced_folder:
            raise SyncedFolderWarning(
                f"{path} should not be opened in place: {reason}, and sync tools corrupt live databases. "
                "Keep the database on this computer and share through a team folder instead."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = _sqlite_engine(path, wal=reason is None)
        try:
            if facts.revision != migrate.head_revision():
                if facts.has_tables:
                    copy = timestamped_backup(path, f"before-migration-{facts.revision}")
                    log.info("backed up %s to %s before migrating", path, copy)
                migrate.upgrade(engine)
            return cls(engine, location=str(path), path=path)
        except CRMError:
            engine.dispose()
            raise
        except DBAPIError as exc:
            engine.dispose()
            raise StorageError(f"{path}: {describe_db_error(exc)}") from exc

    @contextmanager
    def session(self, *, initiator: object | None = None, bind: Connection | None = None) -> Iterator[Session]:
        """A write transaction for one user action: committed on success, rolled back on any error.

        After the commit, change listeners learn which rows were written and by whose request.
        """
        session = self._factory(bind=bind or self._write_bind)
        context = journal.JournalContext(self.clock, self.user_id)
        session.info[journal.INFO_KEY] = context
        try:
            yield session
            session.commit()
        except (OperationalError, DatabaseError) as exc:
            session.rollback()
            raise StorageError(describe_db_error(exc)) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        if context.written:
            self._notify(ChangeNotice({t: frozenset(ids) for t, ids in context.written.items()}, initiator))

    @contextmanager
    def bulk_session(self, *, initiator: object | None = None) -> Iterator[Session]:
        """A write transaction for loading a great many rows (the demo business), as fast as it is safe.

        WAL writes every new page twice, to the log and again when checkpointing; a rollback journal skips
        pages the file did not have. So when no other connection has the file open, the load runs with a
        rollback journal and synchronous=FULL, and WAL is switched back on afterwards. Otherwise it is an
        ordinary session.
        """
        if self.engine.dialect.name != "sqlite":
            with self.session(initiator=initiator) as session:
                yield session
            return
        with self._write_bind.connect() as conn:
            raw = conn.connection.dbapi_connection
            switched = _leave_wal(raw)
            try:
                with self.session(initiator=initiator, bind=conn) as session:
                    yield session
            finally:
                if switched:
                    raw.execute("PRAGMA synchronous=NORMAL")
                    raw.execute("PRAGMA journal_mode=WAL")

    def _notify(self, notice: ChangeNotice) -> None:
        for listener in list(self._listeners):
            try:
                listener(notice)
            except Exception:  # a broken view must not turn a committed write into an error
                log.exception("change listener %r failed", listener)

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read-only unit of work (never commits)."""
        session = self._factory()
        try:
            yield session
        except (OperationalError, DatabaseError) as exc:
            raise StorageError(describe_db_error(exc)) from exc
        finally:
            session.rollback()
            session.close()

    def optimize(self) -> None:
        """Refresh the query planner's statistics (after bulk loads and on close; cheap when fresh)."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:
                conn.connection.dbapi_connection.execute("PRAGMA optimize")  # type: ignore[union-attr]

    def close(self) -> None:
        try:
            self.optimize()
        except DBAPIError:  # a damaged or locked file must not stop the app from closing
            log.warning("PRAGMA optimize failed on close", exc_info=True)
        self.engine.dispose()

    def _load_identity(self) -> tuple[str, HybridClock, str]:
        with self._factory(bind=self._write_bind) as session:
            state = {row.key: row.value for row in session.execute(select(LocalState)).scalars()}
            device_id = state.get("device_id") or secrets.token_hex(8)
            if "device_id" not in state:
                session.add(LocalState(key="device_id", value=device_id))
            last = session.connection().exec_driver_sql("SELECT max(hlc) FROM change").scalar()
            clock = HybridClock(device_id, last=last)
            user_id = state.get("user_id")
            if user_id is None:
                session.info[journal.INFO_KEY] = journal.JournalContext(clock, None)
                user = session.execute(select(User).order_by(User.created_at)).scalars().first()
                if user is None:
                    user = User(name=_login_name())
                    session.add(user)
                    session.flush()
                user_id = user.id.hex
                session.add(LocalState(key="user_id", value=user_id))
            session.commit()
        return device_id, clock, user_id


def _login_name() -> str:
    try:
        return getpass.getuser().replace(".", " ").title() or "Me"
    except (OSError, KeyError):
        return "Me"
