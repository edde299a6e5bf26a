"""`check`: SQLite integrity, foreign keys, search index, migration state and dangling references."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from crm_desktop.store import fts, migrate

# (table, column, referenced table) for UUID references kept without FOREIGN KEY constraints (DESIGN §3).
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("contact", "organization_id", "organization"),
    ("contact_channel", "contact_id", "contact"),
    ("deal", "contact_id", "contact"),
    ("deal", "organization_id", "organization"),
    ("deal", "stage_id", "stage"),
    ("deal", "pipeline_id", "pipeline"),
    ("deal_stage_change", "deal_id", "deal"),
    ("stage", "pipeline_id", "pipeline"),
    ("support_case", "contact_id", "contact"),
    ("case_event", "case_id", "support_case"),
    ("purchase", "contact_id", "contact"),
    ("points_entry", "contact_id", "contact"),
    ("activity", "contact_id", "contact"),
    ("task", "contact_id", "contact"),
    ("feedback", "contact_id", "contact"),
    ("subscription", "contact_id", "contact"),
    ("referral", "referrer_id", "contact"),
    ("referral", "referred_id", "contact"),
    ("contact", "merged_into", "contact"),
)


def run_checks(conn: Connection) -> list[str]:
    """Every problem found, one readable line each; an empty list means healthy."""
    problems: list[str] = []
    if conn.dialect.name == "sqlite":
        rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        if rows != ["ok"]:
            problems.extend(f"integrity: {r}" for r in rows[:20])
        for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(f"foreign key: {table} row {rowid} points to a missing {parent}")
        problems.extend(fts.check(conn))
    revision, head = migrate.current_revision(conn), migrate.head_revision()
    if revision != head:
        problems.append(f"schema: at revision {revision}, this app expects {head}")
    for table, column, target in REFERENCES:
        count = conn.exec_driver_sql(
            f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {target} r WHERE r.id = t.{column})"
        ).scalar_one()
        if count:
            problems.append(f"references: {count} {table} row(s) name a {target} that does not exist ({column})")
    return problems
