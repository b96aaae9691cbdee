"""Review findings 7 and 9: one per-user idempotency mechanism for participation too, and an erasure
that removes the stored answers and detaches the dated timeline from the child's id."""

from __future__ import annotations

import re

from sqlalchemy import func, inspect, select

from matcher.clock import local_today
from matcher.pathways.models import Child, IdempotentRequest, Participation, Phase, Referral, ReferralEvent
from matcher.privacy.audit import events_for_child
from matcher.services.subject import erase, export_child
from tests.security.conftest import field_of


def _entries(db) -> int:
    db.rollback()
    return db.scalar(select(func.count(Participation.id)))


def test_a_reused_key_with_another_body_is_refused_naming_the_header(api, kids, db):
    url = f"/api/v1/children/{kids.child}/participation"
    key = {"Idempotency-Key": "tablet-7"}
    before = _entries(db)
    first = api("contact_person", "POST", url, {"referral_id": kids.ref, "attended": True}, key)
    assert first.status_code == 201
    again = api("contact_person", "POST", url, {"referral_id": kids.ref, "attended": True}, key)
    assert again.status_code == 201 and again.get_json() == first.get_json()
    correction = api("contact_person", "POST", url, {"referral_id": kids.ref, "attended": False}, key)
    assert correction.status_code == 422 and field_of(correction) == "Idempotency-Key"
    assert _entries(db) == before + 1


def test_another_users_key_is_simply_a_different_key(api, kids, db):
    headers = {"Idempotency-Key": "shared-looking-key"}
    mine = api("contact_person", "POST", f"/api/v1/children/{kids.child}/participation",
               {"referral_id": kids.ref, "attended": True}, headers)
    theirs = api("other_cp", "POST", f"/api/v1/children/{kids.other_child}/participation",
                 {"referral_id": kids.other_ref, "attended": True}, headers)
    assert mine.status_code == theirs.status_code == 201  # no 400 that shows the key exists
    assert mine.get_json()["id"] != theirs.get_json()["id"]


def test_the_participation_form_refuses_a_resent_key_with_other_choices(login, kids, db):
    client = login("contact_person")
    form = client.get(f"/boern/{kids.child}/deltagelse").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="(\w+)"', form).group(1)
    data = {"referral_id": kids.ref, "date": local_today().isoformat(), "attended": "1", "idempotency_key": key}
    before = _entries(db)
    assert client.post(f"/boern/{kids.child}/deltagelse", data=data).status_code == 303
    assert client.post(f"/boern/{kids.child}/deltagelse", data=data).status_code == 303  # a double tap
    changed = client.post(f"/boern/{kids.child}/deltagelse", data={**data, "attended": "0"})
    page = changed.get_data(as_text=True)
    assert changed.status_code == 422 and "allerede sendt med andre valg" in page
    assert f'value="{key}"' not in page  # the form comes back with a new key
    assert _entries(db) == before + 1


def test_participation_has_no_global_key_column_any_more(db):
    columns = {c["name"] for c in inspect(db.get_bind()).get_columns("participations")}
    assert "idempotency_key" not in columns


def test_erasure_removes_stored_answers_and_detaches_the_dated_timeline(api, kids, db):
    api("contact_person", "POST", f"/api/v1/children/{kids.child}/participation",
        {"referral_id": kids.ref, "attended": True, "note": "kom med moster"}, {"Idempotency-Key": "erase-me"})
    db.rollback()
    child = db.get(Child, kids.child)
    assert db.scalar(select(func.count(IdempotentRequest.id)).where(IdempotentRequest.child_id == child.id)) == 1
    erase(db, child)
    db.commit()
    assert db.scalar(select(func.count(IdempotentRequest.id)).where(IdempotentRequest.child_id == kids.child)) == 0
    assert db.scalars(select(IdempotentRequest.key)).all() == []
    # Nothing dated is keyed by the child's id any more: the audit log (kept for good) leads nowhere.
    for model in (Referral, Phase):
        assert db.scalar(select(func.count(model.id)).where(model.child_id == kids.child)) == 0
    assert events_for_child(db, kids.child)[-1].action == "erase"
    # ... but the anonymous rows remain for the counts, with no one's name on them.
    referral = db.get(Referral, kids.ref)
    assert referral is not None and referral.child_id != kids.child and referral.created_by_id is None
    assert referral.child.code is None and referral.child.erased_at is not None
    assert referral.child.district_id == child.district_id
    assert {(e.logged_by_id, e.note) for e in db.scalars(select(Participation)
                                                          .where(Participation.referral_id == referral.id))} \
        == {(None, None)}
    assert {e.by_id for e in db.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == referral.id))} \
        == {None}
    exported = export_child(db, db.get(Child, kids.child))
    assert exported["referrals"] == exported["phases"] == exported["participation"] == []
    assert exported["stored_answers"] == []
