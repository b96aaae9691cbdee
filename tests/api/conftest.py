"""API fixtures: the web fixtures' database served by a live werkzeug server on 127.0.0.1, and bearer tokens."""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from matcher.accounts.operations import issue_token
from matcher.catalogue.models import Offer, Organisation
from matcher.pathways.models import Child, Referral
from matcher.runtime import runtime_of
from tests.web.conftest import build_fixture_database

TOKEN_ROLES = ("admin", "key_staff", "contact_person")


def seeded_url(folder: Path) -> str:
    """Migrate and fill a SQLite database exactly like the web fixtures' template; return its URL."""
    url = f"sqlite:///{folder / 'api.db'}"
    build_fixture_database(url)
    return url


@pytest.fixture(scope="module")
def live_api(tmp_path_factory) -> Iterator[SimpleNamespace]:
    """Serve the app on a free port of 127.0.0.1 in a thread; yield its ``base`` URL, a bearer token per role
    (``tokens``) and the ids that exist per path parameter (``ids``, e.g. ``ids["child_id"]``)."""
    from matcher.web import create_app
    from matcher.web.database import get_session

    os.environ.setdefault("MATCHER_ENV", "testing")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    url = seeded_url(tmp_path_factory.mktemp("api-live"))
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "api-tests", "TESTING": True})
    # Fuzzing sends thousands of requests a minute per token; the limit has its own tests.
    runtime_of(app).settings = dataclasses.replace(runtime_of(app).settings, rate_limit_api=0)
    tokens = {}
    with app.app_context():
        session = get_session()
        for role in TOKEN_ROLES:
            tokens[role] = issue_token(session, f"{role}@kk.dk")
        session.commit()
        ids = {name: list(session.scalars(select(model.id).order_by(model.id)))
               for name, model in (("child_id", Child), ("referral_id", Referral), ("offer_id", Offer),
                                   ("organisation_id", Organisation))}
        ids["item_id"] = ids["search_id"] = [1, 2]  # shortlist items and saved searches the fuzzing makes
        from matcher.accounts.models import User
        from matcher.pathways.warning_actions import current_warnings

        admin = session.scalars(select(User).where(User.email == "admin@kk.dk")).one()
        ids["warning"] = [w["id"] for w in current_warnings(session, admin)][:20] or ["no_participation:0:0:2026-01-01"]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(base=f"http://127.0.0.1:{server.server_port}", tokens=tokens, ids=ids)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["matcher.engine"].dispose()


SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def serve(app) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` on a free port of 127.0.0.1 in a thread; return its base URL and a stop function."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["matcher.engine"].dispose()

    return f"http://127.0.0.1:{server.server_port}", stop


def hsds_app(url: str):
    """Return an app on ``url`` without API rate limits (the tests page and fuzz a lot)."""
    from matcher.web import create_app

    os.environ.setdefault("MATCHER_ENV", "testing")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "hsds-tests", "TESTING": True})
    runtime_of(app).settings = dataclasses.replace(runtime_of(app).settings, rate_limit_api=0)
    return app


@pytest.fixture(scope="module")
def hsds_live(tmp_path_factory) -> Iterator[SimpleNamespace]:
    """Serve the web fixtures' database plus the demo catalogue and mentors (children included, so that a
    leak would show); yield ``base`` (the server) and ``url`` (its database)."""
    from matcher.catalogue.hsds_import import import_services, load_services
    from matcher.catalogue.mentors_import import import_mentors
    from matcher.db import make_engine
    from sqlalchemy.orm import Session

    url = seeded_url(tmp_path_factory.mktemp("hsds-live"))
    engine = make_engine(url)
    with Session(engine) as session:
        import_services(session, load_services((SEEDS / "demo_catalogue.json").read_bytes()))
        import_mentors(session, (SEEDS / "mentors.csv").read_bytes())
        session.commit()
    engine.dispose()
    base, stop = serve(hsds_app(url))
    try:
        yield SimpleNamespace(base=base, url=url)
    finally:
        stop()
