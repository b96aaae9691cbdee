"""Idempotency keys: the first answer is kept per user and key, exported with the child and erased with it."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from matcher.db import utcnow
from matcher.pathways import operations as ops
from matcher.pathways.models import IdempotentRequest, ReferralEvent
from matcher.pathways.referral_operations import KeyReused, claim_key, remember_answer, request_digest
from matcher.services.subject import erase, export_child, forget_stored_answers, run_retention

D = dt.date
PATH = "/api/v1/referrals/1"


@pytest.fixture
def two(staff, pathway_catalogue, session):
    """Return two children of the contact person, each with a suggested referral; commit."""
    kids = [ops.create_child(session, code, postcode="2200", birth_year=2013, contact_person=staff.cp)
            for code in ("BU-IDEM1", "BU-IDEM2")]
    referrals = [ops.create_referral(session, kid, user=staff.cp, offer=pathway_catalogue.activity, on=D(2025, 1, 10))
                 for kid in kids]
    session.commit()
    return list(zip(kids, referrals))


def answer(session, staff, child, key: str, body: dict, path: str = PATH) -> IdempotentRequest:
    """Claim ``key`` for ``child`` and store a made-up successful answer."""
    claim = claim_key(session, staff.cp, key, method="PATCH", path=path, body=body, child=child)
    remember_answer(session, claim, 200, {"child_id": child.id, **body})
    return claim


def test_the_first_answer_comes_back_and_other_requests_are_refused(staff, two, session):
    (child, referral), _ = two
    claim = claim_key(session, staff.cp, "k-1", method="PATCH", path=PATH, body={"status": "contacted", "x": 1},
                      child=child)
    assert not claim.answered
    change = ops.change_status(session, referral, "contacted", user=staff.cp, on=D(2025, 1, 11))
    remember_answer(session, claim, 200, {"status": change.referral.status})
    session.commit()

    again = claim_key(session, staff.cp, "k-1", method="PATCH", path=PATH, body={"x": 1, "status": "contacted"})
    assert again.id == claim.id and again.answered
    assert (again.response_status, again.response_body) == (200, {"status": "contacted"})
    for other in ({"method": "PATCH", "path": PATH, "body": {"status": "trial"}},
                  {"method": "PATCH", "path": "/api/v1/referrals/2", "body": {"status": "contacted", "x": 1}},
                  {"method": "POST", "path": PATH, "body": {"status": "contacted", "x": 1}}):
        with pytest.raises(KeyReused, match="another request"):
            claim_key(session, staff.cp, "k-1", **other)
    assert session.scalar(select(func.count(ReferralEvent.id)).where(  # the session is still usable
        ReferralEvent.referral_id == referral.id)) == 2
    theirs = claim_key(session, staff.key, "k-1", method="PATCH", path=PATH, body={"status": "trial"})
    assert theirs.id != claim.id and not theirs.answered


def test_a_key_committed_without_an_answer_is_refused(staff, two, session):
    claim_key(session, staff.cp, "k-2", method="PATCH", path=PATH, body={})
    session.commit()
    with pytest.raises(KeyReused, match="got no answer"):
        claim_key(session, staff.cp, "k-2", method="PATCH", path=PATH, body={})


def test_request_digest_is_canonical():
    assert request_digest({"a": 1, "b": [1, "ø"]}) == request_digest({"b": [1, "ø"], "a": 1})
    assert request_digest({"a": 1}) != request_digest({"a": 2})
    assert len(request_digest({})) == 64


def test_export_holds_and_erasure_deletes_the_childs_stored_answers(staff, two, session):
    (child, _), (other, _) = two
    answer(session, staff, child, "k-a", {"end_note": "flyttede til Aarhus"})
    answer(session, staff, other, "k-b", {"end_note": "andet barn"})
    session.commit()
    stored = export_child(session, child)["stored_answers"]
    assert [(a["method"], a["path"], a["status"], a["body"]["end_note"]) for a in stored] == [
        ("PATCH", PATH, 200, "flyttede til Aarhus")]
    erase(session, child)
    session.commit()
    rows = session.scalars(select(IdempotentRequest)).all()
    assert [r.child_id for r in rows] == [other.id]


def test_retention_erases_the_childs_and_old_stored_answers(staff, two, session):
    (child, _), (other, other_referral) = two
    ops.change_status(session, other_referral, "contacted", user=staff.cp)  # the other child is active today
    old, recent = answer(session, staff, other, "old", {}), answer(session, staff, other, "recent", {})
    answer(session, staff, child, "inactive", {})
    old.created_at = utcnow() - dt.timedelta(days=31)
    recent.created_at = utcnow() - dt.timedelta(days=29)
    child.created_at = child.last_activity_at = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    session.commit()
    assert run_retention(session, 1) == [child.id]
    session.commit()
    assert session.scalars(select(IdempotentRequest.key)).all() == ["recent"]
    with pytest.raises(ValueError):
        forget_stored_answers(session)
