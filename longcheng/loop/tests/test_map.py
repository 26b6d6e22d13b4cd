"""The matters map (地图): its data counts what the inbox counts for the same filters, shows a
unit only its own matters, carries no personal data, and answers bad input with 400 and a
sentence naming the parameter."""

import datetime
import json
from decimal import Decimal

import pytest

from longcheng.loop import services
from longcheng.loop.models import Matter
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db

CITY = {"bbox": "111.4,37.3,113.3,38.5", "zoom": "9"}
# Around 小店区: points spread over a few kilometres.
SPOTS = [(37.80 + i * 0.004, 112.56 + (i % 5) * 0.006) for i in range(12)]


def _placed(matter, index):
    lat, lng = SPOTS[index % len(SPOTS)]
    Matter.objects.filter(pk=matter.pk).update(
        latitude=Decimal(f"{lat:.6f}"), longitude=Decimal(f"{lng:.6f}")
    )
    return matter


@pytest.fixture
def spread(receive, dispatched, users, org):
    """Eight matters dispatched to 直属一大队 (two signed), three to 直属二大队, two waiting for
    dispatch, one without a point."""
    made = []
    for i in range(8):
        made.append(_placed(dispatched(), i))
    for matter in made[:2]:
        services.matter_sign(matter=Matter.objects.get(pk=matter.pk), actor=users.clerk1)
    for i in range(3):
        matter = receive()
        services.matter_dispatch(
            matter=matter, actor=users.dispatcher, lead_unit=org.brigade2, assisting_units=[]
        )
        made.append(_placed(matter, 8 + i))
    for i in range(2):
        made.append(_placed(receive(), 11 + i))
    receive(title="没有位置的事项")
    return made


def _shown(response) -> int:
    data = response.json()
    return sum(c["count"] for c in data["clusters"]) + len(data["points"])


def _inbox_count(client, params) -> int:
    return client.get("/loop/", params).context["paginator"].count


@pytest.mark.parametrize("clustered", [True, False])
@pytest.mark.parametrize(
    "params",
    [
        {"box": "all"},
        {"box": "to_sign"},
        {"box": "to_dispatch"},
        {"box": "handling"},
        {"box": "all", "status": "dispatched"},
        {"box": "all", "urgency": "normal", "channel": "supervisor"},
    ],
)
def test_the_map_counts_what_the_inbox_counts(monkeypatch, login, spread, users, params, clustered):
    if clustered:  # every viewport as clusters, however few matters it holds
        monkeypatch.setattr("longcheng.loop.map_selectors.POINTS_BELOW", 0)
    client = login(users.dispatcher)
    response = client.get("/loop/map/data/", {**CITY, **params, "days": "0", "totals": "1"})
    assert response.status_code == 200
    listed = _inbox_count(client, params)
    data = response.json()
    assert data["totals"]["matching"] == listed
    # …all of them on the map but the matters without a point.
    assert _shown(response) == data["in_view"] == listed - data["totals"]["unplaced"]
    if clustered and data["in_view"] > 2:
        assert data["clusters"], "a city-wide view of several matters groups them"


def test_the_category_filter_and_the_default_of_open_matters_in_90_days(
    login, spread, users, catalogue, clock
):
    client = login(users.dispatcher)
    open_now = _shown(client.get("/loop/map/data/", CITY))
    assert open_now == 13  # every placed matter is open
    other = client.get("/loop/map/data/", {**CITY, "category": str(catalogue["root"].pk)})
    assert _shown(other) == 0
    clock.to(at(2024, 1, 25, 9, 0))  # four months on: out of the default period
    client = login(users.dispatcher)
    assert _shown(client.get("/loop/map/data/", CITY)) == 0
    assert _shown(client.get("/loop/map/data/", {**CITY, "days": "365"})) == 13


def test_overdue_matters_stand_out_and_filter(login, spread, users, clock):
    clock.to(at(2023, 10, 31, 9, 0))  # past the signed matters' 13 working days
    client = login(users.dispatcher)
    everything = client.get("/loop/map/data/", {**CITY, "box": "all"}).json()
    late = [p for p in everything["points"] if p["overdue"]]
    assert len(late) == 2  # the two signed (being handled) ones
    only = client.get("/loop/map/data/", {**CITY, "overdue": "on"}).json()
    assert {p["id"] for p in only["points"]} == {p["id"] for p in late}
    assert only["in_view"] == _inbox_count(client, {"box": "overdue"})


def test_a_unit_clerk_sees_only_its_units_matters(login, spread, users, org):
    mine = set(
        Matter.objects.filter(lead_unit=org.brigade1, latitude__isnull=False).values_list(
            "pk", flat=True
        )
    )
    data = login(users.clerk1).get("/loop/map/data/", {**CITY, "box": "all"}).json()
    assert {p["id"] for p in data["points"]} == mine
    others = login(users.clerk2).get("/loop/map/data/", {**CITY, "box": "all"}).json()
    assert len(others["points"]) == 3 and not {p["id"] for p in others["points"]} & mine
    # A street-level view with nothing of the unit's in it is empty, not an error.
    empty = login(users.clerk2).get(
        "/loop/map/data/", {"bbox": "112.0,38.0,112.01,38.01", "zoom": "16"}
    )
    assert empty.status_code == 200 and empty.json()["points"] == []


def test_the_map_data_carries_no_personal_data(login, receive, users):
    matter = _placed(receive(title="噪音扰民，联系电话13912345678"), 0)
    data = login(users.dispatcher).get("/loop/map/data/", CITY).json()
    [point] = data["points"]
    assert point["number"] == matter.number and point["url"] == f"/loop/matters/{matter.pk}/"
    text = json.dumps(data, ensure_ascii=False)
    for personal in ("贺文静", "13912340001", "13912345678", matter.address or "—"):
        assert personal not in text
    assert set(point) == {"id", "number", "title", "status", "overdue", "lat", "lng", "url"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"zoom": "9"}, "地图范围"),
        ({"bbox": "112,37,113"}, "地图范围"),
        ({"bbox": "a,b,c,d"}, "地图范围"),
        ({"bbox": "nan,37,113,38"}, "地图范围"),
        ({"bbox": "112,37,inf,38"}, "地图范围"),
        ({"bbox": "1e999,37,113,38"}, "地图范围"),
        ({"bbox": "200,37,201,38"}, "经度"),
        ({"bbox": "112,95,113,96"}, "纬度"),
        ({"bbox": "113,37,112,38"}, "最小"),
        ({"bbox": "60,10,110,20"}, "范围过大"),
        ({"bbox": "112,37,113,38" + "0" * 200}, "地图范围"),
        ({"bbox": "112,37,113,38", "zoom": "2"}, "缩放级别"),
        ({"bbox": "112,37,113,38", "zoom": "20"}, "缩放级别"),
        ({"bbox": "112,37,113,38", "zoom": "9.5"}, "缩放级别"),
        ({"bbox": "112,37,113,38"}, "缩放级别"),
        ({"bbox": "100,20,130,45", "zoom": "19"}, "网格"),
        ({**CITY, "status": "nonsense"}, "状态"),
        ({**CITY, "days": "13"}, "受理时间"),
        ({**CITY, "box": "someone_elses"}, "范围"),
        ({**CITY, "category": "99999999999999999999"}, "派单目录"),
    ],
)
def test_bad_map_input_is_refused_with_a_message(login, users, params, field):
    response = login(users.dispatcher).get("/loop/map/data/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]


def test_the_map_is_for_business_staff(login, users):
    for user in (users.sysadmin, users.auditor):
        client = login(user)
        assert client.get("/loop/map/").status_code == 403
        assert client.get("/loop/map/data/", CITY).status_code == 403


def test_the_map_page_offers_the_inbox_filters_and_says_what_it_shows(login, spread, users):
    page = login(users.dispatcher).get("/loop/map/", {"box": "to_sign", "status": "bogus"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "默认显示在办事项、近 90 天受理" in text
    assert '<option value="to_sign" selected>' in text  # the tab carried from the inbox
    assert 'name="status"' in text and 'name="category"' in text
    assert page.context["filters"].status == ""  # an invalid value reads as not given
    inbox = login(users.dispatcher).get("/loop/", {"box": "handling"}).content.decode()
    assert "/loop/map/?" in inbox and "box=handling" in inbox


def test_a_matter_received_later_today_is_within_the_period(login, receive, users, clock):
    _placed(receive(), 0)
    clock.to(at(2023, 9, 25, 9, 0) + datetime.timedelta(days=7))
    data = login(users.dispatcher).get("/loop/map/data/", {**CITY, "days": "7"}).json()
    assert len(data["points"]) == 1
