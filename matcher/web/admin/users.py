"""Administration of user accounts: list, create, deactivate, reset password or two-factor login."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.accounts import audited
from matcher.accounts.models import Role, User
from matcher.accounts.operations import create_user, end_all_sessions
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import District, Organisation
from matcher.db import parse_id
from matcher.web.admin import bp
from matcher.web.database import get_session

USER_FIELDS = ("email", "name", "role", "organisation", "district", "password")


def set_active(session: Session, user: User, active: bool) -> None:
    """Open or close an account; closing it ends all its sessions and revokes its API token."""
    user.active = active
    if not active:
        end_all_sessions(user)
        user.api_token_hash = None
    session.flush()


def _choices(session: Session) -> dict:
    return {"organisations": session.scalars(select(Organisation).order_by(Organisation.name)).all(),
            "districts": session.scalars(select(District).order_by(District.name)).all(), "roles": list(Role)}


@bp.get("/brugere")
def users():
    """List every user with role, organisation and district."""
    rows = get_session().scalars(select(User).options(selectinload(User.organisation), selectinload(User.district))
                                 .order_by(User.active.desc(), User.role, User.email)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/brugere/ny", methods=["GET", "POST"])
def new_user():
    """Create a user with a role, and an organisation or district where it applies."""
    session = get_session()
    values = {f: request.form.get(f, "") for f in USER_FIELDS}
    errors, status = {}, 200
    if request.method == "POST":
        district_id = parse_id(values["district"])
        try:
            user = create_user(session, values["email"], values["role"], values["password"], name=values["name"],
                               organisation=values["organisation"] or None, district_id=district_id)
        except RecordError as exc:
            errors, status = {exc.field: exc.message}, 400
        else:
            flash(f"Brugeren {user.email} er oprettet.", "info")
            return redirect(url_for("admin.users"), code=303)
    values.pop("password", None)
    return render_template("admin/user_form.html", values=values, errors=errors, **_choices(session)), status


@bp.route("/brugere/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Change a user's name, role, organisation or district; a new role ends the user's sessions."""
    session = get_session()
    user = _user_or_404(user_id)
    errors, status = {}, 200
    if request.method == "POST":
        values = {f: request.form.get(f, "") for f in USER_FIELDS if f not in ("email", "password")}
        if user.id == current_user.id and values["role"] != user.role.value:
            errors, status = {"role": "Du kan ikke ændre din egen rolle."}, 400
        else:
            try:
                changed = audited.edit_user(session, current_user, user, ip=request.remote_addr, name=values["name"],
                                    role=values["role"], organisation=values["organisation"] or None,
                                    district_id=parse_id(values["district"]))
            except RecordError as exc:
                errors, status = {exc.field: exc.message}, 400
            else:
                flash(f"{user.email} er gemt." + (" Brugeren er logget ud overalt, fordi adgangen er ændret."
                                                  if {"role", "organisation_id"} & set(changed) else ""), "info")
                return redirect(url_for("admin.users"), code=303)
    else:
        values = {"name": user.name, "role": user.role.value,
                  "organisation": str(user.organisation_id or ""), "district": str(user.district_id or "")}
    values["email"] = user.email
    return render_template("admin/user_form.html", values=values, errors=errors, editing=user,
                           **_choices(session)), status


@bp.post("/brugere/<int:user_id>/aktiv")
def toggle_user(user_id: int):
    """Deactivate (ending every session) or reactivate a user."""
    session = get_session()
    user = _user_or_404(user_id)
    active = request.form.get("active") == "1"
    if not active and user.id == current_user.id:
        flash("Du kan ikke deaktivere dig selv.", "error")
        return redirect(url_for("admin.users"), code=303)
    set_active(session, user, active)
    flash(f"{user.email} er {'genaktiveret' if active else 'deaktiveret og logget ud overalt'}.", "info")
    return redirect(url_for("admin.users"), code=303)


def _user_or_404(user_id: int) -> User:
    user = get_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/brugere/<int:user_id>/adgangskode", methods=["GET", "POST"])
def reset_password(user_id: int):
    """Give a user a new first password (forgotten password): ends every session and lifts a lockout."""
    user = _user_or_404(user_id)
    errors, status = {}, 200
    if request.method == "POST":
        password = request.form.get("password", "")
        try:
            audited.reset_password(get_session(), current_user, user, password, request.remote_addr)
        except RecordError as exc:
            errors, status = {"password": f"Adgangskoden {exc.message}."}, 400
        else:
            flash(f"{user.email} har fået en ny adgangskode og er logget ud overalt. "
                  "Giv den videre ad en sikker vej.", "info")
            return redirect(url_for("admin.users"), code=303)
    return render_template("admin/reset_password.html", user=user, errors=errors), status


@bp.post("/brugere/<int:user_id>/totrin")
def reset_user_two_factor(user_id: int):
    """Forget a user's authenticator app (lost phone): the next login sets up a new one."""
    user = _user_or_404(user_id)
    audited.reset_user_two_factor(get_session(), current_user, user, request.remote_addr)
    flash(f"Totrinsbekræftelsen for {user.email} er nulstillet; brugeren opsætter en ny app ved næste login.",
          "info")
    return redirect(url_for("admin.users"), code=303)
