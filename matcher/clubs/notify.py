"""The mails of the referral loop. None of them carries a child's data.

Allowed in a mail: the offer's title and the club's name (public catalogue facts), the first name or
initials a contact person shared with the club *with consent* (only in the mail to that club), counts,
and a link that requires logging in. Never: the child's code, birth date, interests, district,
notes, the shared description, or anything the club wrote about the child (mail leaves our systems
and is kept in mailboxes we do not control).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.accounts.models import Role, User
from matcher.catalogue.models import Organisation
from matcher.config import settings_of
from matcher.mail.operations import enqueue, enqueue_notice

SIGNATURE = ("\n\n-- \nEn plads i fællesskabet · Københavns Kommune, Borgercenter Børn og Unge\n"
             "Denne mail er sendt automatisk. Svar ikke på den – log ind i stedet.")


def link(session: Session, path: str) -> str:
    """Return the absolute address of ``path`` (``MATCHER_BASE_URL`` of the session's runtime)."""
    return settings_of(session).base_url + path


def login_link(session: Session, next_path: str) -> str:
    """Return a link to log in and then open ``next_path``."""
    from urllib.parse import quote

    return link(session, "/login?next=" + quote(next_path, safe="/"))


def club_recipients(session: Session, organisation: Organisation) -> list[str]:
    """Return the addresses of the club's active representatives, or the club's own address."""
    reps = session.scalars(select(User.email).where(User.role == Role.club_rep, User.active.is_(True),
                                                    User.organisation_id == organisation.id)
                           .order_by(User.email)).all()
    if reps:
        return list(reps)
    return [organisation.email] if organisation.email and "@" in organisation.email else []


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def mail_club_of_share(session: Session, referral) -> int:
    """Tell the club's representatives that a child was referred to one of its offers; return how many."""
    offer = referral.offer
    to = club_recipients(session, offer.organisation)
    for address in to:
        body = (f"Hej {offer.organisation.name}\n\n"
                f"En kontaktperson fra Københavns Kommune har henvist et barn til »{offer.title}«.\n"
                f"Barnet kan I kalde {referral.shared_with_club_name} (det fornavn eller de initialer, "
                "familien har givet lov til at dele).\n\n"
                "Log ind på Min forening for at se henvisningen og svare – »Velkommen« med dato for første "
                f"gang, eller »Ingen plads«:\n{login_link(session, '/min-forening/henvisning/' + str(referral.id))}"
                + SIGNATURE)
        enqueue(session, address, f"Ny henvisning til »{offer.title}«", body, kind="club_share")
    return len(to)


def mail_contact_person_of_answer(session: Session, referral) -> None:
    """Tell the contact person that a club has answered ("Du har N nye svar")."""
    user = referral.child.contact_person
    if user is None or not user.active:
        return

    def render(n: int):
        return (f"Du har {_plural(n, 'nyt svar', 'nye svar')} fra en forening",
                f"Hej\n\nDu har {_plural(n, 'nyt svar', 'nye svar')} fra en forening på dine henvisninger.\n"
                f"Log ind for at se svaret:\n{login_link(session, '/boern')}" + SIGNATURE)

    enqueue_notice(session, user.email, "club_answer", render)


def mail_contact_person_of_spot(session: Session, contact_person: User | None, *, flush: bool = True) -> None:
    """Tell the contact person that a spot has freed on an offer a child of theirs waits for."""
    if contact_person is None or not contact_person.active:
        return

    def render(n: int):
        what = _plural(n, "ledig plads", "ledige pladser")
        return (f"Du har {what} på en venteliste",
                f"Hej\n\nDer er {what} på et tilbud, hvor et barn, du følger, står på venteliste.\n"
                f"Log ind for at se hvor, og kontakt foreningen hurtigt:\n{login_link(session, '/boern')}" + SIGNATURE)

    enqueue_notice(session, contact_person.email, "waiting_spot", render, flush=flush)


def mail_warnings_count(session: Session, user: User, count: int) -> None:
    """Send the weekly "Du har N advarsler" mail to a contact person (only the count and a link)."""
    what = _plural(count, "advarsel", "advarsler")
    body = (f"Hej\n\nDu har {what} om de børn, du følger (fx ingen deltagelse i 14 dage eller flere "
            f"udeblivelser i træk).\nLog ind for at se dem:\n{login_link(session, '/advarsler')}" + SIGNATURE)
    enqueue(session, user.email, f"Du har {what} denne uge", body, kind="weekly_warnings")


def mail_stale_listings(session: Session, organisation: Organisation, titles: list[str], confirm_url: str,
                        days: int) -> int:
    """Ask the club to confirm listings not confirmed for ``days`` days; return how many mails were written."""
    to = club_recipients(session, organisation)
    lines = "\n".join(f"  • {t}" for t in titles[:20]) + ("\n  • …" if len(titles) > 20 else "")
    for address in to:
        body = (f"Hej {organisation.name}\n\n"
                f"{_plural(len(titles), 'tilbud', 'tilbud')} fra jer er ikke bekræftet i over {days} dage:\n{lines}\n\n"
                "Er oplysningerne stadig rigtige? Ét klik bekræfter dem (linket virker én gang i 14 dage):\n"
                f"{confirm_url}\n\nSkal noget rettes, så log ind på Min forening:\n{login_link(session, '/min-forening')}"
                + SIGNATURE)
        enqueue(session, address, "Er jeres tilbud stadig aktuelle?", body, kind="stale_listings")
    return len(to)
