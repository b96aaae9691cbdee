"""Create users, set passwords and issue API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from matcher.accounts.models import Role, User
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import Organisation
from matcher.db import parse_id

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def check_password_policy(password: str) -> None:
    """Refuse passwords that are too short or too plain."""
    if len(password) < MIN_PASSWORD:
        raise RecordError("user", "password", f"must be at least {MIN_PASSWORD} characters")
    if password.lower() == password and password.isalpha():
        raise RecordError("user", "password", "must contain more than lowercase letters")


def find_organisation(session: Session, ref: str) -> Organisation:
    """Return the organisation by id or imported external id."""
    query = select(Organisation).where(Organisation.external_id == ref)
    if parse_id(ref):
        query = select(Organisation).where(or_(Organisation.id == parse_id(ref), Organisation.external_id == ref))
    org = session.scalars(query).first()
    if org is None:
        raise RecordError("user", "organisation", f"no organisation with id or external id {ref!r}")
    return org


def create_user(session: Session, email: str, role: str, password: str, *, name: str = "",
                organisation: str | None = None, district_id: int | None = None) -> User:
    """Create a user with a hashed password; a club representative needs an organisation."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise RecordError("user", "email", f"is not an e-mail address: {email!r}")
    try:
        role_id = Role(role)
    except ValueError:
        raise RecordError("user", "role", f"must be one of {', '.join(r.value for r in Role)}") from None
    if session.scalars(select(User).where(User.email == email)).first():
        raise RecordError(f"user {email}", "email", "is already in use")
    check_password_policy(password)
    org = find_organisation(session, organisation) if organisation else None
    if role_id is Role.club_rep and org is None:
        raise RecordError(f"user {email}", "organisation", "is required for a club representative")
    user = User(email=email, name=name, role=role_id, organisation=org, district_id=district_id,
                password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    return user


def hash_token(token: str) -> str:
    """Return the stored form of an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, email: str) -> str:
    """Issue a new bearer token for ``email`` (the old one stops working) and return it once."""
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise RecordError(f"user {email}", "email", "no such user")
    token = "mt_" + secrets.token_urlsafe(32)
    user.api_token_hash = hash_token(token)
    session.flush()
    return token
