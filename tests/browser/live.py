"""A live server on 127.0.0.1 over a freshly seeded SQLite database, for browser tests and screenshots."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matcher.accounts import totp
from matcher.accounts.models import User
from matcher.db import make_engine
from matcher.migrate import upgrade
from matcher.seeding import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed
from tests.servers import live_app, serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VENDOR = Path(__file__).resolve().parent / "vendor"
_ENGINES = {}  # base URL → the live app's engine
LOGINS = {"admin": "admin@demo.matcher.dk", "key_staff": "noegle@demo.matcher.dk",
          "contact_person": "kontakt@demo.matcher.dk", "club_rep": "forening@demo.matcher.dk"}


def seeded_database(folder: Path) -> str:
    """Migrate and seed a SQLite database in ``folder``; return its URL."""
    url = f"sqlite:///{folder / 'browser.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed(session, log=lambda _msg: None)
        session.commit()
        # Give the key staff member a name the district page can show.
        assert session.scalars(select(User).where(User.email == LOGINS["key_staff"])).one()
    engine.dispose()
    return url


@contextlib.contextmanager
def live_server(url: str, **settings) -> Iterator[str]:
    """Serve the app on a free port of 127.0.0.1 in a thread (``settings`` override Settings fields); yield its URL."""
    # The tests log in dozens of times a minute from one address: no login rate limit here.
    app = live_app(url, "browser-tests", rate_limit_login=0, **settings)
    with serving(app) as base:
        _ENGINES[base] = app.extensions["matcher.engine"]
        try:
            yield base
        finally:
            _ENGINES.pop(base, None)


def context_size(phone: bool) -> dict:
    """Return the browser-context options of a 390×844 touch phone or a 1280×900 desktop."""
    if phone:
        return {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    return {"viewport": {"width": 1280, "height": 900}}


def log_in(page, base: str, role: str) -> None:
    """Log ``page`` in as the demo user of ``role`` through the login form and, for staff, the one-time code."""
    page.goto(f"{base}/login")
    page.get_by_label("E-mail").fill(LOGINS[role])
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
    if page.url.endswith("/login/engangskode"):
        # The tests log one user in many times within a 30-second step; the app refuses a code twice.
        with _ENGINES[base].begin() as conn:
            conn.execute(update(User).where(User.email == LOGINS[role]).values(totp_last_step=None))
        page.get_by_label("Engangskode").fill(totp.code_at(DEMO_TOTP_SECRET, totp.current_step()))
        page.get_by_role("button", name="Bekræft").click()
        page.wait_for_load_state()


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A/AA) on the page; return serious and critical violations.

    The app's strict CSP forbids injected scripts: open the page in a context with ``bypass_csp=True``.
    """
    page.add_script_tag(path=str(VENDOR / "axe.min.js"))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"][:5]]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def fill_new_offer(page, title: str) -> None:
    """Fill Min forening's "Nyt tilbud" form: a free girls' basketball team, 12-16, Tuesdays 17:00-18:30."""
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Alder fra (år)").fill("12")
    page.get_by_label("Alder til (år)").fill("16")
    page.get_by_label("Hvem kan være med").select_option("girls")
    page.get_by_label("Pris pr. måned (kr.)").fill("0")
    page.get_by_text("Sport", exact=True).click()
    page.get_by_label("Basketball").check()
    page.locator("#s0-tue").check()
    page.locator("#s0-opens").fill("17:00")
    page.locator("#s0-closes").fill("18:30")
