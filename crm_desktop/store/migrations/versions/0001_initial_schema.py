"""Initial schema: every table of DESIGN §3, the change journal, and the contact search index.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 14:14:23.591748
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Contact search (frozen copy of crm_desktop.store.fts.SCHEMA as of this revision).
CONTACT_SEARCH_SQL = (
    """CREATE TABLE contact_search (
        rowid INTEGER PRIMARY KEY, contact_id CHAR(32) NOT NULL UNIQUE,
        name TEXT, emails TEXT, phones TEXT, organization TEXT, tags TEXT, notes TEXT)""",
    """CREATE VIRTUAL TABLE contact_fts USING fts5(
        name, emails, phones, organization, tags, notes,
        content='contact_search', content_rowid='rowid', tokenize='trigram')""",
    """CREATE TRIGGER contact_search_ai AFTER INSERT ON contact_search BEGIN
        INSERT INTO contact_fts(rowid, name, emails, phones, organization, tags, notes)
        VALUES (new.rowid, new.name, new.emails, new.phones, new.organization, new.tags, new.notes); END""",
    """CREATE TRIGGER contact_search_ad AFTER DELETE ON contact_search BEGIN
        INSERT INTO contact_fts(contact_fts, rowid, name, emails, phones, organization, tags, notes)
        VALUES ('delete', old.rowid, old.name, old.emails, old.phones, old.organization, old.tags,
                old.notes); END""",
)


def upgrade() -> None:

    op.create_table('activity',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.String(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=True),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('deal_id', sa.Uuid(), nullable=True),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_activity_contact_occurred', ['contact_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index('ix_activity_organization_occurred', ['organization_id', 'occurred_at'], unique=False)

    op.create_table('campaign',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=80), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('budget_cents', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('notes', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('case_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('body', sa.String(), nullable=True),
    sa.Column('from_value', sa.String(length=80), nullable=True),
    sa.Column('to_value', sa.String(length=80), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index('ix_case_event_case_at', ['case_id', 'at'], unique=False)

    op.create_table('change',
    sa.Column('hlc', sa.String(length=48), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.String(length=32), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('device_id', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=True),
    sa.Column('value', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('hlc', 'table_name', 'row_id', 'field'),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.create_index('ix_change_row', ['table_name', 'row_id', 'hlc'], unique=False)

    op.create_table('contact',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('given_name', sa.String(length=200), nullable=True),
    sa.Column('family_name', sa.String(length=200), nullable=True),
    sa.Column('display_name', sa.String(length=400), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('street', sa.String(length=300), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('region', sa.String(length=120), nullable=True),
    sa.Column('postal_code', sa.String(length=40), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('birthday', sa.Date(), nullable=True),
    sa.Column('notes', sa.String(), nullable=True),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=80), nullable=True),
    sa.Column('campaign_id', sa.Uuid(), nullable=True),
    sa.Column('lifecycle_stage', sa.String(length=20), nullable=False),
    sa.Column('lead_status', sa.String(length=20), nullable=True),
    sa.Column('marketing_consent', sa.Boolean(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_how', sa.String(length=200), nullable=True),
    sa.Column('do_not_contact', sa.Boolean(), nullable=False),
    sa.Column('external_ref', sa.String(length=200), nullable=True),
    sa.Column('merged_into', sa.Uuid(), nullable=True),
    sa.Column('custom', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_external_ref'), ['external_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_lead_status'), ['lead_status'], unique=False)
        batch_op.create_index('ix_contact_live_created', ['deleted_at', 'created_at'], unique=False)
        batch_op.create_index('ix_contact_live_display_name', ['deleted_at', 'display_name'], unique=False)
        batch_op.create_index('ix_contact_live_lifecycle', ['deleted_at', 'lifecycle_stage', 'display_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_source'), ['source'], unique=False)

    op.create_table('contact_channel',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=True),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.Column('normalized', sa.String(length=500), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact_channel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_channel_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_channel_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_channel_normalized'), ['normalized'], unique=False)

    op.create_table('custom_field_def',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('field_type', sa.String(length=20), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('custom_field_def', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custom_field_def_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('deal',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('contact_id', sa.Uuid(), nullable=True),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('pipeline_id', sa.Uuid(), nullable=False),
    sa.Column('stage_id', sa.Uuid(), nullable=False),
    sa.Column('value_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('expected_close', sa.Date(), nullable=True),
    sa.Column('probability', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('stage_entered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('won_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lost_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lost_reason_id', sa.Uuid(), nullable=True),
    sa.Column('lost_note', sa.String(), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=True),
    sa.Column('campaign_id', sa.Uuid(), nullable=True),
    sa.Column('notes', sa.String(), nullable=True),
    sa.Column('custom', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('ix_deal_created', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index('ix_deal_live_stage', ['deleted_at', 'status', 'stage_id'], unique=False)
        batch_op.create_index('ix_deal_lost_at', ['lost_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_deal_won_at', ['won_at'], unique=False)

    op.create_table('deal_line',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deal_id', sa.Uuid(), nullable=False),
    sa.Column('product_id', sa.Uuid(), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_cents', sa.Integer(), nullable=False),
    sa.Column('discount_percent', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deal_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_line_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_line_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('deal_stage_change',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deal_id', sa.Uuid(), nullable=False),
    sa.Column('from_stage_id', sa.Uuid(), nullable=True),
    sa.Column('to_stage_id', sa.Uuid(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deal_stage_change', schema=None) as batch_op:
        batch_op.create_index('ix_deal_stage_change_deal_at', ['deal_id', 'at'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.String(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_contact_at', ['contact_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('field_clock',
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.String(length=32), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('hlc', sa.String(length=48), nullable=False),
    sa.PrimaryKeyConstraint('table_name', 'row_id', 'field'),
    sqlite_with_rowid=False
    )
    op.create_table('lead_status_change',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lead_status_change', schema=None) as batch_op:
        batch_op.create_index('ix_lead_status_change_contact_at', ['contact_id', 'at'], unique=False)

    op.create_table('lifecycle_change',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=False),
    sa.Column('from_stage', sa.String(length=20), nullable=True),
    sa.Column('to_stage', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lifecycle_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lifecycle_change_at'), ['at'], unique=False)
        batch_op.create_index('ix_lifecycle_change_contact_at', ['contact_id', 'at'], unique=False)

    op.create_table('local_state',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key'),
    sqlite_with_rowid=False
    )
    op.create_table('lost_reason',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lost_reason', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lost_reason_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('loyalty_tier',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('min_points', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loyalty_tier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loyalty_tier_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('organization',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('domain', sa.String(length=255), nullable=True),
    sa.Column('industry', sa.String(length=120), nullable=True),
    sa.Column('size', sa.String(length=40), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('street', sa.String(length=300), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('region', sa.String(length=120), nullable=True),
    sa.Column('postal_code', sa.String(length=40), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('notes', sa.String(), nullable=True),
    sa.Column('external_ref', sa.String(length=200), nullable=True),
    sa.Column('custom', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_domain'), ['domain'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_external_ref'), ['external_ref'], unique=False)
        batch_op.create_index('ix_organization_live_name', ['deleted_at', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_owner_id'), ['owner_id'], unique=False)

    op.create_table('pipeline',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pipeline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('points_entry',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('purchase_id', sa.Uuid(), nullable=True),
    sa.Column('reward_id', sa.Uuid(), nullable=True),
    sa.Column('referral_id', sa.Uuid(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('points_entry', schema=None) as batch_op:
        batch_op.create_index('ix_points_entry_contact_at', ['contact_id', 'at'], unique=False)
        batch_op.create_index('ix_points_entry_contact_delta', ['contact_id', 'deleted_at', 'delta'], unique=False)

    op.create_table('product',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sku', sa.String(length=80), nullable=True),
    sa.Column('description', sa.String(), nullable=True),
    sa.Column('unit_price_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('vendor', sa.String(length=200), nullable=True),
    sa.Column('stock_on_hand', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_sku'), ['sku'], unique=False)

    op.create_table('purchase',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=True),
    sa.Column('deal_id', sa.Uuid(), nullable=True),
    sa.Column('note', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('purchase', schema=None) as batch_op:
        batch_op.create_index('ix_purchase_contact_occurred', ['contact_id', 'deleted_at', 'occurred_at', 'amount_cents'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index('ix_purchase_occurred', ['occurred_at'], unique=False)

    op.create_table('purchase_line',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('purchase_id', sa.Uuid(), nullable=False),
    sa.Column('product_id', sa.Uuid(), nullable=True),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_cents', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('purchase_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_line_purchase_id'), ['purchase_id'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('referrer_id', sa.Uuid(), nullable=False),
    sa.Column('referred_id', sa.Uuid(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('bonus_entry_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_referrer_id'), ['referrer_id'], unique=False)

    op.create_table('reward',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('points_cost', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reward_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('setting',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_setting_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_setting_key'), ['key'], unique=False)

    op.create_table('stage',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pipeline_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('rotting_days', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index('ix_stage_pipeline_position', ['pipeline_id', 'position'], unique=False)

    op.create_table('subscription',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=False),
    sa.Column('plan', sa.String(length=120), nullable=False),
    sa.Column('monthly_amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscription_deleted_at'), ['deleted_at'], unique=False)

    op.create_table('support_case',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reference', sa.String(length=12), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('description', sa.String(), nullable=True),
    sa.Column('contact_id', sa.Uuid(), nullable=True),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('product_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=80), nullable=True),
    sa.Column('channel', sa.String(length=40), nullable=True),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sla_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(), nullable=True),
    sa.Column('custom', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('support_case', schema=None) as batch_op:
        batch_op.create_index('ix_case_live_status', ['deleted_at', 'status', 'priority'], unique=False)
        batch_op.create_index('ix_case_opened', ['opened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_reference'), ['reference'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.String(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('remind_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('contact_id', sa.Uuid(), nullable=True),
    sa.Column('organization_id', sa.Uuid(), nullable=True),
    sa.Column('deal_id', sa.Uuid(), nullable=True),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index('ix_task_open_due', ['done_at', 'due_at'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_deleted_at'), ['deleted_at'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for statement in CONTACT_SEARCH_SQL:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("contact_search_ad", "contact_search_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS contact_fts")
        op.execute("DROP TABLE IF EXISTS contact_search")

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_deleted_at'))

    op.drop_table('user')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_open_due')
        batch_op.drop_index(batch_op.f('ix_task_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_task_deal_id'))
        batch_op.drop_index(batch_op.f('ix_task_contact_id'))

    op.drop_table('task')
    with op.batch_alter_table('support_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_case_reference'))
        batch_op.drop_index(batch_op.f('ix_support_case_organization_id'))
        batch_op.drop_index(batch_op.f('ix_support_case_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_support_case_contact_id'))
        batch_op.drop_index('ix_case_opened')
        batch_op.drop_index('ix_case_live_status')

    op.drop_table('support_case')
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_subscription_contact_id'))

    op.drop_table('subscription')
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_pipeline_position')
        batch_op.drop_index(batch_op.f('ix_stage_deleted_at'))

    op.drop_table('stage')
    with op.batch_alter_table('setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_setting_key'))
        batch_op.drop_index(batch_op.f('ix_setting_deleted_at'))

    op.drop_table('setting')
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_deleted_at'))

    op.drop_table('reward')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_referrer_id'))
        batch_op.drop_index(batch_op.f('ix_referral_deleted_at'))

    op.drop_table('referral')
    with op.batch_alter_table('purchase_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_line_purchase_id'))

    op.drop_table('purchase_line')
    with op.batch_alter_table('purchase', schema=None) as batch_op:
        batch_op.drop_index('ix_purchase_occurred')
        batch_op.drop_index(batch_op.f('ix_purchase_deal_id'))
        batch_op.drop_index('ix_purchase_contact_occurred')

    op.drop_table('purchase')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_sku'))
        batch_op.drop_index(batch_op.f('ix_product_deleted_at'))

    op.drop_table('product')
    with op.batch_alter_table('points_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_points_entry_contact_delta')
        batch_op.drop_index('ix_points_entry_contact_at')

    op.drop_table('points_entry')
    with op.batch_alter_table('pipeline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_deleted_at'))

    op.drop_table('pipeline')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_owner_id'))
        batch_op.drop_index('ix_organization_live_name')
        batch_op.drop_index(batch_op.f('ix_organization_external_ref'))
        batch_op.drop_index(batch_op.f('ix_organization_domain'))
        batch_op.drop_index(batch_op.f('ix_organization_deleted_at'))

    op.drop_table('organization')
    with op.batch_alter_table('loyalty_tier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loyalty_tier_deleted_at'))

    op.drop_table('loyalty_tier')
    with op.batch_alter_table('lost_reason', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lost_reason_deleted_at'))

    op.drop_table('lost_reason')
    op.drop_table('local_state')
    with op.batch_alter_table('lifecycle_change', schema=None) as batch_op:
        batch_op.drop_index('ix_lifecycle_change_contact_at')
        batch_op.drop_index(batch_op.f('ix_lifecycle_change_at'))

    op.drop_table('lifecycle_change')
    with op.batch_alter_table('lead_status_change', schema=None) as batch_op:
        batch_op.drop_index('ix_lead_status_change_contact_at')

    op.drop_table('lead_status_change')
    op.drop_table('field_clock')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_deleted_at'))
        batch_op.drop_index('ix_feedback_contact_at')

    op.drop_table('feedback')
    with op.batch_alter_table('deal_stage_change', schema=None) as batch_op:
        batch_op.drop_index('ix_deal_stage_change_deal_at')

    op.drop_table('deal_stage_change')
    with op.batch_alter_table('deal_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_line_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_deal_line_deal_id'))

    op.drop_table('deal_line')
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.drop_index('ix_deal_won_at')
        batch_op.drop_index(batch_op.f('ix_deal_owner_id'))
        batch_op.drop_index(batch_op.f('ix_deal_organization_id'))
        batch_op.drop_index('ix_deal_lost_at')
        batch_op.drop_index('ix_deal_live_stage')
        batch_op.drop_index(batch_op.f('ix_deal_deleted_at'))
        batch_op.drop_index('ix_deal_created')
        batch_op.drop_index(batch_op.f('ix_deal_contact_id'))

    op.drop_table('deal')
    with op.batch_alter_table('custom_field_def', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custom_field_def_deleted_at'))

    op.drop_table('custom_field_def')
    with op.batch_alter_table('contact_channel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_channel_normalized'))
        batch_op.drop_index(batch_op.f('ix_contact_channel_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_contact_channel_contact_id'))

    op.drop_table('contact_channel')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_source'))
        batch_op.drop_index(batch_op.f('ix_contact_phone'))
        batch_op.drop_index(batch_op.f('ix_contact_owner_id'))
        batch_op.drop_index(batch_op.f('ix_contact_organization_id'))
        batch_op.drop_index('ix_contact_live_lifecycle')
        batch_op.drop_index('ix_contact_live_display_name')
        batch_op.drop_index('ix_contact_live_created')
        batch_op.drop_index(batch_op.f('ix_contact_lead_status'))
        batch_op.drop_index(batch_op.f('ix_contact_external_ref'))
        batch_op.drop_index(batch_op.f('ix_contact_email'))
        batch_op.drop_index(batch_op.f('ix_contact_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_contact_campaign_id'))

    op.drop_table('contact')
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.drop_index('ix_change_row')

    op.drop_table('change')
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index('ix_case_event_case_at')

    op.drop_table('case_event')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_deleted_at'))

    op.drop_table('campaign')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_organization_occurred')
        batch_op.drop_index(batch_op.f('ix_activity_deleted_at'))
        batch_op.drop_index(batch_op.f('ix_activity_deal_id'))
        batch_op.drop_index('ix_activity_contact_occurred')
        batch_op.drop_index(batch_op.f('ix_activity_case_id'))

    op.drop_table('activity')

