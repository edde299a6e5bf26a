"""The whole workspace as a JSON Lines archive (DESIGN §7) that imports back losslessly.

Line 1 is a header: {"format": "crm-desktop-jsonl", "version": 1, "schema": <alembic revision>,
"exported_at": …, "app_version": …, "user_id": <the exporting workspace's own user>, "tables": {name: rows}}.
Then one line per row of every replicated table, Trash and ledgers included, in dependency order:
{"table": "contact", "row": {…every column…}}; ids as UUID strings, times in ISO 8601 UTC, dates ISO,
money in integer cents, JSON fields as JSON. The last line, {"end": {"rows": N}}, proves the file is complete.
The local change journal is not part of the archive: an import journals the rows it loads as new changes.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select

from crm_desktop import __version__
from crm_desktop.domain import REPLICATED_MODELS, utcnow
from crm_desktop.services.exporting._codec import iter_pages, row_encoder
from crm_desktop.services.exporting._files import Progress, ShouldCancel, atomic_text, check_cancel, never, quiet
from crm_desktop.services.exporting._jsonl_import import load_archive
from crm_desktop.store import Database, migrate

FORMAT = "crm-desktop-jsonl"
VERSION = 1
TABLES: tuple[Table, ...] = tuple(m.__table__ for m in REPLICATED_MODELS)  # type: ignore[attr-defined]
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

__all__ = ["FORMAT", "TABLES", "VERSION", "export_workspace", "import_workspace"]


def export_workspace(
    *, db: Database, path: Path, progress: Progress | None = None, should_cancel: ShouldCancel | None = None
) -> dict[str, int]:
    """Write every replicated row of the workspace to `path` (one consistent snapshot); returns rows per table."""
    report, cancelled = progress or quiet, should_cancel or never
    report(0.0, "Counting records…")
    with db.read_session() as session:
        conn = session.connection()  # one read transaction: every table from the same moment
        counts = {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in TABLES}
        total = sum(counts.values())
        header: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "schema": migrate.current_revision(conn),
            "exported_at": utcnow().isoformat(),
            "app_version": __version__,
            "user_id": str(uuid.UUID(db.user_id)),
            "tables": counts,
        }
        written = 0
        with atomic_text(path) as fh:
            fh.write(_ENCODER.encode(header) + "\n")
            for table in TABLES:
                encode, prefix = row_encoder(table), '{"table":' + _ENCODER.encode(table.name) + ',"row":'
                for page in iter_pages(conn, table):
                    check_cancel(cancelled, "The workspace export")
                    fh.write("".join(prefix + _ENCODER.encode(encode(row)) + "}\n" for row in page))
                    written += len(page)
                    report(written / total if total else 1.0, f"Writing {table.name.replace('_', ' ')}…")
            fh.write(_ENCODER.encode({"end": {"rows": written}}) + "\n")
    report(1.0, f"{written:,} records exported")
    return counts


def import_workspace(
    *, db: Database, path: Path, progress: Progress | None = None, should_cancel: ShouldCancel | None = None
) -> dict[str, int]:
    """Load an archive into a new, empty workspace, all or nothing; returns rows per table.

    The new workspace's starting rows (its pipeline, stages, lost reasons, tiers, rewards, settings and the
    placeholder team member made at first start) are replaced by the archive's, table by table, so ids and
    values come out exactly as exported; the archive's own user becomes this workspace's user.
    A workspace holding any business data is refused (Conflict), as is an archive from a newer version.
    """
    return load_archive(
        db=db,
        path=Path(path),
        tables={t.name: t for t in TABLES},
        expected=(FORMAT, VERSION),
        progress=progress or quiet,
        should_cancel=should_cancel or never,
    )
