"""The go-live import: running pathways from one CSV, one transaction, re-runnable, errors naming row and column."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from matcher.clock import local_today
from matcher.catalogue.errors import ImportFailed
from matcher.pathways.models import Child, Participation, Phase, Referral
from matcher.pathways.pathways_import import HEADER, import_pathways
from matcher.privacy.models import AuditEvent

D = dt.date


def csv_text(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


@pytest.fixture
def running(staff, pathway_catalogue):
    """A pathway that started a year ago: a Fritidspakke bridged to a Fritidsjob, two referrals, sessions."""
    pathway_catalogue.activity.external_id, pathway_catalogue.mentor.external_id = "fodbold-u12", "mentor-sara"
    return [
        {"record": "barn", "code": "bu-imp1", "birth_year": "2012", "gender": "boy", "postcode": "2200",
         "interests": "fodbold", "languages": "dansk; arabisk", "weekdays": "mon;wed", "contact_person": "cp@t.dk"},
        {"record": "fase", "code": "BU-IMP1", "phase": "fritidsjob", "start_date": "2025-05-01"},
        {"record": "fase", "code": "BU-IMP1", "phase": "fritidspakke", "start_date": "2025-01-06", "goal": "Træne"},
        {"record": "henvisning", "code": "BU-IMP1", "ref": "R1", "offer": "fodbold-u12", "suggested_on": "2025-01-10",
         "contacted_on": "2025-01-12", "active_on": "2025-01-20", "ended_on": "2025-04-30", "end_reason": "moved"},
        {"record": "henvisning", "code": "BU-IMP1", "ref": "R2", "mentor": "mentor-sara", "suggested_on": "2025-05-02",
         "trial_on": "2025-05-05"},
        {"record": "deltagelse", "code": "BU-IMP1", "ref": "R1", "date": "2025-01-20", "attended": "ja",
         "accompanied_by": "network"},
        {"record": "deltagelse", "code": "BU-IMP1", "ref": "R1", "date": "2025-01-27", "attended": "nej"},
        {"record": "deltagelse", "code": "BU-IMP1", "ref": "R2", "date": "2025-05-06", "attended": "ja"},
    ]


def test_a_running_pathway_is_imported_with_its_history(session, running, pathway_catalogue, staff):
    summary = import_pathways(session, csv_text(running), source="golive.csv")
    session.commit()
    assert (summary.created, summary.updated, summary.unchanged) == (8, 0, 0)
    child = session.scalars(select(Child).where(Child.code == "BU-IMP1")).one()
    assert child.languages == ["da", "ar"] and child.contact_person_id == staff.cp.id
    assert child.district is not None and child.district.name == "Nørrebro"
    phases = session.scalars(select(Phase).where(Phase.child_id == child.id).order_by(Phase.start_date)).all()
    assert [(p.kind, p.start_date, p.end_date, p.closing_reason) for p in phases] == [
        ("fritidspakke", D(2025, 1, 6), D(2025, 5, 1), "bridged"), ("fritidsjob", D(2025, 5, 1), None, None)]
    first, second = session.scalars(select(Referral).where(Referral.child_id == child.id)
                                    .order_by(Referral.suggested_on)).all()
    assert (first.status, first.suggested_on, first.active_since, first.ended_on, first.end_reason) == \
        ("ended", D(2025, 1, 10), D(2025, 1, 20), D(2025, 4, 30), "moved")
    assert first.phase_id == phases[0].id and second.phase_id == phases[1].id
    assert (second.status, second.status_since, second.mentor_id) == ("trial", D(2025, 5, 5),
                                                                      pathway_catalogue.mentor.id)
    assert first.first_session_on == D(2025, 1, 20)
    assert session.scalar(select(func.count(Participation.id))) == 3
    created = session.scalars(select(AuditEvent).where(AuditEvent.child_id == child.id,
                                                       AuditEvent.action == "create")).all()
    assert [e.purpose for e in created] == ["import af forløb"]


def test_running_the_same_file_again_changes_nothing(session, running):
    import_pathways(session, csv_text(running))
    session.commit()
    again = import_pathways(session, csv_text(running))
    session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert session.scalar(select(func.count(Referral.id))) == 2
    assert session.scalar(select(func.count(Participation.id))) == 3


def test_a_later_file_moves_the_pathway_on(session, running):
    import_pathways(session, csv_text(running))
    session.commit()
    running[4]["active_on"] = "2025-05-12"
    running.append({"record": "deltagelse", "code": "BU-IMP1", "ref": "R2", "date": "2025-05-13", "attended": "ja"})
    later = import_pathways(session, csv_text(running))
    assert (later.created, later.updated) == (1, 1)
    mentor = session.scalars(select(Referral).where(Referral.mentor_id.is_not(None))).one()
    assert (mentor.status, mentor.active_since) == ("active", D(2025, 5, 12))


def test_errors_name_row_and_column_in_danish_and_nothing_is_stored(session, running):
    running.insert(1, {"record": "barn", "code": "BU-IMP2", "languages": "dansk; klingon"})
    running[4]["suggested_on"] = (local_today() + dt.timedelta(days=5)).isoformat()
    running[8]["attended"] = "måske"
    with pytest.raises(ImportFailed) as caught:
        import_pathways(session, csv_text(running), source="golive.csv")
    session.rollback()
    found = {(e.record, e.field): e.message for e in caught.value.errors}
    assert "ukendt sprog »klingon«" in found[("række 3 (BU-IMP2)", "languages")]
    assert found[("række 6 (BU-IMP1)", "suggested_on")] == "kan ikke ligge i fremtiden"
    assert found[("række 10 (BU-IMP1)", "attended")] == "skriv ja eller nej"
    assert "række 6 (BU-IMP1): suggested_on: kan ikke ligge i fremtiden" in str(caught.value)
    assert session.scalar(select(func.count(Child.id))) == 0
    assert session.scalar(select(func.count(Referral.id))) == 0


def test_a_wrong_header_is_refused_in_danish(session):
    with pytest.raises(ImportFailed) as caught:
        import_pathways(session, "record,code,name\nbarn,BU-1,Ali\n")
    assert "mangler" in caught.value.errors[0].message and "ukendte name" in caught.value.errors[0].message
