"""Fixtures for pathways: staff, a tiny catalogue and a synthetic year of pathways."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from matcher.accounts.models import User
from matcher.catalogue.models import District, Mentor, Offer, OfferKind, OfferStatus, Organisation, OrganisationKind
from matcher.pathways import operations as ops
from tests.databases import register
from tests.factories import make_child, make_organisation, make_referral, make_user

D = dt.date


@dataclass
class Staff:
    admin: User
    cp: User          # contact person in Nørrebro
    cp2: User         # contact person in Valby
    key: User         # key staff in Nørrebro
    club: User


@dataclass
class Catalogue:
    activity: Offer   # Nørrebro, 3 free spots, verified 2025-09-01
    job: Offer        # Nørrebro leisure job, 2 free spots, never verified
    mentoring: Offer  # Valby mentor programme, no spot count, verified 2025-01-01
    paused: Offer     # Valby, paused: not counted
    mentor: Mentor


def district(session, name: str) -> District:
    return session.scalars(select(District).where(District.name == name)).one()


#: The staff fixture's users: (Staff field, e-mail, role, district); the club representative is Testklubben's.
STAFF = (("admin", "a@t.dk", "admin", None), ("cp", "cp@t.dk", "contact_person", "Nørrebro"),
         ("cp2", "cp2@t.dk", "contact_person", "Valby"), ("key", "key@t.dk", "key_staff", "Nørrebro"),
         ("club", "club@t.dk", "club_rep", None))


def load_staff(session) -> None:
    """Create Testklubben and the five staff users through the factories (what ``staff`` holds)."""
    club = make_organisation(session, "Testklubben", OrganisationKind.sports_club)
    for _field, email, role, district_name in STAFF:
        make_user(session, email, role, district_name=district_name,
                  organisation=club if role == "club_rep" else None)


register("staff", "reference", load_staff)


@pytest.fixture
def staff(reference) -> Staff:
    """Return the five staff users (from the session's ``staff`` template, copied for this test)."""
    users = {u.email: u for u in reference.scalars(select(User))}
    return Staff(**{field: users[email] for field, email, _role, _district in STAFF})


@pytest.fixture
def pathway_catalogue(staff, session) -> Catalogue:
    """Return four offers (activity, leisure job, mentoring, paused) and a mentor in Nørrebro and Valby."""
    n, v = district(session, "Nørrebro"), district(session, "Valby")
    club = Organisation(name="Nørrebro IF", kind=OrganisationKind.sports_club, district_id=n.id)
    shop = Organisation(name="Butikken", kind=OrganisationKind.leisure_job_employer, district_id=n.id)
    prog = Organisation(name="Mentorprogrammet", kind=OrganisationKind.mentor_programme, district_id=v.id)
    session.add_all([club, shop, prog])
    session.flush()
    c = Catalogue(
        activity=Offer(organisation=club, kind=OfferKind.activity, title="Fodbold U12", district_id=n.id,
                       spots_free=3, verified_at=D(2025, 9, 1)),
        job=Offer(organisation=shop, kind=OfferKind.leisure_job, title="Butiksjob", district_id=n.id,
                  spots_free=2, verified_at=None),
        mentoring=Offer(organisation=prog, kind=OfferKind.mentoring, title="Mentor", district_id=v.id,
                        spots_free=None, verified_at=D(2025, 1, 1)),
        paused=Offer(organisation=club, kind=OfferKind.activity, title="Pause", district_id=v.id,
                     spots_free=10, verified_at=D(2025, 9, 1), status=OfferStatus.paused),
        mentor=Mentor(name="Sara", district_id=n.id, childcert_valid_until=D(2027, 1, 1)),
    )
    session.add_all([c.activity, c.job, c.mentoring, c.paused, c.mentor])
    session.flush()
    return c


@pytest.fixture
def catalogue(pathway_catalogue) -> Catalogue:
    """Old name of ``pathway_catalogue``, kept for tests written before the rename."""
    return pathway_catalogue


@dataclass
class History:
    staff: Staff
    catalogue: Catalogue
    children: dict[str, object] = field(default_factory=dict)
    referrals: dict[str, object] = field(default_factory=dict)
    warnings: list = field(default_factory=list)


def _referral(session, h: History, name: str, child, user, *, offer=None, mentor=None, steps=(), k=0.0):
    """Create referral ``name`` and apply ``steps`` = [(status, date, end_reason)]."""
    r, warnings = make_referral(session, child, user, offer=offer, mentor=mentor, on=steps[0][1], steps=steps[1:],
                                match_components={"interest": k, "distance": 0.5})
    h.warnings += warnings
    h.referrals[name] = r
    return r


def _attend(session, r, user, *days, attended=True, network_person=None):
    return [ops.log_participation(session, r, user, date=d, attended=attended, network_person=network_person)
            for d in days]


@pytest.fixture
def history(staff, pathway_catalogue, session) -> History:
    """Build the synthetic history described in test_indicators.py; commit."""
    h = History(staff, pathway_catalogue)
    cp, cp2, c = staff.cp, staff.cp2, pathway_catalogue
    n, v = district(session, "Nørrebro").id, district(session, "Valby").id
    kids = {name: make_child(session, f"T-{name}", cp if name in "C1 C2 C3 C4 C5" else cp2,
                             district_id=n if name in "C1 C2 C3 C4 C5" else v, birth_year=2012)
            for name in ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8")}
    h.children = kids
    moster = ops.add_network_person(session, kids["C3"], "moster", relation="moster")
    morfar = ops.add_network_person(session, kids["C7"], "morfar", relation="morfar")

    # C1: Fritidspakke 2025-01-10, bridge to Fritidsjob 2025-08-01.
    ops.start_phase(session, kids["C1"], "fritidspakke", start_date=D(2025, 1, 10), goal="Finde en sport",
                    responsible=cp)
    r1 = _referral(session, h, "R1", kids["C1"], cp, offer=c.activity, k=0.1, steps=[
        ("suggested", D(2025, 1, 15)), ("contacted", D(2025, 1, 20)), ("trial", D(2025, 2, 1)),
        ("active", D(2025, 2, 10))])
    _attend(session, r1, cp, D(2025, 2, 1), D(2025, 5, 5), D(2025, 8, 5), D(2025, 9, 15))
    r2 = _referral(session, h, "R2", kids["C1"], cp, offer=c.job, k=0.2, steps=[
        ("suggested", D(2025, 7, 20)), ("active", D(2025, 8, 1))])
    ops.start_phase(session, kids["C1"], "fritidsjob", start_date=D(2025, 8, 1), responsible=cp)
    _attend(session, r2, cp, D(2025, 8, 1), D(2025, 9, 20))

    # C2: Fritidspakke 2025-02-01, bridge to a mentor 2025-07-15; last session 2025-08-26.
    ops.start_phase(session, kids["C2"], "fritidspakke", start_date=D(2025, 2, 1), responsible=cp)
    r3 = _referral(session, h, "R3", kids["C2"], cp, mentor=c.mentor, k=0.3, steps=[
        ("suggested", D(2025, 7, 1)), ("contacted", D(2025, 7, 5)), ("trial", D(2025, 7, 15)),
        ("active", D(2025, 7, 20))])
    ops.start_phase(session, kids["C2"], "mentor", start_date=D(2025, 7, 15), responsible=cp)
    _attend(session, r3, cp, D(2025, 7, 15), D(2025, 7, 29), D(2025, 8, 26))
    mistake = _attend(session, r3, cp, D(2025, 9, 10))[0]
    ops.correct_participation(session, mistake, cp, voided=True)          # logged by mistake

    # C3: Fritidspakke from 2025-03-01, no bridge; the aunt came along on 2025-09-10.
    ops.start_phase(session, kids["C3"], "fritidspakke", start_date=D(2025, 3, 1), responsible=cp,
                    network_persons=[moster])
    r4 = _referral(session, h, "R4", kids["C3"], cp, offer=c.activity, k=0.4, steps=[
        ("suggested", D(2025, 3, 5)), ("contacted", D(2025, 3, 10)), ("trial", D(2025, 3, 20)),
        ("active", D(2025, 4, 1))])
    _attend(session, r4, cp, D(2025, 3, 20), D(2025, 4, 10), D(2025, 6, 15))
    _attend(session, r4, cp, D(2025, 9, 10), network_person=moster)

    # C4: no phase; suggested 2025-06-01, ended 2025-07-10 (too far) without contact.
    _referral(session, h, "R5", kids["C4"], cp, offer=c.activity, k=0.5, steps=[
        ("suggested", D(2025, 6, 1)), ("ended", D(2025, 7, 10), "too_far")])

    # C5: Fritidspakke 2024-09-01 closed 2025-03-31 (moved); the referral ended the same day.
    ops.start_phase(session, kids["C5"], "fritidspakke", start_date=D(2024, 9, 1), responsible=cp)
    r6 = _referral(session, h, "R6", kids["C5"], cp, offer=c.activity, k=0.6, steps=[
        ("suggested", D(2024, 9, 10)), ("contacted", D(2024, 9, 15)), ("trial", D(2024, 10, 1)),
        ("active", D(2024, 10, 10))])
    _attend(session, r6, cp, D(2024, 10, 1), D(2025, 1, 15), D(2025, 3, 30))
    ops.change_status(session, r6, "ended", user=cp, on=D(2025, 3, 31), end_reason="moved")
    ops.close_phase(session, session.get(type(r6.phase), r6.phase_id), reason="moved", end_date=D(2025, 3, 31))

    # C6: Fritidspakke from 2025-05-01; 2025-06-03 corrected to missed; three misses in September; ended.
    ops.start_phase(session, kids["C6"], "fritidspakke", start_date=D(2025, 5, 1), responsible=cp2)
    r7 = _referral(session, h, "R7", kids["C6"], cp2, offer=c.activity, k=0.7, steps=[
        ("suggested", D(2025, 5, 5)), ("contacted", D(2025, 5, 10)), ("trial", D(2025, 5, 20)),
        ("active", D(2025, 6, 1))])
    _attend(session, r7, cp2, D(2025, 5, 20))
    wrong = _attend(session, r7, cp2, D(2025, 6, 3))[0]
    ops.correct_participation(session, wrong, cp2, attended=False)
    _attend(session, r7, cp2, D(2025, 8, 19), D(2025, 8, 26))
    _attend(session, r7, cp2, D(2025, 9, 2), D(2025, 9, 9), D(2025, 9, 16), attended=False)
    h.warnings += ops.change_status(session, r7, "ended", user=cp2, on=D(2025, 9, 20),
                                    end_reason="lost_interest").warnings

    # C7: Fritidspakke 2025-04-01, bridge to a mentoring offer 2025-09-01; grandfather came 2025-06-10.
    ops.start_phase(session, kids["C7"], "fritidspakke", start_date=D(2025, 4, 1), responsible=cp2)
    r8 = _referral(session, h, "R8", kids["C7"], cp2, offer=c.activity, k=0.8, steps=[
        ("suggested", D(2025, 4, 5)), ("contacted", D(2025, 4, 8)), ("trial", D(2025, 4, 15)),
        ("active", D(2025, 4, 22))])
    _attend(session, r8, cp2, D(2025, 4, 15))
    _attend(session, r8, cp2, D(2025, 6, 10), network_person=morfar)
    _attend(session, r8, cp2, D(2025, 7, 15))
    r9 = _referral(session, h, "R9", kids["C7"], cp2, offer=c.mentoring, k=0.9, steps=[
        ("suggested", D(2025, 8, 20)), ("contacted", D(2025, 8, 25)), ("active", D(2025, 9, 1))])
    ops.change_status(session, r8, "ended", user=cp2, on=D(2025, 8, 31), end_reason="cost")
    ops.start_phase(session, kids["C7"], "mentor", start_date=D(2025, 9, 1), responsible=cp2)
    _attend(session, r9, cp2, D(2025, 9, 5))

    # C8: referred only after the period.
    r10 = _referral(session, h, "R10", kids["C8"], cp2, offer=c.activity, k=1.0, steps=[
        ("suggested", D(2025, 10, 5)), ("trial", D(2025, 10, 10))])
    _attend(session, r10, cp2, D(2025, 10, 10))
    session.commit()
    return h
