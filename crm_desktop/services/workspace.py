"""Opening a workspace: the database plus its reference data, ready for the other services."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from crm_desktop.domain import Contact, Deal
from crm_desktop.services.reference import ensure_reference_data
from crm_desktop.store import ChangeNotice, Database
from crm_desktop.store.paths import default_database, log_dir

Workspace = Database

__all__ = ["ChangeNotice", "Workspace", "default_location", "is_empty", "log_dir", "open_workspace"]


def default_location() -> Path:
    """The database opened when none is named: `CRM_DESKTOP_DB` or the user data dir."""
    return default_database()


def open_workspace(location: str | Path | None = None, *, allow_synced_folder: bool = False) -> Database:
    """Open (create, migrate) a database and make sure its reference data exists."""
    db = Database.open(location or default_location(), allow_synced_folder=allow_synced_folder)
    with db.session() as session:
        ensure_reference_data(session=session)
    return db


def is_empty(*, session: Session) -> bool:
    """True when the workspace holds no contacts and no deals (first start)."""
    contacts = session.exec(select(func.count()).select_from(Contact).where(Contact.deleted_at.is_(None))).one()  # type: ignore[union-attr]
    deals = session.exec(select(func.count()).select_from(Deal)).one()
    return contacts == 0 and deals == 0
