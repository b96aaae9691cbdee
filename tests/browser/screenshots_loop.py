"""Screenshots of the referral loop into docs/screenshots (run: .venv/bin/python -m tests.browser.screenshots_loop)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.browser.screenshots import DESKTOP, OUT, PHONE, run, shot
from tests.browser.test_club_loop import share_a_referral


def take(base: str, browser, only: set[str] | None = None, out: Path = OUT) -> list[Path]:
    """Share a referral, let the club answer, and photograph each step into ``out`` (``only``: those names)."""
    from matcher.clock import local_today

    referral = share_a_referral(base, ["ar", "da"])

    def answer(page):
        page.get_by_label("Første gang (ved Velkommen)").fill(local_today().isoformat())
        page.get_by_label("Hvem tager imod barnet (ved Velkommen)").fill("Træner Mette ved indgangen")
        page.get_by_label("Besked til kontaktpersonen").fill("Tag indendørssko og en vandflaske med.")
        page.get_by_role("button", name="Send svar").click()
        page.get_by_role("button", name="Kom", exact=True).click()

    shots = [  # (file name, role, path, viewport, act): in this order, the answer comes before the pages showing it
        ("loop-min-forening-mobil", "club_rep", "/min-forening", PHONE, None),
        ("loop-svar-mobil", "club_rep", f"/min-forening/henvisning/{referral}", PHONE, None),
        ("loop-fremmoede-mobil", "club_rep", f"/min-forening/henvisning/{referral}", PHONE, answer),
        ("loop-henvisning", "contact_person", f"/henvisning/{referral}", DESKTOP, None),
        ("til-familien-ar", "contact_person", f"/henvisning/{referral}/til-familien", DESKTOP, None),
        ("til-familien-mobil", "contact_person", f"/henvisning/{referral}/til-familien?sprog=da", PHONE, None),
        ("admin-post", "admin", "/admin/post", DESKTOP, None),
    ]
    return [shot(browser, base, name, viewport, role, path, act, out=out)
            for name, role, path, viewport, act in shots
            if not only or name in only]


def main() -> int:
    """Seed a database, serve it and take the referral-loop screenshots (named ones, or all)."""
    return run(take, sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
