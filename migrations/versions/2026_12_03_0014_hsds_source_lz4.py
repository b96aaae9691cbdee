"""PostgreSQL compresses the HSDS source of offers and organisations with lz4 instead of pglz.

Each offer keeps the record it was imported from (about 2 KB of JSON), so TOAST compresses
every row a first import writes; pglz made that a fifth of the server's work in a bulk import,
lz4 does it several times faster for about the same size. Values already stored stay as they
are (PostgreSQL reads both). A server built without lz4 keeps pglz; SQLite has no such setting.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = ("offers", "organisations")


def _has_lz4() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    return bind.execute(sa.text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                                "WHERE name = 'default_toast_compression'")).scalar() is True


def upgrade() -> None:
    if _has_lz4():
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN hsds_source SET COMPRESSION lz4")


def downgrade() -> None:
    if _has_lz4():
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN hsds_source SET COMPRESSION pglz")
