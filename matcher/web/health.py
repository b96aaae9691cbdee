"""``/healthz``: answers whether the database answers (for load balancers and the load test)."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify
from sqlalchemy import text

from matcher.web.database import get_session

bp = Blueprint("health", __name__)


def init_app(app: Flask) -> None:
    """Register /healthz."""
    app.register_blueprint(bp)


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        get_session().execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
