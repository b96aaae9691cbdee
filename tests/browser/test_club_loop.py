"""End-to-end in Chromium: a club answers and logs attendance on a phone; the family handout prints on one page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.browser.live import _ENGINES, LOGINS
from tests.browser.test_pages import assert_accessible

pytestmark = pytest.mark.browser


def share_a_referral(base_url: str, languages: list[str]) -> int:
    """Refer one of the demo contact person's children to the demo club's first offer and share it; return its id."""
    from matcher.accounts.models import User
    from matcher.catalogue.models import Offer, OfferStatus
    from matcher.clock import local_today
    from matcher.clubs.operations import share_referral
    from matcher.pathways import operations as ops
    from matcher.pathways.models import Child, Referral

    with Session(_ENGINES[base_url]) as s:
        club = s.scalars(select(User).where(User.email == LOGINS["club_rep"])).one()
        cp = s.scalars(select(User).where(User.email == LOGINS["contact_person"])).one()
        offers = s.scalars(select(Offer).where(Offer.organisation_id == club.organisation_id,
                                               Offer.status == OfferStatus.active).order_by(Offer.id)).all()
        children = s.scalars(select(Child).where(Child.contact_person_id == cp.id, Child.erased_at.is_(None))
                             .order_by(Child.id)).all()
        # A child has one open referral per offer: take the first pair the earlier tests left free.
        child, offer = next((c, o) for c in children for o in offers
                            if s.scalar(select(Referral.id).where(Referral.child_id == c.id, Referral.offer_id == o.id,
                                                                  Referral.status != "ended")) is None)
        child.languages = languages
        referral = ops.create_referral(s, child, user=cp, offer=offer)
        share_referral(s, referral, cp, consent_on=local_today(), scope="Kommer første gang med sin moster",
                       shared_name="Yasmin")
        s.commit()
        return referral.id


def test_club_answers_and_logs_attendance_on_a_phone(as_role, base_url):
    referral = share_a_referral(base_url, ["da"])
    phone = as_role("club_rep", phone=True)
    phone.goto(f"{base_url}/min-forening")
    card = phone.locator(".shared-list li", has_text="Yasmin").first
    with phone.expect_navigation():
        card.get_by_role("link", name=re.compile("Svar og registrér fremmøde")).tap()
    assert phone.get_by_role("heading", name=re.compile("Yasmin")).is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone)
    phone.get_by_label("Velkommen – barnet kan komme").check()
    phone.get_by_label("Første gang (ved Velkommen)").fill("2030-01-15")
    phone.get_by_label("Første gang (ved Velkommen)").fill("")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Send svar").tap()
    assert phone.get_by_role("alert").first.is_visible()  # the missing date is announced, named by its field
    assert_accessible(phone)
    from matcher.clock import local_today

    phone.get_by_label("Første gang (ved Velkommen)").fill(local_today().isoformat())
    phone.get_by_label("Hvem tager imod barnet (ved Velkommen)").fill("Træner Mette")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Send svar").tap()
    assert phone.get_by_role("status").first.inner_text().startswith("Tak!")
    assert "Velkommen" in phone.locator(".panel").first.inner_text()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Kom", exact=True).tap()
    assert phone.get_by_role("status").first.inner_text().startswith("Registreret: Kom")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone)
    staff = as_role("contact_person")
    staff.goto(f"{base_url}/henvisning/{referral}")
    assert "Foreningen: Velkommen" in staff.locator("main").inner_text()


def pdf_pages(pdf: bytes) -> int:
    """Return the number of pages in a PDF Chromium printed (its page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("lang,direction", [("ar", "rtl"), ("da", "ltr"), ("ur", "rtl"), ("uk", "ltr")])
def test_handout_prints_on_one_page_in_the_familys_language(as_role, base_url, lang, direction):
    referral = share_a_referral(base_url, [lang, "da"])
    page = as_role("contact_person")
    page.goto(f"{base_url}/henvisning/{referral}/til-familien")  # the language comes from the child's languages
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.evaluate("document.documentElement.dir") == direction
    assert page.evaluate("getComputedStyle(document.querySelector('h2')).direction") == direction
    assert page.locator("svg.map circle").count() >= 1
    assert_accessible(page)
    page.emulate_media(media="print")
    assert page.locator(".toolbar").is_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf_pages(pdf) == 1


def test_outbox_page_is_accessible(as_role, base_url):
    share_a_referral(base_url, ["da"])
    page = as_role("admin")
    page.goto(f"{base_url}/admin/post")
    assert "Ingen SMTP-server er sat op" in page.locator("main").inner_text()
    assert "Ny henvisning til" in page.locator("main").inner_text()
    assert_accessible(page)
