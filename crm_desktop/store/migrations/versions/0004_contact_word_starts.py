"""Contact search by word starts: an FTS5 prefix index for searches of one or two letters.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 18:30:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of crm_desktop.store.fts.WORDS_SCHEMA as of this revision.
WORDS_SQL = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS contact_words USING fts5(
        name, emails, phones, organization, content='contact_search', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2')""",
    """CREATE TRIGGER IF NOT EXISTS contact_words_ai AFTER INSERT ON contact_search BEGIN
        INSERT INTO contact_words(rowid, name, emails, phones, organization)
        VALUES (new.rowid, new.name, new.emails, new.phones, new.organization); END""",
    """CREATE TRIGGER IF NOT EXISTS contact_words_ad AFTER DELETE ON contact_search BEGIN
        INSERT INTO contact_words(contact_words, rowid, name, emails, phones, organization)
        VALUES ('delete', old.rowid, old.name, old.emails, old.phones, old.organization); END""",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for statement in WORDS_SQL:
        op.execute(statement)
    op.execute("INSERT INTO contact_words(contact_words) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute("DROP TRIGGER IF EXISTS contact_words_ad")
    op.execute("DROP TRIGGER IF EXISTS contact_words_ai")
    op.execute("DROP TABLE IF EXISTS contact_words")
