"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DEMO_PASSWORD = "Longcheng#2023"


# Every page of every browser test runs under the Content-Security-Policy; what it refuses
# (an inline script or handler, a foreign image) fails the test that met it.
CSP_VIOLATIONS: list[str] = []


class _WatchedBrowser:
    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, *args, **kwargs):
        context = self._browser.new_context(*args, **kwargs)

        def watch(page):
            page.on(
                "console",
                lambda message: (
                    CSP_VIOLATIONS.append(f"{page.url}: {message.text}")
                    if "Content Security Policy" in message.text
                    else None
                ),
            )

        context.on("page", watch)
        return context


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `make chromium` installs Debian's package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield _WatchedBrowser(browser)
        browser.close()


@pytest.fixture(autouse=True)
def no_csp_violations():
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, "refused by the Content-Security-Policy:\n" + "\n".join(
        CSP_VIOLATIONS
    )


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def page(browser, live_server, demo):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", reduced_motion="reduce"
    )
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


def current_code(username) -> str:
    """What the account's authenticator app shows now (the key is in the test database)."""
    from longcheng.accounts.models import User
    from longcheng.accounts.second_factor import demo_code

    return demo_code(User.objects.get(username=username))


def sign_in(page, username):
    """Password, then the TOTP code, as a clerk signs in."""
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.fill("#id_code", current_code(username))
    with page.expect_navigation():
        page.click("button[type=submit]")


def shot(page, name: str, *, full_page: bool = False) -> None:
    """A screenshot for people to look at. Tests write no tracked file: the pictures go to
    LONGCHENG_SCREENSHOT_DIR when set (to refresh docs/screenshots/ deliberately:
    `LONGCHENG_SCREENSHOT_DIR=docs/screenshots pytest tests/e2e`), else to a temporary folder."""
    folder = Path(os.environ.get("LONGCHENG_SCREENSHOT_DIR") or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=full_page)
