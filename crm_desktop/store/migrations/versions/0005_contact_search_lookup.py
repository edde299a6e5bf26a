"""Contact search pages by name: the search table keeps each contact's display name, with an index on it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 19:00:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A search or filter that matches 10,000 contacts looks each up by id to sort by name: from this
    # index alone instead of the wide table row (measured on 100k contacts: 27 ms -> 17 ms).
    op.create_index('ix_contact_id_live_name', 'contact', ['id', 'deleted_at', 'display_name'], unique=False)
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute('ANALYZE ix_contact_id_live_name')
    # A plain search pages through the search table alone, in name order (frozen copy of store.fts.SCHEMA).
    op.execute('ALTER TABLE contact_search ADD COLUMN display_name TEXT')
    op.execute('UPDATE contact_search SET display_name = '
               '(SELECT c.display_name FROM contact c WHERE c.id = contact_search.contact_id)')
    op.execute('CREATE INDEX IF NOT EXISTS ix_contact_search_name ON contact_search (display_name, contact_id)')
    op.execute('ANALYZE ix_contact_search_name')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('DROP INDEX IF EXISTS ix_contact_search_name')
        op.execute('ALTER TABLE contact_search DROP COLUMN display_name')
    op.drop_index('ix_contact_id_live_name', table_name='contact')
