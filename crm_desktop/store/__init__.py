"""Persistence: engine and sessions, pragmas, migrations, journal, search index, backups, integrity."""

from crm_desktop.store.database import Database, describe_db_error

__all__ = ["Database", "describe_db_error"]
