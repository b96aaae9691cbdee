"""Short Danish sentences that explain a match to a worker."""

from __future__ import annotations

import datetime as dt

from matcher.labels import LANGUAGE_NAMES, WEEKDAY_NAMES

from .profile import ChildProfile
from .rules import CERT_REQUIRED_UNDER, FEE_SUPPORT_MONTHLY_DKK
from .types import WEEKDAYS, Candidate

__all__ = ["danish_days", "danish_km", "reasons_for"]

DAY_NAMES = WEEKDAY_NAMES  # the Danish names, defined once in matcher.labels
INCLUSIVE = 0.7


def danish_km(km: float) -> str:
    """Format a distance with one decimal and a Danish decimal comma."""
    return f"{km:.1f}".replace(".", ",")


def danish_days(days) -> str:
    """Join weekday codes as Danish words: "tirsdag og torsdag"."""
    names = [DAY_NAMES[d] for d in WEEKDAYS if d in set(days)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


def _kr(amount: float) -> str:
    return f"{amount:,.0f}".replace(",", ".") + " kr./md."


def _offer_days(c: Candidate) -> list[str]:
    days = set(c.weekdays) | {s[0] for s in c.schedule}
    return [d for d in WEEKDAYS if d in days]


def reasons_for(
    c: Candidate,
    profile: ChildProfile,
    components: dict[str, float],
    distance_km: float | None,
    interest_names: list[str],
    today: dt.date,
) -> list[str]:
    """Return the reasons to show for one ranked candidate, most important first."""
    out: list[str] = []
    if interest_names:
        out.append("Matcher interesse: " + ", ".join(interest_names))
    if distance_km is not None:
        place = f" ({c.district})" if c.district else ""
        out.append(f"{danish_km(distance_km)} km fra hjemmet{place}")
    out.extend(_fee_reason(c))
    out.extend(_day_reason(c, profile))
    if c.inclusion >= INCLUSIVE:
        who = "Mentorordningen" if c.kind == "mentor" else ("Arbejdspladsen" if c.kind == "leisure-job" else "Foreningen")
        out.append(f"{who} har erfaring med at inkludere udsatte børn")
    if c.kind == "mentor":
        out.extend(_cert_reason(c, profile, today))
    if c.kind == "leisure-job" and not c.schedule and profile.age < 18:
        out.append("Arbejdstider ukendt – tjek reglerne for unges arbejde")
    if c.gender in ("girls", "boys") and profile.gender in ("other", "unknown"):
        out.append(("Kun for piger" if c.gender == "girls" else "Kun for drenge") + " – afklar med barn og forening")
    if c.spots_free == 0:
        out.append("Ingen ledige pladser – venteliste")
    elif c.spots_free is not None and c.spots_free > 0:
        out.append(f"{c.spots_free} ledige pladser" if c.spots_free != 1 else "1 ledig plads")
    shared = [x for x in profile.languages if x in c.languages and x != "da"]
    if shared:
        out.append("Foregår også på " + " og ".join(LANGUAGE_NAMES.get(x, x) for x in shared))
    if components.get("freshness", 1.0) < 0.5:
        out.append("Oplysningerne er ikke bekræftet for nylig – ring og tjek")
    return out


def _fee_reason(c: Candidate) -> list[str]:
    fee = c.monthly_fee_dkk
    if c.kind != "activity" and not fee:
        return []
    if fee is None:
        return ["Pris ukendt"]
    if fee <= 0:
        return ["Gratis"]
    if c.fee_support and fee <= FEE_SUPPORT_MONTHLY_DKK + 1e-9:
        return [f"{_kr(fee)} – kan dækkes af kontingentstøtte"]
    if c.fee_support:
        return [f"{_kr(fee)} – kontingentstøtte dækker {_kr(FEE_SUPPORT_MONTHLY_DKK)}"]
    return [_kr(fee)]


def _day_reason(c: Candidate, profile: ChildProfile) -> list[str]:
    days = _offer_days(c)
    if not days:
        return []
    verb = "Arbejder" if c.kind == "leisure-job" else ("Mødes" if c.kind == "mentor" else "Træner")
    if not profile.weekdays:
        return [f"{verb} {danish_days(days)}"]
    fit = [d for d in days if d in profile.weekdays]
    if len(fit) == len(days):
        return [f"{verb} {danish_days(days)} – passer med barnets dage"]
    if fit:
        return [f"{verb} {danish_days(days)} – barnet kan {danish_days(fit)}"]
    return [f"{verb} {danish_days(days)} – passer ikke med barnets dage"]


def _cert_reason(c: Candidate, profile: ChildProfile, today: dt.date) -> list[str]:
    valid = c.childcert_valid_until is not None and c.childcert_valid_until >= today
    if valid:
        return [f"Børneattest gyldig til {c.childcert_valid_until:%d-%m-%Y}"]
    if profile.age >= CERT_REQUIRED_UNDER:
        return ["Mentor har ingen gyldig børneattest (ikke krav for 15-17-årige)"]
    return []
