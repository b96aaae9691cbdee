"""Browser fixtures: Debian's Chromium driven by Playwright against a live server on a seeded database."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, context_size, live_server, seeded_database

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright against a live server")


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the Python package 'playwright' is not installed (.venv/bin/pip install playwright)"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    """Launch headless Chromium once; skip (fail under CI=true) when it or Playwright is missing."""
    reason = _missing()
    if reason:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: browser tests must run)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def base_url(browser, tmp_path_factory):
    """Serve the app over a freshly seeded SQLite database for the whole session."""
    with live_server(seeded_database(tmp_path_factory.mktemp("browser"))) as url:
        yield url


@pytest.fixture
def page(browser):
    """Return a desktop-sized page in a fresh context (no cookies)."""
    context = browser.new_context(locale="da-DK", bypass_csp=True, **context_size(phone=False))
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def _sessions(browser, base_url):
    """Log each role in once through the form; later pages reuse its cookies."""
    from tests.browser.live import log_in

    states: dict[str, dict] = {}

    def state(role: str) -> dict:
        if role not in states:
            context = browser.new_context()
            log_in(context.new_page(), base_url, role)
            states[role] = context.storage_state()
            context.close()
        return states[role]
    return state


@pytest.fixture
def as_role(browser, _sessions):
    """Return a function opening a page already logged in as ``role`` (``phone=True`` for 390×844)."""
    contexts = []

    def open_page(role: str, phone: bool = False):
        context = browser.new_context(storage_state=_sessions(role), locale="da-DK", bypass_csp=True,
                                      **context_size(phone))
        contexts.append(context)
        return context.new_page()
    yield open_page
    for context in contexts:
        context.close()
