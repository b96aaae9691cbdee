"""Create and edit a child's pseudonymous profile; each operation only flushes, the caller commits.

load -> authorise -> validate -> act -> audit: the HTML forms, the JSON API and the go-live import
call these, so a rule written here (birth year, languages, "must be yours") holds in every front end.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.accounts.models import Role, User
from matcher.catalogue.districts import district_for_postcode
from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import WEEKDAYS, District
from matcher.clock import local_today
from matcher.db import utcnow
from matcher.languages import language_codes
from matcher.pathways.checks import NotAllowed, can_follow, check_free_text, require_follow
from matcher.pathways.models import GENDERS, Child
from matcher.privacy.audit import record

CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,19}$")
POSTCODE = re.compile(r"^\d{4}$")
#: Characters of generated codes: no 0/O, 1/I/L, 2/Z, 5/S or 8/B, which are easily mixed up when read aloud.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_PREFIX, CODE_LENGTH = "BU-", 5
FIRST_BIRTH_YEAR = 1990
#: The answer to a code that cannot be used; it must not confirm that another child has it.
CODE_TAKEN = "child.code_taken"  # the error code; the text is in the catalogue
#: The most languages a child's record holds.
MAX_LANGUAGES = 20
#: Profile fields ``update_child`` takes; any other key is refused.
PROFILE_FIELDS = ("birth_date", "birth_year", "gender", "postcode", "district_id", "interests", "languages",
                  "weekdays", "contact_person")
_UNSET: Any = object()


def generate_code(session: Session) -> str:
    """Return a new unused pseudonymous code such as BU-7F3KX, from easily read characters only."""
    for _ in range(100):
        code = CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalars(select(Child.id).where(Child.code == code)).first() is None:
            return code
    raise RuntimeError("no free child code found in 100 attempts")  # 25**5 codes: practically impossible


def _code(session: Session, code: str | None) -> str:
    code = (code or "").strip().upper()
    if not code:
        return generate_code(session)
    if not CODE.match(code):
        raise RecordError("barn", "code", "child.code_format")
    check_free_text("code", code)
    if session.scalars(select(Child.id).where(Child.code == code)).first() is not None:
        # Say nothing about whether some other worker has a child with this code.
        raise RecordError(f"barn {code}", "code", CODE_TAKEN)
    return code


def _birth(record: str, birth_date: dt.date | None, birth_year: int | None) -> tuple[dt.date | None, bool]:
    if birth_date is not None and birth_year is not None:
        raise RecordError(record, "birth_year", "child.birth_both")
    this_year = local_today().year
    if birth_year is not None:
        if isinstance(birth_year, bool) or not isinstance(birth_year, int) \
                or not FIRST_BIRTH_YEAR <= birth_year <= this_year:
            raise RecordError(record, "birth_year", "child.birth_year",
                              first=FIRST_BIRTH_YEAR, last=this_year)
        return dt.date(birth_year, 7, 1), True
    if birth_date is not None:
        if birth_date > local_today():
            raise RecordError(record, "birth_date", "in_future")
        if birth_date.year < FIRST_BIRTH_YEAR:
            raise RecordError(record, "birth_date", "child.birth_date_early", first=FIRST_BIRTH_YEAR)
    return birth_date, False


def _languages(record: str, languages: Iterable[str] | None) -> list[str]:
    if isinstance(languages, str):
        languages = [p for p in re.split(r"[,;]+", languages) if p.strip()]
    values = list(languages or ())
    if len(values) > MAX_LANGUAGES:
        raise RecordError(record, "languages", "child.too_many_languages", max=MAX_LANGUAGES)
    codes, unknown = language_codes(values)
    if unknown:
        raise RecordError(record, "languages", "child.unknown_language", value=unknown[0][:40])
    return codes


def _weekdays(record: str, weekdays: Iterable[str] | None) -> list[str]:
    days = list(weekdays or ())
    if len(days) > len(WEEKDAYS):
        raise RecordError(record, "weekdays", "child.too_many_weekdays", max=len(WEEKDAYS))
    bad = [str(d) for d in days if d not in WEEKDAYS]
    if bad:
        raise RecordError(record, "weekdays", "child.unknown_weekday", value=bad[0][:20])
    return [d for d in WEEKDAYS if d in days]


def _place(session: Session, record: str, postcode: str | None, district_id: int | None) -> tuple[str | None, int | None]:
    postcode = (postcode or "").strip() or None
    if postcode is not None and not POSTCODE.match(postcode):
        raise RecordError(record, "postcode", "postcode")
    if district_id is not None:
        if session.get(District, district_id) is None:
            raise RecordError(record, "district_id", "child.no_district", id=district_id)
    elif postcode is not None:
        district = district_for_postcode(session, postcode)
        district_id = district.id if district else None
    return postcode, district_id


def _contact_person(user: User | None, record: str, wanted: User | None) -> User | None:
    if wanted is not None and (wanted.role is Role.club_rep or not wanted.active):
        raise RecordError(record, "contact_person_id", "child.contact_person_role")
    if user is not None and user.role is Role.contact_person and wanted is not None and wanted.id != user.id:
        raise NotAllowed(user, "En kontaktperson kan kun oprette og følge børn selv", "contact_person_id")
    return wanted


def create_child(session: Session, code: str | None = None, *, district_id: int | None = None,
                 postcode: str | None = None, birth_date: dt.date | None = None, birth_year: int | None = None,
                 gender: str = "unknown", interests: str | None = None, languages: Iterable[str] | None = (),
                 weekdays: Iterable[str] | None = (), contact_person: User | None = None, user: User | None = None,
                 ip: str | None = None, purpose: str = "opret barn", audit: bool | None = None) -> Child:
    """Create a pseudonymous child (a code is generated when none is given) followed by ``user``.

    A contact person's child is always their own; key staff may only create children of their district.
    """
    if user is not None and user.role is Role.contact_person and contact_person is None:
        contact_person = user
    code = _code(session, code)
    record = f"barn {code}"
    contact_person = _contact_person(user, record, contact_person)
    birth_date, year_only = _birth(record, birth_date, birth_year)
    gender = gender or "unknown"
    if gender not in GENDERS:
        raise RecordError(record, "gender", "one_of", allowed=", ".join(GENDERS.values()).lower())
    postcode, district_id = _place(session, record, postcode, district_id)
    child = Child(code=code, district_id=district_id, postcode=postcode, birth_date=birth_date,
                  birth_year_only=year_only, gender=gender,
                  interests=check_free_text("interests", interests, record) or None,
                  languages=_languages(record, languages), weekdays=_weekdays(record, weekdays),
                  contact_person=contact_person, last_activity_at=utcnow())
    session.add(child)
    session.flush()
    if user is not None and not can_follow(user, child):
        raise NotAllowed(user, "Barnet skal høre til din egen bydel", "district_id")
    if user is not None if audit is None else audit:
        _audit(session, user, "create", child, purpose, ip, sorted(f for f in PROFILE_FIELDS if f != "contact_person"))
    return child


def update_child(session: Session, child: Child, user: User | None, *, ip: str | None = None,
                 purpose: str = "ret barnets profil", system: bool = False, **changes: Any) -> list[str]:
    """Change the given profile fields of a child ``user`` follows; return the names of fields that changed.

    ``system=True`` (the go-live import) changes without a user and skips the "must be yours" checks.
    """
    if not system:
        require_follow(user, child)
    unknown = sorted(set(changes) - set(PROFILE_FIELDS))
    if unknown:
        raise RecordError(f"barn {child.code}", unknown[0], "not_editable")
    record = f"barn {child.code}"
    before = _snapshot(child)
    if "birth_year" in changes or "birth_date" in changes:
        child.birth_date, child.birth_year_only = _birth(record, changes.get("birth_date"), changes.get("birth_year"))
    if "gender" in changes:
        gender = changes["gender"] or "unknown"
        if gender not in GENDERS:
            raise RecordError(record, "gender", "one_of", allowed=", ".join(GENDERS.values()).lower())
        child.gender = gender
    if "postcode" in changes or "district_id" in changes:
        postcode = changes.get("postcode", child.postcode)
        new_postcode = "postcode" in changes and (postcode or "").strip()
        district_id = changes.get("district_id", None if new_postcode else child.district_id)
        child.postcode, child.district_id = _place(session, record, postcode, district_id)
    if "interests" in changes:
        child.interests = check_free_text("interests", changes["interests"], record) or None
    if "languages" in changes:
        child.languages = _languages(record, changes["languages"])
    if "weekdays" in changes:
        child.weekdays = _weekdays(record, changes["weekdays"])
    if "contact_person" in changes:
        if user is not None and user.role is Role.contact_person:
            raise NotAllowed(user, "Kun nøglemedarbejdere kan give barnet en anden kontaktperson",
                             "contact_person_id")
        child.contact_person = _contact_person(user, record, changes["contact_person"])
    session.flush()
    session.refresh(child, ["district"])
    if not system and not can_follow(user, child):
        raise NotAllowed(user, "Barnet skal høre til din egen bydel", "district_id")
    changed = [f for f, v in _snapshot(child).items() if before[f] != v]
    if changed:
        child.last_activity_at = utcnow()
        _audit(session, user, "update", child, purpose, ip, changed)
        session.flush()
    return changed


def _snapshot(child: Child) -> dict[str, Any]:
    return {"birth_date": (child.birth_date, child.birth_year_only), "gender": child.gender,
            "postcode": child.postcode, "district_id": child.district_id, "interests": child.interests,
            "languages": list(child.languages or []), "weekdays": list(child.weekdays or []),
            "contact_person": child.contact_person_id}


def _audit(session: Session, user: User | None, action: str, child: Child, purpose: str, ip: str | None,
           fields: list[str]) -> None:
    """Log the change with the names of the changed fields only: the values stay out of the append-only log."""
    record(session, user, action, "child", child.id, child_id=child.id, purpose=purpose, ip=ip,
           detail={"fields": fields})
