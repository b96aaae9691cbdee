"""The outbox on a real SMTP server: each message once, outages delay but lose nothing, crashes never double."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import select, update

from matcher.db import utcnow
from matcher.mail.models import OutboxMessage
from matcher.mail.operations import enqueue, enqueue_notice
from matcher.mail.sender import recover_expired, send_due
from matcher.mail.smtp import SmtpTarget

SENDER = "matcher@kk.dk"


def add(factory, n: int, prefix: str = "m") -> list[str]:
    with factory.begin() as s:
        rows = [enqueue(s, f"{prefix}{i}@example.org", f"Besked {i}", f"Tekst {i} æøå", kind="test") for i in range(n)]
        return [r.message_id for r in rows]


def statuses(factory) -> dict[str, int]:
    with factory() as s:
        out: dict[str, int] = {}
        for row in s.scalars(select(OutboxMessage)):
            out[row.status] = out.get(row.status, 0) + 1
        return out


def make_due(factory) -> None:
    """Let the back-off pass (as if the worker ran again later)."""
    with factory.begin() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.status == "pending").values(due_at=utcnow()))


def test_each_message_sent_once_with_its_message_id(factory, smtp_server):
    ids = add(factory, 5)
    report = send_due(factory, SmtpTarget.parse(smtp_server.url), SENDER)
    assert report.sent == 5
    assert sorted(m.message_id for m in smtp_server.received) == sorted(ids)
    assert smtp_server.received[0].rcpt_tos == ["m0@example.org"] and "Tekst 0 æøå" in smtp_server.received[0].text
    again = send_due(factory, SmtpTarget.parse(smtp_server.url), SENDER)
    assert again.sent == 0 and len(smtp_server.received) == 5
    assert statuses(factory) == {"sent": 5}


def test_outage_mid_batch_delays_but_loses_nothing(factory, smtp_server):
    ids = add(factory, 6)
    target = SmtpTarget.parse(smtp_server.url)
    smtp_server.handler.refuse_from = 3  # the server starts refusing in the middle of the batch
    first = send_due(factory, target, SENDER)
    assert first.sent == 2 and first.retried == 4 and first.failed == 0
    with factory() as s:
        waiting = s.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
        assert all(w.last_error.startswith("451") and w.due_at > utcnow() for w in waiting)
    assert send_due(factory, target, SENDER).sent == 0  # backing off: nothing is due yet
    smtp_server.stop()  # now the server is down altogether
    make_due(factory)
    down = send_due(factory, target, SENDER)
    assert down.sent == 0 and down.retried == 1
    with factory() as s:
        errors = {r.last_error for r in s.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending"))}
        assert all(e and ("svarer ikke" in e or e.startswith("451")) for e in errors)
    smtp_server.handler.refuse_from = None
    smtp_server.start()
    make_due(factory)
    assert send_due(factory, target, SENDER).sent == 4
    assert sorted(m.message_id for m in smtp_server.received) == sorted(ids)
    assert statuses(factory) == {"sent": 6}


def test_permanent_refusal_fails_and_keeps_the_error(factory, smtp_server):
    add(factory, 1)

    async def refuse_rcpt(server, session, envelope, address, rcpt_options):
        return "550 5.1.1 Ukendt modtager"

    smtp_server.handler.handle_RCPT = refuse_rcpt
    report = send_due(factory, SmtpTarget.parse(smtp_server.url), SENDER)
    assert report.failed == 1 and smtp_server.received == []
    with factory() as s:
        row = s.scalars(select(OutboxMessage)).one()
        assert row.status == "failed" and row.last_error.startswith("550")


def test_no_smtp_configured_keeps_mail_in_the_outbox(factory):
    add(factory, 2)
    report = send_due(factory, None, SENDER)
    assert report.configured is False and report.sent == 0
    assert statuses(factory) == {"pending": 2}


def test_two_workers_at_once_send_each_message_once(factory, smtp_server):
    ids = add(factory, 20)
    target = SmtpTarget.parse(smtp_server.url)
    reports = []
    workers = [threading.Thread(target=lambda n=n: reports.append(send_due(factory, target, SENDER, owner=f"w{n}")))
               for n in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sum(r.sent for r in reports) == 20
    assert sorted(m.message_id for m in smtp_server.received) == sorted(ids)


def test_expired_lease_before_hand_over_is_retried_after_it_uncertain(factory):
    add(factory, 2)
    past = utcnow() - dt.timedelta(minutes=1)
    with factory.begin() as s:
        first, second = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        for row in (first, second):
            row.status, row.lease_owner, row.lease_until, row.attempts = "sending", "dead", past, 1
        second.handed_over_at = past
    assert recover_expired(factory) == (1, 1)
    with factory() as s:
        first, second = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert first.status == "pending" and second.status == "uncertain"
        assert "sendes ikke igen" in second.last_error


def test_notices_to_one_person_merge_while_unsent(factory):
    def render(n):
        return f"Du har {n} nye svar", f"Du har {n} nye svar fra en forening"

    with factory.begin() as s:
        for _ in range(3):
            enqueue_notice(s, "kp@kk.dk", "club_answer", render)
        enqueue_notice(s, "anden@kk.dk", "club_answer", render)
    with factory() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.to_address, r.count, r.subject) for r in rows] == [
            ("kp@kk.dk", 3, "Du har 3 nye svar"), ("anden@kk.dk", 1, "Du har 1 nye svar")]


def test_killed_worker_mid_batch_sends_no_duplicate(migrated_url, factory, smtp_server):
    """A real `matcher worker --once` is SIGKILLed while the server holds its third mail."""
    ids = add(factory, 6)
    env = {**os.environ, "MATCHER_DATABASE_URL": migrated_url, "MATCHER_SMTP_URL": smtp_server.url,
           "MATCHER_ENV": "testing"}
    command = [str(Path(sys.executable).parent / "matcher"), "worker", "--once"]
    holder = {}

    def kill_on_third(number: int) -> None:
        if number == 3:  # the server has the mail; the worker has not heard "250" yet
            os.kill(holder["proc"].pid, signal.SIGKILL)
            holder["proc"].wait(timeout=30)

    smtp_server.handler.on_data = kill_on_third
    holder["proc"] = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    holder["proc"].wait(timeout=60)
    assert holder["proc"].returncode == -signal.SIGKILL
    assert len(smtp_server.received) == 3
    assert statuses(factory) == {"sent": 2, "sending": 1, "pending": 3}

    smtp_server.handler.on_data = None
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert "sent 3" in second.stdout
    with factory.begin() as s:  # the dead worker's lease runs out
        s.execute(update(OutboxMessage).where(OutboxMessage.status == "sending")
                  .values(lease_until=utcnow() - dt.timedelta(seconds=1)))
    third = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert third.returncode == 0 and "sent 0" in third.stdout and "uncertain 1" in third.stdout
    received = [m.message_id for m in smtp_server.received]
    assert len(received) == len(set(received)) == 6 and sorted(received) == sorted(ids)
    assert statuses(factory) == {"sent": 5, "uncertain": 1}
