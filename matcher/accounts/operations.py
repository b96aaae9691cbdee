"""Create users, set passwords and issue API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from matcher.accounts.models import Role, User
from matcher.accounts.totp_keys import TotpKeyError, reseal
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import District, Organisation
from matcher.db import parse_id

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# OWASP ASVS 2.1: at least 12 characters, long passphrases allowed, any character, no composition
# rules, but not a well-known password nor one made of the account's own name.
MIN_PASSWORD = 12
MAX_PASSWORD = 128
COMMON_PASSWORDS = frozenset({
    "123456789012", "1234567890ab", "password1234", "passwordpassword", "qwertyuiopas", "qwerty123456",
    "adgangskode1", "adgangskode12", "adgangskode123", "kodeord12345", "kodeord123456", "sommer2026!!",
    "velkommen123", "velkommen1234", "københavn123", "kobenhavn1234", "matcher12345", "iloveyou1234",
    "letmein12345", "administrator", "admin1234567", "changeme1234", "welcome12345", "000000000000",
    "111111111111", "abcdefghijkl", "aaaaaaaaaaaa", "fodbold12345", "vinter2026!!",
})


def check_password_policy(password: str, *, email: str = "") -> None:
    """Refuse a password that is too short or too long, well known, or the account's own name."""
    if len(password) < MIN_PASSWORD:
        raise RecordError("user", "password", "password.too_short", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise RecordError("user", "password", "too_long", max=MAX_PASSWORD)
    plain = password.lower()
    if plain in COMMON_PASSWORDS or len(set(plain)) < 4:
        raise RecordError("user", "password", "password.guessable")
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in plain:
        raise RecordError("user", "password", "password.contains_email")


def find_organisation(session: Session, ref: str) -> Organisation:
    """Return the organisation by id or imported external id."""
    query = select(Organisation).where(Organisation.external_id == ref)
    if parse_id(ref):
        query = select(Organisation).where(or_(Organisation.id == parse_id(ref), Organisation.external_id == ref))
    org = session.scalars(query).first()
    if org is None:
        raise RecordError("user", "organisation", "user.no_organisation", ref=repr(ref))
    return org


def find_district(session: Session, ref: str) -> District:
    """Return the district by id, slug or name (a RecordError naming ``district`` otherwise)."""
    ref = (ref or "").strip()
    query = select(District).where(or_(District.slug == ref.lower(), District.name == ref))
    if parse_id(ref):
        query = select(District).where(District.id == parse_id(ref))
    district = session.scalars(query).first()
    if district is None:
        raise RecordError("user", "district", "district.no_such_ref", ref=repr(ref))
    return district


def _district_for(session: Session, email: str, role: Role, district_id: int | None) -> int | None:
    """Check the user's district: key staff must have one (a missing district must never mean "all")."""
    if district_id is not None and session.get(District, district_id) is None:
        raise RecordError(f"user {email}", "district", "district.no_such_id", id=district_id)
    if role is Role.key_staff and district_id is None:
        raise RecordError(f"user {email}", "district", "user.key_staff_district")
    return district_id


def create_user(session: Session, email: str, role: str, password: str, *, name: str = "",
                organisation: str | None = None, district_id: int | None = None) -> User:
    """Create a user with a hashed password; a club representative needs an organisation, key staff a district."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise RecordError("user", "email", "user.bad_email", email=repr(email))
    role_id = _role(role)
    if session.scalars(select(User).where(User.email == email)).first():
        raise RecordError(f"user {email}", "email", "user.email_taken")
    check_password_policy(password, email=email)
    org = _organisation_for(session, email, role_id, organisation)
    district_id = _district_for(session, email, role_id, district_id)
    user = User(email=email, name=name, role=role_id, organisation=org, district_id=district_id,
                password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    return user


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise RecordError("user", "role", "user.bad_role",
                          roles=", ".join(r.value for r in Role)) from None


def _organisation_for(session: Session, email: str, role: Role, organisation: str | None) -> Organisation | None:
    org = find_organisation(session, organisation) if organisation else None
    if role is Role.club_rep and org is None:
        raise RecordError(f"user {email}", "organisation", "user.club_rep_organisation")
    return org


def update_user(session: Session, user: User, *, name: str, role: str, organisation: str | None,
                district_id: int | None) -> list[str]:
    """Change a user's name, role, organisation and district; return the changed fields.

    A new role, organisation or district changes what the user may see, so every session of the user ends.
    """
    role_id = _role(role)
    org = _organisation_for(session, user.email, role_id, organisation)
    district_id = _district_for(session, user.email, role_id, district_id)
    new = {"name": name.strip()[:120], "role": role_id, "organisation_id": org.id if org else None,
           "district_id": district_id}
    changed = [k for k, v in new.items() if getattr(user, k) != v]
    for key in changed:
        setattr(user, key, new[key])
    if {"role", "organisation_id", "district_id"} & set(changed):
        end_all_sessions(user)
    session.flush()
    return changed


def hash_token(token: str) -> str:
    """Return the stored form of an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, email: str) -> str:
    """Issue a new bearer token for ``email`` (the old one stops working) and return it once."""
    user = find_user(session, email)
    token = "mt_" + secrets.token_urlsafe(32)
    user.api_token_hash = hash_token(token)
    session.flush()
    return token


def end_all_sessions(user: User) -> None:
    """Invalidate every session of ``user`` (logout, password change, deactivation)."""
    user.session_version += 1


def reset_two_factor(user: User) -> None:
    """Forget the user's authenticator app; the next login sets up a new one. Ends every session."""
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    end_all_sessions(user)


def reseal_totp_secrets(session: Session, keys: tuple[str, ...]) -> int:
    """Seal every stored TOTP secret again with the first of ``keys``; return how many (one refusal stops all)."""
    users = session.scalars(select(User).where(User.totp_secret.is_not(None)).order_by(User.id)).all()
    for user in users:
        try:
            user.totp_secret = reseal(user.totp_secret, keys)
        except TotpKeyError:
            raise RecordError(f"user {user.email}", "totp_secret", "user.totp_key") from None
    session.flush()
    return len(users)


def find_user(session: Session, email: str) -> User:
    """Return the user with ``email`` or raise a RecordError naming it."""
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise RecordError(f"user {email}", "email", "user.no_such")
    return user
