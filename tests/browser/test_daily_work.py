"""End-to-end on Chromium: the contact person's daily work on a desktop and on a 390×844 phone."""

from __future__ import annotations

import pytest

from tests.browser.live import log_in
from tests.browser.test_children_pages import child_with_community
from tests.browser.test_pages import assert_accessible

pytestmark = pytest.mark.browser
PHONE_W, PHONE_H = 390, 844


def fully_inside_the_phone(box) -> bool:
    """Return whether a bounding box lies wholly inside the first 390×844 screen (no scrolling)."""
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= PHONE_W \
        and box["y"] + box["height"] <= PHONE_H


def test_both_answers_are_on_the_first_phone_screen_and_undo_works(as_role, base_url):
    phone = as_role("contact_person", phone=True)
    phone.goto(base_url + child_with_community(phone, base_url) + "/deltagelse")
    assert phone.evaluate("window.scrollY") == 0
    yes = phone.get_by_role("button", name="Mødte op", exact=True)
    no = phone.get_by_role("button", name="Mødte ikke op")
    assert fully_inside_the_phone(yes.bounding_box()), yes.bounding_box()
    assert fully_inside_the_phone(no.bounding_box()), no.bounding_box()
    visible_buttons = [b.inner_text() for b in phone.locator("main button").all() if b.is_visible()]
    assert visible_buttons == ["Mødte op", "Mødte ikke op"]                   # no stray "Gem ikke"
    assert_accessible(phone)
    with phone.expect_navigation():
        no.tap()                                                              # one tap
    box = phone.get_by_role("status").first
    assert box.inner_text().startswith("Registreret: Mødte ikke op")
    assert fully_inside_the_phone(phone.get_by_role("button", name="Fortryd").bounding_box())
    assert_accessible(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Fortryd").tap()
    assert "fortrudt" in phone.get_by_role("status").first.inner_text()
    assert phone.get_by_role("button", name="Mødte op", exact=True).is_visible()  # back on the log screen


def test_enter_in_the_date_field_logs_nothing(as_role, base_url):
    page = as_role("contact_person")
    page.goto(base_url + child_with_community(page, base_url) + "/deltagelse")
    page.get_by_text("Anden dag, fulgt af eller note").click()
    page.get_by_label("Dato").press("Enter")
    page.wait_for_timeout(300)
    assert page.url.endswith("/deltagelse")                                   # still on the form


@pytest.mark.parametrize("role,heading,landing", [
    ("contact_person", "Mine børn", "/boern"), ("club_rep", None, "/min-forening"),
    ("key_staff", None, "/overblik")])
def test_each_role_lands_on_its_daily_page(page, base_url, role, heading, landing):
    log_in(page, base_url, role)
    assert page.url.endswith(landing), page.url
    if heading:
        assert page.get_by_role("heading", name=heading).is_visible()
        assert page.get_by_role("heading", name="Advarsler i dag").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("phone", [False, True])
def test_the_profile_is_edited_with_danish_language_names(as_role, base_url, phone):
    page = as_role("contact_person", phone=phone)
    page.goto(base_url + child_with_community(page, base_url))
    page.get_by_role("link", name="Ret profil").click()
    assert page.get_by_role("heading", name="Ret profil").is_visible()
    assert_accessible(page)
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_W
    language = "Kurdisk" if phone else "Tigrinya"
    if not page.get_by_label(language).is_visible():
        page.get_by_text("Flere sprog").click()
    page.get_by_label(language).check()
    page.get_by_label("Interesser").fill("fodbold, tegne, skak" + (" og dans" if phone else ""))
    page.get_by_role("button", name="Gem profil").click()
    assert "Profilen er gemt." in page.get_by_role("status").first.inner_text()
    assert language.lower() in page.locator("#profil").inner_text()
    page.get_by_text("Profilens historik").click()
    assert "Interesser" in page.locator(".profile-history").inner_text()
    assert_accessible(page)


def test_a_new_child_gets_a_generated_code(as_role, base_url):
    page = as_role("contact_person")
    page.goto(f"{base_url}/boern/ny")
    page.get_by_label("Postnummer").fill("2200")
    page.get_by_label("Arabisk").check()
    page.get_by_role("button", name="Opret barn").click()
    assert "oprettet med koden BU-" in page.get_by_role("status").first.inner_text()
    assert page.locator("h1").inner_text().startswith("BU-")


def test_a_bad_value_answers_a_sentence_linked_to_its_field(as_role, base_url):
    page = as_role("contact_person")
    page.goto(f"{base_url}/boern/ny")
    page.get_by_label("Fødselsår").fill("1800")
    page.get_by_role("button", name="Opret barn").click()
    link = page.locator(".error-summary a")
    assert link.inner_text().startswith("Fødselsår skal være et årstal mellem 1990 og")
    assert ":" not in link.inner_text()
    assert_accessible(page)


@pytest.mark.parametrize("phone", [False, True])
def test_a_contact_person_acts_on_warnings(as_role, base_url, phone):
    page = as_role("contact_person", phone=phone)
    page.get_by_role("navigation", name="Hovedmenu")
    page.goto(f"{base_url}/advarsler")
    assert page.get_by_role("heading", name="Advarsler").is_visible()
    assert_accessible(page)
    cards = page.locator(".warning-card")
    before = cards.count()
    assert before > 0
    first = cards.first
    assert "sidste registrerede gang" in first.inner_text()
    first.locator("summary").click()
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_W
        first.get_by_label("Vis igen den").fill("2099-01-01")                  # beyond the limit: refused
        first.get_by_role("button", name="Udsæt").click()
        assert "kan højst ligge 183 dage frem" in page.locator(".warning-actions[open] .error").inner_text()
        page.goto(f"{base_url}/advarsler")
        page.locator(".warning-card").first.locator("summary").click()
        page.locator(".warning-card").first.get_by_role("button", name="Udsæt").click()
        assert "udsat til" in page.get_by_role("status").first.inner_text()
    else:
        first.get_by_label("Hvad er gjort?").fill("Ringede til familien")
        first.get_by_role("button", name="Markér som håndteret").click()
        assert "håndteret" in page.get_by_role("status").first.inner_text()
        page.get_by_role("link", name="Vis også håndterede og udsatte").click()
        assert "Ringede til familien" in page.locator("main").inner_text()
    assert_accessible(page)


def test_key_staff_see_their_districts_warnings(as_role, base_url):
    page = as_role("key_staff")
    page.goto(f"{base_url}/advarsler")
    assert page.locator(".warning-card").count() > 0
    assert "børn i" in page.locator(".lead").inner_text()


@pytest.mark.parametrize("phone", [False, True])
def test_error_pages_are_danish_inside_the_layout(as_role, base_url, phone):
    page = as_role("club_rep", phone=phone)
    response = page.goto(f"{base_url}/boern")
    assert response.status == 403
    assert page.get_by_role("heading", name="Ingen adgang").is_visible()
    assert page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Min forening").count() == 1
    assert "Forbidden" not in page.content()
    assert_accessible(page)
    response = page.goto(f"{base_url}/tilbud/999999")
    assert response.status == 404 and page.get_by_role("heading", name="Siden findes ikke").is_visible()
    assert_accessible(page)


def test_the_audit_log_is_filtered_by_the_childs_code(as_role, base_url):
    staff = as_role("contact_person")
    child = child_with_community(staff, base_url)
    staff.goto(base_url + child)
    code = staff.locator("h1").inner_text()
    page = as_role("admin")
    page.goto(f"{base_url}/admin/revisionslog")
    page.get_by_label("Barnets kode").fill(code.lower())
    page.get_by_role("button", name="Vis").click()
    rows = page.locator("tbody tr")
    assert rows.count() > 0
    assert all(code in rows.nth(i).inner_text() for i in range(min(rows.count(), 10)))
    assert_accessible(page)


def test_a_status_change_and_a_suggestion_can_be_dated_back(as_role, base_url):
    page = as_role("contact_person")
    child = child_with_community(page, base_url)
    page.goto(base_url + child + "/match")
    result = page.locator(".match-results .result", has=page.get_by_role("button", name="Foreslå")).first
    result.locator("summary").click()
    result.get_by_label("Foreslået den").fill("2026-11-01")
    result.get_by_role("button", name="Foreslå").click()
    assert "foreslået" in page.get_by_role("status").first.inner_text().lower()  # back on the match results
    page.goto(base_url + child)
    assert "1. november 2026" in page.locator("#henvisninger").inner_text()
    assert_accessible(page)
