"""End-to-end: each role logs in, searches, a club keeps its listing current; axe finds no serious issues."""

from __future__ import annotations

import pytest

from matcher.clock import local_today as copenhagen_today
from tests.browser.live import axe_violations, log_in

pytestmark = pytest.mark.browser

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")


def assert_accessible(page) -> None:
    """Fail on serious or critical axe-core violations of WCAG 2.1 A/AA."""
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


@pytest.mark.parametrize("role,menu", [("admin", "Administration"), ("key_staff", "Ændringer fra foreninger"),
                                       ("contact_person", "Søg tilbud"), ("club_rep", "Min forening")])
def test_each_role_logs_in_and_sees_its_menu(page, base_url, role, menu):
    page.goto(f"{base_url}/login")
    assert_accessible(page)
    log_in(page, base_url, role)
    nav = page.get_by_role("navigation", name="Hovedmenu")
    assert nav.get_by_role("link", name=menu).is_visible()
    if role != "admin":
        assert nav.get_by_role("link", name="Administration").count() == 0
    assert_accessible(page)


def test_login_error_is_announced(page, base_url):
    page.goto(f"{base_url}/login")
    page.get_by_label("E-mail").fill("ingen@kk.dk")
    page.get_by_label("Adgangskode").fill("forkert-kodeord")
    page.get_by_role("button", name="Log ind").click()
    assert page.get_by_role("alert").first.inner_text().startswith("Forkert e-mail")


def test_search_with_typo_distance_and_offer_page(as_role, base_url):
    page = as_role("key_staff")
    page.goto(base_url + "/")
    page.get_by_role("link", name="Søg tilbud").click()
    page.get_by_label("Hvad interesserer barnet sig for?").fill("fotbold")
    page.get_by_label("Tæt på postnummer").fill("2200")
    page.get_by_label("Højst afstand (km)").fill("2")
    page.get_by_label("Barnets alder").fill("11")
    page.get_by_role("button", name="Søg", exact=True).click()
    heading = page.get_by_role("heading", name="tilbud fundet")
    assert int(heading.inner_text().split()[0]) > 0
    assert "Fodbold" in page.locator(".results").inner_text()
    assert " km" in page.locator(".result .org").first.inner_text()
    assert page.get_by_role("img", name="Kort over Københavns 10 bydele").is_visible()
    assert_accessible(page)
    page.locator(".result h3 a").first.click()
    assert page.get_by_role("heading", name="Sted og kontakt").is_visible()
    assert_accessible(page)


def test_search_error_is_linked_to_the_field(as_role, base_url):
    page = as_role("contact_person")
    page.goto(f"{base_url}/soeg?postcode=12")
    page.locator(".error-summary a", has_text="Postnummer").click()
    assert page.evaluate("document.activeElement.id") == "f-postcode"
    assert_accessible(page)


def test_club_confirms_listing_and_updates_free_spots(page, base_url):
    log_in(page, base_url, "club_rep")
    page.get_by_role("link", name="Min forening").click()
    assert_accessible(page)
    card = page.locator(".offer-card").first
    title = card.locator("h3").inner_text()
    card.get_by_label("Ledige pladser").fill("3")
    card.get_by_role("button", name="Gem pladser").click()
    assert page.get_by_role("status").first.inner_text() == f"Ledige pladser for »{title}« er opdateret."
    card = page.locator(".offer-card").first
    assert card.get_by_label("Ledige pladser").input_value() == "3"
    card.get_by_role("button", name="Oplysningerne er stadig korrekte").click()
    assert "bekræftet som korrekt i dag" in page.get_by_role("status").first.inner_text()
    today = copenhagen_today()
    assert f"{today.day}. {MONTHS[today.month - 1]} {today.year}" in page.locator(".offer-card").first.inner_text()
    assert "Forældet" not in page.locator(".offer-card").first.inner_text()
    # A wrong value in the full form gets an error summary linked to the field.
    page.locator(".offer-card").first.get_by_role("link", name="Ret alle oplysninger").click()
    assert_accessible(page)
    page.get_by_label("Alder til (år)").fill("2")
    page.get_by_role("button", name="Gem tilbuddet").click()
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "f-age_max"
    assert_accessible(page)


def test_key_staff_sees_changes_and_district_overview(as_role, base_url):
    page = as_role("key_staff")
    page.goto(f"{base_url}/aendringer?vis=alle")
    assert_accessible(page)
    page.goto(f"{base_url}/bydel/noerrebro")
    assert page.get_by_role("heading", name="Spørg en nøglemedarbejder").is_visible()
    assert "noegle@demo.matcher.dk" in page.locator(".ask").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Overblik for nøglemedarbejdere").click()
    assert page.get_by_role("heading", name="Forældede opslag").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/admin/", "/admin/brugere", "/admin/brugere/ny", "/admin/interesser",
                                  "/admin/data"])
def test_admin_pages_are_accessible(as_role, base_url, path):
    page = as_role("admin")
    page.goto(base_url + path)
    assert_accessible(page)


@pytest.mark.parametrize("role,path", [("contact_person", "/soeg?q=dans&age=10"), ("club_rep", "/min-forening"),
                                       ("contact_person", "/tilbud/1"), ("key_staff", "/aendringer")])
def test_phone_viewport_has_no_sideways_scrolling(as_role, base_url, role, path):
    phone = as_role(role, phone=True)
    phone.goto(base_url + path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone)


def test_skip_link_and_keyboard_focus(page, base_url):
    page.goto(f"{base_url}/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Gå til indhold"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, base_url, "club_rep")
    page.goto(f"{base_url}/min-forening")
    page.locator(".offer-card").nth(1).get_by_role("button", name="Oplysningerne er stadig korrekte").click()
    assert "bekræftet som korrekt i dag" in page.get_by_role("status").first.inner_text()
    page.goto(f"{base_url}/soeg?q=soccer")
    assert "Fodbold" in page.locator(".results").inner_text()
    context.close()


def test_first_login_sets_up_two_factor_with_the_qr_page(page, base_url):
    """A new contact person scans the QR code (here: types the key) and logs in with the first code."""
    from sqlalchemy.orm import Session

    from matcher.accounts import totp
    from matcher.accounts.operations import create_user
    from tests.browser.live import _ENGINES

    with Session(_ENGINES[base_url]) as session:
        create_user(session, "ny.kontakt@demo.matcher.dk", "contact_person", "Ny-kontaktperson-2026")
        session.commit()
    page.goto(f"{base_url}/login")
    page.get_by_label("E-mail").fill("ny.kontakt@demo.matcher.dk")
    page.get_by_label("Adgangskode").fill("Ny-kontaktperson-2026")
    page.get_by_role("button", name="Log ind").click()
    assert page.url.endswith("/login/opsaet-engangskode")
    assert page.locator("figure.qr svg").is_visible()
    assert_accessible(page)
    page.get_by_label("Engangskode").fill("000")
    page.get_by_role("button", name="Bekræft og log ind").click()
    assert page.get_by_text("Koden passer ikke").is_visible()
    assert_accessible(page)
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label("Engangskode").fill(totp.code_at(secret, totp.current_step()))
    page.get_by_role("button", name="Bekræft og log ind").click()
    assert page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Børn").is_visible()
