"""pathways: children, network, phases, referrals, participation

A child's personal fields are nullable so that erasure can blank them while the
dated referral and participation rows remain for anonymous indicators.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 00:07:43.154585
"""
from alembic import op
import sqlalchemy as sa
import matcher.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('children',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_year_only', sa.Boolean(), nullable=False),
    sa.Column('gender', sa.String(length=16), nullable=False),
    sa.Column('postcode', sa.String(length=4), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('interests', sa.Text(), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=True),
    sa.Column('weekdays', sa.JSON(), nullable=True),
    sa.Column('contact_person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_activity_at', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('erased_at', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("gender IN ('girl', 'boy', 'other', 'unknown')", name=op.f('ck_children_gender')),
    sa.ForeignKeyConstraint(['contact_person_id'], ['users.id'], name=op.f('fk_children_contact_person_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_children_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_children')),
    sa.UniqueConstraint('code', name=op.f('uq_children_code'))
    )
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_children_contact_person_id'), ['contact_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_children_district_id'), ['district_id'], unique=False)

    op.create_table('network_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('relation', sa.String(length=80), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_network_persons_child_id_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_persons'))
    )
    with op.batch_alter_table('network_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_persons_child_id'), ['child_id'], unique=False)

    op.create_table('phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('goal', sa.Text(), nullable=True),
    sa.Column('responsible_user_id', sa.Integer(), nullable=True),
    sa.Column('closing_reason', sa.String(length=32), nullable=True),
    sa.Column('closing_note', sa.Text(), nullable=True),
    sa.Column('predecessor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(end_date IS NULL AND closing_reason IS NULL) OR (end_date IS NOT NULL AND closing_reason IS NOT NULL)', name=op.f('ck_phases_end_needs_reason')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_phases_dates_ordered')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_phases_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['predecessor_id'], ['phases.id'], name=op.f('fk_phases_predecessor_id_phases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['responsible_user_id'], ['users.id'], name=op.f('fk_phases_responsible_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phases')),
    sa.UniqueConstraint('predecessor_id', name=op.f('uq_phases_predecessor_id'))
    )
    with op.batch_alter_table('phases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phases_child_id'), ['child_id'], unique=False)
        batch_op.create_index('uq_phases_open_child', ['child_id'], unique=True, sqlite_where=sa.text('end_date IS NULL'), postgresql_where=sa.text('end_date IS NULL'))

    op.create_table('phase_network_persons',
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('network_person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_person_id'], ['network_persons.id'], name=op.f('fk_phase_network_persons_network_person_id_network_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['phase_id'], ['phases.id'], name=op.f('fk_phase_network_persons_phase_id_phases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('phase_id', 'network_person_id', name=op.f('pk_phase_network_persons'))
    )
    with op.batch_alter_table('phase_network_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_network_persons_network_person_id'), ['network_person_id'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=True),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('end_reason', sa.String(length=32), nullable=True),
    sa.Column('end_note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('suggested_on', sa.Date(), nullable=False),
    sa.Column('status_since', sa.Date(), nullable=False),
    sa.Column('active_since', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('first_session_on', sa.Date(), nullable=True),
    sa.Column('match_score', sa.Float(), nullable=True),
    sa.Column('match_components', sa.JSON(), nullable=True),
    sa.Column('shared_with_club_on', sa.Date(), nullable=True),
    sa.Column('shared_with_club_scope', sa.Text(), nullable=True),
    sa.Column('shared_with_club_name', sa.String(length=40), nullable=True),
    sa.CheckConstraint("(status = 'ended') = (end_reason IS NOT NULL)", name=op.f('ck_referrals_ended_has_reason')),
    sa.CheckConstraint("end_reason IS NULL OR end_reason IN ('lost_interest', 'moved', 'too_far', 'cost', 'conflict', 'club_could_not_include', 'job_ended', 'completed', 'other')", name=op.f('ck_referrals_end_reason')),
    sa.CheckConstraint("status IN ('suggested', 'contacted', 'trial', 'active', 'ended')", name=op.f('ck_referrals_status')),
    sa.CheckConstraint('(offer_id IS NOT NULL AND mentor_id IS NULL) OR (offer_id IS NULL AND mentor_id IS NOT NULL)', name=op.f('ck_referrals_one_target')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_referrals_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_referrals_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentors.id'], name=op.f('fk_referrals_mentor_id_mentors')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_referrals_offer_id_offers')),
    sa.ForeignKeyConstraint(['phase_id'], ['phases.id'], name=op.f('fk_referrals_phase_id_phases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_phase_id'), ['phase_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_status'), ['status'], unique=False)

    op.create_table('participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.Column('accompanied_by', sa.String(length=16), nullable=False),
    sa.Column('network_person_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('logged_by_id', sa.Integer(), nullable=True),
    sa.Column('logged_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.CheckConstraint("accompanied_by IN ('alone', 'contact_person', 'network', 'club_contact')", name=op.f('ck_participations_accompanied_by')),
    sa.ForeignKeyConstraint(['logged_by_id'], ['users.id'], name=op.f('fk_participations_logged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_person_id'], ['network_persons.id'], name=op.f('fk_participations_network_person_id_network_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_participations_referral_id_referrals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supersedes_id'], ['participations.id'], name=op.f('fk_participations_supersedes_id_participations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participations')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_participations_idempotency_key')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_participations_supersedes_id'))
    )
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.create_index('ix_participations_referral_date', ['referral_id', 'date'], unique=False)

    op.create_table('referral_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('end_reason', sa.String(length=32), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_referral_events_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_events_referral_id_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_events'))
    )
    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_events_referral_id'), ['referral_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_events_referral_id'))

    op.drop_table('referral_events')
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_index('ix_participations_referral_date')

    op.drop_table('participations')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_status'))
        batch_op.drop_index(batch_op.f('ix_referrals_phase_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_offer_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_child_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('phase_network_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_network_persons_network_person_id'))

    op.drop_table('phase_network_persons')
    with op.batch_alter_table('phases', schema=None) as batch_op:
        batch_op.drop_index('uq_phases_open_child', sqlite_where=sa.text('end_date IS NULL'), postgresql_where=sa.text('end_date IS NULL'))
        batch_op.drop_index(batch_op.f('ix_phases_child_id'))

    op.drop_table('phases')
    with op.batch_alter_table('network_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_persons_child_id'))

    op.drop_table('network_persons')
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_children_district_id'))
        batch_op.drop_index(batch_op.f('ix_children_contact_person_id'))

    op.drop_table('children')
