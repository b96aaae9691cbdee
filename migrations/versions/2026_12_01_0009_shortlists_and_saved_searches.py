"""shortlists and saved searches: offers kept per child to discuss with the family, searches kept per user

Offers a club creates wait with the status 'pending' until key staff approve them; the status
column is a plain VARCHAR(32) without a CHECK constraint, so that needs no schema change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 20:38:04.711282
"""
from alembic import op
import sqlalchemy as sa
import matcher.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('query', sa.JSON(), nullable=False),
    sa.Column('created_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches')),
    sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_searches_user_id'))
    )
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_searches_user_id'), ['user_id'], unique=False)

    op.create_table('shortlist_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_shortlist_items_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_shortlist_items_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_shortlist_items_offer_id_offers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shortlist_items')),
    sa.UniqueConstraint('child_id', 'offer_id', name=op.f('uq_shortlist_items_child_id'))
    )
    with op.batch_alter_table('shortlist_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shortlist_items_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shortlist_items_offer_id'), ['offer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('shortlist_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shortlist_items_offer_id'))
        batch_op.drop_index(batch_op.f('ix_shortlist_items_child_id'))

    op.drop_table('shortlist_items')
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_searches_user_id'))

    op.drop_table('saved_searches')
