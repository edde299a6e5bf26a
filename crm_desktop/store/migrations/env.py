"""Alembic environment: runs on the connection CRM Desktop hands it (never builds its own engine)."""

from alembic import context
from sqlmodel import SQLModel

import crm_desktop.domain  # noqa: F401  (registers every table on the metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("CRM Desktop migrations run through crm_desktop.store.migrate, not the alembic CLI")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
