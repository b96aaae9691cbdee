"""Warnings marked handled (with a note) or snoozed until a day.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:00:00
"""
from alembic import op
import sqlalchemy as sa
import matcher.db


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('warning_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('warning_type', sa.String(length=32), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('snoozed_until', sa.Date(), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('handled', 'snoozed')", name=op.f('ck_warning_actions_action')),
    sa.CheckConstraint("action <> 'snoozed' OR snoozed_until IS NOT NULL",
                       name=op.f('ck_warning_actions_snooze_has_date')),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_warning_actions_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_warning_actions_child_id_children'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'],
                            name=op.f('fk_warning_actions_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warning_actions'))
    )
    with op.batch_alter_table('warning_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warning_actions_child_id'), ['child_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('warning_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warning_actions_child_id'))
    op.drop_table('warning_actions')
