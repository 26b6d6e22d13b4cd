"""A leader reads the cockpit and drills into the matters behind a figure, in a real browser."""

import re

import pytest

from longcheng.accounts.models import User
from longcheng.cockpit import panels

from .conftest import sign_in

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
