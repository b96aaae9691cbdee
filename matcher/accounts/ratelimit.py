"""Rate-limit counters in the database, shared by every worker and machine (the web's limits use them).

A fixed one-minute window per bucket: one ``INSERT .. ON CONFLICT DO UPDATE .. RETURNING`` per
counted request, on its own connection and committed at once. On PostgreSQL that commit does not
wait for the WAL to reach the disk (``synchronous_commit = off`` for this transaction only): a
crash may forget the last few counts, which costs nothing, while waiting for the flush was most
of the time every API request spent on its limit.
"""

from __future__ import annotations

import math
import time

from sqlalchemy import delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from matcher.accounts.models import RateLimitHit

WINDOW_SECONDS = 60


def hit(engine: Engine, bucket: str, limit: int, *, now: float | None = None) -> int:
    """Count one request of ``bucket``; return 0 when allowed, else the seconds until it may retry."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(RateLimitHit).values(bucket=bucket, window=window, hits=1)
    stmt = stmt.on_conflict_do_update(index_elements=["bucket", "window"],
                                      set_={"hits": RateLimitHit.hits + 1})
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL synchronous_commit = off"))  # a counter need not be durable
        hits = conn.execute(stmt.returning(RateLimitHit.hits)).scalar_one()
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
    with engine.connect() as conn:
        hits = conn.scalar(select(RateLimitHit.hits).where(RateLimitHit.bucket == bucket,
                                                           RateLimitHit.window == window)) or 0
    if hits < limit:
        return 0
    return max(1, math.ceil(window + WINDOW_SECONDS - now))


def purge(db: Session | Connection, *, older_than: float = 86400, now: float | None = None) -> int:
    """Delete counters of windows that ended more than ``older_than`` seconds ago; return how many (no commit)."""
    cutoff = (time.time() if now is None else now) - older_than
    return db.execute(delete(RateLimitHit).where(RateLimitHit.window < cutoff)).rowcount
