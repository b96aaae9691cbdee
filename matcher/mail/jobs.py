"""Periodic jobs leased in the database: two workers never run the same job at the same time.

A job is a row in ``job_leases``. A worker takes it with one conditional UPDATE (due, and no live
lease), commits, and then runs the job and moves ``next_due_at`` on in *one* transaction: if the
worker dies mid-job that transaction rolls back, the lease expires and another worker runs the job,
so its effect (e.g. the mails it writes to the outbox) happens exactly once. Plain SQL that behaves
the same on SQLite and PostgreSQL; APScheduler's job stores do not stop two schedulers from running
one job, so this small module is used instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from matcher.db import utcnow
from matcher.mail.models import JobLease

log = logging.getLogger(__name__)
JOB_LEASE = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Job:
    """A named periodic job: ``run(session, now)`` and when it is due after a run at ``now``."""

    name: str
    run: Callable[[Session, dt.datetime], object]
    next_after: Callable[[dt.datetime], dt.datetime]


def ensure_rows(factory: sessionmaker[Session], jobs: list[Job], now: dt.datetime | None = None) -> None:
    """Insert a row for each job not yet known (due at once); concurrent inserts are harmless."""
    now = now or utcnow()
    with factory() as s:
        known = set(s.scalars(select(JobLease.name)))
    for job in jobs:
        if job.name in known:
            continue
        try:
            with factory.begin() as s:
                s.add(JobLease(name=job.name, next_due_at=now, runs=0))
        except IntegrityError:
            pass  # another worker inserted it first


def claim(factory: sessionmaker[Session], name: str, owner: str, now: dt.datetime) -> bool:
    """Take the job's lease if it is due and nobody holds a live lease; return whether we got it."""
    with factory.begin() as s:
        done = s.execute(update(JobLease).where(
            JobLease.name == name, JobLease.next_due_at <= now,
            (JobLease.lease_until.is_(None)) | (JobLease.lease_until < now))
            .values(lease_owner=owner, lease_until=now + JOB_LEASE, last_started_at=now))
        return done.rowcount == 1


def run_due(factory: sessionmaker[Session], jobs: list[Job], owner: str,
            now: dt.datetime | None = None) -> list[str]:
    """Run every due job this worker can lease; return the names of the jobs that ran."""
    now = now or utcnow()
    ensure_rows(factory, jobs, now)
    ran = []
    for job in jobs:
        if not claim(factory, job.name, owner, now):
            continue
        try:
            with factory.begin() as s:
                job.run(s, now)
                s.execute(update(JobLease).where(JobLease.name == job.name, JobLease.lease_owner == owner)
                          .values(next_due_at=job.next_after(now), lease_owner=None, lease_until=None,
                                  last_finished_at=utcnow(), last_error=None, runs=JobLease.runs + 1))
            ran.append(job.name)
        except Exception as exc:  # a failing job must not stop the worker; it is retried after a while
            log.exception("job %s failed", job.name)
            with factory.begin() as s:
                s.execute(update(JobLease).where(JobLease.name == job.name, JobLease.lease_owner == owner)
                          .values(lease_owner=None, lease_until=None, last_error=str(exc)[:1000],
                                  next_due_at=now + dt.timedelta(minutes=15)))
    return ran
