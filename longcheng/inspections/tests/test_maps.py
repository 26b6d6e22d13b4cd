"""The campaign map: what it shows is the campaign page's list for the same filters, places
without a point are counted beside it, bad filters get a message and another unit sees
nothing of the campaign."""

import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from longcheng.inspections import services
from longcheng.inspections.models import VisitPhoto

from .conftest import answer_all, photo, submit

MAP = reverse("inspections:campaign_map")


def map_data(response) -> dict:
    found = re.search(
        r'<script id="campaign-map-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, "the page carries no map data"
    return json.loads(found.group(1))


def on_map(response) -> set[str]:
    return {p["name"] for p in map_data(response)["places"]}


def unlocated(response) -> tuple[str, set[str]]:
    """The heading beside the map and the names listed under it."""
    html = response.content.decode()
    box = html[html.index('data-testid="unlocated"') :]
    box = box[: box.index("</div>")]
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", box, re.S).group(1).strip()
    return heading, set(re.findall(r'<a href="[^"]*">([^<]+)</a>', box))


def listed(response) -> set[str]:
    """The party names of the campaign page's 检查对象 table."""
    html = response.content.decode()
    table = html[html.index('data-testid="targets"') :]
    table = table[: table.index("</table>")]
    return set(re.findall(r"<tr>\s*<td>([^<]+)</td>", table))


@pytest.fixture
def located(sites, records):
    """Three of the six active sites carry a registered point (site1 in 小店区, site2 in
    晋源区, 工地1 in 小店区)."""
    active, _finished = sites
    points = {
        records.site1.pk: ("37.785000", "112.585000"),
        records.site2.pk: ("37.730000", "112.470000"),
        active[2].pk: ("37.795000", "112.550000"),
    }
    for site in active:
        if site.pk in points:
            site.latitude, site.longitude = (Decimal(v) for v in points[site.pk])
            site.save()
    return points


@pytest.fixture
def visited(campaign, inspectors, records, located):
    """site1 不合格 (a failed item below the pass line); site2 合格."""
    results = {}
    for site, fail in ((records.site1, {"裸露土方覆盖"}), (records.site2, set())):
        visit = services.visit_start(
            actor=inspectors.a, target=campaign.targets.get(site=site), partners=[inspectors.b]
        )
        answer_all(visit, inspectors.a, fail=fail, note="东侧裸土未覆盖")
        results[site.name] = submit(visit, inspectors.a).result
    return results


def test_the_map_shows_the_campaign_pages_targets_with_their_results(
    login, campaign, visited, inspectors
):
    client = login(inspectors.leader)
    page = listed(client.get(campaign.get_absolute_url()))
    response = client.get(MAP, {"campaign": campaign.pk})
    assert response.status_code == 200
    _heading, names = unlocated(response)
    assert on_map(response) | names == page
    assert len(page) == 6
    labels = {p["name"]: p["label"] for p in map_data(response)["places"]}
    assert labels == {"富力壹品地下车库项目": "不合格", "龙湖天樾项目": "合格", "工地1": "待检查"}
    assert visited == {"富力壹品地下车库项目": "fail", "龙湖天樾项目": "pass"}


def test_places_without_a_point_are_counted_and_listed_beside_the_map(
    login, campaign, visited, inspectors
):
    response = login(inspectors.leader).get(MAP, {"campaign": campaign.pk})
    heading, names = unlocated(response)
    assert heading == "3 家未标注位置"
    assert names == {"工地2", "工地3", "工地4"}
    point = next(p for p in map_data(response)["places"] if p["name"] == "龙湖天樾项目")
    assert (point["lat"], point["lng"]) == (37.73, 112.47)


def test_a_party_without_a_registered_point_is_placed_where_its_photo_was_taken(
    login, campaign, inspectors, sites
):
    active, _finished = sites
    site = active[3]  # 工地2, no registered point
    visit = services.visit_start(
        actor=inspectors.a, target=campaign.targets.get(site=site), partners=[inspectors.b]
    )
    answer_all(visit, inspectors.a)
    services.visit_add_photo(
        actor=inspectors.a,
        visit=visit,
        upload=photo("gate.png"),
        client_id="gate",
        position=(Decimal("37.801234"), Decimal("112.561234"), 12),
    )
    submit(visit, inspectors.a)
    assert VisitPhoto.objects.filter(visit=visit, latitude__isnull=False).exists()
    response = login(inspectors.leader).get(MAP, {"campaign": campaign.pk})
    point = next(p for p in map_data(response)["places"] if p["name"] == site.name)
    assert (point["lat"], point["lng"]) == (37.801234, 112.561234)
    assert point["url"] == visit.get_absolute_url()
    assert "现场检查照片定位" in response.content.decode()


def test_the_district_filter_shows_what_the_site_register_lists_for_that_district(
    login, campaign, visited, inspectors, org
):
    """The register's 区划 filter and the campaign page's list, crossed, are the map's."""
    client = login(inspectors.leader)
    register = client.get(reverse("parties:site_list"), {"division": org.xiaodian.pk})
    in_district = {str(cells[0][1]) for _url, cells, _css in register.context["rows"]}
    expected = in_district & listed(client.get(campaign.get_absolute_url()))
    response = client.get(MAP, {"campaign": campaign.pk, "district": "140105"})
    _heading, names = unlocated(response)
    assert on_map(response) | names == expected
    assert len(expected) == 5 and "龙湖天樾项目" not in expected  # 晋源区


def test_the_result_filter_shows_only_that_result(login, campaign, visited, inspectors):
    response = login(inspectors.leader).get(MAP, {"campaign": campaign.pk, "result": "fail"})
    heading, names = unlocated(response)
    assert on_map(response) == {"富力壹品地下车库项目"}
    assert (heading, names) == ("0 家未标注位置", set())
    legend = response.context["legend"]
    assert {i["code"]: i["count"] for i in legend} == {
        "pass": 1,
        "rectify": 0,
        "fail": 1,
        "in_progress": 0,
        "planned": 4,
    }


@pytest.mark.parametrize(
    "query, named",
    [
        ({"campaign": "abc"}, "专项检查"),
        ({"campaign": "9" * 30}, "专项检查"),
        ({"campaign": "-1"}, "专项检查"),
        ({"result": "<script>"}, "检查结论"),
        ({"district": "999999"}, "区县"),
        ({"district": "x" * 500}, "区县"),
    ],
)
def test_a_bad_filter_is_named_in_a_message_and_the_map_still_opens(
    login, campaign, inspectors, query, named
):
    response = login(inspectors.leader).get(MAP, query, follow=True)
    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"])
    assert text.startswith("筛选条件有误，已忽略：") and named in text
    assert response.context["campaign"] == campaign


def test_another_unit_sees_nothing_of_the_campaign(login, campaign, visited, users):
    response = login(users.committee_clerk).get(MAP, {"campaign": campaign.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "该专项检查不存在或您无权查看" in html
    assert campaign.name not in html
    assert "富力壹品地下车库项目" not in html
    assert response.context["campaign"] is None


def test_an_inspector_from_a_brigade_links_only_to_visits_they_may_open(
    login, campaign, visited, inspectors
):
    """inspectors.c is on the roster but took part in neither visit: the results show (as on
    the campaign page), the links to the visits do not."""
    response = login(inspectors.c).get(MAP, {"campaign": campaign.pk})
    places = {p["name"]: p["url"] for p in map_data(response)["places"]}
    assert "/inspections/visits/" not in places["富力壹品地下车库项目"]
    assert (
        "/inspections/visits/"
        in login(inspectors.a).get(MAP, {"campaign": campaign.pk}).content.decode()
    )


def test_administrators_get_no_map(login, campaign, users):
    assert login(users.sysadmin).get(MAP).status_code == 403


def test_the_demo_points_lie_inside_their_districts():
    """The demo's sites and hospitals are placed inside the districts their records name."""
    from shapely.geometry import Point, shape

    from longcheng.core import geo
    from longcheng.parties.demo import HOSPITALS, POINTS, SITES

    path = settings.LONGCHENG_DEMO_BOUNDARIES
    assert path.exists(), "the packaged boundaries come with `make frontend`"
    names = {
        "140105": "小店区",
        "140106": "迎泽区",
        "140107": "杏花岭区",
        "140108": "尖草坪区",
        "140109": "万柏林区",
        "140110": "晋源区",
    }
    shapes = {
        f["properties"]["name"]: shape(geo.geometry_to_wgs84(f["geometry"], geo.GCJ02))
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]
    }
    records = [(name, code) for name, _k, _g, code in HOSPITALS]
    records += [(name, code) for name, code, _b, _o in SITES]
    outside = [
        name
        for name, code in records
        if not shapes[names[code]].covers(Point(float(POINTS[name][1]), float(POINTS[name][0])))
    ]
    assert outside == []
    assert len(records) == len(POINTS)
