"""Alembic environment: runs migrations against the URL the caller passes."""

from alembic import context

from matcher.config import Settings
from matcher.db import make_engine
from matcher.models import metadata

config = context.config


def _url() -> str:
    return config.attributes.get("database_url") or Settings.from_env().database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # Batch mode copies a table, drops the old one and renames the copy: with foreign keys
            # enforced the drop would delete every row referring to it (ON DELETE CASCADE). SQLite
            # ignores the pragma inside a transaction, so it is set before one begins; the engine,
            # and with it this connection, is disposed of afterwards.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:  # a migration left rows pointing nowhere: roll it all back
                raise RuntimeError(f"migration broke {len(broken)} foreign keys, first: {tuple(broken[0])}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
