"""Right of access, erasure that keeps the indicators right, retention, and the append-only audit log."""

import datetime as dt

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from matcher.catalogue.errors import RecordError
from matcher.pathways.indicators import compute_indicators
from matcher.pathways.models import Child, Participation, Referral
from matcher.pathways.periods import Period
from matcher.privacy.audit import events_for_child, record
from matcher.privacy.models import AuditEvent
from matcher.services.subject import erase, export_child, find_child, retention_candidates, run_retention


def test_export_holds_everything_and_every_look_up(session, history):
    child = history.children["C3"]
    record(session, history.staff.cp, "view", "child", child.id, child_id=child.id, purpose="opfølgning")
    data = export_child(session, child, actor=history.staff.key, purpose="indsigtsanmodning")
    assert data["child"]["code"] == "T-C3"
    assert [p["label"] for p in data["network_persons"]] == ["moster"]
    assert len(data["referrals"]) == 1 and data["referrals"][0]["status"] == "active"
    assert len(data["participation"]) == 4
    log = [(e["action"], e["actor"], e["purpose"]) for e in data["access_log"]]
    assert log == [("view", history.staff.cp.email, "opfølgning"),
                   ("export", history.staff.key.email, "indsigtsanmodning")]
    assert all(e["at"] for e in data["access_log"])


def test_find_child_by_code_or_id(session, history):
    child = history.children["C1"]
    assert find_child(session, "T-C1") is child
    assert find_child(session, str(child.id)) is child
    with pytest.raises(RecordError, match="no child"):
        find_child(session, "T-NOPE")


def test_erasure_keeps_the_indicators(session, history):
    period = Period.parse("2025Q3")
    before = compute_indicators(session, period, today=dt.date(2026, 1, 1))
    for child in list(history.children.values()):
        erase(session, child, actor=history.staff.admin)
    session.commit()
    after = compute_indicators(session, period, today=dt.date(2026, 1, 1))
    assert after == before
    assert set(session.scalars(select(Child.code))) == {None}  # 8 erased children and 8 anonymous records
    assert all(p.note is None for p in session.scalars(select(Participation)))
    assert session.scalar(select(Referral).limit(1)) is not None
    child = history.children["C1"]
    assert [e.action for e in events_for_child(session, child.id)] == ["erase"]
    with pytest.raises(RecordError, match="already erased"):
        erase(session, child)


def test_retention_erases_only_children_inactive_for_years(session, history):
    # Registered and last edited in 2024 (the history was logged as it happened); C5's last activity is 2025-03-31, every other child's is in 2025's
    # second half: one year after, on 2026-05-01, only C5 is past a one-year retention.
    for child in history.children.values():
        child.created_at = child.last_activity_at = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    session.flush()
    ids = {c.id for c in retention_candidates(session, 1, today=dt.date(2026, 5, 1))}
    assert ids == {history.children["C5"].id}
    erased = run_retention(session, 1, today=dt.date(2026, 5, 1))
    session.commit()
    assert erased == [history.children["C5"].id]
    assert history.children["C5"].erased_at is not None and history.children["C1"].erased_at is None
    assert [e.action for e in events_for_child(session, erased[0])] == ["retention"]


def test_audit_log_is_append_only_in_the_orm_and_the_database(session, history):
    event = record(session, history.staff.cp, "view", "child", 1, child_id=1, purpose="opfølgning")
    session.commit()
    event.purpose = "noget andet"
    with pytest.raises(PermissionError):
        session.flush()
    session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(update(AuditEvent).values(purpose="x"))
    session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text("DELETE FROM audit_events"))
    session.rollback()
    assert session.scalar(select(AuditEvent.purpose)) == "opfølgning"
