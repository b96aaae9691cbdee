"""Back up and restore the database: SQLite's online backup, PostgreSQL's pg_dump/pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3

# pg_dump and pg_restore run with argument lists, never through a shell.
import subprocess  # nosec B404
from pathlib import Path

from sqlalchemy.engine import make_url

from matcher.db import make_engine, private_file


class BackupError(RuntimeError):
    """A backup or restore could not be made."""


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _pg_env(url: str) -> tuple[list[str], dict[str, str]]:
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    args = ["--host", u.host or "localhost", "--port", str(u.port or 5432), "--dbname", u.database or ""]
    if u.username:
        args += ["--username", u.username]
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None)
    if not found:
        raise BackupError(f"{name} not found: install PostgreSQL's client programs")
    return found


def backup(url: str, path: Path) -> None:
    """Write a consistent copy of the database at ``url`` to ``path`` (mode 0600) while it stays in use."""
    kind = make_url(url).get_backend_name()
    if kind in ("sqlite", "postgresql"):
        private_file(path)  # a backup holds children's data: readable by its owner only (0600)
    if kind == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)  # SQLite's online backup API: readers and writers may go on
        finally:
            source.close()
            target.close()
    elif kind == "postgresql":
        args, env = _pg_env(url)
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args]
        done = subprocess.run(command, env=env, capture_output=True, text=True)  # nosec B603
        if done.returncode:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    else:
        raise BackupError(f"no backup method for {kind}")


def restore(url: str, path: Path) -> None:
    """Replace the database at ``url`` with the backup at ``path``."""
    if not path.exists():
        raise BackupError(f"no backup at {path}")
    kind = make_url(url).get_backend_name()
    if kind == "sqlite":
        source = sqlite3.connect(path)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
    elif kind == "postgresql":
        args, env = _pg_env(url)
        command = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(path)]
        done = subprocess.run(command, env=env, capture_output=True, text=True)  # nosec B603
        if done.returncode:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        _analyze(url)
    else:
        raise BackupError(f"no restore method for {kind}")


def _analyze(url: str) -> None:
    """Gather planner statistics, which pg_restore does not bring (else queries are slow until autovacuum)."""
    from sqlalchemy import text


    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
