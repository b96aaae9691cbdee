"""Rate limits on login and the API, counted in the database so they hold across every worker.

A fixed one-minute window per client: one ``INSERT .. ON CONFLICT DO UPDATE .. RETURNING`` per
counted request, on its own connection and committed at once — so a request that later fails (a
wrong password answers 401 and rolls back) still counts, and the counter row is never locked for
the length of a request. Limits are per minute and come from ``MATCHER_RATE_LIMIT_LOGIN`` (per IP
address, on login and one-time-code attempts) and ``MATCHER_RATE_LIMIT_API`` (per bearer token or
logged-in session, else per IP address); 0 turns a limit off.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, current_app, jsonify, render_template, request, session
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from matcher.accounts.models import RateLimitHit

WINDOW_SECONDS = 60
# Requests that count against the login limit.
LOGIN_ENDPOINTS = {"auth.login", "auth.one_time_code", "auth.one_time_code_setup"}


def hit(engine: Engine, bucket: str, limit: int, *, now: float | None = None) -> int:
    """Count one request of ``bucket``; return 0 when allowed, else the seconds until it may retry."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(RateLimitHit).values(bucket=bucket, window=window, hits=1)
    stmt = stmt.on_conflict_do_update(index_elements=["bucket", "window"],
                                      set_={"hits": RateLimitHit.hits + 1})
    with engine.begin() as conn:
        hits = conn.execute(stmt.returning(RateLimitHit.hits)).scalar_one()
        if hits == 1:  # the first request of a new window: forget this client's old windows
            conn.execute(delete(RateLimitHit).where(RateLimitHit.bucket == bucket,
                                                    RateLimitHit.window < window))
    if hits <= limit:
        return 0
    return max(1, math.ceil(window + WINDOW_SECONDS - now))


def purge(db: Session | Connection, *, older_than: float = 86400, now: float | None = None) -> int:
    """Delete counters of windows that ended more than ``older_than`` seconds ago; return how many (no commit)."""
    cutoff = (time.time() if now is None else now) - older_than
    return db.execute(delete(RateLimitHit).where(RateLimitHit.window < cutoff)).rowcount


def init_app(app: Flask) -> None:
    """Check the limits before every login attempt and API request."""
    app.before_request(_check)


def _bucket() -> tuple[str, int] | None:
    """Return the bucket and limit this request counts against, or None."""
    settings = current_app.config["MATCHER_SETTINGS"]
    if request.method == "POST" and request.endpoint in LOGIN_ENDPOINTS:
        return f"login-ip:{request.remote_addr}", settings.rate_limit_login
    if request.path.startswith("/api/"):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and header.removeprefix("Bearer ").strip():
            digest = hashlib.sha256(header.removeprefix("Bearer ").strip().encode()).hexdigest()[:32]
            return f"api-token:{digest}", settings.rate_limit_api
        if session.get("_user_id"):
            return f"api-user:{session['_user_id'].split(':')[0]}", settings.rate_limit_api
        return f"api-ip:{request.remote_addr}", settings.rate_limit_api
    return None


def _check():
    found = _bucket()
    if found is None or found[1] <= 0:
        return None
    bucket, limit = found
    retry_after = hit(current_app.extensions["matcher.engine"], bucket, limit)
    if not retry_after:
        return None
    current_app.logger.warning("rate limit exceeded: %s", bucket.split(":")[0])
    if request.path.startswith("/api/"):
        response = jsonify({"error": {"message": f"For mange forespørgsler – prøv igen om {retry_after} sekunder"}})
    else:
        response = current_app.make_response(
            (render_template("auth/too_many.html", retry_after=retry_after), 429))
    response.status_code = 429
    response.headers["Retry-After"] = str(retry_after)
    return response
