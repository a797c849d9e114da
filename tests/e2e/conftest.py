"""Chromium through Playwright for the browser tests, with axe-core (tests/e2e/axe.py).

Playwright drives Debian's Chromium (`/usr/bin/chromium`, or CHROMIUM_PATH); `playwright
install` cannot download browsers here. Without Playwright or a browser the tests that use these
fixtures skip themselves with the reason.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium(monkeypatch):
    """A headless Chromium; open pages with `axe_context(chromium)` to run axe-core in them."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is not installed"
    )
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(
            f"No Chromium at {CHROMIUM}: install Debian's chromium package to run browser tests"
        )
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def axe_context(browser):
    """A browser context in which axe-core can be injected: the page's CSP is bypassed in this
    test context only (the server still sends it)."""
    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(15_000)
    return context
