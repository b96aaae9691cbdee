"""Save screenshots of the main pages into docs/screenshots (run: .venv/bin/python -m tests.browser.screenshots)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from matcher.seeding import DEMO_PASSWORD
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, LOGINS, live_server, log_in, seeded_database

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# (file name, role, path, viewport)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAGES = [
    ("login", None, "/login", DESKTOP),
    ("engangskode-mobil", None, None, PHONE),
    ("forside", "key_staff", "/", DESKTOP),
    ("soeg", "key_staff", "/soeg?q=fotbold&postcode=2200&max_km=3", DESKTOP),
    ("soeg-mobil", "contact_person", "/soeg?q=dans&age=10", PHONE),
    ("tilbud", "contact_person", "/tilbud/1", DESKTOP),
    ("bydel", "key_staff", "/bydel/noerrebro", DESKTOP),
    ("bydel-overblik", "key_staff", "/bydel/noerrebro/overblik", DESKTOP),
    ("min-forening", "club_rep", "/min-forening", DESKTOP),
    ("min-forening-mobil", "club_rep", "/min-forening", PHONE),
    ("ret-tilbud", "club_rep", None, DESKTOP),
    ("aendringer", "key_staff", "/aendringer", DESKTOP),
    ("aendringer-mobil", "key_staff", "/aendringer", PHONE),
    ("admin-brugere", "admin", "/admin/brugere", DESKTOP),
    ("admin-interesser", "admin", "/admin/interesser", DESKTOP),
    ("admin-data", "admin", "/admin/data", DESKTOP),
    ("admin-revisionslog", "admin", "/admin/revisionslog", DESKTOP),
    ("boern", "contact_person", "/boern", DESKTOP),
    ("barn", "contact_person", "{child}", DESKTOP),
    ("deltagelse-mobil", "contact_person", "{child}/deltagelse", PHONE),
    ("match", "key_staff", "{child}/match", DESKTOP),
    ("match-mobil", "contact_person", "/match?age=7&gender=boy&interests=boksning%2C+ikke+fodbold&postcode=2200",
     PHONE),
    ("indikatorer", "key_staff", "/indikatorer?period=2026Q3", DESKTOP),
    ("advarsler", "key_staff", "/advarsler", DESKTOP),
]


def first_child(page, base: str) -> str:
    """Return the path of the first listed child with an active community (the list is sorted by code)."""
    page.goto(f"{base}/boern")
    return page.locator("tr", has=page.get_by_role("link", name="Log deltagelse")).first \
        .locator("th a").get_attribute("href")


def take(base: str, browser, out: Path = OUT) -> list[Path]:
    """Take every screenshot in PAGES; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, role, path, viewport in PAGES:
        context = browser.new_context(viewport=viewport, locale="da-DK", bypass_csp=True)
        page = context.new_page()
        if role:
            log_in(page, base, role)
        if name == "engangskode-mobil":  # the second step of a staff login
            page.goto(f"{base}/login")
            page.get_by_label("E-mail").fill(LOGINS["contact_person"])
            page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Log ind").click()
        elif name == "ret-tilbud":
            page.goto(f"{base}/min-forening")
            page.get_by_role("link", name="Ret alle oplysninger").first.click()
        elif name == "aendringer":
            # Make a change first so the list has something to show.
            club = browser.new_context()
            club_page = club.new_page()
            log_in(club_page, base, "club_rep")
            club_page.goto(f"{base}/min-forening")
            club_page.locator("input[name=spots_free]").first.fill("2")
            club_page.get_by_role("button", name="Gem pladser").first.click()
            club_page.get_by_role("button", name="Oplysningerne er stadig korrekte").first.click()
            club.close()
            page.goto(base + path)
        elif "{child}" in path:
            page.goto(base + path.format(child=first_child(page, base)))
        else:
            page.goto(base + path)
        target = out / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        written.append(target)
        context.close()
    return written


def main() -> int:
    """Seed a database, serve it and take the screenshots."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, live_server(seeded_database(Path(tmp))) as base, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in take(base, browser):
            print(path)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
