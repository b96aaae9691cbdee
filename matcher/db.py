"""SQLAlchemy base (naming convention, UTC timestamps) and engine; sessions come from ``matcher.models``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

from matcher.clock import utcnow  # noqa: F401  (column defaults and operations import it from here)
from matcher.config import RUNTIME_KEY  # the Session.info key of the runtime (see models.make_session_factory)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Errors that mean the database cannot be reached (a restart, a dropped connection), not a bug.
UNAVAILABLE = (OperationalError, InterfaceError)

#: The largest id an INTEGER column holds on every database (PostgreSQL's int4).
MAX_ID = 2**31 - 1


def parse_id(text: str | None) -> int | None:
    """Return ``text`` as a database id when it is one (ASCII digits, within range), else None."""
    if text and text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID:
        return int(text)
    return None




class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given where UTC is required")
            value = value.astimezone(dt.timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value


class Base(DeclarativeBase):
    """Declarative base with a global constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime}


def private_file(path: Path) -> Path:
    """Create ``path`` readable by its owner only (0600) if it is missing, else tighten it to 0600; return it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
    return path


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout, and a file only its owner reads.

    SQLite gives its -wal and -shm files the database file's mode, so they are 0600 too.
    """
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        private_file(Path(url.removeprefix("sqlite:///")))
    kwargs = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def session_runtime(session: Session) -> Any:
    """Return the runtime that opened ``session``; LookupError when it was opened without one."""
    runtime = session.info.get(RUNTIME_KEY)
    if runtime is None:
        raise LookupError("this session was opened without a runtime: open it with Runtime.sessions(engine), "
                          "or pass the index holder explicitly")
    return runtime
