"""API fixtures: the web fixtures' database served by a live werkzeug server on 127.0.0.1, and bearer tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from matcher.accounts.operations import issue_token
from matcher.catalogue.models import Offer, Organisation
from matcher.pathways.models import Child, Referral
from tests.servers import live_app, serve, serving  # noqa: F401 (serve: used by test_hsds_sync)
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
    from matcher.accounts.models import User
    from matcher.pathways.warning_actions import current_warnings
    from matcher.web.database import get_session

    # Fuzzing sends thousands of requests a minute per token; the limit has its own tests.
    app = live_app(seeded_url(tmp_path_factory.mktemp("api-live")), "api-tests", rate_limit_api=0)
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
        admin = session.scalars(select(User).where(User.email == "admin@kk.dk")).one()
        ids["warning"] = [w["id"] for w in current_warnings(session, admin)][:20] or ["no_participation:0:0:2026-01-01"]
    with serving(app) as base:
        yield SimpleNamespace(base=base, tokens=tokens, ids=ids)


SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def hsds_app(url: str):
    """Return an app on ``url`` without API rate limits (the tests page and fuzz a lot)."""
    return live_app(url, "hsds-tests", rate_limit_api=0)


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
    with serving(hsds_app(url)) as base:
        yield SimpleNamespace(base=base, url=url)
