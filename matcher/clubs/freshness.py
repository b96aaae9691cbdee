"""Clubs keep listings fresh without logging in: a signed single-use link confirms them in one click."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matcher.catalogue.errors import RecordError
from matcher.catalogue.models import Offer, OfferStatus, Organisation
from matcher.catalogue.operations import confirm_offer
from matcher.catalogue.staleness import is_stale
from matcher.clock import COPENHAGEN
from matcher.clubs.notify import link, mail_stale_listings
from matcher.db import utcnow
from matcher.mail.models import SignedLink
from matcher.privacy.audit import record

LINK_DAYS = 14
PURPOSE = "confirm_listings"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def stale_offers(session: Session, organisation_id: int, today: dt.date, days: int) -> list[Offer]:
    """Return the organisation's active offers not confirmed for more than ``days`` days."""
    offers = session.scalars(select(Offer).where(Offer.organisation_id == organisation_id,
                                                 Offer.status == OfferStatus.active).order_by(Offer.title))
    return [o for o in offers if is_stale(o.verified_at, today, days)]


def issue_link(session: Session, organisation: Organisation, now: dt.datetime | None = None) -> str:
    """Store a new single-use link for the organisation (only its hash) and return the token."""
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    session.add(SignedLink(token_sha256=_digest(token), purpose=PURPOSE, organisation_id=organisation.id,
                           created_at=now, expires_at=now + dt.timedelta(days=LINK_DAYS)))
    session.flush()
    return token


def mail_stale_clubs(session: Session, now: dt.datetime, days: int) -> int:
    """Write one mail per representative of each club with stale listings; return the number of clubs."""
    today = now.astimezone(COPENHAGEN).date()
    clubs = 0
    for org in session.scalars(select(Organisation).order_by(Organisation.id)):
        titles = [o.title for o in stale_offers(session, org.id, today, days)]
        if not titles:
            continue
        token = issue_link(session, org, now)
        if mail_stale_listings(session, org, titles, link(session, f"/bekraeft-tilbud/{token}"), days):
            clubs += 1
    return clubs


def link_organisation(session: Session, token: str, now: dt.datetime | None = None) -> Organisation:
    """Return the organisation of a valid, unused link, or raise a RecordError saying why not."""
    row = session.scalars(select(SignedLink).where(SignedLink.token_sha256 == _digest(token or ""),
                                                   SignedLink.purpose == PURPOSE)).first()
    now = now or utcnow()
    if row is None:
        raise RecordError("link", "token", "link.invalid")
    if row.used_at is not None:
        raise RecordError("link", "token", "link.used")
    if row.expires_at <= now:
        raise RecordError("link", "token", "link.expired", days=LINK_DAYS)
    return session.get(Organisation, row.organisation_id)


def confirm_by_link(session: Session, token: str, today: dt.date, days: int, *, ip: str | None = None,
                    now: dt.datetime | None = None) -> list[Offer]:
    """Use the link once: confirm the organisation's stale offers (each change logged); flush only."""
    now = now or utcnow()
    org = link_organisation(session, token, now)
    used = session.execute(update(SignedLink).where(SignedLink.token_sha256 == _digest(token),
                                                    SignedLink.used_at.is_(None)).values(used_at=now))
    if used.rowcount != 1:  # a second click racing the first
        raise RecordError("link", "token", "link.used")
    offers = stale_offers(session, org.id, today, days)
    for offer in offers:
        confirm_offer(session, offer, None, today)
    record(session, None, "update", "organisation", org.id, purpose="bekræftet via link i mail", ip=ip,
           detail={"offers": [o.id for o in offers]})
    return offers
