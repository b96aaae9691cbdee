"""Pathway operations: children, network, phases; each only flushes, the caller commits.

Referral and participation operations live in ``referral_operations`` and are
re-exported here so that callers have one place to import from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.accounts.models import Role, User
from matcher.catalogue.districts import district_for_postcode
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import WEEKDAYS, District
from matcher.clock import local_today
from matcher.db import utcnow
from matcher.pathways.checks import check_free_text
from matcher.pathways.models import (
    CLOSING_REASONS,
    GENDERS,
    PHASE_KINDS,
    Child,
    NetworkPerson,
    Participation,
    Phase,
    Referral,
)
from matcher.pathways.referral_operations import (  # noqa: F401
    StatusChange,
    change_status,
    correct_participation,
    create_referral,
    log_participation,
    share_with_club,
)

CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,19}$")
#: The answer to a code that cannot be used; it must not confirm that another child has it.
CODE_TAKEN = "kan ikke bruges – find på en ny tilfældig kode, fx BU- og fem tegn"
#: The most languages a child's record holds.
MAX_LANGUAGES = 20
POSTCODE = re.compile(r"^\d{4}$")


def create_child(session: Session, code: str, *, district_id: int | None = None, postcode: str | None = None,
                 birth_date: dt.date | None = None, birth_year: int | None = None, gender: str = "unknown",
                 interests: str | None = None, languages: Sequence[str] = (), weekdays: Sequence[str] = (),
                 contact_person: User | None = None) -> Child:
    """Create a pseudonymous child; the district follows from the postcode when not given."""
    code = (code or "").strip().upper()
    if not CODE.match(code):
        raise RecordError("barn", "code", "skal være en pseudonym kode, fx BU-7F3K2 (A-Z, 0-9 og -)")
    check_free_text("code", code)
    if session.scalars(select(Child.id).where(Child.code == code)).first() is not None:
        # Say nothing about whether some other worker has a child with this code.
        raise RecordError(f"barn {code}", "code", CODE_TAKEN)
    if birth_date is not None and birth_year is not None:
        raise RecordError(f"barn {code}", "birth_year", "angiv enten fødselsdato eller fødselsår")
    if birth_year is not None:
        birth_date = dt.date(birth_year, 7, 1)
    if birth_date is not None and birth_date > local_today():
        raise RecordError(f"barn {code}", "birth_date", "kan ikke ligge i fremtiden")
    if gender not in GENDERS:
        raise RecordError(f"barn {code}", "gender", f"skal være en af {', '.join(GENDERS)}")
    if postcode is not None and not POSTCODE.match(postcode):
        raise RecordError(f"barn {code}", "postcode", "skal være et dansk postnummer med 4 cifre")
    if district_id is None and postcode is not None:
        district = district_for_postcode(session, postcode)
        district_id = district.id if district else None
    elif district_id is not None and session.get(District, district_id) is None:
        raise RecordError(f"barn {code}", "district_id", f"ingen bydel med id {district_id}")
    if len(weekdays) > len(WEEKDAYS):
        raise RecordError(f"barn {code}", "weekdays", f"højst {len(WEEKDAYS)} ugedage")
    if len(languages) > MAX_LANGUAGES:
        raise RecordError(f"barn {code}", "languages", f"højst {MAX_LANGUAGES} sprog")
    bad_days = [d for d in weekdays if d not in WEEKDAYS]
    if bad_days:
        raise RecordError(f"barn {code}", "weekdays", f"ukendte ugedage: {', '.join(bad_days)}")
    if contact_person is not None and contact_person.role is Role.club_rep:
        raise RecordError(f"barn {code}", "contact_person_id", "en foreningskontakt kan ikke følge et barn")
    child = Child(code=code, district_id=district_id, postcode=postcode, birth_date=birth_date,
                  birth_year_only=birth_year is not None, gender=gender,
                  interests=check_free_text("interests", interests), languages=list(languages),
                  weekdays=list(weekdays), contact_person=contact_person, last_activity_at=utcnow())
    session.add(child)
    session.flush()
    return child


def add_network_person(session: Session, child: Child, label: str, *, relation: str = "",
                       note: str | None = None) -> NetworkPerson:
    """Add someone from the family's network (a first name or a role like "moster")."""
    label = check_free_text("label", label, "netværksperson") or ""
    if not label:
        raise RecordError("netværksperson", "label", "skriv et fornavn eller en rolle, fx moster")
    person = NetworkPerson(child=child, label=label[:80],
                           relation=(check_free_text("relation", relation, "netværksperson") or "")[:80],
                           note=check_free_text("note", note, "netværksperson"))
    session.add(person)
    session.flush()
    return person


def open_phase(session: Session, child: Child) -> Phase | None:
    """Return the child's phase that has not ended, if any."""
    return session.scalars(select(Phase).where(Phase.child_id == child.id, Phase.end_date.is_(None))).first()


def start_phase(session: Session, child: Child, kind: str, *, start_date: dt.date, goal: str | None = None,
                responsible: User | None = None, network_persons: Iterable[NetworkPerson] = ()) -> Phase:
    """Start a phase; a running phase ends the same day as its successor starts (the bridge)."""
    if kind not in PHASE_KINDS:
        raise RecordError("fase", "kind", f"skal være en af {', '.join(PHASE_KINDS)}")
    if start_date > local_today():
        raise RecordError("fase", "start_date", "kan ikke ligge i fremtiden")
    persons = list(network_persons)
    if any(p.child_id != child.id for p in persons):
        raise RecordError("fase", "network_persons", "netværkspersonen hører til et andet barn")
    predecessor = open_phase(session, child)
    if predecessor is not None:
        if start_date < predecessor.start_date:
            raise RecordError("fase", "start_date", "kan ikke ligge før den igangværende fases start "
                                                    f"({predecessor.start_date.isoformat()})")
        predecessor.end_date = start_date
        predecessor.closing_reason = "bridged"
        session.flush()
    phase = Phase(child=child, kind=kind, start_date=start_date, goal=check_free_text("goal", goal, "fase"),
                  responsible=responsible, predecessor=predecessor, network_persons=persons)
    session.add(phase)
    child.last_activity_at = utcnow()
    session.flush()
    return phase


def close_phase(session: Session, phase: Phase, *, reason: str, end_date: dt.date,
                note: str | None = None) -> Phase:
    """End a phase without a successor; a reason from the fixed list is required."""
    if phase.end_date is not None:
        raise RecordError("fase", "end_date", "fasen er allerede afsluttet")
    if reason == "bridged" or reason not in CLOSING_REASONS:
        allowed = ", ".join(r for r in CLOSING_REASONS if r != "bridged")
        raise RecordError("fase", "closing_reason", f"skal være en af {allowed} "
                                                    "(en bro til næste fase laves ved at starte den)")
    note = check_free_text("closing_note", note, "fase")
    if reason == "other" and not note:
        raise RecordError("fase", "closing_note", "skriv hvorfor, når årsagen er 'andet'")
    if end_date < phase.start_date or end_date > local_today():
        raise RecordError("fase", "end_date", "skal ligge mellem fasens start og i dag")
    phase.end_date, phase.closing_reason, phase.closing_note = end_date, reason, note
    session.flush()
    return phase


def erase_child(session: Session, child: Child) -> Child:
    """Blank the child's personal fields and detach the dated rows from the child's id; return the child.

    Phases, referrals, their events and participation stay for the anonymous counts, but move to a new
    anonymous record (same district, no code, no dates of its own) and lose who logged them: the audit log,
    which keeps the child's id for good, then leads to no dated timeline of the child's life.
    """
    child.code = child.birth_date = child.postcode = child.interests = None
    child.languages = child.weekdays = None
    child.gender, child.birth_year_only, child.erased_at = "unknown", False, utcnow()
    child.contact_person, child.last_activity_at = None, None
    for person in child.network:
        person.label, person.relation, person.note = "", "", None
    session.flush()
    for phase in session.scalars(select(Phase).where(Phase.child_id == child.id)):
        phase.goal = phase.closing_note = None
    for referral in session.scalars(select(Referral).where(Referral.child_id == child.id)):
        referral.end_note = referral.shared_with_club_scope = referral.shared_with_club_name = None
    session.flush()
    _detach_timeline(session, child)
    return child


def _detach_timeline(session: Session, child: Child) -> None:
    """Move the child's dated rows to a new anonymous record and clear who made them (bulk statements)."""
    from sqlalchemy import update

    from matcher.pathways.models import ReferralEvent

    anonymous = Child(district_id=child.district_id, gender="unknown", erased_at=child.erased_at,
                      created_at=child.erased_at)
    session.add(anonymous)
    session.flush()
    referral_ids = select(Referral.id).where(Referral.child_id == child.id).scalar_subquery()
    statements = [
        update(ReferralEvent).where(ReferralEvent.referral_id.in_(referral_ids)).values(by_id=None),
        update(Participation).where(Participation.referral_id.in_(referral_ids)).values(note=None, logged_by_id=None),
        update(Referral).where(Referral.child_id == child.id).values(child_id=anonymous.id, created_by_id=None),
        update(Phase).where(Phase.child_id == child.id).values(child_id=anonymous.id, responsible_user_id=None),
        update(NetworkPerson).where(NetworkPerson.child_id == child.id).values(child_id=anonymous.id),
    ]
    for statement in statements:
        session.execute(statement.execution_options(synchronize_session=False))
    session.expire_all()  # loaded rows still name the old child
