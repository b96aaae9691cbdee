"""Screenshots of the referral loop into docs/screenshots (run: .venv/bin/python -m tests.browser.screenshots_loop)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, live_server, log_in, seeded_database
from tests.browser.screenshots import DESKTOP, OUT, PHONE
from tests.browser.test_club_loop import share_a_referral


def shot(browser, base: str, role: str, path: str, name: str, viewport: dict, act=None) -> Path:
    """Open ``path`` as ``role``, run ``act(page)`` if given, and save a full-page screenshot."""
    context = browser.new_context(viewport=viewport, locale="da-DK", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, role)
    page.goto(base + path)
    if act:
        act(page)
    target = OUT / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    context.close()
    return target


def take(base: str, browser) -> list[Path]:
    """Share a referral, let the club answer, and photograph each step."""
    from matcher.clock import local_today

    referral = share_a_referral(base, ["ar", "da"])
    out = [shot(browser, base, "club_rep", "/min-forening", "loop-min-forening-mobil", PHONE),
           shot(browser, base, "club_rep", f"/min-forening/henvisning/{referral}", "loop-svar-mobil", PHONE)]

    def answer(page):
        page.get_by_label("Første gang (ved Velkommen)").fill(local_today().isoformat())
        page.get_by_label("Hvem tager imod barnet (ved Velkommen)").fill("Træner Mette ved indgangen")
        page.get_by_label("Besked til kontaktpersonen").fill("Tag indendørssko og en vandflaske med.")
        page.get_by_role("button", name="Send svar").click()
        page.get_by_role("button", name="Kom", exact=True).click()

    out.append(shot(browser, base, "club_rep", f"/min-forening/henvisning/{referral}", "loop-fremmoede-mobil", PHONE,
                    answer))
    out.append(shot(browser, base, "contact_person", f"/henvisning/{referral}", "loop-henvisning", DESKTOP))
    out.append(shot(browser, base, "contact_person", f"/henvisning/{referral}/til-familien", "til-familien-ar",
                    DESKTOP))
    out.append(shot(browser, base, "contact_person", f"/henvisning/{referral}/til-familien?sprog=da",
                    "til-familien-mobil", PHONE))
    out.append(shot(browser, base, "admin", "/admin/post", "admin-post", DESKTOP))
    return out


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
