"""A leader reads the cockpit and drills into the matters behind a figure, in a real browser."""

import re

import pytest

from longcheng.accounts.models import User
from longcheng.cockpit import panels

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e


def test_cockpit_charts_and_drill_down(page):
    sign_in(page, "cg_leader")
    page.goto(page.base + "/cockpit/")
    # The charts are drawn (SVG) from the static script, not left empty.
    for chart in ("chart-status", "chart-monthly", "chart-category", "chart-division"):
        assert page.locator(f"#{chart} svg").count() == 1, chart
    leader = User.objects.get(username="cg_leader")
    period = panels.period_from_request({})
    expected = panels.matters_panel(leader, period)
    assert page.get_by_test_id("kpi-total").inner_text() == str(expected.total)

    # Drill into the biggest status: the list holds exactly that many matters.
    biggest = max(expected.by_status, key=lambda s: s.count)
    page.get_by_test_id("by-status").get_by_role("link", name=str(biggest.count)).first.click()
    page.wait_for_load_state()
    assert biggest.label in page.locator("h1").inner_text()
    assert re.search(rf"共\s*{biggest.count}\s*条", page.locator("#result-count").inner_text())

    # Back, then a league figure: the unit's dispatched matters.
    page.go_back()
    row = page.get_by_test_id("league").locator("tbody tr").first
    unit = row.locator("td").nth(1).inner_text()
    row.locator("td").nth(2).get_by_role("link").click()
    page.wait_for_load_state()
    assert unit in page.locator("h1").inner_text() and "派单" in page.locator("h1").inner_text()
    assert page.locator("table tbody tr").count() >= 1

    # The large-screen mode is the same panels on a dark page.
    page.goto(page.base + "/cockpit/?screen=1")
    assert page.locator("body.cockpit-screen #chart-status svg").count() == 1


PANELS_FIT = """() => [...document.querySelectorAll('.panel')]
  .filter((p) => p.scrollHeight > p.clientHeight + 1
    || p.getBoundingClientRect().bottom > innerHeight)
  .map((p) => p.querySelector('h2').innerText)"""


def test_cockpit_on_a_phone_and_on_the_meeting_room_screen(browser, live_server, demo):
    with device_page(browser, live_server, "phone", service_workers="block") as page:
        sign_in(page, "dispatcher")
        page.goto(page.base + "/cockpit/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # The panels stack: the monthly chart sits below the status ring, as wide as it.
        status = page.locator("#chart-status").bounding_box()
        monthly = page.locator("#chart-monthly").bounding_box()
        assert monthly["y"] > status["y"] + status["height"] and monthly["width"] > 300
        # The league is a card per unit (its rank and name, then label-and-value lines).
        first = page.get_by_test_id("league").locator("tbody tr").first
        assert re.match(r"(\d+|—) · \S", first.locator("td.card-title").inner_text())
        assert (
            first.locator("td").nth(2).bounding_box()["y"]
            > first.locator("td.card-title").bounding_box()["y"]
        )
        # Turned sideways, the charts take their boxes' new width.
        width = "Number(document.querySelector('#chart-monthly svg').getAttribute('width'))"
        upright = page.evaluate(width)
        page.set_viewport_size({"width": 844, "height": 390})
        box = "document.querySelector('#chart-monthly').clientWidth"
        for _ in range(20):  # the page's CSP refuses wait_for_function's eval: poll
            if page.evaluate(width) == page.evaluate(box):
                break
            page.wait_for_timeout(100)
        assert page.evaluate(width) == page.evaluate(box) > upright + 200
        assert page.evaluate("document.documentElement.scrollWidth") <= 844

    with device_page(
        browser, live_server, "desk", viewport={"width": 1920, "height": 1080}
    ) as page:
        sign_in(page, "dispatcher")
        page.goto(page.base + "/cockpit/")
        with page.expect_popup() as popup:
            page.get_by_role("link", name="大屏模式").click()
        screen = popup.value
        screen.wait_for_selector("#chart-funnel-0 svg")
        size = screen.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight,"
            " innerWidth, innerHeight]"
        )
        assert size[0] <= size[2] and size[1] <= size[3], size
        # Every panel on the one screen, none cut off.
        assert screen.locator(".panel").count() == 10
        assert screen.evaluate(PANELS_FIT) == []
        for chart in ("status", "monthly", "category", "division", "inspections", "fines"):
            assert screen.locator(f"#chart-{chart} svg").count() == 1, chart
        assert (
            screen.get_by_test_id("kpi-total").inner_text()
            == page.get_by_test_id("kpi-total").inner_text()
        )
        assert re.search(r"\d{1,2}:\d{2}:\d{2}", screen.get_by_test_id("screen-clock").inner_text())
        shot(screen, "cockpit-screen.png")
