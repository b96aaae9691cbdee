"""Security headers on every response, and a health endpoint that checks the database."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from matcher.runtime import runtime_of
from matcher.web.database import UNAVAILABLE, get_session

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")

bp = Blueprint("health", __name__)


def init_app(app: Flask) -> None:
    """Add the headers to every response, answer database outages with 503, register /healthz."""
    app.after_request(secure_headers)
    for error in UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)
    app.register_blueprint(bp)


def database_unavailable(exc: DBAPIError):
    """Answer 503 with Retry-After when the database cannot be reached, so clients retry."""
    from flask import current_app

    current_app.logger.warning("database unavailable: %s", exc.orig if exc.orig else exc)
    if request.path.startswith("/api/"):
        response = jsonify({"error": {"message": "Databasen svarer ikke lige nu – prøv igen om lidt"}})
    else:
        response = Response("Tjenesten er midlertidigt utilgængelig – prøv igen om lidt.", mimetype="text/plain")
    response.status_code = 503
    response.headers["Retry-After"] = "2"
    return response


def content_security_policy(map_tiles: str = "") -> str:
    """Return the CSP; with a tile server set, its host may serve images (the map tiles) too."""
    if not map_tiles:
        return CSP
    from matcher.config import tile_origin

    return CSP.replace("img-src 'self' data:", f"img-src 'self' data: {tile_origin(map_tiles)}")


def secure_headers(response: Response) -> Response:
    """Add the security headers (CSP, no sniffing or framing, no caching of pages) to ``response``."""
    from flask import current_app

    settings = runtime_of(current_app).settings
    response.headers.setdefault("Content-Security-Policy", content_security_policy(settings.map_tiles))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint not in ("static", "health.healthz") and not request.path.startswith("/api/hsds"):
        # Pages may show children's data: never keep them in shared or browser caches.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        get_session().execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
