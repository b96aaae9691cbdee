"""Imports and exports: HSDS 3.1 services and the mentor CSV."""

from __future__ import annotations

from flask import Response, current_app, render_template, request, stream_with_context

from matcher.catalogue.errors import ImportFailed
from matcher.catalogue.hsds_export import iter_json
from matcher.catalogue.hsds_import import import_services, read_services
from matcher.catalogue.mentors_import import export_mentors, import_mentors
from matcher.pathways.pathways_import import import_pathways
from matcher.web.admin import bp
from matcher.web.admin.import_messages import danish
from matcher.web.database import get_session

MAX_ERRORS_SHOWN = 100


def _render(status: int = 200, **context):
    return render_template("admin/data.html", **context), status


@bp.get("/data")
def data():
    """Show the import forms and export links."""
    return _render()


def _upload() -> tuple[bytes | None, str]:
    upload = request.files.get("fil")
    if upload is None or not upload.filename:
        return None, ""
    return upload.read(), upload.filename


@bp.post("/import/hsds")
def import_hsds():
    """Import an uploaded HSDS JSON file in this request's transaction; all or nothing."""
    content, name = _upload()
    if content is None:
        return _render(400, hsds_error="Vælg en JSON-fil at importere.")
    try:
        summary = import_services(get_session(), read_services(content), source=name)
    except ImportFailed as exc:
        return _render(400, hsds_errors=[danish(e) for e in exc.errors[:MAX_ERRORS_SHOWN]],
                       hsds_error_count=exc.total,
                       hsds_file=name)
    return _render(hsds_summary=summary, hsds_file=name)


@bp.post("/import/mentorer")
def import_mentor_csv():
    """Import an uploaded mentor CSV file in this request's transaction; all or nothing."""
    content, name = _upload()
    if content is None:
        return _render(400, mentor_error="Vælg en CSV-fil at importere.")
    try:
        summary = import_mentors(get_session(), content, source=name)
    except ImportFailed as exc:
        return _render(400, mentor_errors=[danish(e) for e in exc.errors[:MAX_ERRORS_SHOWN]],
                       mentor_error_count=len(exc.errors),
                       mentor_file=name)
    return _render(mentor_summary=summary, mentor_file=name)


@bp.post("/import/forloeb")
def import_pathway_csv():
    """Import running pathways (the go-live CSV) in this request's transaction; all or nothing."""
    content, name = _upload()
    if content is None:
        return _render(400, pathway_error="Vælg en CSV-fil at importere.")
    try:
        summary = import_pathways(get_session(), content, source=name)
    except ImportFailed as exc:
        return _render(400, pathway_errors=[danish(e) for e in exc.errors[:MAX_ERRORS_SHOWN]],
                       pathway_error_count=len(exc.errors), pathway_file=name)
    return _render(pathway_summary=summary, pathway_file=name)


@bp.get("/eksport/hsds.json")
def export_hsds():
    """Download every offer as HSDS 3.1 services (read in a session of its own)."""
    factory = current_app.extensions["matcher.sessions"]

    def body():
        with factory() as session:  # a session of its own that lives as long as the download
            yield from iter_json(session)

    return Response(stream_with_context(body()), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="matcher-hsds-services.json"'})


@bp.get("/eksport/mentorer.csv")
def export_mentor_csv():
    """Download every mentor in the mentor CSV format."""
    return Response(export_mentors(get_session()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="matcher-mentorer.csv"'})
