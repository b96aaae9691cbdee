"""Rate limits on login and the API, counted in the database so they hold across every worker.

A fixed one-minute window per client: one ``INSERT .. ON CONFLICT DO UPDATE .. RETURNING`` per
counted request, on its own connection and committed at once — so a request that later fails (a
wrong password answers 401 and rolls back) still counts, and the counter row is never locked for
the length of a request. Limits are per minute and come from ``MATCHER_RATE_LIMIT_LOGIN`` (per IP
address, on login and one-time-code attempts and on API requests with a bearer token that names
no user) and ``MATCHER_RATE_LIMIT_API`` (per user of a valid bearer token, else per IP address);
0 turns a limit off. Buckets name a user or an address, never a presented token, so guessing
tokens adds no rows.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_login import current_user

from matcher.accounts.ratelimit import hit, peek
from matcher.runtime import runtime_of
from matcher.web.auth import bearer_token, is_api_request

# Requests that count against the login limit.
LOGIN_ENDPOINTS = {"auth.login", "auth.one_time_code", "auth.one_time_code_setup"}


def init_app(app: Flask) -> None:
    """Check the limits before every login attempt and API request."""
    app.before_request(_check)


def _bucket() -> tuple[str, int] | None:
    """Return the bucket and limit this request counts against, or None (the API: see ``_check_api``)."""
    settings = runtime_of(current_app).settings
    if request.method == "POST" and request.endpoint in LOGIN_ENDPOINTS:
        return f"login-ip:{request.remote_addr}", settings.rate_limit_login
    return None


def _check():
    if request.path.startswith("/api/"):
        return _check_api()
    found = _bucket()
    if found is None or found[1] <= 0:
        return None
    bucket, limit = found
    return _refuse(bucket, hit(current_app.extensions["matcher.engine"], bucket, limit))


def _check_api():
    """Count an API request per token user; count failed token look-ups per address, refusing past the limit.

    An address over the failure limit is refused before its token is even looked up, so a right
    guess cannot be told from a wrong one while the limit lasts.
    """
    settings, engine = runtime_of(current_app).settings, current_app.extensions["matcher.engine"]
    failures, failure_limit = f"api-token-failed-ip:{request.remote_addr}", settings.rate_limit_login
    token = bearer_token() if is_api_request() else None  # the public /api/hsds feed takes no token
    if token is not None and failure_limit > 0:
        blocked = peek(engine, failures, failure_limit)
        if blocked:
            return _refuse(failures, blocked)
    if current_user.is_authenticated:
        bucket = f"api-user:{current_user.id}"
    elif token is not None:
        if failure_limit <= 0:
            return None
        return _refuse(failures, hit(engine, failures, failure_limit))
    else:
        bucket = f"api-ip:{request.remote_addr}"
    if settings.rate_limit_api <= 0:
        return None
    return _refuse(bucket, hit(engine, bucket, settings.rate_limit_api))


def _refuse(bucket: str, retry_after: int):
    """Return None when ``retry_after`` is 0, else the 429 answer with Retry-After."""
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
