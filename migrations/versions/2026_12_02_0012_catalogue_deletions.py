"""Deletions of offers, mentors and organisations logged by revision, so indexes drop them without a rebuild.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 03:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalogue_deletions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_deletions'))
    )
    with op.batch_alter_table('catalogue_deletions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_deletions_rev'), ['rev'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('catalogue_deletions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_deletions_rev'))
    op.drop_table('catalogue_deletions')
