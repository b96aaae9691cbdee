"""Administration → Udgående post: the outbox (pending, sent, failed, maybe sent), the jobs, resending."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from matcher.catalogue.errors import RecordError
from matcher.mail.models import OUTBOX_STATUSES, JobLease, OutboxMessage
from matcher.mail.sender import resend
from matcher.mail.smtp import SmtpTarget
from matcher.runtime import runtime_of
from matcher.web.admin import bp
from matcher.web.database import form_operation, get_session

PAGE = 100


def _settings():
    return runtime_of(current_app).settings


def _readable() -> bool:
    """Return whether mail bodies are shown (development and tests only: no SMTP needed to read them)."""
    return _settings().env in ("development", "testing")


@bp.get("/post")
def outbox():
    """List the outbox with counts per status, the last error and the periodic jobs."""
    session = get_session()
    wanted = request.args.get("status", "")
    if wanted and wanted not in OUTBOX_STATUSES:
        abort(400, description=f"ukendt status {wanted!r}")
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(PAGE)
    if wanted:
        stmt = stmt.where(OutboxMessage.status == wanted)
    counts = dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    try:
        target = SmtpTarget.parse(_settings().smtp_url)
    except Exception:  # a malformed URL: the worker refuses to start; say so here too
        target = None
    return render_template("admin/outbox.html", messages=session.scalars(stmt).all(), counts=counts,
                           statuses=OUTBOX_STATUSES, wanted=wanted, target=target, readable=_readable(),
                           jobs=session.scalars(select(JobLease).order_by(JobLease.name)).all(),
                           sender=_settings().mail_from)


@bp.get("/post/<int:message_id>")
def outbox_message(message_id: int):
    """Show one mail; the text only in development (where no SMTP server is needed to read it)."""
    message = get_session().get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return render_template("admin/outbox_message.html", message=message, readable=_readable())


def _resend_refused(exc: RecordError, message_id: int):
    flash(exc.message[:1].upper() + exc.message[1:] + ".", "error")
    return redirect(url_for("admin.outbox"), code=303)


@bp.post("/post/<int:message_id>/send-igen")
@form_operation(_resend_refused)
def outbox_resend(message_id: int):
    """Queue a failed or maybe-sent mail again (an administrator's decision; logged)."""
    session = get_session()
    message = session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    resend(session, message, actor=current_user, ip=request.remote_addr)
    flash("Mailen er sat i kø igen og sendes ved næste kørsel.", "info")
    return redirect(url_for("admin.outbox"), code=303)
