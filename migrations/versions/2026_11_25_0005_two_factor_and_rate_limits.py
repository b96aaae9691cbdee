"""Two-factor login (TOTP) on users, and rate-limit counters shared by every worker.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 03:30:00
"""
from alembic import op
import sqlalchemy as sa
import matcher.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_confirmed_at', matcher.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    op.create_table('rate_limit_hits',
    sa.Column('bucket', sa.String(length=200), nullable=False),
    sa.Column('window', sa.BigInteger(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('bucket', 'window', name=op.f('pk_rate_limit_hits'))
    )


def downgrade() -> None:
    op.drop_table('rate_limit_hits')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_confirmed_at')
        batch_op.drop_column('totp_secret')
