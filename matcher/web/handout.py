"""Til familien: a one-page handout for an offer or a referral, in the family's language, and a short text."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, render_template, request
from flask_babel import force_locale, format_date, gettext
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher import i18n
from matcher.catalogue.models import WEEKDAYS, Offer
from matcher.clubs.operations import latest_answer
from matcher.i18n import LANGUAGES, pick_language
from matcher.web.access import followed_referral, log_child_access
from matcher.web.auth import roles_required
from matcher.web.children import FOLLOWERS
from matcher.web.database import get_session
from matcher.web.mapsvg import base_map, project_points

bp = Blueprint("handout", __name__)
DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))
MAX_DESCRIPTION = 700  # the club's own text, shortened so the handout stays on one page


def init_app(app: Flask) -> None:
    """Register the handout blueprint and Flask-Babel."""
    i18n.init_app(app)
    app.register_blueprint(bp)


def times(offer: Offer) -> list[tuple[str, str]]:
    """Return the offer's (days, hours) in the current language, e.g. ('Tuesday, Thursday', '16:30–17:45')."""
    out = []
    for s in offer.schedules:
        days = ", ".join(gettext(DAY_NAMES[d]) for d in WEEKDAYS if d in (s.weekdays or []))
        hours = f"{s.opens_at:%H:%M}–{s.closes_at:%H:%M}" if s.opens_at and s.closes_at else (
            f"{s.opens_at:%H:%M}" if s.opens_at else "")
        if days or hours:
            out.append((days, hours))
        elif s.description:
            out.append((s.description, ""))
    return out


def _line(days: str, hours: str, rtl: bool) -> str:
    # Hours read left to right in every language: isolate them inside right-to-left text (LRI … PDI).
    hours = f"\u2066{hours}\u2069" if rtl and hours else hours
    return " ".join(p for p in (days, hours) if p)


def short_text(offer: Offer, answer, when: list[tuple[str, str]], rtl: bool = False) -> str:
    """Return the plain text for an SMS or e-mail to the family, in the current language."""
    org = offer.organisation
    place = offer.place_name or org.name
    lines = [gettext("%(title)s at %(place)s.", title=offer.title, place=place)]
    address = ", ".join(p for p in (offer.address, " ".join(x for x in (offer.postcode, offer.city) if x)) if p)
    if address:
        lines.append(address)
    shown = "; ".join(_line(d, h, rtl) for d, h in when)
    lines.append(f"{gettext('When')}: {shown or gettext('Ask the club for the times.')}")
    if answer is not None and answer.answer == "welcome":
        first = f"{gettext('First time')}: {format_date(answer.first_session_on, 'full')}"
        lines.append(first + (f" – {answer.met_by}" if answer.met_by else ""))
    contact = " / ".join(x for x in (org.phone, org.email) if x)
    if contact:
        lines.append(f"{gettext('Contact')}: {contact}")
    lines.append(gettext("Questions? Ask your contact person."))
    return "\n".join(lines)


def _offer(offer_id: int) -> Offer:
    offer = get_session().scalars(select(Offer).where(Offer.id == offer_id).options(
        selectinload(Offer.organisation), selectinload(Offer.schedules))).first()
    if offer is None:
        abort(404)
    return offer


def _render(offer: Offer, lang: str, answer=None, referral=None):
    base = base_map(get_session())
    name, _danish, direction = LANGUAGES[lang]
    description = (offer.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        description = description[:MAX_DESCRIPTION].rsplit(" ", 1)[0] + " …"
    with force_locale(lang):
        when = times(offer)
        text = short_text(offer, answer, when, rtl=direction == "rtl")
        if request.args.get("format") == "text":
            return Response(text + "\n", mimetype="text/plain; charset=utf-8")
        first_on = format_date(answer.first_session_on, "full") if answer and answer.first_session_on else None
        return render_template("handout/handout.html", offer=offer, org=offer.organisation, lang=lang,
                               direction=direction, languages=LANGUAGES, when=when, text=text, answer=answer,
                               first_on=first_on, referral=referral, description=description, base=base,
                               points=project_points(base, [offer]))


@bp.get("/tilbud/<int:offer_id>/til-familien")
@login_required
def for_offer(offer_id: int):
    """Show the handout of an offer (no child: Danish unless a language is chosen)."""
    return _render(_offer(offer_id), pick_language([], request.args.get("sprog")))


@bp.get("/henvisning/<int:referral_id>/til-familien")
@roles_required(*FOLLOWERS)
def for_referral(referral_id: int):
    """Show the handout of a referral in the first of the child's languages we have (or the one chosen)."""
    referral = followed_referral(referral_id)
    log_child_access(referral.child)
    if referral.offer is None:
        abort(404)
    answer = latest_answer(get_session(), referral.id)
    return _render(_offer(referral.offer_id), pick_language(referral.child.languages, request.args.get("sprog")),
                   answer=answer, referral=referral)
