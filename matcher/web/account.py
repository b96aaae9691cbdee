"""My account: change the password (which ends every other session)."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user
from werkzeug.security import check_password_hash

from matcher.accounts.audited import change_own_password
from matcher.accounts.operations import check_password_policy
from matcher.catalogue.errors import RecordError
from matcher.web.auth import SessionUser
from matcher.web.database import get_session

bp = Blueprint("account", __name__, url_prefix="/konto")


def init_app(app: Flask) -> None:
    """Register the account pages."""
    app.register_blueprint(bp)


@bp.get("")
@login_required
def index():
    """Show the user's account and the password form."""
    return render_template("account/index.html", errors={})


@bp.post("/adgangskode")
@login_required
def change_password():
    """Change the password; every other session of the user ends, this one goes on."""
    user = current_user.user
    current, new, repeat = (request.form.get(f, "") for f in ("current", "new", "repeat"))
    errors = {}
    if not check_password_hash(user.password_hash, current):
        errors["current"] = "Den nuværende adgangskode er forkert."
    elif new != repeat:
        errors["repeat"] = "De to nye adgangskoder er ikke ens."
    elif new == current:
        errors["new"] = "Vælg en ny adgangskode, der er forskellig fra den nuværende."
    else:
        try:
            check_password_policy(new, email=user.email)
        except RecordError as exc:
            errors["new"] = f"Adgangskoden {exc.message}."
    if errors:
        return render_template("account/index.html", errors=errors), 400
    change_own_password(get_session(), user, new, request.remote_addr)
    started = session.get("login_at")
    login_user(SessionUser(user))  # this session carries the new session version; the others die
    session["login_at"], session["seen_at"] = started, session.get("seen_at")
    flash("Din adgangskode er skiftet. Du er logget ud på alle andre enheder.", "info")
    return redirect(url_for("account.index"), code=303)
