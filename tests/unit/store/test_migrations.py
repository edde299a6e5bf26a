"""Migrations and models agree: a migrated database has exactly the schema the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from crm_desktop.store import Database

SEARCH_TABLES = {"contact_search", "contact_fts", "contact_fts_data", "contact_fts_idx", "contact_fts_docsize",
                 "contact_fts_config", "alembic_version", "contact_words", "contact_words_data", "contact_words_idx",
                 "contact_words_docsize", "contact_words_config"}  # fmt: skip


def _search_table_of(difference: tuple[object, ...]) -> str | None:
    """The table a model/database difference is about, when it is a table or an index (else None)."""
    kind, item = difference[0], difference[1]
    if kind == "remove_table":
        return str(getattr(item, "name", None))
    if kind == "remove_index":
        return str(getattr(getattr(item, "table", None), "name", None))
    return None


def test_migrated_schema_matches_the_models(workspace: Database) -> None:
    with workspace.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    drift = [d for d in diff if _search_table_of(d) not in SEARCH_TABLES]
    assert drift == [], "models changed without a migration: add one with alembic revision --autogenerate"


def test_downgrade_and_upgrade_round_trip(workspace: Database) -> None:
    from alembic import command

    from crm_desktop.store.migrate import alembic_config, current_revision, head_revision

    config = alembic_config()
    with workspace.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
        command.upgrade(config, "head")
        assert current_revision(conn) == head_revision()


def test_upgrade_from_0001_keeps_the_journal_without_rowid(workspace: Database) -> None:
    from alembic import command

    from crm_desktop.store.migrate import alembic_config

    config = alembic_config()
    with workspace.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
        command.upgrade(config, "head")
        table_sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'change'").scalar_one()
        index_sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_change_row'").scalar_one()
    assert "WITHOUT ROWID" in table_sql
    assert "field" in index_sql


def test_known_revisions_list_every_shipped_script_in_order() -> None:
    from crm_desktop.store.migrate import KNOWN_REVISIONS, scripts

    shipped = [s.revision for s in reversed(list(scripts().walk_revisions()))]
    assert list(KNOWN_REVISIONS) == shipped, "add the new migration's revision to migrate.KNOWN_REVISIONS"
