"""Journal index by (table, row, field, hlc): history lookups as before, and field clocks rebuilt in index order.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 17:00:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.drop_index('ix_change_row')
        batch_op.create_index('ix_change_row', ['table_name', 'row_id', 'field', 'hlc'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.drop_index('ix_change_row')
        batch_op.create_index('ix_change_row', ['table_name', 'row_id', 'hlc'], unique=False)
