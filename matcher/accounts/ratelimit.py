"""Rate-limit counters in the database, shared by every worker and machine (the web's limits use them).

A fixed one-minute window per bucket. Counting a request is one statement, ``INSERT .. ON
CONFLICT DO UPDATE .. RETURNING``, sent on a pooled connection in autocommit mode: the statement
is its own transaction, so a counter row is never locked for longer than that statement, and
there is no BEGIN, COMMIT or ROLLBACK to wait for. On PostgreSQL the statement also turns off
``synchronous_commit`` for its own transaction (``set_config(.., true)`` in its ``RETURNING``), so
its commit does not wait for the WAL to reach the disk: a crash may forget the last few counts, which
costs nothing, while that wait and the extra round trips were most of the time every API request
spent on its limit. Reading a count (``peek``) is one ``SELECT``, in autocommit mode too.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from matcher.accounts.models import RateLimitHit

WINDOW_SECONDS = 60


def hit(engine: Engine, bucket: str, limit: int, *, now: float | None = None) -> int:
    """Count one request of ``bucket``; return 0 when allowed, else the seconds until it may retry."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    postgres = engine.dialect.name == "postgresql"
    stmt = (postgresql if postgres else sqlite).insert(RateLimitHit).values(bucket=bucket, window=window, hits=1)
    # A counter need not be durable: on PostgreSQL this statement's commit does not wait for the WAL flush.
    no_flush_wait = (func.set_config("synchronous_commit", "off", True),) if postgres else ()
    stmt = (stmt.on_conflict_do_update(index_elements=["bucket", "window"], set_={"hits": RateLimitHit.hits + 1})
            .returning(RateLimitHit.hits, *no_flush_wait))
    with _autocommit(engine) as conn:
        hits = conn.execute(stmt).first()[0]
        if hits == 1:  # the first request of a new window: forget this client's old windows
            conn.execute(delete(RateLimitHit).where(RateLimitHit.bucket == bucket,
                                                    RateLimitHit.window < window))
    if hits <= limit:
        return 0
    return max(1, math.ceil(window + WINDOW_SECONDS - now))


def peek(engine: Engine, bucket: str, limit: int, *, now: float | None = None) -> int:
    """Return 0 when ``bucket`` may make another request in this window, else the seconds until it may."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    with _autocommit(engine) as conn:
        hits = conn.scalar(select(RateLimitHit.hits).where(RateLimitHit.bucket == bucket,
                                                           RateLimitHit.window == window)) or 0
    if hits < limit:
        return 0
    return max(1, math.ceil(window + WINDOW_SECONDS - now))


@contextmanager
def _autocommit(engine: Engine) -> Iterator[Connection]:
    """Yield a pooled connection on which each statement commits at once (given back as it was)."""
    with engine.connect() as conn:
        yield conn.execution_options(isolation_level="AUTOCOMMIT")


def purge(db: Session | Connection, *, older_than: float = 86400, now: float | None = None) -> int:
    """Delete counters of windows that ended more than ``older_than`` seconds ago; return how many (no commit)."""
    cutoff = (time.time() if now is None else now) - older_than
    return db.execute(delete(RateLimitHit).where(RateLimitHit.window < cutoff)).rowcount
