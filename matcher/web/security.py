"""Security headers on every response, and the 503 answer when the database cannot be reached."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy.exc import DBAPIError

from matcher.config import tile_origin
from matcher.db import UNAVAILABLE
from matcher.runtime import runtime_of

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    """Add the headers to every response and answer database outages with 503."""
    app.after_request(secure_headers)
    for error in UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)


def database_unavailable(exc: DBAPIError):
    """Answer 503 with Retry-After when the database cannot be reached, so clients retry."""
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
    return CSP.replace("img-src 'self' data:", f"img-src 'self' data: {tile_origin(map_tiles)}")


def secure_headers(response: Response) -> Response:
    """Add the security headers (CSP, no sniffing or framing, no caching of pages) to ``response``."""
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
