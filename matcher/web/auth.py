"""Login, logout, roles and bearer tokens (flask-login)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from urllib.parse import urlsplit

import segno
from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import or_, select, update
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from matcher.accounts import audited, lockout, totp, totp_keys
from matcher.accounts import login as login_ops
from matcher.accounts.lockout import LOCKOUT, MAX_FAILED_LOGINS  # noqa: F401  (re-exported for tests)
from matcher.accounts.models import Role, User
from matcher.accounts.operations import hash_token
from matcher.db import utcnow
from matcher.runtime import runtime_of
from matcher.web import SESSION_ABSOLUTE, SESSION_IDLE
from matcher.web.database import get_session

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log ind for at se siden."
login_manager.session_protection = "strong"

# Between a right password and the one-time code: who, when, and where to go afterwards.
PENDING = "pending_2fa"
PENDING_TTL = dt.timedelta(minutes=5)


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField("E-mail", validators=[DataRequired(message="Skriv din e-mail."), Length(max=254)])
    password = PasswordField("Adgangskode", validators=[DataRequired(message="Skriv din adgangskode."),
                                                        Length(max=200)])


class CodeForm(FlaskForm):
    """The six-digit code from the authenticator app."""

    code = StringField("Engangskode", validators=[DataRequired(message="Skriv koden fra din app."),
                                                  Length(max=12)])


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


def is_api_request(req=request) -> bool:
    """Return whether ``req`` goes to the token-only JSON API (cookie sessions are not accepted there)."""
    return req.path == "/api/v1" or req.path.startswith("/api/v1/")


@login_manager.user_loader
def _load_user(user_id: str) -> SessionUser | None:
    if is_api_request():
        return None  # the API takes bearer tokens only: a browser session cookie is ignored there
    try:
        uid, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = get_session().get(User, uid)
    if user is None or not user.active or user.session_version != version:
        return None
    return SessionUser(user)


def bearer_token(req=request) -> str | None:
    """Return the bearer token of ``req``'s Authorization header, if it carries one."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return header.removeprefix("Bearer ").strip() or None


@login_manager.request_loader
def _load_from_token(req) -> SessionUser | None:
    token = bearer_token(req)
    if token is None or not is_api_request(req):
        return None  # pages take the session cookie only; tokens are for the API
    user = get_session().scalars(select(User).where(User.api_token_hash == hash_token(token))).first()
    if user is None or not user.active:
        return None
    return SessionUser(user)


def _enforce_session_limits():
    """End a browser session idle for 30 minutes or older than 12 hours, whatever headers come along."""
    if "_user_id" not in session or is_api_request():
        return None  # the API ignores the cookie (see _load_user), so it neither extends nor ends it
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
    """Return the user when the password is right and the account is open; failures are counted and logged."""
    return login_ops.authenticate(get_session(), email, password, request.remote_addr)


def _locked(user: User) -> bool:
    return lockout.is_locked(get_session(), user, request.remote_addr)


def _count_failure(user: User, purpose: str) -> None:
    """Count a failed password or code for this account and address; it stays counted on the 401 answer."""
    login_ops.count_failure(get_session(), user, request.remote_addr, purpose)


def _complete_login(user: User, next_url: str | None):
    """Start a fresh session for ``user`` (no fixation), log the login and go on to ``next_url``."""
    login_ops.complete_login(get_session(), user, request.remote_addr)
    session.clear()
    login_user(SessionUser(user))
    session["login_at"] = session["seen_at"] = utcnow().timestamp()
    return redirect(safe_next(next_url) or landing_page(user))


def landing_page(user: User) -> str:
    """Return where a role starts its day: Mine børn, Min forening, the district overview or Administration."""
    if user.role is Role.contact_person:
        return url_for("children.index")
    if user.role is Role.club_rep:
        return url_for("club.mine")
    if user.role is Role.key_staff:
        if user.district is not None:
            return url_for("catalogue.overview", slug=user.district.slug)
        return url_for("children.index")
    if user.role is Role.admin:
        return url_for("admin.index")
    return url_for("catalogue.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; roles that see children's data go on to the one-time code."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            next_url = safe_next(request.args.get("next"))
            if not user.requires_two_factor:
                return _complete_login(user, next_url)
            session.clear()
            session[PENDING] = {"user": f"{user.id}:{user.session_version}", "at": utcnow().timestamp(),
                                "next": next_url}
            return redirect(url_for("auth.one_time_code" if user.two_factor_ready else "auth.one_time_code_setup"))
        flash("Forkert e-mail eller adgangskode, eller kontoen er midlertidigt låst.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


def _pending_user() -> User | None:
    """Return the user whose password was right moments ago in this browser, if still valid."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or utcnow().timestamp() - pending.get("at", 0) > PENDING_TTL.total_seconds():
        return None
    try:
        uid, version = (int(part) for part in str(pending.get("user")).split(":"))
    except ValueError:
        return None
    user = get_session().get(User, uid)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def _restart_login():
    session.pop(PENDING, None)
    flash("Log ind igen: der gik for lang tid, eller kontoen er midlertidigt låst.", "error")
    return redirect(url_for("auth.login"))


def _keys() -> tuple[str, ...]:
    from flask import current_app

    return runtime_of(current_app).settings.totp_keys


def _secret(user: User) -> str | None:
    """Return the user's TOTP secret, opened with MATCHER_TOTP_KEY (None, logged, when no key opens it)."""
    if not user.totp_secret:
        return None
    try:
        return totp_keys.unseal(user.totp_secret, _keys())
    except totp_keys.TotpKeyError:
        from flask import current_app

        current_app.logger.error("user %s: one-time-code secret cannot be opened with MATCHER_TOTP_KEY", user.id)
        return None


def _accept_code(user: User, code: str) -> bool:
    """Return whether ``code`` is right now and not used before; mark its time step as used."""
    if _locked(user):
        return False
    secret = _secret(user)
    if secret is None:
        return False
    step = totp.verify(secret, code, last_step=user.totp_last_step)
    if step is None:
        return False
    # Conditional update: of two requests racing with one code, only one gets it.
    db = get_session()
    used = db.execute(update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                                 User.totp_last_step < step))
                      .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
    return used == 1


@bp.route("/login/engangskode", methods=["GET", "POST"])
def one_time_code():
    """Ask for the six-digit code from the user's authenticator app."""
    user = _pending_user()
    if user is None:
        return _restart_login()
    if not user.two_factor_ready:
        return redirect(url_for("auth.one_time_code_setup"))
    form = CodeForm()
    if form.validate_on_submit():
        if _accept_code(user, form.code.data):
            return _complete_login(user, session[PENDING].get("next"))
        _count_failure(user, "forkert engangskode")
        if _locked(user):
            return _restart_login()
        form.code.errors = ["Koden er forkert eller allerede brugt. Vent på en ny kode i appen."]
        return render_template("auth/totp.html", form=form), 401
    return render_template("auth/totp.html", form=form)


@bp.route("/login/opsaet-engangskode", methods=["GET", "POST"])
def one_time_code_setup():
    """First login of a role that needs two factors: connect an authenticator app with a QR code."""
    user = _pending_user()
    if user is None:
        return _restart_login()
    if user.two_factor_ready:
        return redirect(url_for("auth.one_time_code"))
    secret = _secret(user)
    if secret is None:  # none yet (or one no key opens any more): a new one, sealed with MATCHER_TOTP_KEY
        secret = totp.new_secret()
        # Kept even when this answer is a wrong first code: the same secret on a reload, so a scanned code stays valid.
        login_ops.keep_totp_secret(get_session(), user, totp_keys.seal(secret, _keys()))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        if _accept_code(user, form.code.data):
            audited.confirm_two_factor(get_session(), user, request.remote_addr)
            return _complete_login(user, session[PENDING].get("next"))
        _count_failure(user, "forkert engangskode ved opsætning")
        if _locked(user):
            return _restart_login()
        form.code.errors = ["Koden passer ikke. Tjek at appen viser koden for Matcher, og prøv igen."]
        status = 401
    uri = totp.provisioning_uri(secret, user.email)
    # segno writes the SVG itself from the URI's bits: no user text reaches the markup unescaped.
    qr = Markup(segno.make(uri, error="m").svg_inline(dark="#111", light="#fff", omitsize=True))  # nosec B704
    return render_template("auth/totp_setup.html", form=form, qr=qr, secret=totp.grouped(secret)), status


@bp.post("/logout")
@login_required
def logout():
    """Log out: every session of the user ends (a copied session cookie stops working, too)."""
    audited.log_out(get_session(), current_user.user, request.remote_addr)
    logout_user()
    session.clear()
    flash("Du er logget ud.", "info")
    return redirect(url_for("auth.login"))
