"""Web fixtures: an app on a migrated database with a small catalogue and one user per role."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matcher.accounts import totp
from matcher.accounts.totp_keys import DEVELOPMENT_KEY, seal
from matcher.accounts.models import User
from matcher.accounts.operations import create_user, issue_token
from matcher.catalogue.hsds_import import import_services
from matcher.catalogue.models import District, InterestTerm, Offer, Organisation
from matcher.clock import local_today
from matcher.db import make_engine
from matcher.migrate import upgrade
from matcher.pathways import operations as ops
from matcher.pathways.models import Child, Participation, Referral
from matcher.seeding import load_reference
from matcher.web import create_app

DATA = Path(__file__).resolve().parent.parent / "data"
PASSWORD = "Test-kodeord-123"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # every fixture user's authenticator app
ROLES = ("admin", "key_staff", "contact_person", "club_rep")  # key_staff@kk.dk oversees Nørrebro
CLUB_ORG = "412cf209-21e4-597d-bf75-0cad7a07263b"  # Eksempel Boldklub, the club_rep's organisation
OWN_OFFER = "c1404959-d3aa-5da2-a02e-03e34d695e1c"  # Pigefodbold U12, Eksempel Boldklub
OTHER_OFFER = "0c9659ca-b618-5bca-90b9-b605be9485ba"  # Fritidsjob som bagerhjælper, Eksempel Bageri
OWN_CHILD = "BU-OWN1"  # followed by contact_person@kk.dk, Nørrebro, referral to OWN_OFFER shared with the club
OTHER_CHILD = "BU-OTHER1"  # followed by other_cp@kk.dk, Valby, referral to OTHER_OFFER


@pytest.fixture(scope="session")
def web_template(tmp_path_factory) -> Path:
    """Build the fixture database once per test session; tests get a copy."""
    path = tmp_path_factory.mktemp("web-template") / "web.db"
    build_fixture_database(f"sqlite:///{path}")
    return path


def build_fixture_database(url: str) -> None:
    """Migrate ``url`` and fill it: districts, taxonomy, two offers, one user per role, two children."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_reference(session)
        import_services(session, json.loads((DATA / "hsds-3.1" / "danish-profile-example.json").read_text()))
        noerrebro = session.scalars(select(District).where(District.slug == "noerrebro")).one()
        for role in ROLES:
            create_user(session, f"{role}@kk.dk", role, PASSWORD,
                        organisation=CLUB_ORG if role == "club_rep" else None,
                        district_id=noerrebro.id if role == "key_staff" else None)
        add_pathways(session)
        for user in session.scalars(select(User)):
            if user.requires_two_factor:
                user.totp_secret = seal(TOTP_SECRET, (DEVELOPMENT_KEY,))
                user.totp_confirmed_at = dt.datetime.now(dt.timezone.utc)
        session.commit()
    engine.dispose()


def sign_in(app, client, email: str, password: str = PASSWORD):
    """Log ``client`` in through the login form and, for staff roles, the one-time code; return the answer.

    The test forgets the user's last used code first: a test signs the same user in several times
    within one 30-second step, which the app rightly refuses as a replay.
    """
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code == 302 and response.headers["Location"].endswith("/login/engangskode"):
        response = send_code(app, client, email)
    return response


def send_code(app, client, email: str):
    """Send the current one-time code of ``email`` (its last used code forgotten first); return the answer."""
    with app.extensions["matcher.engine"].begin() as conn:
        conn.execute(update(User).where(User.email == email).values(totp_last_step=None))
    return client.post("/login/engangskode", data={"code": totp.code_at(TOTP_SECRET, totp.current_step())})


def add_pathways(session: Session) -> None:
    """Add two contact persons' children, each with a referral and a logged session, and a Valby key staff."""
    valby = session.scalars(select(District).where(District.slug == "valby")).one()
    other_cp = create_user(session, "other_cp@kk.dk", "contact_person", PASSWORD, name="Anden Kontaktperson")
    create_user(session, "valby_key@kk.dk", "key_staff", PASSWORD, district_id=valby.id)
    cp = session.scalars(select(User).where(User.email == "contact_person@kk.dk")).one()
    start = local_today() - dt.timedelta(days=60)
    for code, user, postcode, offer_ext, share in ((OWN_CHILD, cp, "2200", OWN_OFFER, True),
                                                  (OTHER_CHILD, other_cp, "2500", OTHER_OFFER, False)):
        child = ops.create_child(session, code, postcode=postcode, birth_year=local_today().year - 11,
                                 interests="fodbold, tegne", weekdays=["tue", "thu"], contact_person=user)
        ops.start_phase(session, child, "fritidspakke", start_date=start, responsible=user)
        ops.add_network_person(session, child, "Moster", relation="moster")
        offer = session.scalars(select(Offer).where(Offer.external_id == offer_ext)).one()
        referral = ops.create_referral(session, child, user=user, offer=offer, on=start)
        ops.change_status(session, referral, "active", user=user, on=start + dt.timedelta(days=7))
        ops.log_participation(session, referral, user, date=start + dt.timedelta(days=7), attended=True)
        if share:
            ops.share_with_club(session, referral, user, consent_on=start, scope="Kommer med sin moster første gang",
                                shared_name="Sara")


@pytest.fixture
def app(tmp_path, web_template):
    """Return an app on a fresh SQLite database with districts, taxonomy, two offers and four users."""
    path = tmp_path / "web.db"
    shutil.copyfile(web_template, path)
    url = f"sqlite:///{path}"
    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test"})
    yield app
    app.extensions["matcher.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(app, client):
    """Log the test client in as the user of ``role``."""
    def _login(role: str):
        response = sign_in(app, client, f"{role}@kk.dk")
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


@pytest.fixture
def db(app):
    """Return a session on the app's database (the test commits when it needs to)."""
    with app.extensions["matcher.sessions"]() as session:
        yield session


@pytest.fixture
def ids(db):
    """Return the ids of the club's own offer and organisation, another club's, and a term."""
    def offer(ext: str) -> Offer:
        return db.scalars(select(Offer).where(Offer.external_id == ext)).one()

    own, other = offer(OWN_OFFER), offer(OTHER_OFFER)
    org = db.scalars(select(Organisation).where(Organisation.external_id == CLUB_ORG)).one()
    term = db.scalars(select(InterestTerm).where(InterestTerm.code == "fodbold")).one()
    return SimpleNamespace(own=own.id, other=other.id, own_org=org.id, other_org=other.organisation_id,
                           term=term.id)


def pathway_ids(session: Session) -> dict[str, int]:
    """Return the ids of the fixture children, their referrals and logged sessions."""
    out = {}
    for name, code in (("child", OWN_CHILD), ("other_child", OTHER_CHILD)):
        child = session.scalars(select(Child).where(Child.code == code)).one()
        referral = session.scalars(select(Referral).where(Referral.child_id == child.id)).one()
        entry = session.scalars(select(Participation).where(Participation.referral_id == referral.id)).one()
        prefix = "" if name == "child" else "other_"
        out.update({name: child.id, f"{prefix}ref": referral.id, f"{prefix}entry": entry.id})
    return out


@pytest.fixture
def kids(db) -> SimpleNamespace:
    """Return the ids of the fixture children (child, other_child), referrals (ref, other_ref) and entries."""
    return SimpleNamespace(**pathway_ids(db))
