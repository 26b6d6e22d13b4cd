"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import contextlib
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


# The demo's rows, taken once per test process after the first seeding (seed_demo takes about
# ten seconds; putting its rows back takes well under one). Keyed by database vendor.
_DEMO_ROWS: dict[str, dict[str, object]] = {}


# Tables the database's triggers derive from others (the map's cell tally, ADR 0025): emptied
# and counted again by the triggers as the matters go back, never copied (a copy would count
# every matter twice).
DERIVED = {"loop_mapcelltally"}


def _tables(connection) -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _take_rows(connection) -> dict[str, object]:
    rows: dict[str, object] = {}
    with connection.cursor() as cursor:
        for table in _tables(connection):
            if table in DERIVED:
                continue
            name = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                # COPY's text form carries every type (json, arrays, intervals) exactly.
                with cursor.cursor.copy(
                    f"COPY (SELECT * FROM {name} ORDER BY 1) TO STDOUT"
                ) as copy:
                    rows[table] = b"".join(bytes(block) for block in copy)
            else:
                # SQLite: a copy table in the same (test) file keeps the stored values as they
                # are, without a round trip through Python's converters.
                copy_name = connection.ops.quote_name(f"_demo_{table}")
                cursor.execute(f"DROP TABLE IF EXISTS {copy_name}")
                cursor.execute(f"CREATE TABLE {copy_name} AS SELECT * FROM {name}")
                rows[table] = copy_name
    return rows


def _put_rows_back(connection, rows: dict[str, object]) -> None:
    """Every table as the demo left it: the flush of the previous test, and the content types
    and permissions it re-created, are replaced by the demo's own rows (foreign keys are
    checked at the commit, when all tables are whole again)."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        names = [connection.ops.quote_name(t) for t in sorted(DERIVED) + list(rows)]
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(names)}")
        else:
            for name in names:
                cursor.execute(f"DELETE FROM {name}")
        for table, content in rows.items():
            name = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {name} FROM STDIN") as copy:
                    copy.write(content)
            else:
                cursor.execute(f"INSERT INTO {name} SELECT * FROM {content}")


@pytest.fixture
def demo(transactional_db):
    """The Taiyuan demo as `make demo` loads it: seeded by the first browser test of a process,
    put back from its rows for every later one."""
    from django.db import connection

    if connection.vendor not in _DEMO_ROWS:
        call_command("seed_demo", stdout=io.StringIO())
        _DEMO_ROWS[connection.vendor] = _take_rows(connection)
    else:
        _put_rows_back(connection, _DEMO_ROWS[connection.vendor])


# The screens each user has: a clerk's desk, an inspector's or a citizen's phone, a judge's
# tablet.
DEVICES = {
    "desk": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "tablet": {"viewport": {"width": 820, "height": 1180}, "is_mobile": True, "has_touch": True},
}


@contextlib.contextmanager
def device_page(browser, live_server, device: str, **options):
    """A page in a fresh browser context of the given device (Chinese, no animations), its
    `base` the live server; confirmation dialogs are accepted as a user clicks OK."""
    context = browser.new_context(
        **{"locale": "zh-CN", "reduced_motion": "reduce", **DEVICES[device], **options}
    )
    page = context.new_page()
    page.base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser, live_server, demo):
    with device_page(browser, live_server, "desk") as page:
        yield page


@pytest.fixture
def desk(page):
    return page


@pytest.fixture
def phone(browser, live_server, demo):
    with device_page(browser, live_server, "phone") as page:
        yield page


@pytest.fixture
def tablet(browser, live_server, demo):
    with device_page(browser, live_server, "tablet") as page:
        yield page


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
