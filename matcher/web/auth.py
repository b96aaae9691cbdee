"""Login, logout, roles and bearer tokens (flask-login)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from matcher.accounts.models import Role, User
from matcher.accounts.operations import hash_token
from matcher.db import utcnow
from matcher.privacy.audit import record
from matcher.web.database import get_session

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log ind for at se siden."
login_manager.session_protection = "strong"

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
# Compared against when the e-mail is unknown, so both paths cost the same (no user enumeration).
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField("E-mail", validators=[DataRequired(message="Skriv din e-mail."), Length(max=254)])
    password = PasswordField("Adgangskode", validators=[DataRequired(message="Skriv din adgangskode."),
                                                        Length(max=200)])


class SessionUser:
    """The flask-login wrapper; its id carries the session version so old sessions die."""

    def __init__(self, user: User):
        self.user = user

    def __getattr__(self, name):
        return getattr(self.user, name)

    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.user.active

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_version}"

    def has_role(self, *roles: Role | str) -> bool:
        """Return whether the user has one of ``roles``."""
        return self.user.role.value in {Role(r).value for r in roles}


def init_app(app: Flask) -> None:
    """Set up flask-login, session timeouts and the auth blueprint."""
    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.before_request(_enforce_session_limits)

    @app.context_processor
    def _roles():
        return {"Role": Role}


@login_manager.user_loader
def _load_user(user_id: str) -> SessionUser | None:
    try:
        uid, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = get_session().get(User, uid)
    if user is None or not user.active or user.session_version != version:
        return None
    return SessionUser(user)


@login_manager.request_loader
def _load_from_token(req) -> SessionUser | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = header.removeprefix("Bearer ").strip()
    if not token:
        return None
    user = get_session().scalars(select(User).where(User.api_token_hash == hash_token(token))).first()
    if user is None or not user.active:
        return None
    return SessionUser(user)


def _enforce_session_limits():
    """End a browser session idle for 30 minutes or older than 12 hours."""
    from matcher.web import SESSION_ABSOLUTE, SESSION_IDLE

    if "_user_id" not in session or request.headers.get("Authorization"):
        return None
    now = utcnow().timestamp()
    started, seen = session.get("login_at", 0), session.get("seen_at", 0)
    if now - seen > SESSION_IDLE.total_seconds() or now - started > SESSION_ABSOLUTE.total_seconds():
        logout_user()
        session.pop("login_at", None)
        session.pop("seen_at", None)
        flash("Du er blevet logget ud, fordi sessionen udløb. Log ind igen.", "info")
        return redirect(url_for("auth.login", next=request.path if request.method == "GET" else None))
    session["seen_at"] = now
    return None


def roles_required(*roles: Role | str) -> Callable:
    """Allow a view only to logged-in users with one of ``roles`` (403 otherwise)."""
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def safe_next(target: str | None) -> str | None:
    """Return ``target`` when it is a local path on this site, else None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def authenticate(email: str, password: str) -> User | None:
    """Return the user when the password is right and the account is open; count and log failures."""
    db = get_session()
    user = db.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        record(db, None, "login_failed", "user", purpose="ukendt e-mail", ip=request.remote_addr)
        db.commit()
        return None
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        check_password_hash(_DUMMY_HASH, password)
        record(db, user, "login_failed", "user", user.id, purpose="kontoen er låst", ip=request.remote_addr)
        db.commit()
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        record(db, user, "login_failed", "user", user.id, purpose="forkert adgangskode", ip=request.remote_addr)
        db.commit()  # failures must count even though the request answers 4xx
        return None
    user.failed_logins = 0
    user.locked_until = None
    record(db, user, "login", "user", user.id, ip=request.remote_addr)
    return user


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and log the user in."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session on login: no fixation
            login_user(SessionUser(user))
            session["login_at"] = session["seen_at"] = utcnow().timestamp()
            return redirect(safe_next(request.args.get("next")) or url_for("catalogue.index"))
        flash("Forkert e-mail eller adgangskode, eller kontoen er midlertidigt låst.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Log out of this session."""
    record(get_session(), current_user, "logout", "user", current_user.id, ip=request.remote_addr)
    logout_user()
    flash("Du er logget ud.", "info")
    return redirect(url_for("auth.login"))


def end_all_sessions(user: User) -> None:
    """Invalidate every session of ``user`` (password change, deactivation, logout everywhere)."""
    user.session_version += 1
