"""Review finding 10: the database and backups are created 0600, and TOTP secrets are sealed with a key
that is not in the database (MATCHER_TOTP_KEY), with rotation."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from matcher.accounts import totp
from matcher.accounts.models import User
from matcher.accounts.totp_keys import DEVELOPMENT_KEY, TotpKeyError, seal, unseal
from matcher.backup import backup
from matcher.config import ConfigError, Settings
from matcher.db import make_engine
from matcher.migrate import downgrade, upgrade
from tests.web.conftest import TOTP_SECRET


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_wal_are_owner_only(tmp_path):
    old = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        path = tmp_path / "instance" / "matcher.db"
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        assert mode(path) == 0o600 and mode(path.parent) == 0o700
        for extra in (path.with_name("matcher.db-wal"), path.with_name("matcher.db-shm")):
            if extra.exists():
                assert mode(extra) == 0o600, extra
        engine.dispose()
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    path = tmp_path / "old.db"
    path.touch()
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


def test_backups_are_owner_only_and_carry_no_plain_totp_secret(migrated_url, tmp_path):
    engine = make_engine(migrated_url)
    with engine.begin() as conn:
        conn.execute(User.__table__.insert().values(
            email="a@kk.dk", name="", password_hash="x", role="admin", active=True, session_version=1,
            totp_secret=seal(TOTP_SECRET, (DEVELOPMENT_KEY,))))
    engine.dispose()
    old = os.umask(0o022)
    try:
        target = tmp_path / "backup.bin"
        backup(migrated_url, target)
        assert mode(target) == 0o600
        target.chmod(0o644)
        backup(migrated_url, target)  # an old file is tightened before it is written
        assert mode(target) == 0o600
    finally:
        os.umask(old)
    assert TOTP_SECRET.encode() not in target.read_bytes()


def test_the_stored_secret_is_ciphertext_and_logins_still_work(app, login, db):
    stored = db.scalars(select(User.totp_secret).where(User.email == "admin@kk.dk")).one()
    assert TOTP_SECRET not in stored and unseal(stored, (DEVELOPMENT_KEY,)) == TOTP_SECRET
    assert login("admin").get("/admin/").status_code == 200
    with pytest.raises(TotpKeyError):
        unseal(stored, (Fernet.generate_key().decode(),))


def test_production_refuses_to_start_without_a_totp_key():
    base = {"MATCHER_ENV": "production", "MATCHER_SECRET_KEY": "x" * 32}
    with pytest.raises(ConfigError, match="MATCHER_TOTP_KEY is required"):
        Settings.from_env(base)
    with pytest.raises(ConfigError, match="MATCHER_TOTP_KEY: key 1 is not a Fernet key"):
        Settings.from_env({**base, "MATCHER_TOTP_KEY": "geheim"})
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    assert Settings.from_env({**base, "MATCHER_TOTP_KEY": f"{new}, {old}"}).totp_keys == (new, old)
    assert Settings.from_env({"MATCHER_ENV": "development"}).totp_keys == (DEVELOPMENT_KEY,)


def test_rotating_the_key_reseals_every_secret(app, db, monkeypatch):
    from click.testing import CliRunner

    from matcher.cli import cli

    new = Fernet.generate_key().decode()
    sealed = len(db.scalars(select(User.id).where(User.totp_secret.is_not(None))).all())
    assert sealed >= 3
    monkeypatch.setenv("MATCHER_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("MATCHER_TOTP_KEY", f"{new},{DEVELOPMENT_KEY}")
    done = CliRunner().invoke(cli, ["users", "rotate-totp-key"])
    assert done.exit_code == 0, done.output
    assert f"re-sealed {sealed} one-time-code secret(s)" in done.output
    db.expire_all()
    for stored in db.scalars(select(User.totp_secret).where(User.totp_secret.is_not(None))):
        assert unseal(stored, (new,)) == TOTP_SECRET  # the old key can now be dropped
    monkeypatch.setenv("MATCHER_TOTP_KEY", Fernet.generate_key().decode())
    refused = CliRunner().invoke(cli, ["users", "rotate-totp-key"])
    assert refused.exit_code != 0 and getattr(refused.exception, "field", None) == "totp_secret"  # main(): exit 1


def test_the_migration_seals_existing_secrets_and_downgrade_opens_them(database_url):
    upgrade(database_url, "0005")
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (email, name, password_hash, role, active, session_version, "
                          "failed_logins, totp_secret, created_at, updated_at) VALUES ('a@kk.dk', '', 'x', "
                          "'admin', true, 1, 0, :secret, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                     {"secret": TOTP_SECRET})
    upgrade(database_url)
    with engine.connect() as conn:
        stored = conn.scalar(select(User.totp_secret))
    assert stored != TOTP_SECRET and unseal(stored, (DEVELOPMENT_KEY,)) == TOTP_SECRET
    assert totp.code_at(unseal(stored, (DEVELOPMENT_KEY,)), 1) == totp.code_at(TOTP_SECRET, 1)
    downgrade(database_url, "0007")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT totp_secret FROM users")) == TOTP_SECRET
    engine.dispose()
