"""One database session and one transaction per request."""

from __future__ import annotations

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session

from matcher.db import UNAVAILABLE, make_engine
from matcher.models import make_session_factory
from matcher.privacy.audit import rewrite, take_pending
from matcher.web.security import database_unavailable, secure_headers


def init_app(app: Flask) -> None:
    """Create the engine for the app and commit or roll back after each request."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["matcher.engine"] = engine
    app.extensions["matcher.sessions"] = make_session_factory(engine)
    app.after_request(_finish)
    app.teardown_appcontext(_close)


def get_session() -> Session:
    """Return the session of the current request, opening it on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["matcher.sessions"]()
    return g.db_session


def _finish(response: Response) -> Response:
    session = g.get("db_session")
    if session is None:
        return response
    try:
        if response.status_code < 400:
            session.commit()
        else:
            audit = take_pending(session)
            session.rollback()
            if audit:
                rewrite(session, audit)
                session.commit()
    except UNAVAILABLE as exc:
        # The database went away after the view had run (e.g. a restart during the commit). This runs
        # after the error handlers, so answer the 503 here: the client retries, and writes that a
        # retry could double carry an Idempotency-Key.
        _discard(session)
        return secure_headers(database_unavailable(exc))
    return response


def _discard(session: Session) -> None:
    """Roll back; when even that fails, drop the session's connections instead of returning them to the pool."""
    try:
        session.rollback()
    except UNAVAILABLE:
        session.invalidate()


def _close(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        _discard(session)
        session.close()
