"""Importing 10,000 fresh contacts from CSV into a copy of the dataset, vs raw executemany of the same rows."""

from __future__ import annotations

import csv
import random
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core import Context, Figure, benchmark, timed
from inproc import workspace

ROWS = 10_000
ORGANIZATIONS = 400
HEADER = ("given_name", "family_name", "email", "phone", "organization")
GIVEN = ("Amelie", "Bruno", "Carla", "Dario", "Elif", "Felix", "Greta", "Hannes", "Ines", "Jakob", "Klara",
         "Lukas", "Mira", "Noah", "Olga", "Paul", "Rosa")  # fmt: skip
FAMILY = ("Albrecht", "Brandt", "Conrad", "Dietrich", "Ebert", "Fuchs", "Graf", "Hartmann", "Jansen", "Kühn",
          "Lorenz", "Marx", "Nowak", "Otto", "Pohl")  # fmt: skip


def fresh_rows(count: int = ROWS, seed: int = 11) -> list[dict[str, str]]:
    """Contacts that exist nowhere in the demo data: unique e-mails on a bench domain, valid German mobiles."""
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        rows.append(
            {
                "given_name": given,
                "family_name": family,
                "email": f"{given.lower()}.{family.lower()}.{number}@bench-import.example".replace("ü", "ue"),
                "phone": f"+49 159 0{number:07d}",  # a mobile range the demo data never uses
                "organization": f"Benchmark Trading {number % ORGANIZATIONS:03d} GmbH",
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _importer() -> tuple[Any, str | None]:
    """crm_desktop.services.importing (read_source, ImportPlan, run_import), or None and why not."""
    try:
        from crm_desktop.services import importing
    except ImportError as exc:
        return None, f"crm_desktop.services.importing cannot be imported ({exc})"
    missing = [name for name in ("read_source", "ImportPlan", "run_import") if not hasattr(importing, name)]
    if missing:
        return None, f"crm_desktop.services.importing has no {', '.join(missing)} yet"
    return importing, None


def _imported(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT count(*) FROM contact WHERE email LIKE '%@bench-import.example'").fetchone()[0])


@benchmark("import_csv_10k")
def import_csv(ctx: Context) -> Figure:
    """10,000 new contacts (names, e-mails, phones, 400 new organizations) through run_import, into a copy."""
    rows = fresh_rows()
    csv_path = write_csv(ctx.scratch / "contacts-10k.csv", rows)
    floor = _raw_insert(ctx.table_copy("contact", "import-floor"), rows)
    importing, why = _importer()
    if importing is None:
        return Figure("import_csv_10k", "s", floor=floor, budget=5.0, unavailable=why)
    target = ctx.copy()  # shared with the kanban figures: they touch deals, this only contacts
    db = workspace(target)
    read, source = timed(lambda: importing.read_source(csv_path))
    run, report = timed(lambda: importing.run_import(db, source, importing.ImportPlan()))
    landed = _imported(target)
    summary = report.summary() if hasattr(report, "summary") else str(report)
    note = (
        f"read + map {read:.2f} s, run_import {run:.2f} s; {landed:,} of {ROWS:,} contacts landed ({summary}); "
        "floor = raw executemany into a copy of the contact table (no organizations, journal or search index)"
    )
    if landed != ROWS and getattr(report, "failed", None):
        note += f"; first failure: {report.failed[0]}"
    return Figure("import_csv_10k", "s", value=read + run, floor=floor, budget=5.0, note=note,
                  details={"imported": landed, "read_s": round(read, 4), "run_import_s": round(run, 4),
                           "summary": summary})  # fmt: skip


def _raw_insert(path: Path, rows: list[dict[str, str]]) -> float:
    """The floor: the same people as contact rows in one executemany and one commit (plain sqlite3)."""
    conn = sqlite3.connect(path)
    try:
        info = conn.execute("PRAGMA table_info(contact)").fetchall()  # cid, name, type, notnull, default, pk
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        fixed = {"lifecycle_stage": "lead", "lead_status": "open", "tags": "[]", "custom": "{}",
                 "marketing_consent": 0, "do_not_contact": 0, "created_at": now, "updated_at": now}  # fmt: skip
        columns = [c[1] for c in info if c[1] in fixed or c[1] in {"id", "display_name", *HEADER} or c[3]]
        columns = [c for c in columns if c != "organization"]

        def value(name: str, row: dict[str, str]) -> Any:
            if name == "id":
                return uuid.uuid4().hex
            if name == "display_name":
                return f"{row['given_name']} {row['family_name']}"
            if name == "phone":
                return row["phone"].replace(" ", "")
            if name in row:
                return row[name]
            return fixed.get(name, "")

        names, marks = ", ".join(columns), ", ".join("?" * len(columns))

        values = [[value(name, row) for name in columns] for row in rows]

        def insert() -> None:
            conn.executemany(f"INSERT INTO contact ({names}) VALUES ({marks})", values)
            conn.commit()

        seconds, _ = timed(insert)
    finally:
        conn.close()
    return seconds
