"""The worker: sends the outbox and runs the periodic jobs (``matcher worker [--once]``).

It runs on a runtime of its own (``matcher.runtime``): its settings, its clock for "now", and
sessions that carry it, so the jobs see the same thresholds as the app.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matcher.accounts.models import Role, User
from matcher.clock import COPENHAGEN
from matcher.clubs.freshness import mail_stale_clubs
from matcher.clubs.notify import mail_warnings_count
from matcher.config import Settings
from matcher.mail.jobs import Job, run_due
from matcher.mail.sender import SendReport, send_due, worker_id
from matcher.mail.smtp import SmtpTarget
from matcher.pathways.warnings import warnings_for
from matcher.runtime import Runtime

log = logging.getLogger(__name__)
POLL_SECONDS = 5


def _at_local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=COPENHAGEN).astimezone(dt.timezone.utc)


def next_month_start(now: dt.datetime) -> dt.datetime:
    """Return 08:00 Copenhagen time on the first day of the next month."""
    local = now.astimezone(COPENHAGEN).date()
    first = (local.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return _at_local(first, 8)


def next_monday(now: dt.datetime) -> dt.datetime:
    """Return 07:00 Copenhagen time on the next Monday."""
    local = now.astimezone(COPENHAGEN).date()
    return _at_local(local + dt.timedelta(days=7 - local.weekday()), 7)


def _stale_listings(settings: Settings):
    def run(session: Session, now: dt.datetime) -> None:
        mail_stale_clubs(session, now, settings.stale_after_days)
    return run


def _weekly_warnings(session: Session, now: dt.datetime) -> None:
    today = now.astimezone(COPENHAGEN).date()
    for user in session.scalars(select(User).where(User.role == Role.contact_person, User.active.is_(True))
                                .order_by(User.id)):
        count = len(warnings_for(session, user, today))
        if count:
            mail_warnings_count(session, user, count)


def jobs(settings: Settings) -> list[Job]:
    """Return the periodic jobs: monthly listing confirmation, weekly warning counts."""
    return [Job("stale_listings_monthly", _stale_listings(settings), next_month_start),
            Job("warnings_weekly", _weekly_warnings, next_monday)]


def run_once(factory: sessionmaker[Session], runtime: Runtime, owner: str | None = None) -> tuple[SendReport, list[str]]:
    """Run due jobs at the runtime clock's now, then send what is due (the jobs' mails included)."""
    owner, settings = owner or worker_id(), runtime.settings
    ran = run_due(factory, jobs(settings), owner, runtime.clock.now())
    report = send_due(factory, SmtpTarget.parse(settings.smtp_url), settings.mail_from, owner=owner)
    return report, ran


def run_forever(factory: sessionmaker[Session], runtime: Runtime, poll: float = POLL_SECONDS) -> None:
    """Loop until SIGTERM/SIGINT: jobs and sending every ``poll`` seconds."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    owner = worker_id()
    while not stop.is_set():
        try:
            report, ran = run_once(factory, runtime, owner)
            if report.sent or report.retried or report.failed or report.uncertain or ran:
                log.info("worker pass", extra={"sent": report.sent, "retried": report.retried,
                                               "failed": report.failed, "uncertain": report.uncertain, "jobs": ran})
        except Exception:  # the database may be restarting: keep the worker alive and try again
            log.exception("worker pass failed")
        stop.wait(poll)
