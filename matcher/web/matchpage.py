"""Find fællesskaber til et barn: the child's profile, ranked offers, jobs or mentors, and one-click referral."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Flask, render_template, request, url_for
from sqlalchemy import select

from matcher.catalogue.models import WEEKDAYS, District
from matcher.matching.profile import ProfileError
from matcher.pathways.models import Child, Referral
from matcher.shortlists.operations import shortlisted_offer_ids
from matcher.web import current_runtime
from matcher.web.access import followed_child, log_child_access
from matcher.web.auth import roles_required
from matcher.web.children import FOLLOWERS
from matcher.web.database import get_session
from matcher.web.search import today

bp = Blueprint("matching", __name__)
KIND_TABS = {"activity": "Aktiviteter", "leisure-job": "Fritidsjob", "mentor": "Mentorer"}
PROFILE_FIELDS = ("age", "birth_date", "gender", "interests", "postcode", "district", "max_distance_km",
                  "max_monthly_fee_dkk", "languages")
LIMIT = 10
#: Danish strength labels by the lowest score down to a position (so labels never rise down the list).
STRENGTHS = ((0.7, "Meget god"), (0.5, "God"), (0.35, "Mulig"), (0.0, "Svag"))


def init_app(app: Flask) -> None:
    """Register the matching blueprint."""
    app.register_blueprint(bp)


def profile_from_child(child: Child) -> dict:
    """Return the form values of the match profile, prefilled from the child's record."""
    values = {"gender": child.gender, "interests": child.interests or "", "postcode": child.postcode or "",
              "district": "" if child.postcode else (child.district.name if child.district else ""),
              "languages": ", ".join(child.languages or []), "weekdays": list(child.weekdays or [])}
    if child.birth_year_only or child.birth_date is None:
        age = child.age_on(today())
        values["age"] = "" if age is None else str(age)
    else:
        values["birth_date"] = child.birth_date.isoformat()
    return values


def profile_from_args(args) -> dict:
    """Return the submitted form values (strings, weekdays as a list)."""
    values = {f: args.get(f, "").strip() for f in PROFILE_FIELDS}
    values["weekdays"] = [d for d in args.getlist("weekdays") if d in WEEKDAYS]
    values["waiting_list"] = "1" if args.get("waiting_list") else ""
    return values


def profile_dict(values: dict) -> dict:
    """Return the non-empty values as the matcher's child-profile dict."""
    out = {k: v for k, v in values.items() if v not in ("", [], None)}
    if "waiting_list" in out:
        out["waiting_list"] = True
    return out


def shown_strengths(result) -> list[tuple[float, str]]:
    """Return per match the strength to show: the lowest score so far and its label, never rising down the list.

    The list's order is the order used: a match placed above a better-scored one (diversity,
    another wish) carries the reason why, and no label below it claims more than the labels above.
    """
    out, lowest = [], 1.0
    for m in result.results if result else ():
        lowest = min(lowest, float(m.score))
        out.append((lowest, next(label for floor, label in STRENGTHS if lowest >= floor)))
    return out


def _run(values: dict, kind: str):
    try:
        return current_runtime().matching.match(get_session(), profile_dict(values), kind=kind, limit=LIMIT), {}
    except ProfileError as exc:
        return None, {exc.field: exc.message}


def _referred(child: Child | None) -> set[tuple[str, int]]:
    if child is None:
        return set()
    rows = get_session().execute(select(Referral.offer_id, Referral.mentor_id)
                                 .where(Referral.child_id == child.id, Referral.status != "ended")).all()
    return {("offer", o) for o, _m in rows if o} | {("mentor", m) for _o, m in rows if m}


def _page(child: Child | None, values: dict, submitted: bool):
    kind = request.args.get("kind", "activity")
    if kind not in KIND_TABS:
        kind = "activity"
    result, errors = _run(values, kind) if submitted else (None, {})
    districts = get_session().scalars(select(District).order_by(District.name)).all()
    excluded = sum(result.excluded.values()) if result else 0
    return render_template("matching/match.html", child=child, values=values, kind=kind, tabs=KIND_TABS,
                           just_suggested=request.args.get("foreslaaet", ""), page_url=_page_url(),
                           shortlisted=shortlisted_offer_ids(get_session(), child),
                           result=result, errors=errors, excluded=excluded, strengths=shown_strengths(result),
                           district_options=[(d.name, d.name) for d in districts], weekdays=WEEKDAYS,
                           referred=_referred(child), tab_urls=_tab_urls(child, values), today=today()), \
        400 if errors else 200


def _page_url() -> str:
    """Return this page's path and query without the confirmation of a previous suggestion."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "foreslaaet"]
    return request.path + ("?" + urlencode(args) if args else "")


def _tab_urls(child: Child | None, values: dict) -> dict[str, str]:
    args = {k: v for k, v in values.items() if v not in ("", [], None)}
    if child is not None:
        args["soeg"] = "1"
        return {k: url_for("matching.for_child", child_id=child.id, kind=k, **args) for k in KIND_TABS}
    return {k: url_for("matching.ad_hoc", kind=k, **args) for k in KIND_TABS}


@bp.get("/match")
@roles_required(*FOLLOWERS)
def ad_hoc():
    """Match an ad-hoc profile (nothing is stored)."""
    submitted = any(request.args.get(f) for f in ("age", "birth_date"))
    return _page(None, profile_from_args(request.args) if request.args else {"weekdays": []}, submitted)


@bp.get("/boern/<int:child_id>/match")
@roles_required(*FOLLOWERS)
def for_child(child_id: int):
    """Match for a child: the profile comes from the record and can be adjusted before searching."""
    child = followed_child(child_id)
    log_child_access(child)
    submitted = request.args.get("soeg") == "1"
    values = profile_from_args(request.args) if submitted else profile_from_child(child)
    return _page(child, values, True)
