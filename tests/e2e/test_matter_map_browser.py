"""The matters map and the cockpit's district map in a real browser: a dispatcher opens the map
from the inbox, filters it to overdue matters and sees the clusters change, opens a matter
from the map; the map on a phone; the cockpit's districts coloured and drilled into."""

import re

import pytest

from longcheng.accounts.models import User
from longcheng.loop.map_selectors import MapFilters, map_queryset

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e

MARKS = ".matter-map-cluster, .matter-map-point"


def _drawn(page, previous: str | None = None) -> str:
    """Wait until the map has drawn an answer (a different one than `previous`)."""
    for _ in range(100):  # the page's CSP refuses wait_for_function's eval: poll
        text = page.get_by_test_id("map-count").inner_text()
        busy = page.locator("#matter-map[aria-busy]").count()
        if "件" in text and text != previous and not busy:
            return text
        page.wait_for_timeout(100)
    raise AssertionError(f"the map did not redraw: {previous!r}")


def _in_view(text: str) -> int:
    return int(re.search(r"视野内 (\d+) 件", text).group(1))


def test_a_dispatcher_filters_the_map_and_opens_a_matter(page, monkeypatch):
    # The test demo is small: group from a handful of matters on, as a city's thousands would.
    monkeypatch.setattr("longcheng.loop.map_selectors.POINTS_BELOW", 3)
    sign_in(page, "dispatcher")
    page.goto(page.base + "/loop/?box=all")
    page.get_by_test_id("inbox-map").click()
    page.wait_for_load_state()
    assert "/loop/map/" in page.url
    everything = _drawn(page)
    dispatcher = User.objects.get(username="dispatcher")
    expected = map_queryset(dispatcher, MapFilters(scope="all")).exclude(latitude=None).count()
    assert _in_view(everything) == expected > 3
    assert page.locator(".matter-map-cluster").count() >= 1
    clusters = page.locator(".matter-map-cluster").all_inner_texts()
    assert sum(int(t) for t in clusters) + page.locator(".matter-map-point").count() == expected

    # Overdue only: fewer matters, every single one marked late.
    late = map_queryset(dispatcher, MapFilters(scope="all", overdue=True)).exclude(latitude=None)
    page.get_by_test_id("map-overdue").click()
    overdue = _drawn(page, everything)
    assert _in_view(overdue) == late.count() < expected
    assert "overdue=on" in page.url  # the address keeps the filters
    for point in page.locator(".matter-map-point").all():
        assert "matter-map-point-late" in point.get_attribute("class")
    shot(page, "matter-map-desk.png")

    # Back to everything; click into clusters until a matter shows, then open it.
    page.get_by_test_id("map-overdue").click()
    _drawn(page, overdue)
    for _ in range(6):
        if page.locator(".matter-map-point").count():
            break
        page.locator(".matter-map-cluster").first.click(force=True)
        page.wait_for_timeout(500)  # the zoom, then the map asks again
        _drawn(page, None)
    point = page.locator(".matter-map-point").first
    number = point.get_attribute("title").split(" ")[0]
    with page.expect_navigation():
        point.click(force=True)
    assert re.search(r"/loop/matters/\d+/$", page.url)
    assert number in page.content()


def test_the_map_on_a_phone(browser, live_server, demo):
    with device_page(browser, live_server, "phone", service_workers="block") as page:
        sign_in(page, "dispatcher")
        page.goto(page.base + "/loop/map/")
        _drawn(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.get_by_test_id("matter-map").bounding_box()
        assert box["width"] >= 340  # the map takes the screen's width
        # The inbox's filters wait behind 筛选; 只看超期 stays at hand.
        assert not page.locator("select[name=status]").is_visible()
        assert page.get_by_test_id("map-overdue").is_visible()
        page.get_by_test_id("filters-toggle").click()
        page.locator("select[name=status]").wait_for(state="visible")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "matter-map-phone.png")


def test_the_cockpit_colours_the_districts_and_drills_into_one(page):
    sign_in(page, "dispatcher")
    page.goto(page.base + "/cockpit/")
    chart = page.get_by_test_id("district-map")
    for _ in range(100):
        if chart.get_attribute("data-ready") == "1":
            break
        page.wait_for_timeout(100)
    assert chart.locator("svg path").count() >= 10  # ten districts drawn
    page.get_by_test_id("district-metric").get_by_role("button", name="超期率").click()
    assert chart.get_attribute("data-metric") == "overdue_rate"
    shot(page, "cockpit-district-map.png")
    label = chart.locator("svg text", has_text="小店区").first
    box = label.bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert "division=" in page.url
    assert "小店区" in page.locator("h1").inner_text()  # the cockpit filtered to the district
    assert page.locator("select#division option:checked").inner_text() == "小店区"


def test_the_wall_screen_keeps_every_panel_in_view(browser, live_server, demo):
    with device_page(
        browser, live_server, "desk", viewport={"width": 1920, "height": 1080}
    ) as page:
        sign_in(page, "dispatcher")
        page.goto(page.base + "/cockpit/?screen=1")
        page.locator("#chart-districts svg path").first.wait_for()
        size = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight,"
            " innerWidth, innerHeight]"
        )
        assert size[0] <= size[2] and size[1] <= size[3], size
        assert page.locator("#chart-division svg").count() == 1
        shot(page, "cockpit-screen-districts.png")
