"""Each warning type, who sees which warnings, and thresholds from the environment."""

import datetime as dt

import pytest

from matcher.config import ConfigError
from matcher.pathways import operations as ops
from matcher.pathways.warnings import WarningSettings, warnings_for
from tests.pathways.conftest import district

D = dt.date
AS_OF = D(2025, 9, 30)


@pytest.fixture
def kids(staff, pathway_catalogue, session):
    n, v = district(session, "Nørrebro").id, district(session, "Valby").id
    out = {name: ops.create_child(session, f"W-{name}", district_id=d, contact_person=cp)
           for name, d, cp in (("A", n, staff.cp), ("B", n, staff.cp), ("C", v, staff.cp2))}
    session.flush()
    return out


def active(session, child, user, offer=None, mentor=None, on=D(2025, 6, 1)):
    r = ops.create_referral(session, child, user=user, offer=offer, mentor=mentor, on=on)
    ops.change_status(session, r, "active", user=user, on=on)
    return r


def of_type(warnings, kind):
    return [w for w in warnings if w["type"] == kind]


def test_no_participation_for_14_days(kids, staff, pathway_catalogue, session):
    quiet = active(session, kids["A"], staff.cp, offer=pathway_catalogue.activity)
    ops.log_participation(session, quiet, staff.cp, date=D(2025, 9, 16), attended=True)   # 14 days before
    ops.log_participation(session, quiet, staff.cp, date=D(2025, 9, 23), attended=False)  # a miss is no participation
    fresh = active(session, kids["B"], staff.cp, offer=pathway_catalogue.activity)
    ops.log_participation(session, fresh, staff.cp, date=D(2025, 9, 17), attended=True)   # 13 days before
    never = active(session, kids["C"], staff.cp2, offer=pathway_catalogue.activity, on=D(2025, 9, 10))
    session.commit()
    found = of_type(warnings_for(session, staff.admin, AS_OF, WarningSettings()), "no_participation")
    assert found == [
        {"type": "no_participation", "child_id": kids["C"].id, "referral_id": never.id,
         "message": "Ingen deltagelse registreret, siden henvisningen blev aktiv 10.9.2025", "since": "2025-09-10"},
        {"type": "no_participation", "child_id": kids["A"].id, "referral_id": quiet.id,
         "message": "Ingen deltagelse registreret i 14 dage (sidst 16.9.2025)", "since": "2025-09-16"},
    ]
    assert of_type(warnings_for(session, staff.admin, AS_OF, WarningSettings(no_participation_days=21)),
                   "no_participation") == []


def test_missed_three_in_a_row(kids, staff, pathway_catalogue, session):
    r = active(session, kids["A"], staff.cp, offer=pathway_catalogue.activity)
    ops.log_participation(session, r, staff.cp, date=D(2025, 9, 1), attended=True)
    for day in (8, 15, 22):
        ops.log_participation(session, r, staff.cp, date=D(2025, 9, day), attended=False)
    two = active(session, kids["B"], staff.cp, offer=pathway_catalogue.activity)
    ops.log_participation(session, two, staff.cp, date=D(2025, 9, 8), attended=False)
    ops.log_participation(session, two, staff.cp, date=D(2025, 9, 15), attended=True)
    ops.log_participation(session, two, staff.cp, date=D(2025, 9, 22), attended=False)
    last = ops.log_participation(session, two, staff.cp, date=D(2025, 9, 29), attended=False)
    session.commit()
    found = of_type(warnings_for(session, staff.admin, AS_OF, WarningSettings()), "missed_in_row")
    assert [(w["referral_id"], w["since"]) for w in found] == [(r.id, "2025-09-08")]
    assert found[0]["message"] == "Udeblevet de sidste 3 gange i træk (siden 8.9.2025)"
    two_in_row = WarningSettings(missed_in_row=2)
    assert {w["referral_id"] for w in of_type(warnings_for(session, staff.admin, AS_OF, two_in_row),
                                              "missed_in_row")} == {r.id, two.id}
    ops.correct_participation(session, last, staff.cp, attended=True)   # the last one was attended after all
    assert {w["referral_id"] for w in of_type(warnings_for(session, staff.admin, AS_OF, two_in_row),
                                              "missed_in_row")} == {r.id}


def test_fritidspakke_without_a_bridge(kids, staff, pathway_catalogue, session):
    ops.start_phase(session, kids["A"], "fritidspakke", start_date=D(2025, 3, 31))       # 183 days before
    ops.start_phase(session, kids["B"], "fritidspakke", start_date=D(2025, 3, 1))
    ops.create_referral(session, kids["B"], user=staff.cp, offer=pathway_catalogue.job, on=D(2025, 9, 1))  # bridge
    ops.start_phase(session, kids["C"], "fritidspakke", start_date=D(2025, 4, 1))        # 182 days
    session.commit()
    found = of_type(warnings_for(session, staff.admin, AS_OF, WarningSettings()), "fritidspakke_no_bridge")
    assert found == [{"type": "fritidspakke_no_bridge", "child_id": kids["A"].id, "referral_id": None,
                      "message": "Fritidspakken har varet 183 dage uden en planlagt bro til Fritidsjob eller "
                                 "Fritidsliv med Mentor", "since": "2025-03-31"}]


def test_mentor_childcert_expiring(kids, staff, pathway_catalogue, session):
    pathway_catalogue.mentor.childcert_valid_until = D(2025, 10, 30)                            # 30 days ahead
    r = ops.create_referral(session, kids["A"], user=staff.cp, mentor=pathway_catalogue.mentor, on=D(2025, 9, 1))
    session.commit()
    found = of_type(warnings_for(session, staff.admin, AS_OF, WarningSettings()), "childcert_expiring")
    assert found == [{"type": "childcert_expiring", "child_id": kids["A"].id, "referral_id": r.id,
                      "message": "Mentor Saras børneattest udløber 30.10.2025", "since": "2025-09-30"}]
    pathway_catalogue.mentor.childcert_valid_until = D(2025, 10, 31)
    session.commit()
    assert of_type(warnings_for(session, staff.admin, AS_OF, WarningSettings()), "childcert_expiring") == []
    pathway_catalogue.mentor.childcert_valid_until = D(2025, 9, 1)
    session.commit()
    expired = of_type(warnings_for(session, staff.admin, AS_OF, WarningSettings()), "childcert_expiring")
    assert expired[0]["message"] == "Mentor Saras børneattest udløb 1.9.2025"


def test_referral_stuck_in_suggested(kids, staff, pathway_catalogue, session):
    stuck = ops.create_referral(session, kids["A"], user=staff.cp, offer=pathway_catalogue.activity, on=D(2025, 9, 16))
    ops.create_referral(session, kids["B"], user=staff.cp, offer=pathway_catalogue.activity, on=D(2025, 9, 17))
    moved = ops.create_referral(session, kids["C"], user=staff.cp2, offer=pathway_catalogue.activity, on=D(2025, 8, 1))
    ops.change_status(session, moved, "contacted", user=staff.cp2, on=D(2025, 8, 3))
    session.commit()
    found = of_type(warnings_for(session, staff.admin, AS_OF, WarningSettings()), "suggested_stale")
    assert [(w["referral_id"], w["since"], w["message"]) for w in found] == [
        (stuck.id, "2025-09-16", "Foreslået 16.9.2025 og endnu ikke kontaktet – 14 dage")]


def test_who_sees_which_warnings(kids, staff, pathway_catalogue, session):
    for name, cp in (("A", staff.cp), ("C", staff.cp2)):
        ops.create_referral(session, kids[name], user=cp, offer=pathway_catalogue.activity, on=D(2025, 8, 1))
    session.commit()
    seen = {who: {w["child_id"] for w in warnings_for(session, user, AS_OF, WarningSettings())}
            for who, user in (("admin", staff.admin), ("cp", staff.cp), ("cp2", staff.cp2), ("key", staff.key),
                              ("club", staff.club))}
    assert seen == {"admin": {kids["A"].id, kids["C"].id}, "cp": {kids["A"].id}, "cp2": {kids["C"].id},
                    "key": {kids["A"].id}, "club": set()}
    ops.erase_child(session, kids["A"])
    assert {w["child_id"] for w in warnings_for(session, staff.admin, AS_OF, WarningSettings())} == {kids["C"].id}


def test_ended_referrals_do_not_warn(kids, staff, pathway_catalogue, session):
    r = ops.create_referral(session, kids["A"], user=staff.cp, offer=pathway_catalogue.activity, on=D(2025, 6, 1))
    ops.change_status(session, r, "ended", user=staff.cp, on=D(2025, 6, 5), end_reason="cost")
    session.commit()
    assert warnings_for(session, staff.admin, AS_OF, WarningSettings()) == []


def test_settings_from_environment():
    assert WarningSettings.from_env({}) == WarningSettings(14, 3, 183, 30, 14)
    env = {"MATCHER_WARN_NO_PARTICIPATION_DAYS": "21", "MATCHER_WARN_MISSED_IN_ROW": "2",
           "MATCHER_WARN_FRITIDSPAKKE_DAYS": "100", "MATCHER_WARN_CHILDCERT_DAYS": "60",
           "MATCHER_WARN_SUGGESTED_DAYS": "7"}
    assert WarningSettings.from_env(env) == WarningSettings(21, 2, 100, 60, 7)
    for bad in ("x", "0"):
        with pytest.raises(ConfigError):
            WarningSettings.from_env({"MATCHER_WARN_MISSED_IN_ROW": bad})


def test_a_running_phase_with_every_referral_ended(kids, staff, pathway_catalogue, session):
    ops.start_phase(session, kids["A"], "fritidspakke", start_date=D(2025, 6, 1))
    first = ops.create_referral(session, kids["A"], user=staff.cp, offer=pathway_catalogue.activity, on=D(2025, 6, 2))
    second = ops.create_referral(session, kids["A"], user=staff.cp, offer=pathway_catalogue.job, on=D(2025, 6, 3))
    ops.change_status(session, second, "ended", user=staff.cp, on=D(2025, 9, 1), end_reason="cost")
    ops.change_status(session, first, "ended", user=staff.cp, on=D(2025, 8, 1), end_reason="too_far")
    ops.start_phase(session, kids["B"], "fritidspakke", start_date=D(2025, 9, 20))      # nothing ended yet
    session.commit()
    found = of_type(warnings_for(session, staff.cp, AS_OF, WarningSettings()), "last_referral_ended")
    assert found == [{"type": "last_referral_ended", "child_id": kids["A"].id, "referral_id": second.id,
                      "message": "Barnets sidste aktive fællesskab er afsluttet – planlæg hvad der skal følge",
                      "since": "2025-09-01"}]
    ops.create_referral(session, kids["A"], user=staff.cp, mentor=pathway_catalogue.mentor, on=D(2025, 9, 25))
    assert of_type(warnings_for(session, staff.cp, AS_OF, WarningSettings()), "last_referral_ended") == []
