"""Account changes that are logged: each use case changes the user and writes its audit event; flush only."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from matcher.accounts import lockout
from matcher.accounts.models import User
from matcher.accounts.operations import check_password_policy, end_all_sessions, reset_two_factor, update_user
from matcher.db import utcnow
from matcher.privacy.audit import record


def log_out(session: Session, user: User, ip: str | None) -> None:
    """End every session of ``user`` and log the logout."""
    record(session, user, "logout", "user", user.id, ip=ip)
    end_all_sessions(user)
    session.flush()


def confirm_two_factor(session: Session, user: User, ip: str | None) -> None:
    """Mark the user's authenticator app as set up and log it."""
    user.totp_confirmed_at = utcnow()
    record(session, user, "totp_enrolled", "user", user.id, ip=ip)


def change_own_password(session: Session, user: User, new: str, ip: str | None) -> None:
    """Set the user's new password (checked by the caller against the current one), end every session, log it."""
    user.password_hash = generate_password_hash(new)
    end_all_sessions(user)
    record(session, user, "password_changed", "user", user.id, ip=ip)


def reset_password(session: Session, actor: Any, user: User, password: str, ip: str | None) -> None:
    """Give ``user`` a new first password: checks the policy, lifts every lockout, ends every session, logs it."""
    check_password_policy(password, email=user.email)
    user.password_hash = generate_password_hash(password)
    lockout.clear(session, user)  # a new password: forget failures from every address
    end_all_sessions(user)
    record(session, actor, "password_reset", "user", user.id, ip=ip)


def edit_user(session: Session, actor: Any, user: User, *, ip: str | None, **fields: Any) -> list[str]:
    """Change the user's name, role, organisation and district (``update_user``); log what changed."""
    changed = update_user(session, user, **fields)
    if changed:
        record(session, actor, "update", "user", user.id, ip=ip, detail={"changed": changed})
    return changed


def reset_user_two_factor(session: Session, actor: Any, user: User, ip: str | None) -> None:
    """Forget the user's authenticator app (a lost phone) and log it."""
    reset_two_factor(user)
    record(session, actor, "totp_reset", "user", user.id, ip=ip)
