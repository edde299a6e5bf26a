"""Loading a workspace archive: every check before the first write, then one all-or-nothing bulk transaction."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path
from typing import IO, Any, NoReturn

from sqlalchemy import Table, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from crm_desktop.domain import REPLICATED_MODELS, LocalState
from crm_desktop.domain.errors import Conflict, NewerSchemaError, StorageError, ValidationError
from crm_desktop.services.exporting._codec import BadValue, decode_row
from crm_desktop.services.exporting._files import Progress, ShouldCancel, check_cancel
from crm_desktop.store import Database, bulk, fts, migrate
from crm_desktop.store.database import describe_db_error
from crm_desktop.store.erase import purge_rows
from crm_desktop.store.journal import INFO_KEY

BATCH = 2_000
HEADER_LIMIT = 1 << 20  # a header is a few hundred bytes; a file without one is not read whole
# Tables a brand-new workspace fills by itself (reference data, settings, the placeholder team member).
STARTING_TABLES = ("user", "pipeline", "stage", "lost_reason", "loyalty_tier", "reward", "setting", "custom_field_def")


def load_archive(
    *,
    db: Database,
    path: Path,
    tables: dict[str, Table],
    expected: tuple[str, int],
    progress: Progress,
    should_cancel: ShouldCancel,
) -> dict[str, int]:
    """Check the archive's header and the workspace, then load every row (see import_workspace)."""
    if not path.is_file():
        raise ValidationError(f"{path} does not exist or is not a file.", field="path")
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise StorageError(f"Could not read {path}: {exc.strerror or exc}") from exc
    with fh:
        announced, archive_user = _read_header(fh.readline(HEADER_LIMIT), path.name, tables, expected)
        progress(0.0, "Checking the workspace…")
        with db.bulk_session() as session:
            conn = session.connection()
            _refuse_unless_empty(session, tables, db.user_id)
            for name in STARTING_TABLES:
                if announced.get(name):
                    table = tables[name]
                    purge_rows(conn, table, list(conn.execute(select(table.c.id)).scalars()))
            if announced.get("user") and archive_user:
                session.info[INFO_KEY].user_id = archive_user  # the import is journaled as the archive's user
            loader = _Loader(session, tables, path, progress, should_cancel)
            with bulk.bulk_load(session):
                loader.read(fh)
            loader.verify(announced)
            progress(0.95, "Building the search index…")
            fts.rebuild(conn)
            user = loader.local_user(archive_user) or db.user_id
            state = session.get(LocalState, "user_id")
            if state is not None and state.value != user:
                state.value = user
                session.add(state)
    db.user_id = user
    progress(1.0, f"{sum(loader.counts.values()):,} records imported")
    return {name: loader.counts.get(name, 0) for name in tables}


def _read_header(
    raw: bytes, name: str, tables: dict[str, Table], expected: tuple[str, int]
) -> tuple[dict[str, int], str | None]:
    """Rows announced per table and the exporting user (hex), after refusing foreign and newer archives."""
    kind, version = expected
    not_ours = f"{name} is not a CRM Desktop workspace archive (it does not start with the archive header)."
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError(not_ours, field="path") from None
    if not isinstance(header, dict) or header.get("format") != kind:
        raise ValidationError(not_ours, field="path")
    newer = f"{name} was written by a newer version of CRM Desktop"
    update = "update CRM Desktop to import it. Nothing was changed."
    found = header.get("version")
    if not isinstance(found, int) or isinstance(found, bool):
        raise ValidationError(f"{name} is a damaged workspace archive (its header has no format version).")
    if found > version:
        raise NewerSchemaError(f"{newer} (archive format {found}); {update}")
    schema = header.get("schema")
    if isinstance(schema, str):
        try:
            migrate.ensure_known(schema, where=name)
        except NewerSchemaError:
            raise NewerSchemaError(f"{newer} (schema {schema}); {update}") from None
    announced = header.get("tables")
    if not isinstance(announced, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in announced.values()
    ):
        raise ValidationError(f"{name} is a damaged workspace archive (its header does not list its tables).")
    unknown = sorted(set(announced) - set(tables))
    if unknown:
        raise NewerSchemaError(f"{newer} (it holds {unknown[0]!r} records this version does not know); {update}")
    try:
        user = uuid.UUID(str(header.get("user_id"))).hex
    except ValueError:
        user = None
    return announced, user


def _refuse_unless_empty(session: Session, tables: dict[str, Table], local_user: str) -> None:
    """Conflict unless the workspace holds nothing but what a new workspace starts with."""
    held: list[str] = []
    for name, table in tables.items():
        stmt = select(func.count()).select_from(table)
        if name == "user":
            stmt = stmt.where(table.c.id != uuid.UUID(local_user))
        elif name in STARTING_TABLES:
            continue
        count = int(session.execute(stmt).scalar_one())
        if count:
            held.append(f"{count:,} {'team member' if name == 'user' else name.replace('_', ' ')} record(s)")
    if held:
        listed = ", ".join(held[:4]) + (", …" if len(held) > 4 else "")
        raise Conflict(
            f"This workspace is not empty: it already holds {listed} (counting the Trash). A workspace archive "
            "is imported into a new, empty database only: create one (File → New Database…) and import there."
        )


class _Loader:
    """Reads row lines and writes them in batches of one table, counting what it loaded."""

    def __init__(
        self, session: Session, tables: dict[str, Table], path: Path, progress: Progress, cancel: ShouldCancel
    ) -> None:
        self.session, self.tables, self.path = session, tables, path
        self.progress, self.cancel = progress, cancel
        self.size = max(path.stat().st_size, 1)
        self.models: dict[str, type[Any]] = {m.__tablename__: m for m in REPLICATED_MODELS}  # type: ignore[misc]
        self.counts: dict[str, int] = {}
        self.users: list[tuple[Any, str]] = []  # (created_at, hex id) of every user loaded
        self.end: Any = None
        self.batch: list[dict[str, Any]] = []
        self.batch_table: str | None = None
        self.done_bytes = 0
        self.line = 1

    def read(self, fh: IO[bytes]) -> None:
        """Load every row line after the header, in batches, up to the end line."""
        self.done_bytes = fh.tell()
        for line, raw in enumerate(fh, start=2):
            self.line = line
            self.done_bytes += len(raw)
            if not raw.strip():
                continue
            if self.end is not None:
                self._fail("there is more after the archive's last line")
            self._take(self._parse(raw))
        self._flush()

    def _parse(self, raw: bytes) -> dict[str, Any]:
        try:
            item = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            self._fail("it is not valid JSON; the file may be damaged or cut short")
        if not isinstance(item, dict):
            self._fail("it is not a record")
        return item

    def _take(self, item: dict[str, Any]) -> None:
        if "end" in item:
            self.end = item["end"]
            return
        name, row = item.get("table"), item.get("row")
        if not isinstance(name, str) or name not in self.tables:
            self._fail(f"{name!r} is not a kind of record this version knows")
        if not isinstance(row, dict):
            self._fail("the record has no row")
        try:
            decoded = decode_row(self.tables[name], row)
        except BadValue as exc:
            self._fail(str(exc))
        if name != self.batch_table or len(self.batch) >= BATCH:
            self._flush()
            self.batch_table = name
        self.batch.append(decoded)
        if name == "user":
            self.users.append((decoded.get("created_at"), decoded["id"].hex))

    def _flush(self) -> None:
        if not self.batch or self.batch_table is None:
            return
        check_cancel(self.cancel, "The workspace import")
        name, rows = self.batch_table, self.batch
        try:
            bulk.bulk_insert(self.session, self.models[name], rows, refresh_index=False)
        except (IntegrityError, sqlite3.IntegrityError) as exc:
            self._fail(f"its {name.replace('_', ' ')} records clash with records already loaded ({exc})")
        except sqlite3.Error as exc:
            raise StorageError(describe_db_error(exc)) from exc
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        self.batch = []
        self.progress(0.9 * self.done_bytes / self.size, f"Importing {name.replace('_', ' ')}…")

    def verify(self, announced: dict[str, int]) -> None:
        """Refuse an archive cut short or tampered with: the header's and footer's counts must hold."""
        cut = f"{self.path.name} is incomplete"
        if not isinstance(self.end, dict) or self.end.get("rows") != sum(self.counts.values()):
            raise ValidationError(f"{cut}: it ends before its last line (was it cut short?). Nothing was imported.")
        for name in self.tables:
            if announced.get(name, 0) != self.counts.get(name, 0):
                raise ValidationError(
                    f"{cut} or damaged: its header announces {announced.get(name, 0):,} {name.replace('_', ' ')} "
                    f"records but it holds {self.counts.get(name, 0):,}. Nothing was imported."
                )

    def local_user(self, wanted: str | None) -> str | None:
        """The loaded user this workspace acts as: the archive's own, else the earliest loaded."""
        ids = {hex_id for _, hex_id in self.users}
        if wanted in ids:
            return wanted
        return min(self.users)[1] if self.users else None

    def _fail(self, why: str) -> NoReturn:
        raise ValidationError(f"Line {self.line} of {self.path.name} cannot be imported: {why}. Nothing was imported.")
