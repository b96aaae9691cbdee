"""End-to-end on Chromium, desktop and 390×844: search past a district, the offer page, a club's new offer,
shortlists and saved searches, the tile map with clustered pins, and Foreslå's confirmation in view."""

from __future__ import annotations

import pytest

from tests.browser.live import context_size, fill_new_offer, live_server, log_in, seeded_database
from tests.browser.test_pages import assert_accessible
from tests.browser.tiles import tile_server

pytestmark = pytest.mark.browser
VIEWS = [pytest.param(False, id="desktop"), pytest.param(True, id="phone")]


def in_view(page, locator) -> bool:
    """Return whether ``locator`` lies entirely inside the viewport as the page is scrolled now."""
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("phone", VIEWS)
def test_an_empty_district_shows_nearby_teams_and_filters_sort(as_role, base_url, phone):
    page = as_role("contact_person", phone=phone)
    page.goto(f"{base_url}/soeg")
    page.get_by_label("Hvad interesserer barnet sig for?").fill("fodbold")
    page.get_by_label("Bydel", exact=True).select_option(label="Nørrebro")
    page.get_by_label("Barnets alder").fill("10")
    page.get_by_label("Køn", exact=True).select_option("boy")
    page.get_by_label("Sortér efter").select_option("spots")
    page.get_by_role("button", name="Søg", exact=True).click()
    assert page.get_by_role("heading", name="0 tilbud fundet").is_visible()
    nearby = page.get_by_role("heading", name="i nærheden")
    assert nearby.is_visible() and " km væk" in nearby.inner_text()
    assert "Ingen tilbud passer" not in page.locator(".results").inner_text()
    assert page.locator(".nearby .result").count() >= 1
    assert page.get_by_label("Sortér efter").input_value() == "spots"
    assert no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_label("Tidspunkt").select_option("morning")
    page.get_by_role("button", name="Søg", exact=True).click()
    assert page.get_by_label("Tidspunkt").input_value() == "morning"
    assert_accessible(page)


@pytest.mark.parametrize("phone", VIEWS)
def test_offer_page_refer_a_child_and_print(as_role, base_url, phone):
    page = as_role("contact_person", phone=phone)
    page.goto(f"{base_url}/soeg?q=sv%C3%B8mning&age=10")
    page.locator(".result h3 a").first.click()
    assert page.get_by_role("heading", name="Sted og kontakt").is_visible()
    assert page.locator("address.venue").count() == 1 and "Telefon:" in page.locator(".contact").inner_text()
    page.get_by_role("button", name="Udskriv").wait_for()  # shown by catalogue.js
    assert no_sideways_scroll(page)
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Hovedmenu").is_visible()
    assert not page.get_by_role("link", name="Henvis et barn").is_visible()
    assert page.get_by_role("heading", name="Sted og kontakt").is_visible()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Henvis et barn").click()
    assert_accessible(page)
    page.get_by_label("Hvilket barn?").select_option(index=1)
    page.get_by_role("button", name="Videre").click()
    assert page.get_by_role("heading", name="Foreslå").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sæt på kortlisten").click()
    assert "kortliste" in page.get_by_role("status").first.inner_text()
    assert page.locator("#kortliste .offer-card").count() >= 1
    assert_accessible(page)


@pytest.mark.parametrize("phone", VIEWS)
def test_club_creates_an_offer_and_key_staff_approve_it(browser, as_role, base_url, phone):
    title = f"Nyt streetbasket-hold ({'telefon' if phone else 'pc'})"
    club = as_role("club_rep", phone=phone)
    club.goto(f"{base_url}/min-forening")
    club.get_by_role("link", name="Nyt tilbud").click()
    assert_accessible(club)
    fill_new_offer(club, title)
    assert no_sideways_scroll(club)
    club.get_by_role("button", name="Opret tilbuddet").click()
    assert "kigger på det, før det bliver synligt" in club.get_by_role("status").first.inner_text()
    card = club.locator(".offer-card", has_text=title)
    assert "Afventer godkendelse" in card.inner_text()
    assert_accessible(club)
    staff = as_role("key_staff", phone=phone)
    staff.goto(f"{base_url}/aendringer")
    waiting = staff.locator("#nye-tilbud .offer-card", has_text=title)
    assert "Basketball" in waiting.inner_text() and "kun piger" in waiting.inner_text()
    assert_accessible(staff)
    link = waiting.get_by_role("link", name=title).get_attribute("href")
    waiting.get_by_role("button", name="Godkend").click()
    assert "er godkendt" in staff.get_by_role("status").first.inner_text()
    # Search shows it once the index has caught up (at once at city size; see README); the page at once.
    viewer = as_role("contact_person", phone=phone)
    viewer.goto(base_url + link)
    assert viewer.get_by_role("heading", name=title).is_visible()
    assert "Kun for piger" in viewer.locator(".facts").inner_text() or "kun for piger" in viewer.locator(".facts").inner_text()


@pytest.mark.parametrize("phone", VIEWS)
def test_shortlist_from_search_and_a_saved_search(as_role, base_url, phone):
    page = as_role("contact_person", phone=phone)
    page.goto(f"{base_url}/boern")
    child = page.locator("tbody tr th a").first.get_attribute("href")
    page.goto(base_url + child)
    page.locator("#kortliste").get_by_role("link", name="Søg tilbud").first.click()
    page.get_by_label("Hvad interesserer barnet sig for?").fill("dans")
    page.get_by_role("button", name="Søg", exact=True).click()
    first = page.locator(".results .result", has=page.get_by_role("button", name="Sæt på kortlisten")).nth(2)
    result_id = first.get_attribute("id")
    first.get_by_role("button", name="Sæt på kortlisten").click()
    confirmation = page.locator(f"#{result_id} .confirmation")
    assert confirmation.is_visible() and in_view(page, confirmation)  # not scrolled away
    page.locator("summary", has_text="Gem søgningen").click()
    page.get_by_label("Navn på søgningen").fill(f"Dans ({'telefon' if phone else 'pc'})")
    page.get_by_role("button", name="Gem", exact=True).click()
    assert page.get_by_role("navigation", name="Mine gemte søgninger").is_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page)
    page.goto(base_url + child)
    assert page.locator("#kortliste .offer-card").count() >= 1
    assert_accessible(page)


@pytest.mark.parametrize("phone", VIEWS)
def test_foreslaa_on_the_match_page_keeps_the_confirmation_in_view(as_role, base_url, phone):
    page = as_role("contact_person", phone=phone)
    page.goto(f"{base_url}/boern")
    child = page.locator("tbody tr th a").nth(1 if phone else 2).get_attribute("href")
    page.goto(f"{base_url}{child}/match")
    buttons = page.get_by_role("button", name="Foreslå")
    button = buttons.nth(min(3, buttons.count() - 1))  # one further down the list
    button.scroll_into_view_if_needed()
    button.click()
    confirmation = page.get_by_role("status").filter(has_text="er foreslået til")
    confirmation.wait_for()
    assert in_view(page, confirmation), confirmation.bounding_box()
    assert_accessible(page)


@pytest.fixture(scope="module")
def tiles_base_url(browser, tmp_path_factory):
    """A second live server whose maps use a tile server on loopback."""
    with tile_server() as (template, requested), \
            live_server(seeded_database(tmp_path_factory.mktemp("tiles")), map_tiles=template,
                        map_attribution="Kort: testfliser") as url:
        yield url, requested


@pytest.mark.parametrize("phone", VIEWS)
def test_tile_map_with_clustered_clickable_pins(browser, tiles_base_url, phone):
    base, requested = tiles_base_url
    size = context_size(phone)
    context = browser.new_context(locale="da-DK", **size)  # the app's own CSP applies: it must allow the tiles
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, base, "contact_person")
    page.goto(f"{base}/soeg?q=fodbold&limit=50")
    tile_map = page.locator(".tile-map")
    tile_map.wait_for()
    assert page.locator("figure.map > svg").is_hidden()  # the drawing stays for no-JavaScript only
    page.wait_for_function("document.querySelectorAll('.leaflet-tile-loaded').length > 0")
    assert requested and all(p.endswith(".png") for p in requested)
    assert "Kort: testfliser" in page.locator(".leaflet-control-attribution").inner_text()
    clusters = page.locator(".marker-cluster")
    assert clusters.count() >= 1  # 50 pins on one city map cluster
    clusters.first.click()
    pin = page.locator(".map-pin").first
    for _ in range(6):  # zoom into clusters until single pins show
        if pin.count():
            break
        page.locator(".marker-cluster").first.click()
        page.wait_for_timeout(400)
    pin.click()
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    assert link.get_attribute("href").startswith("/tilbud/")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
    checked = browser.new_context(locale="da-DK", bypass_csp=True, **size)  # axe is injected: bypass for it
    page = checked.new_page()
    log_in(page, base, "contact_person")
    page.goto(f"{base}/soeg?q=fodbold&limit=50")
    page.wait_for_function("document.querySelectorAll('.leaflet-tile-loaded').length > 0")
    assert_accessible(page)
    checked.close()
