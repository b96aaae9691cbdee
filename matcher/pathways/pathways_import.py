"""Go-live import of pathways already running: children, phases, referrals and participation from one CSV.

One row per record; ``record`` says which (``barn``, ``fase``, ``henvisning``, ``deltagelse``) and
``code`` (the child's pseudonymous code) links them. A referral row carries a ``ref`` label (unique per
child in the file) that its participation rows repeat. Every row goes through the same operations as
the screens; all errors are collected (row and column named, in Danish) and then the whole file is
refused. Re-running the same file changes nothing: children are matched by code, phases by kind and
start date, referrals by target and ``suggested_on``, sessions by referral and date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.accounts.models import Role, User
from matcher.catalogue.errors import ImportFailed, RecordError
from matcher.catalogue.models import District, Mentor, Offer
from matcher.catalogue.summary import ImportSummary
from matcher.pathways import operations as ops
from matcher.pathways.models import ACCOMPANIED_BY, Child, Participation, Phase, Referral
from matcher.pathways.queries import is_current
from matcher.pathways.referral_operations import ORDER

HEADER = ["record", "code", "birth_year", "birth_date", "gender", "postcode", "district", "interests", "languages",
          "weekdays", "contact_person", "phase", "start_date", "end_date", "closing_reason", "goal", "ref", "offer",
          "mentor", "suggested_on", "contacted_on", "trial_on", "active_on", "ended_on", "end_reason", "end_note",
          "date", "attended", "accompanied_by", "note"]
RECORDS = ("barn", "fase", "henvisning", "deltagelse")
STEPS = (("contacted", "contacted_on"), ("trial", "trial_on"), ("active", "active_on"))
YES, NO = {"ja", "j", "1", "true", "x"}, {"nej", "n", "0", "false"}


class Row(dict):
    """One CSV row with its line number (the header is line 1)."""

    line: int = 0

    def where(self, column: str) -> str:
        """Return "række N" for error messages."""
        return f"række {self.line}" + (f" ({self['code'].upper()})" if self.get("code") else "")


def read_rows(data: bytes | str, source: str = "") -> list[Row]:
    """Decode the CSV (UTF-8, comma or semicolon separated) and check its header; return its rows."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFailed([RecordError("filen", "-", "pathways.not_utf8")],
                               source, lang="da") from None
    first = data.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(data), delimiter=";" if first.count(";") > first.count(",") else ",")
    if reader.fieldnames is None:
        raise ImportFailed([RecordError("filen", "-", "pathways.empty")], source, lang="da")
    header = [h.strip() for h in reader.fieldnames]
    missing = [h for h in HEADER if h not in header]
    extra = [h for h in header if h not in HEADER]
    if missing or extra:
        raise ImportFailed([RecordError(
            "række 1", "-", "pathways.header", expected=",".join(HEADER), missing=", ".join(missing) or "ingen",
            extra=", ".join(extra) or "ingen")], source, lang="da")
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = Row({k.strip(): (v or "").strip() for k, v in raw.items() if k is not None})
        row.line = number
        if any(row.values()):
            rows.append(row)
    return rows


def import_pathways(session: Session, data: bytes | str, source: str = "",
                    progress: Callable[[int, int], None] | None = None) -> ImportSummary:
    """Import the file in the caller's transaction; raise ImportFailed (nothing kept) when any row is bad."""
    rows = read_rows(data, source)
    summary, errors = ImportSummary(), []
    state = _State(session)
    by_kind = {kind: [r for r in rows if r.get("record", "").lower() == kind] for kind in RECORDS}
    for r in rows:
        if r.get("record", "").lower() not in RECORDS:
            errors.append(RecordError(r.where("record"), "record", "one_of", allowed=", ".join(RECORDS)))
    steps = [(_child, by_kind["barn"]),
             (_phase, sorted(by_kind["fase"], key=lambda r: (r.get("code", ""), r.get("start_date", "")))),
             (_referral, sorted(by_kind["henvisning"], key=lambda r: r.get("suggested_on", ""))),
             (_participation, sorted(by_kind["deltagelse"], key=lambda r: r.get("date", ""))),
             (_end_referral, by_kind["henvisning"]), (_close_phase, by_kind["fase"])]
    done, total = 0, sum(len(batch) for _, batch in steps)
    for handler, batch in steps:
        for row in batch:
            try:
                with session.begin_nested():
                    outcome = handler(state, row)
            except RecordError as exc:
                errors.append(exc.at(row.where(exc.field)))
            else:
                if outcome:
                    summary.count(outcome)
            done += 1
            if progress:
                progress(done, total)
    if errors:
        raise ImportFailed(errors, source, lang="da")  # the rows' own language: the CLI prints Danish too
    return summary


class _State:
    """Look-ups shared by the rows of one import: children by code, referrals by (code, ref)."""

    def __init__(self, session: Session):
        self.session = session
        self.referrals: dict[tuple[str, str], Referral] = {}

    def child(self, row: Row) -> Child:
        code = row.get("code", "").upper()
        if not code:
            raise RecordError("", "code", "pathways.no_code")
        child = self.session.scalars(select(Child).where(Child.code == code)).first()
        if child is None:
            raise RecordError("", "code", "pathways.unknown_child", code=code)
        return child


def _date(row: Row, column: str, required: bool = False) -> dt.date | None:
    raw = row.get(column, "")
    if not raw:
        if required:
            raise RecordError("", column, "pathways.date_required")
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise RecordError("", column, "pathways.bad_date", value=raw[:20]) from None


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.replace(",", ";").split(";") if p.strip()]


def _child(state: _State, row: Row) -> str:
    session = state.session
    year = row.get("birth_year", "")
    if year and not year.isdigit():
        raise RecordError("", "birth_year", "pathways.bad_year", value=year[:10])
    district_id = None
    if row.get("district"):
        wanted = row["district"]
        district = session.scalars(select(District).where(
            (District.name == wanted) | (District.slug == wanted.lower()))).first()
        if district is None:
            raise RecordError("", "district", "pathways.unknown_district", value=wanted[:40])
        district_id = district.id
    contact = None
    if row.get("contact_person"):
        contact = session.scalars(select(User).where(User.email == row["contact_person"].lower())).first()
        if contact is None or contact.role not in (Role.contact_person, Role.key_staff):
            raise RecordError("", "contact_person", "pathways.unknown_contact",
                              email=row["contact_person"][:80])
    profile: dict[str, Any] = {
        "birth_year": int(year) if year else None, "birth_date": _date(row, "birth_date"),
        "gender": row.get("gender") or "unknown", "postcode": row.get("postcode") or None,
        "district_id": district_id, "interests": row.get("interests") or None,
        "languages": _split(row.get("languages", "")), "weekdays": _split(row.get("weekdays", "")),
        "contact_person": contact}
    code = row.get("code", "").upper()
    existing = session.scalars(select(Child.id).where(Child.code == code)).first() if code else None
    if existing is None:
        ops.create_child(session, code or None, purpose="import af forløb", audit=True, **profile)
        return "created"
    child = session.get(Child, existing)
    changed = ops.update_child(session, child, None, system=True, purpose="import af forløb", **profile)
    return "updated" if changed else "unchanged"


def _phase(state: _State, row: Row) -> str:
    session, child = state.session, state.child(row)
    kind, start = row.get("phase", ""), _date(row, "start_date", required=True)
    found = session.scalars(select(Phase).where(Phase.child_id == child.id, Phase.kind == kind,
                                                Phase.start_date == start)).first()
    if found is not None:
        return "unchanged"
    later = session.scalars(select(Phase).where(Phase.child_id == child.id, Phase.start_date > start)).first()
    if later is not None:
        raise RecordError("", "start_date", "pathways.later_phase")
    ops.start_phase(session, child, kind, start_date=start, goal=row.get("goal") or None)
    return "created"


def _close_phase(state: _State, row: Row) -> None:
    session, child = state.session, state.child(row)
    end = _date(row, "end_date")
    phase = session.scalars(select(Phase).where(Phase.child_id == child.id, Phase.kind == row.get("phase"),
                                                Phase.start_date == _date(row, "start_date"))).first()
    if end is None or phase is None or phase.end_date is not None:
        if phase is not None and end is not None and phase.end_date != end:
            raise RecordError("", "end_date", "pathways.phase_ended", date=phase.end_date.isoformat())
        return None
    ops.close_phase(session, phase, reason=row.get("closing_reason", ""), end_date=end)
    return None


def _target(session: Session, row: Row) -> dict[str, Any]:
    offer_ref, mentor_ref = row.get("offer", ""), row.get("mentor", "")
    if bool(offer_ref) == bool(mentor_ref):
        raise RecordError("", "offer", "pathways.target")
    model, ref = (Offer, offer_ref) if offer_ref else (Mentor, mentor_ref)
    found = session.scalars(select(model).where(model.external_id == ref)).first()
    if found is None and ref.isdigit():
        found = session.get(model, int(ref))
    if found is None:
        column = "offer" if offer_ref else "mentor"
        raise RecordError("", column, "pathways.unknown_offer" if offer_ref else "pathways.unknown_mentor",
                          ref=ref[:60])
    return {"offer": found} if offer_ref else {"mentor": found}


def _referral(state: _State, row: Row) -> str:
    session, child = state.session, state.child(row)
    label = row.get("ref", "")
    if not label:
        raise RecordError("", "ref", "pathways.ref_required")
    if (child.code, label) in state.referrals:
        raise RecordError("", "ref", "pathways.ref_twice", ref=label)
    target, suggested = _target(session, row), _date(row, "suggested_on", required=True)
    column = Referral.offer_id == target["offer"].id if "offer" in target else Referral.mentor_id == target["mentor"].id
    referral = session.scalars(select(Referral).where(Referral.child_id == child.id, column,
                                                      Referral.suggested_on == suggested)).first()
    outcome = "unchanged"
    if referral is None:
        referral = ops.create_referral(session, child, user=None, on=suggested, **target)
        referral.phase = session.scalars(select(Phase).where(
            Phase.child_id == child.id, Phase.start_date <= suggested).order_by(Phase.start_date.desc())).first()
        outcome = "created"
    for status, step_column in STEPS:
        on = _date(row, step_column)
        if on is not None and ORDER.index(status) > ORDER.index(referral.status):
            ops.change_status(session, referral, status, user=None, on=on)
            outcome = "updated" if outcome == "unchanged" else outcome
    state.referrals[(child.code, label)] = referral
    session.flush()
    return outcome


def _end_referral(state: _State, row: Row) -> None:
    ended = _date(row, "ended_on")
    referral = state.referrals.get((row.get("code", "").upper(), row.get("ref", "")))
    if ended is None or referral is None or referral.status == "ended":
        return None
    ops.change_status(state.session, referral, "ended", user=None, on=ended, end_reason=row.get("end_reason") or None,
                      end_note=row.get("end_note") or None)
    return None


def _participation(state: _State, row: Row) -> str:
    session, child = state.session, state.child(row)
    referral = state.referrals.get((child.code, row.get("ref", "")))
    if referral is None:
        raise RecordError("", "ref", "pathways.unknown_ref", ref=row.get("ref", "")[:20])
    day = _date(row, "date", required=True)
    answer = row.get("attended", "").lower()
    if answer not in YES | NO:
        raise RecordError("", "attended", "pathways.attended")
    accompanied = row.get("accompanied_by") or "alone"
    if accompanied not in ACCOMPANIED_BY:
        raise RecordError("", "accompanied_by", "one_of", allowed=", ".join(ACCOMPANIED_BY))
    earlier = session.scalars(select(Participation).where(Participation.referral_id == referral.id,
                                                          Participation.date == day, is_current())).first()
    attended, note = answer in YES, row.get("note") or None
    if earlier is not None:
        if (earlier.attended, earlier.accompanied_by, earlier.note) == (attended, accompanied, note):
            return "unchanged"
        ops.correct_participation(session, earlier, None, attended=attended, accompanied_by=accompanied,
                                  note=note, system=True)
        return "updated"
    ops.log_participation(session, referral, None, date=day, attended=attended, accompanied_by=accompanied,
                          note=note, system=True)
    return "created"
