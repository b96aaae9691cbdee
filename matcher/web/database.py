"""The web layer's one transaction boundary: one database session and one transaction per request.

A request runs inside one transaction. The boundary alone ends it: ``_finish`` commits an answer
below 400 and rolls back any other; ``form_operation`` rolls back when a view's operation is
refused, so the view can answer with the form again on a clean session. Both roll back through
``matcher.lasting.roll_back``, which keeps what must stay on record whatever the answer (the
look-ups of a child's record, failed logins, the audit export) in a short transaction of its own.
Views and operations never commit or roll back (``tests/web/test_transaction_boundary.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session

from matcher.catalogue.errors import RecordError
from matcher.db import UNAVAILABLE, make_engine
from matcher.lasting import roll_back
from matcher.pathways.checks import NotAllowed
from matcher.privacy.audit import once_per_request
from matcher.runtime import runtime_of
from matcher.web.security import database_unavailable, secure_headers

#: An operation's typed refusals (a bad value, a reused key, an edit conflict, not allowed): the view answers them.
REFUSALS: tuple[type[Exception], ...] = (RecordError, NotAllowed)


def form_errors(exc: Exception) -> dict[str, str]:
    """Return a refusal as a form's errors: the field it names (``-`` for the whole form) and its message."""
    return {getattr(exc, "field", None) or "-": getattr(exc, "message", str(exc))}


def init_app(app: Flask) -> None:
    """Create the engine for the app and commit or roll back after each request."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["matcher.engine"] = engine
    app.extensions["matcher.sessions"] = runtime_of(app).sessions(engine)  # its sessions carry the runtime
    app.after_request(_finish)
    app.teardown_appcontext(_close)


def get_session() -> Session:
    """Return the session of the current request, opening it on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["matcher.sessions"]()
        once_per_request(g.db_session)
    return g.db_session


def form_operation(render_error: Callable[..., Any]) -> Callable:
    """Run the view in the request's transaction; when its operation is refused, roll back and answer.

    ``render_error(exc, **view_args)`` renders the refusal (the form again with the field named, or
    a redirect with a message) on a clean session: nothing of the refused change is left in it, and
    the look-ups it logged are on record. Objects loaded before stay usable (they reload).
    """
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except REFUSALS as exc:
                roll_back(get_session())
                return render_error(exc, *args, **kwargs)
        return wrapped
    return decorate


def _finish(response: Response) -> Response:
    session = g.get("db_session")
    if session is None:
        return response
    try:
        if response.status_code < 400:
            session.commit()
        else:
            roll_back(session)
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
