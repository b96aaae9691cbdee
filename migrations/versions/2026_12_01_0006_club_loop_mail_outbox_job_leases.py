"""The referral loop: club answers, waiting lists, attendance logged by the club; the mail outbox,
leased periodic jobs and single-use signed links.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 20:33:54.031172
"""
from alembic import op
import sqlalchemy as sa
import matcher.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_leases',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('next_due_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_owner', sa.String(length=80), nullable=True),
    sa.Column('lease_until', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_started_at', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_finished_at', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_leases'))
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('coalesce_key', sa.String(length=120), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_owner', sa.String(length=80), nullable=True),
    sa.Column('lease_until', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handed_over_at', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_attempt_at', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'uncertain')", name=op.f('ck_outbox_messages_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_messages_message_id'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_coalesce_key'), ['coalesce_key'], unique=False)
        batch_op.create_index('ix_outbox_messages_status_due', ['status', 'due_at'], unique=False)

    op.create_table('signed_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_signed_links_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_links')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_signed_links_token_sha256'))
    )
    with op.batch_alter_table('signed_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_links_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('club_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('first_session_on', sa.Date(), nullable=True),
    sa.Column('met_by', sa.String(length=120), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('suggested_offer_id', sa.Integer(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("answer = 'no_room' OR first_session_on IS NOT NULL", name=op.f('ck_club_answers_welcome_has_date')),
    sa.CheckConstraint("answer IN ('welcome', 'no_room')", name=op.f('ck_club_answers_answer')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_club_answers_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_club_answers_referral_id_referrals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggested_offer_id'], ['offers.id'], name=op.f('fk_club_answers_suggested_offer_id_offers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_club_answers'))
    )
    with op.batch_alter_table('club_answers', schema=None) as batch_op:
        batch_op.create_index('ix_club_answers_referral_id_id', ['referral_id', 'id'], unique=False)

    op.create_table('waiting_list_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('notified_at', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('removed_at', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_waiting_list_entries_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_waiting_list_entries_offer_id_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_waiting_list_entries_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waiting_list_entries')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_waiting_list_entries_referral_id'))
    )
    with op.batch_alter_table('waiting_list_entries', schema=None) as batch_op:
        batch_op.create_index('ix_waiting_list_entries_offer_open', ['offer_id', 'removed_at', 'added_at'], unique=False)

    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logged_by_club', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_column('logged_by_club')

    with op.batch_alter_table('waiting_list_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_waiting_list_entries_offer_open')

    op.drop_table('waiting_list_entries')
    with op.batch_alter_table('club_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_club_answers_referral_id_id')

    op.drop_table('club_answers')
    with op.batch_alter_table('signed_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_links_organisation_id'))

    op.drop_table('signed_links')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_status_due')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_coalesce_key'))

    op.drop_table('outbox_messages')
    op.drop_table('job_leases')
