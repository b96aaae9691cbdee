"""Children, referrals and participation in the API: each caller sees only the children they follow."""

from __future__ import annotations

import datetime as dt

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.accounts.models import Role, User
from matcher.catalogue.models import Mentor, Offer
from matcher.clubs.operations import latest_answers
from matcher.pathways import operations as ops
from matcher.pathways.models import MAX_KEY_LENGTH, Child, Referral
from matcher.pathways.idempotency import KeyReused, once
from matcher.pathways.queries import visible_children
from matcher.web.access import followed_child, followed_referral, log_child_access, log_children_listed
from matcher.web.api import MAX_ID, ApiError, bp, json_body, page_params, require_role
from matcher.web.api.serialise import answer_fields, child_dict, participation_dict, referral_dict
from matcher.web.database import get_session
from matcher.web.search import today

FOLLOWERS = (Role.admin, Role.key_staff, Role.contact_person)
CHILD_FIELDS = {"code", "birth_date", "birth_year", "gender", "postcode", "district_id", "interests", "languages",
                "weekdays", "contact_person_id"}
REFERRAL_FIELDS = {"offer_id", "mentor_id", "match_score", "match_components", "suggested_on"}
STATUS_FIELDS = {"status", "end_reason", "end_note", "on"}
PARTICIPATION_FIELDS = {"referral_id", "date", "attended", "accompanied_by", "network_person_id", "note"}


def only(body: dict, allowed: set[str]) -> dict:
    """Raise a 400 naming the first unknown key of ``body``."""
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ApiError(400, f"ukendt felt {unknown[0]!r}", unknown[0])
    return body


def typed(body: dict, name: str, kind: type | tuple, label: str, required: bool = False):
    """Return ``body[name]`` checked against ``kind`` (None when absent and optional)."""
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, f"{name} mangler", name)
        return None
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise ApiError(400, f"{name} skal være {label}", name)
    if kind is int and abs(value) > MAX_ID:  # ids and years: INTEGER columns
        raise ApiError(400, f"{name} skal være {label} mellem {-MAX_ID} og {MAX_ID}", name)
    return value


def iso_date(body: dict, name: str) -> dt.date | None:
    """Return an ISO date field of ``body`` (400 naming it when malformed)."""
    value = typed(body, name, str, "en dato (ÅÅÅÅ-MM-DD)")
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, f"{name} skal være en dato (ÅÅÅÅ-MM-DD)", name) from None


def _contact_person(body: dict) -> User | None:
    wanted = typed(body, "contact_person_id", int, "et helt tal")
    if wanted is None:
        return None
    user = get_session().get(User, wanted)
    if user is None or not user.active:
        raise ApiError(400, f"ingen aktiv bruger med id {wanted}", "contact_person_id")
    return user


def _profile(body: dict) -> dict:
    """Return the profile fields present in ``body``, type-checked (the operation checks the values)."""
    values: dict = {}
    for name, kind, label in (("birth_year", int, "et årstal"), ("gender", str, "tekst"),
                              ("postcode", str, "et postnummer"), ("district_id", int, "et helt tal"),
                              ("interests", str, "fritekst"),
                              ("languages", list, "en liste af sprog (koder eller danske navne)"),
                              ("weekdays", list, "en liste af ugedage (mon..sun)")):
        if name in body:
            values[name] = typed(body, name, kind, label)
    if "birth_date" in body:
        values["birth_date"] = iso_date(body, "birth_date")
    if "contact_person_id" in body:
        values["contact_person"] = _contact_person(body)
    for name in ("languages", "weekdays"):
        if values.get(name) is not None and not all(isinstance(x, str) for x in values[name]):
            raise ApiError(400, f"{name} skal være en liste af tekster", name)
    return values


@bp.post("/children")
def create_child():
    """Create a pseudonymous child followed by the caller (or by ``contact_person_id``); a code is generated when none is given."""
    require_role(*FOLLOWERS)
    body = only(json_body(), CHILD_FIELDS)
    code = typed(body, "code", str, "tekst")
    values = _profile(body)
    values["gender"] = values.get("gender") or "unknown"
    child = ops.create_child(get_session(), code, user=current_user.user, ip=request.remote_addr,
                             purpose="API: opret barn", **values)
    return jsonify(child_dict(child, today())), 201


@bp.patch("/children/<int:child_id>")
def patch_child(child_id: int):
    """Change any of the child's profile fields; returns the child."""
    require_role(*FOLLOWERS)
    child = followed_child(child_id)
    log_child_access(child)
    body = only(json_body(), CHILD_FIELDS - {"code"})
    ops.update_child(get_session(), child, current_user.user, ip=request.remote_addr, purpose="API: ret barn",
                     **_profile(body))
    return jsonify(child_dict(child, today(), ops.open_phase(get_session(), child)))


@bp.get("/children")
def list_children():
    """List the children the caller follows (contact person), oversees (key staff) or all (admin)."""
    require_role(*FOLLOWERS)
    limit, offset = page_params()
    session = get_session()
    seen = visible_children(current_user.user)
    total = session.scalar(select(func.count(Child.id)).where(seen)) or 0
    rows = session.scalars(select(Child).where(seen).options(selectinload(Child.district))
                           .order_by(Child.code, Child.id).limit(limit).offset(offset)).all()
    now = today()
    log_children_listed([c.id for c in rows], "API: liste over børn")
    return jsonify({"results": [child_dict(c, now) for c in rows], "total": total, "limit": limit,
                    "offset": offset})


@bp.get("/children/<int:child_id>")
def get_child(child_id: int):
    """Return one child with the open phase, referrals and network (first names or roles only)."""
    require_role(*FOLLOWERS)
    child = followed_child(child_id)
    log_child_access(child)
    session = get_session()
    referrals = session.scalars(select(Referral).where(Referral.child_id == child.id)
                                .options(selectinload(Referral.offer), selectinload(Referral.mentor))
                                .order_by(Referral.id)).all()
    body = child_dict(child, today(), ops.open_phase(session, child))
    answers = latest_answers(session, [r.id for r in referrals])
    body["referrals"] = [{**referral_dict(r), **answer_fields(answers.get(r.id), r)} for r in referrals]
    body["network"] = [{"id": p.id, "label": p.label, "relation": p.relation} for p in child.network]
    return jsonify(body)


def _target(body: dict) -> dict:
    has_offer, has_mentor = body.get("offer_id") is not None, body.get("mentor_id") is not None
    if has_offer == has_mentor:
        raise ApiError(400, "angiv præcis ét af offer_id og mentor_id", "offer_id")
    session = get_session()
    if has_offer:
        offer_id = typed(body, "offer_id", int, "et helt tal")
        offer = session.get(Offer, offer_id)
        if offer is None:
            raise ApiError(404, f"intet tilbud med id {offer_id}", "offer_id")
        return {"offer": offer}
    mentor_id = typed(body, "mentor_id", int, "et helt tal")
    mentor = session.get(Mentor, mentor_id)
    if mentor is None:
        raise ApiError(404, f"ingen mentor med id {mentor_id}", "mentor_id")
    return {"mentor": mentor}


def match_fields(body: dict) -> tuple[float | None, dict[str, float] | None]:
    """Return the optional matcher score and components (400 naming the field when malformed)."""
    score = typed(body, "match_score", (int, float), "et tal")
    components = typed(body, "match_components", dict, "et objekt med tal")
    if components is not None and not all(isinstance(k, str) and isinstance(v, (int, float))
                                          and not isinstance(v, bool) for k, v in components.items()):
        raise ApiError(400, "match_components skal være et objekt med tal", "match_components")
    return (None if score is None else float(score)), components


@bp.post("/children/<int:child_id>/referrals")
def create_referral(child_id: int):
    """Suggest the child for one offer or mentor (status suggested), from ``suggested_on`` (default today)."""
    require_role(*FOLLOWERS)
    child = followed_child(child_id)
    log_child_access(child)
    body = only(json_body(), REFERRAL_FIELDS)
    target = _target(body)
    score, components = match_fields(body)
    referral = ops.create_referral(get_session(), child, user=current_user.user, match_score=score,
                                   match_components=components, on=iso_date(body, "suggested_on"), **target)
    return jsonify(referral_dict(referral)), 201


def idempotency_key() -> str | None:
    """Return the request's ``Idempotency-Key`` header (None when absent or blank; 400 when too long)."""
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and len(key) > MAX_KEY_LENGTH:
        raise ApiError(400, f"Idempotency-Key må højst være {MAX_KEY_LENGTH} tegn", "Idempotency-Key")
    return key


def idempotent(child: Child, body: dict, act):
    """Run ``act`` once per caller and ``Idempotency-Key`` (none: every time); return the JSON answer.

    The same key with the same method, path and body gets the first successful answer again and changes
    nothing; with anything else it is a 422 naming ``Idempotency-Key``. Keys are per user.
    """
    try:
        status, answer, _repeat = once(get_session(), current_user.user, idempotency_key(), method=request.method,
                                       path=request.path, body=body, child=child, act=act)
    except KeyReused as exc:
        raise ApiError(422, f"Idempotency-Key {exc.message}", "Idempotency-Key", exc.code) from None
    return jsonify(answer), status


@bp.patch("/referrals/<int:referral_id>")
def patch_referral(referral_id: int):
    """Move a referral to a later status; ``ended`` needs an ``end_reason``. Returns any warnings.

    With an ``Idempotency-Key`` header the first successful answer is stored; the same key with the same
    body gets that answer again and changes nothing, the same key with another body or referral is a 422.
    """
    require_role(*FOLLOWERS)
    referral = followed_referral(referral_id)
    log_child_access(referral.child)
    body = json_body()

    def act():
        fields = only(body, STATUS_FIELDS)
        status = typed(fields, "status", str, "tekst", required=True)
        change = ops.change_status(get_session(), referral, status, user=current_user.user,
                                   end_reason=typed(fields, "end_reason", str, "tekst"),
                                   end_note=typed(fields, "end_note", str, "tekst"), on=iso_date(fields, "on"))
        return 200, {**referral_dict(change.referral), "warnings": change.warnings}

    return idempotent(referral.child, body, act)


@bp.post("/children/<int:child_id>/participation")
def log_participation(child_id: int):
    """Log one session; an ``Idempotency-Key`` header makes a retry return the first entry (another body: 422)."""
    require_role(*FOLLOWERS)
    child = followed_child(child_id)
    log_child_access(child)
    body = json_body()

    def act():
        fields = only(body, PARTICIPATION_FIELDS)
        referral_id = typed(fields, "referral_id", int, "et helt tal", required=True)
        referral = get_session().get(Referral, referral_id)
        if referral is None or referral.child_id != child.id:
            raise ApiError(404, f"barnet har ingen henvisning med id {referral_id}", "referral_id")
        day = iso_date(fields, "date") or today()
        attended = typed(fields, "attended", bool, "true eller false", required=True)
        person = None
        person_id = typed(fields, "network_person_id", int, "et helt tal")
        if person_id is not None:
            person = next((p for p in child.network if p.id == person_id), None)
            if person is None:
                raise ApiError(404, f"barnet har ingen netværksperson med id {person_id}", "network_person_id")
        entry = ops.log_participation(
            get_session(), referral, current_user.user, date=day, attended=attended,
            accompanied_by=typed(fields, "accompanied_by", str, "tekst") or "alone", network_person=person,
            note=typed(fields, "note", str, "tekst"), today=today())
        return 201, participation_dict(entry)

    return idempotent(child, body, act)
