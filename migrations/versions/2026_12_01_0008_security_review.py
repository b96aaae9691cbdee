"""security review: one idempotency mechanism, sealed TOTP secrets

- ``participations.idempotency_key`` (a global unique key: another user's key answered 400, which
  showed that it exists, and a reused key with another body silently returned the first entry) is
  dropped: participation now uses the per-user ``idempotent_requests`` table like every other
  write. Keys in flight at the upgrade are forgotten, so a client's retry across the upgrade could
  log a session twice (a correction removes it).
- ``users.totp_secret`` widens to hold a Fernet token, and every stored secret is sealed with the
  first key of ``MATCHER_TOTP_KEY`` (the development key outside production): a database copy or a
  backup then carries only ciphertext. Downgrading opens them again.
- Login lockout counts per account *and* client address (``login_failures``) instead of per account
  (``users.failed_logins``/``locked_until``, dropped), so a stranger cannot lock anyone out.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 20:50:00
"""
from alembic import op
import sqlalchemy as sa
import matcher.db


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer()), sa.column('totp_secret', sa.String()))


def _keys() -> tuple[str, ...]:
    from matcher.config import Settings

    return Settings.from_env().totp_keys


def _convert(convert) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))).all()
    for user_id, value in rows:
        conn.execute(users.update().where(users.c.id == user_id).values(totp_secret=convert(value)))


def upgrade() -> None:
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_constraint('uq_participations_idempotency_key', type_='unique')
        batch_op.drop_column('idempotency_key')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
    op.create_table('login_failures',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', matcher.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_failure_at', matcher.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_failures_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'address', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_last_failure_at'), ['last_failure_at'], unique=False)
    from matcher.accounts.totp_keys import seal

    keys = _keys()
    _convert(lambda secret: seal(secret, keys))


def downgrade() -> None:
    from matcher.accounts.totp_keys import unseal

    keys = _keys()
    _convert(lambda sealed: unseal(sealed, keys))
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_last_failure_at'))
    op.drop_table('login_failures')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', matcher.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_participations_idempotency_key', ['idempotency_key'])
