"""Administration of the interest taxonomy: Danish names, synonyms and mapping imported terms."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import InterestTerm
from matcher.catalogue.operations import update_term
from matcher.catalogue.taxonomy import map_term
from matcher.db import parse_id
from matcher.web import current_runtime
from matcher.web.admin import bp
from matcher.web.database import get_session


def _term_or_404(term_id: int) -> InterestTerm:
    term = get_session().get(InterestTerm, term_id)
    if term is None:
        abort(404)
    return term


def _targets() -> list[InterestTerm]:
    return get_session().scalars(select(InterestTerm).where(InterestTerm.needs_mapping.is_(False),
                                                            InterestTerm.mapped_to_id.is_(None))
                                 .order_by(InterestTerm.name)).all()


@bp.get("/interesser")
def terms():
    """List the interest terms; terms that need mapping first."""
    rows = get_session().scalars(select(InterestTerm).options(selectinload(InterestTerm.mapped_to))
                                 .order_by(InterestTerm.needs_mapping.desc(), InterestTerm.group,
                                           InterestTerm.name)).all()
    return render_template("admin/terms.html", terms=rows)


@bp.route("/interesser/<int:term_id>", methods=["GET", "POST"])
def edit_term(term_id: int):
    """Edit a term's Danish name and synonyms."""
    term = _term_or_404(term_id)
    errors, status = {}, 200
    values = {"name": term.name, "synonyms": "\n".join(term.synonyms or [])}
    if request.method == "POST":
        values = {"name": request.form.get("name", ""), "synonyms": request.form.get("synonyms", "")}
        try:
            update_term(get_session(), term, values["name"], re.split(r"[\n,]", values["synonyms"]))
        except RecordError as exc:
            errors, status = {exc.field: exc.message}, 400
        else:
            current_runtime().search.clear()
            flash(f"Interessen »{term.name}« er gemt.", "info")
            return redirect(url_for("admin.terms"), code=303)
    return render_template("admin/term_form.html", term=term, values=values, errors=errors,
                           targets=_targets()), status


@bp.post("/interesser/<int:term_id>/kobl")
def map_term_view(term_id: int):
    """Map an imported term onto a known one."""
    term = _term_or_404(term_id)
    raw = request.form.get("mapped_to", "")
    target = get_session().get(InterestTerm, parse_id(raw)) if parse_id(raw) else None
    errors = {}
    if target is None:
        errors = {"mapped_to": "Vælg den kendte interesse, termen svarer til."}
    else:
        try:
            map_term(get_session(), term, target)
        except RecordError:
            errors = {"mapped_to": "En interesse kan ikke kobles til sig selv."}
    if errors:
        values = {"name": term.name, "synonyms": "\n".join(term.synonyms or [])}
        return render_template("admin/term_form.html", term=term, values=values, errors=errors,
                               targets=_targets()), 400
    current_runtime().search.clear()
    flash(f"»{term.name}« er koblet til »{target.name}«.", "info")
    return redirect(url_for("admin.terms"), code=303)
