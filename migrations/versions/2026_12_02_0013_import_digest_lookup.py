"""A re-import finds unchanged offers by their import digest alone, without decoding the records.

Offers keep the organisation id and organisation digest of the record they were imported from.
Digests stored before this migration lack them, so they are cleared: the next re-import compares
those offers field by field once (counting them unchanged) and stores the new columns.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 06:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_organisation', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('import_organisation_digest', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_offers_import_digest', ['import_digest'], unique=False)
    op.execute("UPDATE offers SET import_digest = NULL WHERE import_digest IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index('ix_offers_import_digest')
        batch_op.drop_column('import_organisation_digest')
        batch_op.drop_column('import_organisation')
