"""Accessibility in a real browser: axe-core (npm, read from frontend/node_modules, never a
CDN) checks the main staff pages at the desk and the citizens' pages on a phone; any violation
of impact "serious" or "critical" (a control without a name, text too pale to read, a broken
landmark …) fails the test and is printed. The keyboard reaches the skip link first."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from longcheng.appeals.models import MonitoringPoint
from longcheng.appeals.tokens import point_token

from .conftest import device_page, sign_in

pytestmark = pytest.mark.e2e

AXE = Path(settings.BASE_DIR, "frontend", "node_modules", "axe-core", "axe.min.js")

# Evaluated through the browser's debugging protocol: the page's Content-Security-Policy
# (scripts from this site only) refuses an inline <script>, not this.
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\\n      ` + v.nodes.slice(0, 4)
      .map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n')[1])
      .join('\\n      '));
}"""

# (user, pages): the main pages of each kind of work; {matter} is the first row of the inbox.
STAFF_PAGES = [
    (
        "dispatcher",
        [
            "/",
            "/todo/",
            "/loop/",
            "{matter}",
            "/loop/notifications/",
            "/loop/metrics/",
            "/routing/hotspots/",
            "/appeals/",
            "/inspections/",
            "/enforcement/",
            "/projects/",
            "/volunteers/",
            "/funds/",
            "/privacy/",
            "/parties/enterprises/",
            "/org/staff/",
            "/imports/",
            "/cockpit/",
            "/cockpit/?screen=1",
        ],
    ),
    ("cg_clerk1", ["/todo/", "/enforcement/new/"]),
    ("supervisor01", ["/appeals/mine/"]),
    ("auditor", ["/audit/"]),
]


def _check(page, label: str, found: list[str]) -> None:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    for violation in page.evaluate(RUN_AXE):
        found.append(f"{label}: {violation}")


def test_main_pages_have_no_serious_accessibility_violations(browser, live_server, demo):
    found: list[str] = []
    with device_page(browser, live_server, "desk", service_workers="block") as page:
        page.goto(page.base + "/accounts/login/")
        _check(page, "/accounts/login/", found)
        for user, paths in STAFF_PAGES:
            page.context.clear_cookies()
            sign_in(page, user)
            for path in paths:
                if path == "{matter}":
                    page.goto(page.base + "/loop/?box=all")
                    path = page.locator("table.table-cards tbody a").first.get_attribute("href")
                page.goto(page.base + path)
                _check(page, f"{user} {path}", found)

    with device_page(browser, live_server, "phone") as page:
        point = MonitoringPoint.objects.get(code="xd-hall")
        page.goto(f"{page.base}/a/p/{point_token(point)}/")
        _check(page, "/a/p/… (a monitoring point's form)", found)
        page.goto(f"{page.base}/a/")
        _check(page, "/a/", found)
        page.fill("#id_description", "窗口说系统故障，让下周再来，已经第三次了。")
        page.fill("#id_reporter_phone", "13700004321")
        page.check("#id_consent")
        with page.expect_navigation():
            page.click("#submit-appeal")
        code = page.get_by_test_id("tracking-code").inner_text()
        _check(page, "/a/done/…", found)
        page.goto(page.base + "/a/track/")
        _check(page, "/a/track/", found)
        page.fill("#id_code", code)
        page.fill("#id_phone_last4", "4321")
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert re.search(code, page.content(), re.IGNORECASE)
        _check(page, "/a/t/… (tracking)", found)

    print("\n".join(found))
    assert not found, f"{len(found)} serious or critical violations:\n" + "\n".join(found)


def test_the_keyboard_reaches_the_skip_link_first(browser, live_server, demo):
    for device, path, user in (("desk", "/loop/", "dispatcher"), ("phone", "/a/", None)):
        with device_page(browser, live_server, device) as page:
            if user:
                sign_in(page, user)
            page.goto(page.base + path)
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.innerText")
            assert focused == "跳到主要内容", (device, focused)
            assert page.evaluate("document.activeElement.getBoundingClientRect().width") > 0
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "main"
            # The next Tab goes into the page's own content, not back to the header.
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.closest('main') !== null"), device
