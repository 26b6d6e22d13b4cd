"""The construction sites map and a patrol's route: the sites are the site register's for the
same filters, each with the running cases and the latest finding the user may see; the route
joins the findings in time order, placed at their site or their case's located photo."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from longcheng.enforcement import services
from longcheng.parties.models import Site

from .conftest import at

MAP = reverse("enforcement:site_map")


def data(response, name) -> dict:
    found = re.search(
        rf'<script id="{name}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, f"the page carries no {name}"
    return json.loads(found.group(1))


def shown(response) -> set[str]:
    """Every site the map page shows: on the map, or listed beside it without a point."""
    return {p.name for p in response.context["shown"].places}


def register(client, **filters) -> set[str]:
    response = client.get(reverse("parties:site_list"), {"kind": "construction", **filters})
    return {str(cells[0][1]) for _url, cells, _css in response.context["rows"]}


@pytest.fixture
def located(records, org):
    """site1 (直属一大队, 小店区) has a point; site2 (直属二大队, 晋源区) has none; a third
    site of 直属一大队 in 晋源区 has one."""
    records.site1.latitude, records.site1.longitude = Decimal("37.785"), Decimal("112.585")
    records.site1.save()
    third = Site.objects.create(
        name="拜仁太原足球学校项目",
        owner_unit=org.brigade1,
        division=org.jinyuan,
        latitude=Decimal("37.700000"),
        longitude=Decimal("112.460000"),
    )
    return third


@pytest.fixture
def night(officers, records, located, clock):
    """A night patrol of 直属一大队 (officers a and c): three findings, the second at a site
    without a point."""
    clock.to(at(2023, 9, 25, 9))
    patrol = services.patrol_record(
        actor=officers.a,
        shift="night",
        started_at=at(2023, 9, 24, 21),
        ended_at=at(2023, 9, 25, 1),
        officers=[officers.c],
        sites=[records.site1, records.site2, located],
    )
    for site, hour, outcome, text in (
        (located, 23, "noted", "出口道路有泥土，现场已清扫"),
        (records.site2, 22, "noted", "围挡破损约 10 米，已要求修复"),
        (records.site1, 21, "stop_work", "裸土未覆盖，出口无冲洗设施"),
    ):
        services.finding_record(
            actor=officers.a,
            patrol=patrol,
            site=site,
            enterprise=records.enterprise,
            description=text,
            outcome=outcome,
            deadline=datetime.date(2023, 9, 28) if outcome == "stop_work" else None,
            found_at=at(2023, 9, 24, hour, 30),
        )
    return patrol


def test_the_map_shows_the_site_register_for_the_same_filters(
    login, officers, records, located, org
):
    for user in (officers.leader, officers.a, officers.b):
        client = login(user)
        assert shown(client.get(MAP)) == register(client)
        assert shown(client.get(MAP, {"district": "140110"})) == register(
            client, division=org.jinyuan.pk
        )
    assert shown(login(officers.b).get(MAP)) == {records.site2.name}  # 直属二大队's own


def test_sites_without_a_point_are_counted_beside_the_map(login, officers, records, located):
    response = login(officers.leader).get(MAP)
    html = response.content.decode()
    assert "1 家未标注位置" in html
    assert {p["name"] for p in data(response, "site-map-data")["places"]} == {
        records.site1.name,
        located.name,
    }


def test_a_site_shows_its_running_case_and_its_latest_finding(
    login, officers, records, located, night, lead
):
    response = login(officers.leader).get(MAP)
    places = {p["name"]: p for p in data(response, "site-map-data")["places"]}
    site1 = places[records.site1.name]
    assert site1["label"] == "有未结案件"
    assert "未结案件：案源" in " ".join(site1["lines"])
    assert "责令停工整改：裸土未覆盖" in " ".join(site1["lines"])
    assert places[located.name]["label"] == "有巡查发现"
    situation = {
        p.name: p.situation for p in login(officers.leader).get(MAP).context["shown"].places
    }
    assert situation[records.site2.name] == "finding"
    only = login(officers.leader).get(MAP, {"situation": "open_case"})
    assert shown(only) == {records.site1.name}


def test_another_brigade_sees_its_site_but_not_the_other_brigades_patrol(
    login, officers, records, night
):
    """直属二大队's clerk (officers.b) reads its own site2; the patrol of 直属一大队 that found
    something there is not theirs to see, and site1 is not on their map at all."""
    response = login(officers.b).get(MAP)
    assert shown(response) == {records.site2.name}
    assert response.context["shown"].places[0].situation == "none"
    html = response.content.decode()
    assert "围挡破损" not in html and records.site1.name not in html
    assert login(officers.b).get(night.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "query, named",
    [
        ({"district": "abc"}, "区县"),
        ({"district": "1" * 300}, "区县"),
        ({"status": "demolished"}, "工地状态"),
        ({"situation": "<b>"}, "案件与巡查"),
    ],
)
def test_a_bad_filter_is_named_in_a_message(login, officers, located, query, named):
    response = login(officers.leader).get(MAP, query)
    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"])
    assert text.startswith("筛选条件有误，已忽略：") and named in text


def test_the_patrol_page_draws_the_route_through_the_findings_in_time_order(
    login, officers, records, located, night
):
    response = login(officers.a).get(night.get_absolute_url())
    drawn = data(response, "patrol-map-data")
    stops = [(s["n"], s["name"]) for s in drawn["stops"]]
    assert stops == [(1, records.site1.name), (3, located.name)]  # 2 (site2) has no point
    assert drawn["route"] == [[37.785, 112.585], [37.7, 112.46]]
    html = response.content.decode()
    assert "1 处发现没有位置，未画入路线。" in html
    assert "巡查记录不含行进轨迹" in html
    numbers = re.findall(r'title="路线序号">(\d+)</span>(\d\d-\d\d \d\d:\d\d)', html)
    assert numbers == [("1", "09-24 21:30"), ("2", "09-24 22:30"), ("3", "09-24 23:30")]


def test_a_finding_without_a_site_point_is_placed_at_its_cases_located_photo(
    login, officers, records, night, waste_rule, clock
):
    lead = services.finding_record(
        actor=officers.a,
        patrol=night,
        site=records.site2,
        enterprise=records.enterprise,
        description="渣土车未持核准证运输建筑垃圾",
        outcome="case",
        provision=waste_rule,
        found_at=at(2023, 9, 24, 22, 45),
    ).cases.get()
    case = services.case_file(actor=officers.leader, case=lead, officers=[officers.a, officers.c])
    services.evidence_record(
        actor=officers.a,
        case=case,
        kind="photo",
        description="渣土车车牌及车厢照片",
        officers=[officers.c],
        upload=SimpleUploadedFile("truck.jpg", b"\xff\xd8\xff", content_type="image/jpeg"),
        position=(Decimal("37.720001"), Decimal("112.480002"), 8),
    )
    drawn = data(login(officers.a).get(night.get_absolute_url()), "patrol-map-data")
    placed = {s["n"]: (s["lat"], s["lng"], s["detail"]) for s in drawn["stops"]}
    assert 2 not in placed  # the first finding at site2 (no case, no photo) has no point
    assert placed[3][:2] == (37.720001, 112.480002)
    assert "取证照片定位" in placed[3][2]
    assert drawn["route"][1] == [37.720001, 112.480002]
