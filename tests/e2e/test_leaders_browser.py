"""The leaders' analysis pages in a real browser: the metrics table sorted by a column, a hot
spot's matters, a routing model's confusion matrix, last month's bulletin; and the metrics
page on a phone."""

import datetime
import re

import pytest
from django.utils import timezone

from longcheng.accounts.models import User
from longcheng.loop import services
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.models import Category
from longcheng.loop.workflow import Channel, Kind, Urgency
from longcheng.routing.hotspots import hotspots_compute
from longcheng.routing.models import HotSpotReport

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def _four_calls_about_one_thing() -> None:
    dispatcher = User.objects.get(username="dispatcher")
    category = Category.objects.get(code="urban-noise")
    for street in ("坞城路", "坞城路", "坞城南路", "坞城路口"):
        services.matter_receive(
            MatterDraft(
                title=f"{street}富力壹品工地夜间施工噪音扰民",
                description="晚上十一点以后还在打桩，噪音很大，影响休息。",
                channel=Channel.HOTLINE,
                kind=Kind.COMPLAINT,
                urgency=Urgency.NORMAL,
                category=category,
            ),
            actor=dispatcher,
        )


def _first_unit(page) -> str:
    return page.get_by_test_id("unit").first.inner_text()


def test_a_leader_sorts_the_metrics_and_opens_a_hot_spots_matters(desk):
    page = desk
    sign_in(page, "dispatcher")  # the dispatch centre's leader reads the whole city
    # Three months, so every unit with work in the demo is listed.
    page.goto(page.base + "/loop/metrics/")
    start = timezone.localdate() - datetime.timedelta(days=90)
    page.fill("input[name=start]", start.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    table = page.get_by_test_id("metrics")
    assert table.locator("tbody tr").count() >= 2
    # Each unit's trend is drawn, with its months' figures in words.
    assert "近6月满意率" in table.locator("thead").inner_text()
    assert table.locator("svg.sparkline").count() >= 1
    trend = table.get_by_test_id("trend").first.get_attribute("title")
    assert re.search(r"近6月满意率：\d{4}-\d\d ", trend)

    # Sort by 派单: the busiest unit first; again: the quietest first.
    with page.expect_navigation():
        page.get_by_test_id("sort-dispatched").click()
    busiest = _first_unit(page)
    dispatched = [int(t) for t in table.locator("tbody tr td:nth-child(4)").all_inner_texts()]
    assert dispatched == sorted(dispatched, reverse=True)
    assert table.locator("th[aria-sort=descending]").inner_text().startswith("派单")
    shot(page, "leaders-metrics-desk.png", full_page=True)
    with page.expect_navigation():
        page.get_by_test_id("sort-dispatched").click()
    assert _first_unit(page) != busiest
    dispatched = [int(t) for t in table.locator("tbody tr td:nth-child(4)").all_inner_texts()]
    assert dispatched == sorted(dispatched)

    # Hot spots: the biggest opens the matters behind it, as many as it counts. The week's
    # report is computed over four calls about one thing (the small test demo may have none).
    _four_calls_about_one_thing()
    hotspots_compute(start=timezone.now() - datetime.timedelta(days=7), end=timezone.now())
    page.goto(page.base + "/routing/hotspots/")
    spot = page.get_by_test_id("hotspot").first
    count = int(re.search(r"(\d+) 人次", spot.inner_text()).group(1))
    assert spot.get_by_test_id("change").count() == 1  # week-on-week, with its arrow
    shot(page, "leaders-hotspots-desk.png", full_page=True)
    with page.expect_navigation():
        spot.get_by_test_id("hotspot-matters").click()
    assert "热点诉求 · " in page.locator("h1").inner_text()
    assert re.search(rf"共\s*{count}\s*条", page.locator("#result-count").inner_text())
    report = HotSpotReport.objects.first()
    numbers = set(report.clusters[0]["numbers"])
    shown = set(page.locator("#list-table tbody tr td:first-child").all_inner_texts())
    assert shown == numbers
    shot(page, "leaders-hotspot-matters-desk.png", full_page=True)

    # Last month's bulletin is there, and its PDF opens.
    page.goto(page.base + "/cockpit/bulletins/")
    row = page.get_by_test_id("bulletin").first
    assert "月度通报" in row.inner_text() and "平台自动" in row.inner_text()
    with page.expect_download() as download:
        row.get_by_test_id("bulletin-pdf").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_the_administrator_opens_a_models_confusion_matrix(desk):
    page = desk
    sign_in(page, "sysadmin")
    page.goto(page.base + "/routing/models/")
    figures = page.locator("details[data-testid^=figures-v]").first
    matrix = figures.locator("[data-testid^=matrix-v]")
    assert not matrix.is_visible()
    figures.locator("summary").click()
    assert matrix.is_visible()
    rows = matrix.get_by_test_id("matrix-row")
    supports = [int(s) for s in figures.get_by_test_id("support").all_inner_texts()]
    assert rows.count() == len(supports) >= 2
    # Each row's counts add up to the category's support.
    for index in range(rows.count()):
        cells = [int(c) for c in rows.nth(index).get_by_test_id("cell").all_inner_texts()]
        assert sum(cells) == supports[index]
    # The names are the categories', not their codes.
    assert re.search(r"^1\. \D", rows.first.locator("th").inner_text())
    shot(page, "leaders-models-desk.png", full_page=True)


def test_the_metrics_page_fits_a_phone(phone):
    page = phone
    sign_in(page, "cg_leader")
    for path in ("/loop/metrics/", "/routing/hotspots/", "/cockpit/bulletins/"):
        page.goto(page.base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(page.base + "/loop/metrics/")
    # Cards: the unit's name heads each, the figures are labelled lines; the sort is a menu.
    card = page.get_by_test_id("metrics-row").first
    assert card.locator("td").first.is_visible()
    satisfaction = card.locator("td[data-label=满意率]")
    assert satisfaction.is_visible() and satisfaction.bounding_box()["width"] <= 390
    page.get_by_test_id("sort").select_option("-dispatched")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    assert "sort=-dispatched" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "leaders-metrics-phone.png", full_page=True)
