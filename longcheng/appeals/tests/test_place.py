"""Place on the citizen's side: the pin on the phone form (and the supervisor's report), the
district and street shown from it, and the public map of open problems — which shows what
Open311 publishes and nothing more."""

import json
import re
from decimal import Decimal

import pytest

from longcheng.appeals import places
from longcheng.appeals import public_views as public
from longcheng.appeals.models import Appeal
from longcheng.appeals.services import AppealDraft, appeal_submit
from longcheng.appeals.tokens import point_token
from longcheng.core import geo
from longcheng.core.models import Division
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Channel, Status
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db

# A street of 小店区 (boundaries are squares here; the real ones come from the import).
IN_STREET = ("37.770000", "112.570000")
IN_DISTRICT_ONLY = ("37.830000", "112.680000")
SHANGHAI = ("31.230000", "121.470000")
LONDON = ("51.500700", "-0.124600")


def _square(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


@pytest.fixture
def streets(org):
    """小店区 and 晋源区 with boundaries, and 坪阳街道 inside 小店区."""
    org.xiaodian.set_boundary(_square(112.50, 37.70, 112.70, 37.85), source="t", approximate=True)
    org.xiaodian.save()
    org.jinyuan.set_boundary(_square(112.30, 37.70, 112.50, 37.85), source="t", approximate=True)
    org.jinyuan.save()
    street = Division(code="140105001", name="坪阳街道", level="street", parent=org.xiaodian)
    street.set_boundary(_square(112.55, 37.75, 112.60, 37.80), source="t", approximate=True)
    street.save()
    geo.forget_boundaries()
    yield street
    geo.forget_boundaries()


def _key(client, url):
    page = client.get(url).content.decode()
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def _appeal(key, **overrides):
    data = {
        "description": "人行道上的井盖缺失，晚上路过很危险。",
        "category": "",
        "reporter_name": "王先生",
        "reporter_phone": "13912345678",
        "consent": "on",
        "submission_key": key,
    }
    data.update(overrides)
    return data


# — The phone form —


def test_the_phone_form_offers_my_location_and_a_map(client, point):
    for url in ("/a/", f"/a/p/{point_token(point)}/"):
        html = client.get(url).content.decode()
        assert "使用我的位置" in html and 'id="place-map"' in html
        assert 'name="latitude"' in html and 'name="longitude"' in html
        assert "/static/js/pin-form.js" in html and "/static/js/map.js" in html


def test_a_pin_without_an_address_is_accepted_and_kept_with_the_matter(client, streets, catalogue):
    key = _key(client, "/a/")
    response = client.post("/a/", _appeal(key, latitude=IN_STREET[0], longitude=IN_STREET[1]))
    assert response.status_code == 302
    matter = Appeal.objects.get().matter
    assert (matter.latitude, matter.longitude) == (Decimal("37.770000"), Decimal("112.570000"))
    assert matter.address == ""


def test_neither_pin_nor_address_is_still_accepted_as_today(client, catalogue):
    key = _key(client, "/a/")
    assert client.post("/a/", _appeal(key)).status_code == 302
    matter = Appeal.objects.get().matter
    assert matter.latitude is None and matter.address == ""


def test_the_qr_form_keeps_a_typed_address_with_the_pin(client, point, streets, catalogue):
    url = f"/a/p/{point_token(point)}/"
    key = _key(client, url)
    data = _appeal(key, latitude=IN_STREET[0], longitude=IN_STREET[1], address="易通天下门口")
    assert client.post(url, data).status_code == 302
    matter = Appeal.objects.get().matter
    assert matter.address == "易通天下门口" and matter.latitude == Decimal("37.770000")


@pytest.mark.parametrize(
    ("lat", "lng", "said"),
    [
        ("abc", "112.57", "位置格式不正确"),
        ("NaN", "112.57", "位置格式不正确"),
        ("inf", "-inf", "位置格式不正确"),
        ("1e999999", "112.57", "位置超出经纬度范围"),
        ("91", "112.57", "位置超出经纬度范围"),
        ("37.77", "", "位置不完整"),
        (LONDON[0], LONDON[1], "不在中国境内"),
        (SHANGHAI[0], SHANGHAI[1], "不在本市范围内"),
    ],
)
def test_a_bad_pin_is_refused_in_plain_words_under_the_map(client, streets, lat, lng, said):
    key = _key(client, "/a/")
    response = client.post("/a/", _appeal(key, latitude=lat, longitude=lng))
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'data-testid="place-error">([^<]+)<', html)
    assert error and said in error.group(1)
    assert not Appeal.objects.exists()


def test_without_imported_boundaries_a_point_in_china_is_enough(client, org, catalogue):
    geo.forget_boundaries()
    key = _key(client, "/a/")
    accepted = client.post("/a/", _appeal(key, latitude=SHANGHAI[0], longitude=SHANGHAI[1]))
    assert accepted.status_code == 302
    refused = client.post(
        "/a/", _appeal(_key(client, "/a/"), latitude=LONDON[0], longitude=LONDON[1])
    )
    assert refused.status_code == 400 and "不在中国境内" in refused.content.decode()


def _report(client, **overrides):
    key = _key(client, "/appeals/mine/report/")
    data = {
        "category": "",
        "address": "",
        "description": "园区道路围挡两个月没有进展，商户进出困难。",
        "enterprise_name": "",
        "submission_key": key,
    }
    data.update(overrides)
    return client.post("/appeals/mine/report/", data)


def test_the_supervisor_may_pin_instead_of_typing_the_place(login, supervisor, streets, catalogue):
    client = login(supervisor.user)
    page = client.get("/appeals/mine/report/").content.decode()
    assert "使用我的位置" in page and 'id="place-map"' in page
    noise = str(catalogue["noise"].pk)
    nowhere = _report(client, category=noise)
    assert "请填写问题发生的地点，或在地图上标出位置" in nowhere.content.decode()
    outside = _report(client, category=noise, latitude=SHANGHAI[0], longitude=SHANGHAI[1])
    assert "不在本市范围内" in outside.content.decode()
    assert not Appeal.objects.exists()
    pinned = _report(client, category=noise, latitude=IN_STREET[0], longitude=IN_STREET[1])
    assert pinned.status_code == 302
    matter = Appeal.objects.get().matter
    assert matter.latitude == Decimal("37.770000") and matter.longitude == Decimal("112.570000")


# — Which district and street: the lookup under the map —


def test_the_lookup_names_the_district_and_street(client, streets):
    answer = client.get("/a/place/", {"lat": IN_STREET[0], "lng": IN_STREET[1]})
    assert answer.status_code == 200
    data = answer.json()
    assert data["district"] == "小店区" and data["street"] == "坪阳街道"
    assert data["text"] == "小店区 · 坪阳街道"
    assert [d["level_label"] for d in data["divisions"]] == ["区", "街道"]
    only_district = client.get(
        "/a/place/", {"lat": IN_DISTRICT_ONLY[0], "lng": IN_DISTRICT_ONLY[1]}
    )
    assert only_district.json()["text"] == "小店区" and only_district.json()["street"] == ""
    outside = client.get("/a/place/", {"lat": SHANGHAI[0], "lng": SHANGHAI[1]})
    assert outside.status_code == 400 and "不在本市范围内" in outside.json()["error"]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"lat": "37.77"},
        {"lat": "x", "lng": "y"},
        {"lat": "1e999999", "lng": "1e999999"},
        {"lat": "NaN", "lng": "NaN"},
        {"lat": "9" * 100, "lng": "1"},
        {"lat": "37.77,112.57", "lng": "112.57"},
        {"lat": "３７．７７", "lng": "112.57"},
        {"lat": "-Infinity", "lng": "0"},
    ],
)
def test_the_lookup_answers_junk_with_a_plain_400(client, streets, query):
    answer = client.get("/a/place/", query)
    assert answer.status_code == 400
    assert answer.json()["error"] and "Traceback" not in answer.content.decode()


def test_the_lookup_is_rate_limited(client, streets, monkeypatch):
    monkeypatch.setattr(public, "LOOKUP_LIMIT", "2/600")
    query = {"lat": IN_STREET[0], "lng": IN_STREET[1]}
    assert [client.get("/a/place/", query).status_code for _ in range(3)] == [200, 200, 429]
    assert "频繁" in client.get("/a/place/", query).json()["error"]


# — The public map —


def _submit(catalogue, *, channel=Channel.PUBLIC_FORM, lat=IN_STREET[0], lng=IN_STREET[1], **kw):
    draft = {
        "description": "小区门口的路灯坏了一个月，晚上很黑。联系我 13900001111",
        "category": catalogue["noise"],
        "reporter_name": "赵女士",
        "reporter_phone": "13900001111",
        "consent": False,
        "anonymous": False,
        "address": "坪阳路18号院",
        "channel": channel,
        "latitude": Decimal(lat) if lat else None,
        "longitude": Decimal(lng) if lng else None,
    }
    draft.update(kw)
    if draft["reporter_phone"] and not draft["anonymous"]:
        from longcheng.core import notices

        draft["consent"] = True
        draft["consent_notice"] = notices.current("appeal").version
    appeal, _created = appeal_submit(draft=AppealDraft(**draft))
    return appeal


CITY = {"bbox": "112.3,37.6,112.8,37.9"}


def test_the_map_shows_open_public_problems_and_nothing_personal(client, streets, catalogue):
    shown = _submit(catalogue)
    hotline = _submit(catalogue, channel=Channel.HOTLINE, lat="37.771", lng="112.571")
    supervisor = _submit(catalogue, channel=Channel.SUPERVISOR, lat="37.772", lng="112.572")
    closed = _submit(catalogue, lat="37.773", lng="112.573")
    Matter.objects.filter(pk=closed.matter.pk).update(status=Status.CLOSED)
    answered = _submit(catalogue, lat="37.774", lng="112.574")
    Matter.objects.filter(pk=answered.matter.pk).update(status=Status.ANSWERED)
    _submit(catalogue, lat="", lng="")  # no point: nowhere to draw it

    response = client.get("/a/map/problems.json", CITY)
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1 and data["clustered"] is False
    assert data["points"] == [
        {
            "lat": 37.77,
            "lng": 112.57,
            "category": "夜间施工噪音",
            "status": "已收到，等待分派",
            "age": "今天",
        }
    ]
    body = response.content.decode()
    for secret in (
        "赵女士",
        "13900001111",
        "路灯",
        "坪阳路18号院",
        shown.matter.number,
        shown.tracking_code,
        hotline.matter.number,
        supervisor.matter.number,
    ):
        assert secret not in body
    # Outside the view: nothing.
    empty = client.get("/a/map/problems.json", {"bbox": "112.3,37.6,112.5,37.7"}).json()
    assert empty == {"total": 0, "clustered": False, "points": [], "clusters": []}


def test_the_map_agrees_with_open311_on_what_is_public(client, streets, catalogue):
    public_one = _submit(catalogue)
    _submit(catalogue, channel=Channel.WINDOW, lat="37.771", lng="112.571")
    listed = client.get("/open311/v2/requests.json").json()
    mapped = client.get("/a/map/problems.json", CITY).json()["points"]
    assert [r["service_request_id"] for r in listed] == [public_one.matter.number]
    assert [(p["lat"], p["lng"]) for p in mapped] == [(listed[0]["lat"], listed[0]["long"])]


def test_the_age_reads_like_a_person_says_it(clock, streets, catalogue, client):
    clock.to(at(2023, 9, 20, 10))
    _submit(catalogue)
    clock.to(at(2023, 9, 23, 8))
    assert client.get("/a/map/problems.json", CITY).json()["points"][0]["age"] == "3 天前"
    clock.to(at(2023, 9, 21, 8))
    assert client.get("/a/map/problems.json", CITY).json()["points"][0]["age"] == "昨天"


def test_many_problems_come_as_counted_clusters(client, streets, catalogue, monkeypatch):
    monkeypatch.setattr(places, "MAX_POINTS", 3)
    for i in range(4):
        _submit(catalogue, lat=f"37.77{i}", lng=f"112.57{i}")
    _submit(catalogue, lat="37.70", lng="112.70")
    data = client.get("/a/map/problems.json", CITY).json()
    assert data["clustered"] is True and data["points"] == [] and data["total"] == 5
    counts = sorted(c["count"] for c in data["clusters"])
    assert sum(counts) == 5 and len(counts) >= 2
    assert json.dumps(data).count("夜间施工噪音") == 0


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"bbox": ""},
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"bbox": "112.8,37.6,112.3,37.9"},
        {"bbox": "NaN,37.6,112.8,37.9"},
        {"bbox": "-inf,-inf,inf,inf"},
        {"bbox": "1e999,1,2,3"},
        {"bbox": "," * 300},
        {"bbox": "200,95,300,99"},
    ],
)
def test_the_map_answers_junk_with_a_plain_400(client, streets, query):
    response = client.get("/a/map/problems.json", query)
    assert response.status_code == 400 and response.json()["error"]


def test_a_view_past_the_worlds_edge_is_the_whole_world(client, streets, catalogue):
    _submit(catalogue)
    data = client.get("/a/map/problems.json", {"bbox": "-540,-100,540,100"}).json()
    assert data["total"] == 1


def test_the_public_map_page_is_linked_from_the_public_pages(client, point):
    page = client.get("/a/map/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "附近的问题" in html and "我的位置" in html and "/static/js/public-map.js" in html
    assert 'href="/a/map/"' in client.get("/a/").content.decode()
    assert 'href="/a/map/"' in client.get("/a/track/").content.decode()
