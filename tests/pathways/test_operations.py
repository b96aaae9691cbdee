"""Children, phases (no abrupt stops), the referral status machine, participation and corrections."""

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from matcher.catalogue.errors import RecordError
from matcher.clock import local_today
from matcher.pathways import operations as ops
from matcher.pathways.checks import NotAllowed, check_free_text
from matcher.pathways.models import Participation, Phase, Referral, ReferralEvent
from matcher.pathways.queries import is_current
from tests.pathways.conftest import district

D = dt.date


@pytest.fixture
def child(staff, pathway_catalogue, session):
    kid = ops.create_child(session, "bu-7f3k2", postcode="2200", birth_year=2013, gender="girl",
                           interests="fodbold, tegning", languages=["da", "ar"], weekdays=["tue", "thu"],
                           contact_person=staff.cp)
    session.commit()
    return kid


def referral(session, child, staff, pathway_catalogue, on=D(2025, 1, 10)):
    return ops.create_referral(session, child, user=staff.cp, offer=pathway_catalogue.activity, on=on,
                               match_score=0.8, match_components={"interest": 0.9})


def test_create_child_is_pseudonymous(child, session):
    assert child.code == "BU-7F3K2"
    assert (child.birth_date, child.birth_year_only) == (D(2013, 7, 1), True)
    assert child.district.name == "Nørrebro"           # from the postcode
    assert child.languages == ["da", "ar"]
    assert not hasattr(child, "name") and not hasattr(child, "cpr")
    with pytest.raises(RecordError) as err:
        ops.create_child(session, "BU-7F3K2")
    assert err.value.field == "code"
    with pytest.raises(RecordError) as err:
        ops.create_child(session, "BU-2", gender="dreng")
    assert err.value.field == "gender"
    with pytest.raises(RecordError) as err:
        ops.create_child(session, "BU-3", interests="cpr 010203-1234 står i sagen")
    assert (err.value.field, "CPR" in err.value.message) == ("interests", True)


@pytest.mark.parametrize("text, bad", [
    ("010203-1234", True), ("født 311299 1234", True), ("0102031234", True),
    ("tlf 12345678", False), ("kl. 16-18 tirsdag", False), ("ordre 99990312345678", False),
    ("320199-1234", False), (None, False),
])
def test_check_free_text(text, bad):
    if bad:
        with pytest.raises(RecordError) as err:
            check_free_text("note", text)
        assert err.value.field == "note"
    else:
        assert check_free_text("note", text) == (text.strip() if text else None)


def test_phase_ends_only_by_bridge_or_reason(child, staff, session):
    first = ops.start_phase(session, child, "fritidspakke", start_date=D(2025, 1, 1), goal="Finde en sport",
                            responsible=staff.cp)
    second = ops.start_phase(session, child, "fritidsjob", start_date=D(2025, 6, 1))
    assert (first.end_date, first.closing_reason) == (D(2025, 6, 1), "bridged")
    assert second.predecessor is first and second.end_date is None
    with pytest.raises(RecordError) as err:
        ops.close_phase(session, second, reason="bridged", end_date=D(2025, 7, 1))
    assert err.value.field == "closing_reason"
    with pytest.raises(RecordError) as err:
        ops.close_phase(session, second, reason="other", end_date=D(2025, 7, 1))
    assert err.value.field == "closing_note"
    with pytest.raises(RecordError) as err:
        ops.start_phase(session, child, "mentor", start_date=D(2025, 5, 1))   # before the running phase
    assert err.value.field == "start_date"
    with pytest.raises(RecordError) as err:
        ops.start_phase(session, child, "sommerferie", start_date=D(2025, 7, 1))
    assert err.value.field == "kind"
    ops.close_phase(session, second, reason="goal_reached", end_date=D(2025, 9, 1))
    assert second.closing_reason == "goal_reached"
    session.commit()


def test_database_refuses_an_abrupt_stop_or_two_open_phases(child, session):
    phase = ops.start_phase(session, child, "fritidspakke", start_date=D(2025, 1, 1))
    session.commit()
    phase.end_date = D(2025, 3, 1)                                        # no reason recorded
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    session.add(Phase(child_id=child.id, kind="mentor", start_date=D(2025, 2, 1)))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_status_machine_and_history(child, staff, pathway_catalogue, session):
    r = referral(session, child, staff, pathway_catalogue)
    assert (r.status, r.suggested_on, r.match_score, r.phase) == ("suggested", D(2025, 1, 10), 0.8, None)
    ops.change_status(session, r, "contacted", user=staff.cp, on=D(2025, 1, 12))
    for bad in ("suggested", "contacted", "paused"):
        with pytest.raises(RecordError) as err:
            ops.change_status(session, r, bad, user=staff.cp, on=D(2025, 1, 13))
        assert err.value.field == "status"
    with pytest.raises(RecordError) as err:
        ops.change_status(session, r, "trial", user=staff.cp, on=D(2025, 1, 11))    # before the last change
    assert err.value.field == "on"
    with pytest.raises(RecordError) as err:
        ops.change_status(session, r, "trial", user=staff.cp, on=local_today() + dt.timedelta(days=1))
    assert err.value.field == "on"
    with pytest.raises(RecordError) as err:
        ops.change_status(session, r, "trial", user=staff.cp, on=D(2025, 1, 13), end_reason="cost")
    assert err.value.field == "end_reason"
    ops.change_status(session, r, "trial", user=staff.cp, on=D(2025, 1, 20))
    ops.change_status(session, r, "active", user=staff.cp, on=D(2025, 1, 27))
    assert (r.status, r.active_since, r.status_since) == ("active", D(2025, 1, 27), D(2025, 1, 27))
    session.commit()
    events = session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == r.id)
                             .order_by(ReferralEvent.id)).all()
    assert [(e.from_status, e.to_status, e.effective_on) for e in events] == [
        (None, "suggested", D(2025, 1, 10)), ("suggested", "contacted", D(2025, 1, 12)),
        ("contacted", "trial", D(2025, 1, 20)), ("trial", "active", D(2025, 1, 27))]
    assert all(e.by_id == staff.cp.id for e in events)


@pytest.mark.parametrize("reason, note, field", [
    (None, None, "end_reason"), ("bored", None, "end_reason"), ("other", None, "end_note"),
    ("other", "  ", "end_note"), ("conflict", "se 010203-1234", "end_note"),
])
def test_ending_requires_a_reason_from_the_list(child, staff, pathway_catalogue, session, reason, note, field):
    r = referral(session, child, staff, pathway_catalogue)
    with pytest.raises(RecordError) as err:
        ops.change_status(session, r, "ended", user=staff.cp, on=D(2025, 2, 1), end_reason=reason, end_note=note)
    assert err.value.field == field
    assert r.status == "suggested"


def test_ending_with_other_and_a_note(child, staff, pathway_catalogue, session):
    r = referral(session, child, staff, pathway_catalogue)
    ops.change_status(session, r, "ended", user=staff.cp, on=D(2025, 2, 1), end_reason="other",
                      end_note="Familien valgte en anden klub")
    session.commit()
    assert (r.status, r.end_reason, r.end_note, r.ended_on) == ("ended", "other", "Familien valgte en anden klub",
                                                               D(2025, 2, 1))
    with pytest.raises(RecordError):
        ops.change_status(session, r, "active", user=staff.cp, on=D(2025, 2, 2))


def test_database_refuses_ended_without_reason_and_two_targets(child, staff, pathway_catalogue, session):
    r = referral(session, child, staff, pathway_catalogue)
    session.commit()
    r.status = "ended"
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    r.mentor_id = pathway_catalogue.mentor.id
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    with pytest.raises(RecordError) as err:
        ops.create_referral(session, child, user=staff.cp, offer=pathway_catalogue.activity,
                            mentor=pathway_catalogue.mentor)
    assert err.value.field == "offer_id"
    with pytest.raises(RecordError):
        ops.create_referral(session, child, user=staff.cp)


def test_ending_the_last_referral_in_a_running_phase_warns(child, staff, pathway_catalogue, session):
    ops.start_phase(session, child, "fritidspakke", start_date=D(2025, 1, 1))
    a = referral(session, child, staff, pathway_catalogue)
    b = ops.create_referral(session, child, user=staff.cp, mentor=pathway_catalogue.mentor, on=D(2025, 1, 11))
    assert a.phase is not None and a.phase.kind == "fritidspakke"
    first = ops.change_status(session, a, "ended", user=staff.cp, on=D(2025, 2, 1), end_reason="too_far")
    assert first.warnings == []                                            # b is still open
    last = ops.change_status(session, b, "ended", user=staff.cp, on=D(2025, 2, 3), end_reason="conflict")
    assert last.warnings == [{
        "type": "last_referral_ended", "child_id": child.id, "referral_id": b.id,
        "message": "Barnets sidste aktive fællesskab er afsluttet – planlæg hvad der skal følge",
        "since": "2025-02-03"}]


def test_no_warning_without_a_running_phase(child, staff, pathway_catalogue, session):
    r = referral(session, child, staff, pathway_catalogue)
    assert ops.change_status(session, r, "ended", user=staff.cp, on=D(2025, 2, 1),
                             end_reason="moved").warnings == []


def test_participation_permissions(child, staff, pathway_catalogue, session):
    r = referral(session, child, staff, pathway_catalogue)
    for user in (staff.cp2, staff.club):                                 # someone else's child / a club
        with pytest.raises(NotAllowed):
            ops.log_participation(session, r, user, date=D(2025, 2, 1), attended=True)
    valby_key = staff.key.__class__(email="k2@t.dk", role=staff.key.role, password_hash="x",
                                    district_id=district(session, "Valby").id, active=True)
    with pytest.raises(PermissionError):
        ops.log_participation(session, r, valby_key, date=D(2025, 2, 1), attended=True)
    for user in (staff.cp, staff.key, staff.admin):                      # own child, district key staff, admin
        ops.log_participation(session, r, user, date=D(2025, 2, 1), attended=True)
    session.commit()
    assert session.scalar(select(func.count(Participation.id))) == 3


def test_participation_date_and_state_rules(child, staff, pathway_catalogue, session):
    r = referral(session, child, staff, pathway_catalogue)
    with pytest.raises(RecordError) as err:
        ops.log_participation(session, r, staff.cp, date=D(2025, 3, 2), attended=True, today=D(2025, 3, 1))
    assert err.value.field == "date"
    with pytest.raises(RecordError) as err:
        ops.log_participation(session, r, staff.cp, date=local_today() + dt.timedelta(days=1), attended=True)
    assert err.value.field == "date"
    with pytest.raises(RecordError) as err:
        ops.log_participation(session, r, staff.cp, date=D(2025, 1, 1), attended=True)   # before the referral
    assert err.value.field == "date"
    with pytest.raises(RecordError) as err:
        ops.log_participation(session, r, staff.cp, date=D(2025, 2, 1), attended=True, note="cpr 0102031234")
    assert err.value.field == "note"
    with pytest.raises(RecordError) as err:
        ops.log_participation(session, r, staff.cp, date=D(2025, 2, 1), attended=True, accompanied_by="taxa")
    assert err.value.field == "accompanied_by"
    ops.log_participation(session, r, staff.cp, date=D(2025, 3, 1), attended=True, today=D(2025, 3, 1))
    ops.change_status(session, r, "ended", user=staff.cp, on=D(2025, 3, 2), end_reason="completed")
    with pytest.raises(RecordError) as err:
        ops.log_participation(session, r, staff.cp, date=D(2025, 3, 2), attended=True)
    assert err.value.field == "status"


def test_idempotency_key_returns_the_first_entry(child, staff, pathway_catalogue, session):
    from matcher.pathways.idempotency import KeyReused, once

    r = referral(session, child, staff, pathway_catalogue)

    def log(attended: bool):
        def act():
            entry = ops.log_participation(session, r, staff.cp, date=D(2025, 2, 1), attended=attended)
            return 201, {"id": entry.id}
        return once(session, staff.cp, "k-1", method="POST", path="/p", body={"attended": attended}, child=child,
                    act=act)

    a, b = log(True), log(True)
    assert a[1] == b[1] and (a[2], b[2]) == (False, True)
    assert session.scalar(select(func.count(Participation.id))) == 1
    with pytest.raises(KeyReused):  # a correction sent with the same key is refused, not silently lost
        log(False)
    assert session.scalar(select(func.count(Participation.id))) == 1


def test_corrections_are_kept_as_history(child, staff, pathway_catalogue, session):
    r = referral(session, child, staff, pathway_catalogue)
    aunt = ops.add_network_person(session, child, "moster", relation="moster")
    first = ops.log_participation(session, r, staff.cp, date=D(2025, 2, 1), attended=True, note="Glad")
    later = ops.log_participation(session, r, staff.cp, date=D(2025, 2, 8), attended=True)
    assert r.first_session_on == D(2025, 2, 1)
    fixed = ops.correct_participation(session, first, staff.cp, attended=False, network_person=aunt,
                                      accompanied_by="network")
    assert (fixed.supersedes_id, fixed.date, fixed.attended, fixed.note) == (first.id, D(2025, 2, 1), False, "Glad")
    assert r.first_session_on == D(2025, 2, 8)                            # recomputed from the current view
    with pytest.raises(RecordError) as err:
        ops.correct_participation(session, first, staff.cp, attended=True)   # only the newest can be corrected
    assert err.value.field == "supersedes_id"
    with pytest.raises(NotAllowed):
        ops.correct_participation(session, fixed, staff.cp2, attended=True)
    ops.correct_participation(session, later, staff.cp, voided=True)
    session.commit()
    assert r.first_session_on is None
    all_rows = session.scalars(select(Participation).order_by(Participation.id)).all()
    assert [(p.date, p.attended, p.voided) for p in all_rows] == [
        (D(2025, 2, 1), True, False), (D(2025, 2, 8), True, False), (D(2025, 2, 1), False, False),
        (D(2025, 2, 8), True, True)]
    current = session.scalars(select(Participation).where(is_current())).all()
    assert [p.id for p in current] == [fixed.id]


def test_erase_child_keeps_dated_rows(child, staff, pathway_catalogue, session):
    ops.start_phase(session, child, "fritidspakke", start_date=D(2025, 1, 1), goal="Finde en sport")
    ops.add_network_person(session, child, "moster", note="Henter om tirsdagen")
    r = referral(session, child, staff, pathway_catalogue)
    ops.log_participation(session, r, staff.cp, date=D(2025, 2, 1), attended=True, note="Glad")
    ops.erase_child(session, child)
    session.commit()
    assert (child.code, child.birth_date, child.postcode, child.interests, child.languages) == \
        (None, None, None, None, None)
    assert child.erased_at is not None and child.district_id is not None
    assert child.network == []  # the blanked network rows moved to the anonymous record with the dated rows
    from matcher.pathways.models import NetworkPerson

    person = session.scalars(select(NetworkPerson)).one()
    assert (person.label, person.note) == ("", None) and person.child_id != child.id
    entry = session.scalars(select(Participation)).one()
    assert (entry.date, entry.attended, entry.note) == (D(2025, 2, 1), True, None)
    assert session.scalars(select(Referral)).one().status == "suggested"
    assert session.scalars(select(Phase)).one().goal is None


def test_share_with_club_needs_consent_scope_and_only_a_first_name(child, staff, pathway_catalogue, session):
    r = referral(session, child, staff, pathway_catalogue)
    for name, field in (("Sara Hansen", "shared_with_club_name"), ("S1", "shared_with_club_name"),
                        ("", "shared_with_club_name")):
        with pytest.raises(RecordError) as err:
            ops.share_with_club(session, r, staff.cp, consent_on=D(2025, 1, 12), scope="Allergi", shared_name=name)
        assert err.value.field == field
    with pytest.raises(RecordError) as err:
        ops.share_with_club(session, r, staff.cp, consent_on=D(2025, 1, 12), scope="", shared_name="Sara")
    assert err.value.field == "shared_with_club_scope"
    with pytest.raises(NotAllowed):
        ops.share_with_club(session, r, staff.club, consent_on=D(2025, 1, 12), scope="Allergi", shared_name="Sara")
    ops.share_with_club(session, r, staff.cp, consent_on=D(2025, 1, 12), scope="Nøddeallergi; hentes af moster",
                        shared_name="Sara")
    session.commit()
    assert (r.shared_with_club_on, r.shared_with_club_name) == (D(2025, 1, 12), "Sara")


@pytest.mark.parametrize("text,message", [("hej\x00", "kontroltegn"), ("x" * 5001, "højst"), (42, "tekst")])
def test_free_text_refuses_unstorable_text(text, message):
    from matcher.pathways.checks import check_free_text

    with pytest.raises(RecordError) as err:
        check_free_text("note", text)
    assert err.value.field == "note" and message in err.value.message  # the Danish text the screens show
