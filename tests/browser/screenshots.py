"""Save screenshots of the main pages into docs/screenshots.

Run ``.venv/bin/python -m tests.browser.screenshots`` for all, or name some: ``… screenshots soeg tilbud``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from matcher.seeding import DEMO_PASSWORD
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, LOGINS, context_size, fill_new_offer, live_server, log_in, seeded_database

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# (file name, role, path, viewport)
DESKTOP = context_size(phone=False)["viewport"]
PHONE = context_size(phone=True)["viewport"]
PAGES = [
    ("login", None, "/login", DESKTOP),
    ("engangskode-mobil", None, None, PHONE),
    ("forside", "key_staff", "/", DESKTOP),
    ("soeg", "key_staff", "/soeg?q=fotbold&postcode=2200&max_km=3", DESKTOP),
    ("soeg-mobil", "contact_person", "/soeg?q=dans&age=10", PHONE),
    ("soeg-naerheden", "contact_person", "/soeg?q=fodbold&district=noerrebro&age=10", DESKTOP),
    ("soeg-naerheden-mobil", "contact_person", "/soeg?q=fodbold&district=noerrebro&age=10", PHONE),
    ("tilbud", "contact_person", "/tilbud/1", DESKTOP),
    ("tilbud-mobil", "contact_person", "/tilbud/1", PHONE),
    ("nyt-tilbud", "club_rep", None, DESKTOP),
    ("nyt-tilbud-mobil", "club_rep", None, PHONE),
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
    ("match-foreslaaet-mobil", "contact_person", "{child}/match", PHONE),
    ("match-mobil", "contact_person", "/match?age=7&gender=boy&interests=boksning%2C+ikke+fodbold&postcode=2200",
     PHONE),
    ("indikatorer", "key_staff", "/indikatorer?period=2026Q3", DESKTOP),
    ("advarsler", "key_staff", "/advarsler", DESKTOP),
    ("advarsler-mobil", "contact_person", "/advarsler", PHONE),
    ("barn-rediger", "contact_person", "{child}/rediger", DESKTOP),
    ("registreret-mobil", "contact_person", None, PHONE),
    ("ingen-adgang", "club_rep", "/boern", DESKTOP),
]


def first_child(page, base: str) -> str:
    """Return the path of the first listed child with an active community (the list is sorted by code)."""
    page.goto(f"{base}/boern")
    return page.locator("tr", has=page.get_by_role("link", name="Log deltagelse")).first \
        .locator("th a").get_attribute("href")


def shot(browser, base: str, name: str, viewport: dict, role: str | None = None, path: str | None = None,
         act=None, out: Path = OUT, full_page: bool = True) -> Path:
    """Open a page (logged in as ``role`` unless None), go to ``path``, run ``act(page)``, save ``out/name.png``."""
    context = browser.new_context(viewport=viewport, locale="da-DK", bypass_csp=True)
    try:
        page = context.new_page()
        if role:
            log_in(page, base, role)
        if path:
            page.goto(base + path)
        if act:
            act(page)
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{name}.png"
        page.screenshot(path=str(target), full_page=full_page)
        return target
    finally:
        context.close()


def make_changes(browser, base: str) -> None:
    """As the club: change spots, confirm the listing and propose a new offer, so the changes list has rows."""
    club = browser.new_context()
    club_page = club.new_page()
    log_in(club_page, base, "club_rep")
    club_page.goto(f"{base}/min-forening")
    club_page.locator("input[name=spots_free]").first.fill("2")
    club_page.get_by_role("button", name="Gem pladser").first.click()
    club_page.get_by_role("button", name="Oplysningerne er stadig korrekte").first.click()
    club_page.get_by_role("link", name="Nyt tilbud").click()  # and a new offer waiting for approval
    fill_new_offer(club_page, "Streetbasket for piger")
    club_page.get_by_role("button", name="Opret tilbuddet").click()
    club.close()


def steps(browser, base: str, name: str, path: str | None):
    """Return what to do on the page before the screenshot ``name`` is taken."""
    def act(page):
        if name == "engangskode-mobil":  # the second step of a staff login
            page.goto(f"{base}/login")
            page.get_by_label("E-mail").fill(LOGINS["contact_person"])
            page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Log ind").click()
        elif name.startswith("nyt-tilbud"):
            page.goto(f"{base}/min-forening")
            page.get_by_role("link", name="Nyt tilbud").click()
        elif name == "ret-tilbud":
            page.goto(f"{base}/min-forening")
            page.get_by_role("link", name="Ret alle oplysninger").first.click()
        elif name == "aendringer":
            make_changes(browser, base)
            page.goto(base + path)
        elif name == "match-foreslaaet-mobil":
            page.goto(base + path.format(child=first_child(page, base)))
            page.get_by_role("button", name="Foreslå").nth(2).click()
            page.get_by_role("status").filter(has_text="er foreslået til").wait_for()
        elif name == "registreret-mobil":  # the undo box right after a tap on "Mødte op"
            page.goto(base + first_child(page, base) + "/deltagelse")
            page.get_by_role("button", name="Mødte op", exact=True).click()
            page.wait_for_load_state()
        elif "{child}" in path:
            page.goto(base + path.format(child=first_child(page, base)))
        else:
            page.goto(base + path)
    return act


def take(base: str, browser, out: Path = OUT, only: set[str] | None = None) -> list[Path]:
    """Take every screenshot in PAGES (or those named in ``only``); return the files written."""
    return [shot(browser, base, name, viewport, role, act=steps(browser, base, name, path), out=out,
                 # the screen as the user sees it right after the tap, not the whole page
                 full_page=name != "match-foreslaaet-mobil")
            for name, role, path, viewport in PAGES if not only or name in only]


def run(take_all, argv: list[str]) -> int:
    """Seed a database, serve it, launch Chromium, run ``take_all(base, browser, only)`` and print the files."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, live_server(seeded_database(Path(tmp))) as base, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in take_all(base, browser, only=set(argv) or None):
            print(path)
        browser.close()
    return 0


def main() -> int:
    """Seed a database, serve it and take the screenshots named on the command line (default: all)."""
    return run(take, sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
