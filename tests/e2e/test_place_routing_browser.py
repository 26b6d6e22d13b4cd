"""Place at the desk: the system administrator imports a small GeoJSON of streets and sees them
on the divisions map; a matter whose point lies in 坞城街道 shows, on the dispatcher's page, the
street office as the suggested lead unit and the area rule that said so."""

import json

import pytest
from playwright.sync_api import expect

from longcheng.appeals.services import AppealDraft, appeal_submit
from longcheng.core import geo
from longcheng.core.models import Division
from longcheng.routing.models import RoutingModel

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def _square(lng, lat, size=0.03):
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


# Two streets of 晋源区 with made-up square boundaries (WGS-84).
STREETS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name, "level": "街道", "parent": "140110"},
            "geometry": _square(lng, lat),
        }
        for code, name, lng, lat in (
            ("140110001", "义井街道", 112.47, 37.76),
            ("140110002", "罗城街道", 112.47, 37.72),
        )
    ],
}


def test_the_administrator_imports_streets_and_sees_them_on_the_map(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    upload = tmp_path / "晋源区街道.geojson"
    upload.write_text(json.dumps(STREETS, ensure_ascii=False), encoding="utf-8")
    sign_in(page, "sysadmin")
    page.goto(page.base + "/imports/")
    page.select_option("#id_kind", "boundaries")
    page.set_input_files("#id_file", str(upload))
    page.select_option("#id_system", "wgs84")
    with page.expect_navigation():
        page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_test_id("commit")).to_contain_text("2 行全部正确", timeout=15000)
    page.check("#confirm")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_test_id("committed")).to_contain_text("已导入 2 行", timeout=15000)
    assert Division.objects.get(code="140110002").parent.name == "晋源区"

    page.goto(page.base + "/org/divisions/")
    # Street names show from zoom 12: the page opens on the whole city (about 9).
    expect(page.locator(".lc-map-label", has_text="晋源区")).to_have_count(1)
    labels = page.locator(".lc-map-label-street")
    assert labels.count() == 0
    zoom = "document.getElementById('division-map').leafletMap.getZoom()"
    for _ in range(12):  # a click during the opening fit's animation may be lost: click on
        if page.evaluate(zoom) >= 12:
            break
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(400)
    expect(labels.filter(has_text="罗城街道")).to_have_count(1)
    expect(labels.filter(has_text="义井街道")).to_have_count(1)
    expect(labels.filter(has_text="坞城街道（示意）")).to_have_count(1)  # the demo's own
    page.get_by_test_id("division-map").scroll_into_view_if_needed()
    shot(page, "place-imported-streets.png")


def test_a_matter_in_wucheng_is_suggested_to_the_street_office(page):
    # The test demo's model learns from 40 matters and is unsure of most texts; the catalogue's
    # keyword rules give the category here, as they do on a new platform before training.
    RoutingModel.objects.update(state=RoutingModel.State.RETIRED)
    geo.forget_boundaries()
    street = Division.objects.get(code="140105002")
    lat, lng = street.label_lat, street.label_lng
    appeal, _created = appeal_submit(
        draft=AppealDraft(
            description="坞城路人行道步道砖松动塌陷，路面有坑，行人容易绊倒，请尽快修补。",
            anonymous=True,
            latitude=round(lat, 6),
            longitude=round(lng, 6),
        )
    )
    matter = appeal.matter
    assert matter.division.code.startswith("140105002")  # the street, or a grid of it
    sign_in(page, "dispatcher")
    page.goto(page.base + matter.get_absolute_url())
    panel = page.get_by_test_id("routing-panel")
    expect(panel.get_by_test_id("area-rule").first).to_contain_text(
        "按区域规则：小店区坞城街道 × 市政设施 → 坞城街道办事处"
    )
    expect(panel).to_contain_text("→ 坞城街道办事处")
    panel.scroll_into_view_if_needed()
    shot(page, "place-street-suggestion.png")


def test_the_dispatcher_edits_an_area_rule_on_a_phone(phone):
    sign_in(phone, "dispatcher")
    phone.goto(phone.base + "/routing/area-rules/")
    rules = phone.get_by_test_id("area-rules")
    expect(rules).to_contain_text("小店区坞城街道")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sideways
    shot(phone, "place-area-rules-phone.png")
    phone.get_by_test_id("new-rule").click()
    expect(phone.get_by_test_id("rule-form")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "place-area-rule-form-phone.png", full_page=True)
