"""Load the demo data through the same operations as real imports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher.accounts.models import User
from matcher.accounts.operations import create_user
from matcher.accounts.totp_keys import seal
from matcher.catalogue.districts import load_districts
from matcher.catalogue.hsds_import import import_services, load_services
from matcher.catalogue.mentors_import import import_mentors
from matcher.catalogue.models import District, Offer, Organisation, OrganisationKind
from matcher.catalogue.taxonomy import load_terms_file
from matcher.clock import local_today, utcnow
from matcher.config import settings_of
from matcher.pathways.demo import seed_pathways
from matcher.resources import SEEDS_DIR

# The demo logins are printed on purpose.
DEMO_PASSWORD = "Demo-faellesskab-2026"  # nosec B105
# The demo staff's authenticator key (add it to an app, or `matcher users totp-code EMAIL` in development).
DEMO_TOTP_SECRET = "MATCHERDEMOKBHAVNTOTPKEYFORDEMOS"  # nosec B105


@dataclass(frozen=True)
class DemoUser:
    """A demo login shown by ``make run``."""

    email: str
    role: str
    name: str
    district: str | None = None
    club: bool = False


DEMO_USERS = (
    DemoUser("admin@demo.matcher.dk", "admin", "Anne Administrator"),
    DemoUser("noegle@demo.matcher.dk", "key_staff", "Karim Nøglemedarbejder", district="Nørrebro"),
    DemoUser("kontakt@demo.matcher.dk", "contact_person", "Mette Kontaktperson", district="Nørrebro"),
    DemoUser("forening@demo.matcher.dk", "club_rep", "Jens Foreningskontakt", club=True),
)


def is_seeded(session: Session) -> bool:
    """Return whether the demo catalogue is already loaded."""
    return (session.scalar(select(func.count(Offer.id))) or 0) > 0


def load_reference(session: Session, seeds_dir: Path = SEEDS_DIR) -> None:
    """Load the districts and the interest taxonomy."""
    load_districts(session)
    load_terms_file(session, seeds_dir / "interests.json")


def seed(session: Session, seeds_dir: Path = SEEDS_DIR, log=print, today: dt.date | None = None) -> dict[str, Any]:
    """Load districts, taxonomy, demo catalogue, mentors, demo users and a year of pathways; flush only."""
    load_reference(session, seeds_dir)
    catalogue = seeds_dir / "demo_catalogue.json"
    results = {
        "catalogue": import_services(session, load_services(catalogue.read_bytes(), str(catalogue)),
                                     source=str(catalogue)),
        "mentors": import_mentors(session, (seeds_dir / "mentors.csv").read_bytes(),
                                  source=str(seeds_dir / "mentors.csv")),
    }
    for name, summary in results.items():
        log(f"{name}: {summary}")
    create_demo_users(session)
    results["pathways"] = seed_pathways(session, DEMO_PASSWORD, today=today or local_today())
    log(f"pathways: {results['pathways']}")
    enrol_demo_two_factor(session)
    return results


def enrol_demo_two_factor(session: Session, totp_keys: tuple[str, ...] | None = None) -> None:
    """Give every demo user who needs a one-time code the demo authenticator key, sealed with MATCHER_TOTP_KEY."""
    keys = totp_keys or settings_of(session).totp_keys
    for user in session.scalars(select(User).where(User.totp_secret.is_(None))):
        if user.requires_two_factor:
            user.totp_secret = seal(DEMO_TOTP_SECRET, keys)
            user.totp_confirmed_at = utcnow()
    session.flush()


def create_demo_users(session: Session) -> list[User]:
    """Create the demo users that do not exist yet."""
    users = []
    club = session.scalars(select(Organisation).where(Organisation.kind == OrganisationKind.sports_club)
                           .order_by(Organisation.name)).first()
    for demo in DEMO_USERS:
        existing = session.scalars(select(User).where(User.email == demo.email)).first()
        if existing:
            users.append(existing)
            continue
        district = session.scalars(select(District).where(District.name == demo.district)).first() \
            if demo.district else None
        users.append(create_user(session, demo.email, demo.role, DEMO_PASSWORD, name=demo.name,
                                 organisation=str(club.id) if demo.club and club else None,
                                 district_id=district.id if district else None))
    return users
