"""Web fixtures: an app on a migrated database with a small catalogue and one user per role."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from matcher.accounts.operations import create_user, issue_token
from matcher.catalogue.hsds_import import import_services
from matcher.db import make_engine
from matcher.migrate import upgrade
from matcher.seeding import load_reference
from matcher.web import create_app

DATA = Path(__file__).resolve().parent.parent / "data"
PASSWORD = "Test-kodeord-123"
ROLES = ("admin", "key_staff", "contact_person", "club_rep")


@pytest.fixture
def app(tmp_path):
    """Return an app on a fresh SQLite database with districts, taxonomy, two offers and four users."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference(session)
        import_services(session, json.loads((DATA / "hsds-3.1" / "danish-profile-example.json").read_text()))
        for role in ROLES:
            create_user(session, f"{role}@kk.dk", role, PASSWORD,
                        organisation="412cf209-21e4-597d-bf75-0cad7a07263b" if role == "club_rep" else None)
        session.commit()
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test"})
    yield app
    app.extensions["matcher.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    """Log the test client in as the user of ``role``."""
    def _login(role: str):
        response = client.post("/login", data={"email": f"{role}@kk.dk", "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return _login


@pytest.fixture
def token(app):
    """Return a bearer token for the user of ``role``."""
    from matcher.web.database import get_session

    def _token(role: str) -> str:
        with app.app_context():
            session = get_session()
            value = issue_token(session, f"{role}@kk.dk")
            session.commit()
        return value
    return _token
