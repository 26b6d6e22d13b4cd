"""The field maps in a real browser, at the desk and on a phone: the health campaign's
hospitals coloured by their latest result, the construction sites with their cases and
findings, and the night patrol's route through its findings."""

import pytest

from longcheng.accounts.models import User
from longcheng.enforcement.models import Patrol
from longcheng.enforcement.selectors import sites_map

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e

# Markers and lines the page's Leaflet map holds (drawn on a canvas, so counted through it).
LAYERS = """(id) => {
  const map = document.getElementById(id).leafletMap;
  const out = {markers: 0, numbers: [], lines: []};
  map.eachLayer((layer) => {
    if (layer instanceof L.CircleMarker) {
      out.markers += 1;
      const tip = layer.getTooltip();
      if (tip && tip.options.permanent) out.numbers.push(tip.getContent());
    } else if (layer instanceof L.Polyline && !(layer instanceof L.Polygon)) {
      out.lines.push(layer.getLatLngs().length);
    }
  });
  out.numbers.sort();
  return out;
}"""

# Where a marker of the given name is drawn, in page pixels.
MARKER_AT = """([id, name]) => {
  const element = document.getElementById(id);
  const map = element.leafletMap;
  let found = null;
  map.eachLayer((layer) => {
    if (layer instanceof L.CircleMarker && layer.getTooltip()) {
      const popup = layer.getPopup();
      const text = popup ? popup.getContent().textContent : "";
      if (text.includes(name)) found = layer;
    }
  });
  const p = map.latLngToContainerPoint(found.getLatLng());
  const box = element.getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
}"""


def wait_for_map(page, element_id):
    for _ in range(100):  # the page's CSP refuses wait_for_function's eval: poll
        drawn = "(id) => Boolean(document.getElementById(id)?.leafletMap)"
        if page.evaluate(drawn, element_id):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError(f"no map drawn in #{element_id}")
    # The district boundaries and their names are drawn: the map is not a grey box.
    page.locator(f"#{element_id} .lc-map-label", has_text="小店区").wait_for()


def click_marker(page, element_id, name):
    """Click a marker as a user would, once the map has stopped moving (it fits its bounds
    with an animation) and is in view."""
    page.locator(f"#{element_id}").scroll_into_view_if_needed()
    last = None
    for _ in range(30):
        at = page.evaluate(MARKER_AT, [element_id, name])
        if at == last:
            break
        last = at
        page.wait_for_timeout(200)
    page.mouse.click(*last)


def no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("device", ["desk", "phone"])
def test_the_health_campaigns_hospitals_on_the_map(browser, live_server, demo, device):
    with device_page(browser, live_server, device, service_workers="block") as page:
        sign_in(page, "wj_leader")
        page.goto(page.base + "/inspections/")
        link = page.get_by_test_id("campaign-map-link")
        if not link.is_visible():  # a phone folds the list's toolbar into its menu
            page.goto(page.base + link.get_attribute("href"))
        else:
            link.click()
        wait_for_map(page, "campaign-map")
        assert page.locator("h1").inner_text() == "检查地图"
        # Nine hospitals visited (placed where their inspection photos were taken), three
        # still to visit and so without a point, listed beside the map.
        assert page.evaluate(LAYERS, "campaign-map")["markers"] == 9
        unlocated = page.get_by_test_id("unlocated")
        assert "3 家未标注位置" in unlocated.inner_text()
        legend = page.get_by_test_id("legend").inner_text()
        assert "合格" in legend and "责令整改" in legend and "待检查 3" in legend
        if device == "phone":
            no_sideways_scroll(page, 390)
            page.get_by_test_id("campaign-map").scroll_into_view_if_needed()
            shot(page, "field-maps-inspections-phone.png")
            return
        shot(page, "field-maps-inspections-desk.png")
        click_marker(page, "campaign-map", "山西省人民医院")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "山西省人民医院" in popup.inner_text()
        shot(page, "field-maps-inspections-popup.png")
        popup.get_by_role("link", name="山西省人民医院").click()
        page.wait_for_url("**/inspections/visits/*/")
        assert "山西省人民医院" in page.locator("h1").inner_text()


@pytest.mark.parametrize("device", ["desk", "phone"])
def test_the_night_patrols_route_and_findings(browser, live_server, demo, device):
    patrol = Patrol.objects.get()
    with device_page(browser, live_server, device, service_workers="block") as page:
        sign_in(page, "cg_clerk1")
        page.goto(f"{page.base}/enforcement/patrols/{patrol.pk}/")
        wait_for_map(page, "patrol-map")
        layers = page.evaluate(LAYERS, "patrol-map")
        # Three findings in the order they were found, joined by one line.
        assert layers["numbers"] == ["1", "2", "3"]
        assert layers["lines"] == [3]
        assert "巡查记录不含行进轨迹" in page.get_by_test_id("patrol-route").inner_text()
        if device == "phone":
            no_sideways_scroll(page, 390)
            page.get_by_test_id("patrol-map").scroll_into_view_if_needed()
            shot(page, "field-maps-patrol-phone.png")
        else:
            click_marker(page, "patrol-map", "龙湖天樾项目")
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for()
            assert "23:50" in popup.inner_text() and "混凝土浇筑" in popup.inner_text()
            shot(page, "field-maps-patrol-desk.png")


@pytest.mark.parametrize("device", ["desk", "phone"])
def test_the_construction_sites_map(browser, live_server, demo, device):
    with device_page(browser, live_server, device, service_workers="block") as page:
        sign_in(page, "cg_leader")
        page.goto(page.base + "/enforcement/map/")
        wait_for_map(page, "site-map")
        assert page.evaluate(LAYERS, "site-map")["markers"] == 9
        # The two cases of the night patrol's article still running (the demo's random draw
        # may add the site inspection's transferred case).
        shown = sites_map(User.objects.get(username="cg_leader"))
        running = {p.name for p in shown.places if p.situation == "open_case"}
        assert {"龙湖天樾项目", "山西建投·祥溪国际项目"} <= running
        legend = page.get_by_test_id("legend").inner_text()
        assert f"有未结案件 {len(running)}" in legend
        if device == "phone":
            no_sideways_scroll(page, 390)
        shot(page, f"field-maps-sites-{device}.png")
