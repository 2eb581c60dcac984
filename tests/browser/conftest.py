"""Fixtures for the browser tests: the machine's Chromium driven by Playwright's sync API.

Each test gets `browsing`, which opens contexts and pages on the live server and
collects every console error, uncaught page error and Content-Security-Policy
violation; a test that produced any of them fails.
"""

import os
import re
from pathlib import Path

import pytest

from conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread beside the ORM calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "browser"
TIMEOUT_MS = 10_000  # generous: CI runs on 2 shared cores

# Chromium reports CSP violations as console errors; this makes sure of it even
# for violations it would only count (e.g. report-only), and names the directive.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


def browser_required() -> bool:
    """CI sets CLIENTELA_REQUIRE_BROWSER=1 so that a missing Chromium fails instead of skipping."""
    return os.environ.get("CLIENTELA_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: install Chromium to run the browser tests"
        if browser_required():
            pytest.fail(message + " (CLIENTELA_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Browsing:
    """Opens contexts and pages, and records what went wrong in them."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.problems: list[str] = []
        # base.html links no icon, so Chromium's own request for /favicon.ico gets a 404.
        self.allowed: list[re.Pattern] = [re.compile(r"status of 404 .*/favicon\.ico\)$")]
        self.contexts = []

    def allow(self, pattern: str) -> None:
        """Accept console errors matching `pattern` (e.g. the 404 of a page opened on purpose)."""
        self.allowed.append(re.compile(pattern))

    def new_context(self, *, locale="en-US", width=1280, height=860, **options):
        """A context on the live server; `options` go to Playwright (e.g. bypass_csp)."""
        context = self.browser.new_context(
            base_url=self.base_url,
            locale=locale,
            viewport={"width": width, "height": height},
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_LISTENER)
        context.on("page", self._watch)
        self.contexts.append(context)
        return context

    def new_page(self, **context_options):
        return self.new_context(**context_options).new_page()

    def _watch(self, page):
        def on_console(message):
            if message.type == "error":
                text = f"{message.text} ({message.location.get('url', '')})"
                if not any(pattern.search(text) for pattern in self.allowed):
                    self.problems.append(f"console error on {page.url}: {text}")

        page.on("console", on_console)
        page.on(
            "pageerror", lambda error: self.problems.append(f"page error on {page.url}: {error}")
        )

    def login(self, page, username, password=PASSWORD):
        """Log in through the login form and wait until the app has let us in."""
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    def page_as(self, user, **context_options):
        """A page already logged in as `user` (through a session cookie, not the form)."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        context = self.new_context(**context_options)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.base_url, "httpOnly": True}]
        )
        return context.new_page()

    def screenshot(self, page, name: str) -> Path:
        """A full-page screenshot in test-results/browser/ for humans to look at."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "the browser reported errors:\n" + "\n".join(problems)

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts = []


@pytest.fixture
def browsing(browser, live_server, transactional_db):
    session = Browsing(browser, live_server.url)
    yield session
    session.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a test passed, fail it if its pages logged errors (a failure in the test itself)."""
    result = yield
    session = item.funcargs.get("browsing")
    if isinstance(session, Browsing):
        session.assert_clean()
    return result
