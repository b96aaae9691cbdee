"""HSDS feeds the catalogue follows, and organisations' third-party identifiers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:40:00
"""
from alembic import op
import sqlalchemy as sa
import matcher.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hsds_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_url', sa.String(length=500), nullable=False),
    sa.Column('synced_until', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_summary', sa.JSON(), nullable=True),
    sa.Column('created_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hsds_feeds')),
    sa.UniqueConstraint('base_url', name=op.f('uq_hsds_feeds_base_url'))
    )
    op.create_table('organisation_identifiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=60), nullable=False),
    sa.Column('identifier', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_organisation_identifiers_organisation_id_organisations'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_identifiers')),
    sa.UniqueConstraint('scheme', 'identifier', name=op.f('uq_organisation_identifiers_scheme'))
    )
    with op.batch_alter_table('organisation_identifiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_identifiers_organisation_id'), ['organisation_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('organisation_identifiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_identifiers_organisation_id'))
    op.drop_table('organisation_identifiers')
    op.drop_table('hsds_feeds')
