"""Contacts list indexes: by lead status (filter counts), last update (sorting), family name (typing its first letters).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 17:30:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain CREATE INDEX: no table rebuild, so the search triggers and 100k rows stay untouched.
    op.create_index('ix_contact_live_lead_status', 'contact', ['deleted_at', 'lead_status', 'display_name'], unique=False)
    op.create_index('ix_contact_live_updated', 'contact', ['deleted_at', 'updated_at'], unique=False)
    op.create_index('ix_contact_family_name', 'contact', ['family_name'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        # Statistics now: an index SQLite knows nothing about looks selective, and the planner would
        # walk it instead of the name index (measured: 12 ms -> 440 ms for the first page of 100k contacts).
        op.execute('ANALYZE ix_contact_live_lead_status')
        op.execute('ANALYZE ix_contact_live_updated')
        op.execute('ANALYZE ix_contact_family_name')


def downgrade() -> None:
    op.drop_index('ix_contact_family_name', table_name='contact')
    op.drop_index('ix_contact_live_updated', table_name='contact')
    op.drop_index('ix_contact_live_lead_status', table_name='contact')
