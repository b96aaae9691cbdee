"""Rate limits on login and the API, counted in the database so they hold across every worker.

A fixed one-minute window per client: one ``INSERT .. ON CONFLICT DO UPDATE .. RETURNING`` per
counted request, on its own connection and committed at once — so a request that later fails (a
wrong password answers 401 and rolls back) still counts, and the counter row is never locked for
the length of a request. Limits are per minute and come from ``MATCHER_RATE_LIMIT_LOGIN`` (per IP
address, on login and one-time-code attempts) and ``MATCHER_RATE_LIMIT_API`` (per bearer token or
logged-in session, else per IP address); 0 turns a limit off.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request, session

from matcher.accounts.operations import hash_token
from matcher.accounts.ratelimit import hit

# Requests that count against the login limit.
LOGIN_ENDPOINTS = {"auth.login", "auth.one_time_code", "auth.one_time_code_setup"}


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
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        if token:
            return f"api-token:{hash_token(token)[:32]}", settings.rate_limit_api
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
