"""Incremental indexes and fast re-imports: the revision of each catalogue row's last change, import digests.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 20:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('offers', 'organisations', 'mentors'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('changed_rev', sa.Integer(), nullable=True))
            if table != 'mentors':
                batch_op.add_column(sa.Column('import_digest', sa.String(length=32), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_changed_rev'), ['changed_rev'], unique=False)
    with op.batch_alter_table('catalogue_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('structure_rev', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('catalogue_revision', schema=None) as batch_op:
        batch_op.drop_column('structure_rev')
    for table in ('mentors', 'organisations', 'offers'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_changed_rev'))
            if table != 'mentors':
                batch_op.drop_column('import_digest')
            batch_op.drop_column('changed_rev')
