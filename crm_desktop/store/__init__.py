"""Persistence: engine and sessions, pragmas, migrations, journal, search index, backups, integrity."""

from crm_desktop.store.database import ChangeNotice, Database, describe_db_error

__all__ = ["ChangeNotice", "Database", "describe_db_error"]
