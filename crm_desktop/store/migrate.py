"""Schema migrations: Alembic on the app's own connection, a backup first, newer schemas refused."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection, Engine

from crm_desktop.domain.errors import NewerSchemaError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger("crm_desktop.store")
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The shipped revisions, oldest first (a test keeps this equal to the scripts). Opening an up-to-date
# database then needs no Alembic at all, which saves a third of a second at every start.
KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005")


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@functools.cache
def scripts() -> ScriptDirectory:
    """The shipped migration scripts, parsed once per process (they cannot change while it runs)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    return KNOWN_REVISIONS[-1]


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def ensure_known(revision: str | None, *, where: str) -> None:
    """Refuse a database whose schema revision this app does not know: a newer app wrote it."""
    if revision is None or revision in KNOWN_REVISIONS:
        return
    from alembic.util.exc import CommandError

    try:
        scripts().get_revision(revision)
    except CommandError as exc:
        raise NewerSchemaError(
            f"{where} was written by a newer version of CRM Desktop (schema {revision}); "
            "update CRM Desktop to open it. The file was not changed."
        ) from exc


def upgrade(engine: Engine) -> None:
    """Bring the schema to head inside one transaction, with synchronous=FULL on SQLite."""
    from alembic import command

    config = alembic_config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # must be set outside a transaction, on the raw connection
            conn.connection.dbapi_connection.execute("PRAGMA synchronous=FULL")  # type: ignore[union-attr]
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA synchronous=NORMAL")  # type: ignore[union-attr]
    log.info("schema upgraded to %s", head_revision())
