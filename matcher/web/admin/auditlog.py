"""The audit log for administrators: read with filters, export as CSV. Nobody can change it."""

from __future__ import annotations

from flask import Response, render_template, request, stream_with_context
from flask_login import current_user
from sqlalchemy import func, select

from matcher.catalogue.errors import RecordError
from matcher.pathways.models import Child
from matcher.privacy.audit import AuditQuery, export_csv
from matcher.privacy.models import ACTIONS
from matcher.web.admin import bp
from matcher.web.database import get_session
from matcher.web.labels import error_sentence

PAGE_SIZE = 100


@bp.get("/revisionslog")
def audit_log():
    """List the events matching the filters, newest first, a hundred per page."""
    session = get_session()
    try:
        query = AuditQuery.from_args(request.args)
    except RecordError as exc:
        return render_template("admin/audit.html", events=[], total=0, page=1, pages=1, actions=ACTIONS,
                               errors={exc.field: exc.message}, args=request.args, codes={}), 400
    total = session.scalar(select(func.count()).select_from(query.statement().order_by(None).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    events = session.scalars(query.statement().limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    errors = {}
    if query.child_code and session.scalar(select(Child.id).where(Child.code == query.child_code)) is None:
        errors = {"child": f"intet barn har koden {query.child_code} (et slettet barn har ingen kode)"}
    child_ids = {e.child_id for e in events if e.child_id}
    codes = dict(session.execute(select(Child.id, Child.code).where(Child.id.in_(child_ids))).all()) if child_ids else {}
    return render_template("admin/audit.html", events=events, total=total, page=page, pages=pages,
                           actions=ACTIONS, errors=errors, args=request.args, codes=codes)


@bp.get("/revisionslog.csv")
def audit_log_csv():
    """Export the events matching the filters as CSV; the export itself is logged first."""
    session = get_session()
    try:
        query = AuditQuery.from_args(request.args)
    except RecordError as exc:
        return Response(error_sentence(exc.field, exc.message) + "\n", status=400, mimetype="text/plain")
    # The boundary commits the export's event with the 200 answer, before the body is streamed.
    lines = export_csv(session, current_user, query, request.remote_addr)
    return Response(stream_with_context(lines), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=revisionslog.csv"})
