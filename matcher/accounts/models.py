"""User accounts and their roles."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, Boolean, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.catalogue.models import District, Organisation, Timestamped
from matcher.db import Base
from matcher.labels import ROLE_NAMES


class Role(str, enum.Enum):
    """Role ids used in code, CLI and API."""

    admin = "admin"
    key_staff = "key_staff"
    contact_person = "contact_person"
    club_rep = "club_rep"

    @property
    def label(self) -> str:
        """Return the Danish name of the role."""
        return ROLE_LABELS[self]


#: Roles that see children's data log in with a password and a one-time code (TOTP).
TWO_FACTOR_ROLES = frozenset({"admin", "key_staff", "contact_person"})

ROLE_LABELS = {role: ROLE_NAMES[role.value] for role in Role}


class User(Timestamped, Base):
    """A person who logs in: staff, club representative or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, name="role", values_callable=lambda e: [m.value for m in e],
                                            native_enum=False, validate_strings=True, length=32))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on logout-everywhere, password change and deactivation: old sessions die.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # SHA-256 of the API bearer token; the token itself is shown once.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Two-factor login (matcher.accounts.totp): the base32 secret sealed with MATCHER_TOTP_KEY
    # (matcher.accounts.totp_keys), when the user confirmed it with a first code, and the last time
    # step used (a code is accepted once).
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_confirmed_at: Mapped[dt.datetime | None] = mapped_column()
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    organisation: Mapped[Organisation | None] = relationship()
    district: Mapped[District | None] = relationship()

    @property
    def requires_two_factor(self) -> bool:
        """Return whether this user must give a one-time code to log in."""
        return self.role.value in TWO_FACTOR_ROLES

    @property
    def two_factor_ready(self) -> bool:
        """Return whether the user has an authenticator app set up and confirmed."""
        return bool(self.totp_secret and self.totp_confirmed_at)


class RateLimitHit(Base):
    """How many requests one client made in one window; shared by every worker through the database.

    ``bucket`` names the limit and the client (``login-ip:192.0.2.1``, ``api-user:7``); ``window`` is
    the start of the fixed window in Unix seconds. Old windows are deleted as new ones start.
    """

    __tablename__ = "rate_limit_hits"

    bucket: Mapped[str] = mapped_column(String(200), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)


class LoginFailure(Base):
    """Wrong passwords and one-time codes for one account from one address (``matcher.accounts.lockout``).

    Counting per account *and* address means a stranger who guesses at an account locks out only
    their own address, never the account's owner elsewhere.
    """

    __tablename__ = "login_failures"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    last_failure_at: Mapped[dt.datetime] = mapped_column(index=True)
