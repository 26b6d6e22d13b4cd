"""Open311 GeoReport v2: every endpoint and error case, in JSON and XML."""

from xml.etree import ElementTree as ET

import pytest

from longcheng.appeals import services
from longcheng.appeals.models import Appeal
from longcheng.appeals.services import AppealDraft
from longcheng.audit.models import AuditRecord
from longcheng.core import notices
from longcheng.loop import services as loop

pytestmark = pytest.mark.django_db
FORMATS = ["json", "xml"]


@pytest.fixture
def api_key(users):
    _key, raw = services.api_key_issue(actor=users.sysadmin, name="测试调用方")
    return raw


def _parse(response, fmt):
    if fmt == "json":
        return response.json()
    return ET.fromstring(response.content)


def _post(client, fmt, **overrides):
    data = {
        "service_code": "noise",
        "lat": "37.8206",
        "long": "112.5512",
        "description": "工地夜间施工噪音扰民，影响休息。",
        "phone": "13912345678",
        "first_name": "先生",
        "last_name": "王",
        "privacy_notice_shown": "true",
        "privacy_notice_version": notices.current("appeal").version,
    }
    data.update(overrides)
    return client.post(f"/open311/v2/requests.{fmt}", data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, fmt):
    response = client.get(f"/open311/v2/discovery.{fmt}")
    body = _parse(response, fmt)
    if fmt == "json":
        assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert "application/json" in body["endpoints"][0]["formats"]
    else:
        assert body.tag == "discovery"
        assert body.find("endpoints/endpoint/specification").text.endswith("GeoReport_v2")


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_come_from_the_dispatch_catalogue(client, catalogue, fmt):
    body = _parse(client.get(f"/open311/v2/services.{fmt}"), fmt)
    if fmt == "json":
        codes = {s["service_code"]: s for s in body}
        assert codes["noise"]["service_name"] == "夜间施工噪音"
        assert codes["noise"]["group"] == "城市管理" and codes["noise"]["metadata"] is True
    else:
        assert body.tag == "services"
        names = [s.find("service_name").text for s in body.findall("service")]
        assert "夜间施工噪音" in names


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_with_attributes(client, catalogue, fmt):
    body = _parse(client.get(f"/open311/v2/services/noise.{fmt}"), fmt)
    if fmt == "json":
        assert body["service_code"] == "noise"
        assert [a["code"] for a in body["attributes"]] == ["enterprise_name", "credit_code"]
    else:
        assert body.tag == "service_definition"
        assert body.find("attributes/attribute/code").text == "enterprise_name"
    missing = client.get(f"/open311/v2/services/nothing.{fmt}")
    assert missing.status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_get_and_token(client, catalogue, api_key, users, org, fmt):
    response = _post(
        client, fmt, api_key=api_key, **{"attribute[enterprise_name]": "某科技有限公司"}
    )
    assert response.status_code == 201
    body = _parse(response, fmt)
    if fmt == "json":
        request_id, token = body[0]["service_request_id"], body[0]["token"]
    else:
        request_id = body.find("request/service_request_id").text
        token = body.find("request/token").text
    appeal = Appeal.objects.get(matter__number=request_id)
    assert appeal.api_key is not None and appeal.enterprise_name == "某科技有限公司"
    assert AuditRecord.objects.filter(
        actor_repr__startswith="api:", object_id=str(appeal.matter.pk)
    ).exists()

    tokens = _parse(client.get(f"/open311/v2/tokens/{token}.{fmt}"), fmt)
    found = (
        tokens[0]["service_request_id"]
        if fmt == "json"
        else tokens.find("request/service_request_id").text
    )
    assert found == request_id

    matter = loop.matter_dispatch(
        matter=appeal.matter, actor=users.dispatcher, lead_unit=org.brigade1
    )
    one = _parse(client.get(f"/open311/v2/requests/{request_id}.{fmt}"), fmt)
    if fmt == "json":
        row = one[0]
        assert (row["status"], row["agency_responsible"]) == ("open", "直属一大队")
        assert row["expected_datetime"].startswith("2023-10-18T17:30:00+08:00")
        assert "13912345678" not in str(row)
    else:
        assert one.find("request/status").text == "open"
        assert one.find("request/agency_responsible").text == "直属一大队"
    loop.matter_sign(matter=matter, actor=users.clerk1)
    loop.matter_answer(matter=matter, actor=users.clerk1, text="已责令停止夜间施工。")
    closed = client.get("/open311/v2/requests.json?status=closed").json()
    assert [r["service_request_id"] for r in closed] == [request_id]
    assert "已责令停止夜间施工" in closed[0]["status_notes"]
    assert client.get("/open311/v2/requests.json?status=open").json() == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("overrides", "status", "text"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "lc_wrong"}, 403, "api_key"),
        ({"service_code": "nothing"}, 400, "service_code"),
        ({"lat": "", "long": ""}, 400, "location"),
        ({"lat": "north"}, 400, "decimal"),
        ({"description": "短"}, 400, "description"),
        ({"phone": "12345"}, 400, "phone"),
        ({"attribute[credit_code]": "91140105XXXX"}, 400, "credit_code"),
        ({"jurisdiction_id": "elsewhere.gov.cn"}, 404, "jurisdiction_id"),
    ],
)
def test_post_errors_use_the_specs_format(client, catalogue, api_key, fmt, overrides, status, text):
    data = {"api_key": api_key, **overrides}
    response = _post(client, fmt, **data)
    assert response.status_code == status
    body = _parse(response, fmt)
    if fmt == "json":
        assert body[0]["code"] == status and text in body[0]["description"]
    else:
        assert body.tag == "errors"
        assert body.find("error/code").text == str(status)
        assert text in body.find("error/description").text
    assert not Appeal.objects.exists()


def test_revoked_keys_are_refused(client, catalogue, users):
    key, raw = services.api_key_issue(actor=users.sysadmin, name="x")
    services.api_key_revoke(actor=users.sysadmin, key=key)
    assert _post(client, "json", api_key=raw).status_code == 403


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_filters_and_errors(client, catalogue, api_key, fmt):
    _post(client, "json", api_key=api_key)
    listed = client.get(f"/open311/v2/requests.{fmt}?service_code=noise")
    assert listed.status_code == 200
    assert client.get(f"/open311/v2/requests.{fmt}?service_code=other").status_code == 200
    assert client.get(f"/open311/v2/requests.{fmt}?start_date=yesterday").status_code == 400
    assert client.get(f"/open311/v2/requests.{fmt}?status=pending").status_code == 400
    assert client.get(f"/open311/v2/requests/LC0000.{fmt}").status_code == 404
    assert client.get(f"/open311/v2/tokens/NOPE.{fmt}").status_code == 404
    empty = client.get("/open311/v2/requests.json?service_code=other").json()
    assert empty == []


def test_open311_lists_only_public_channels_and_masks_personal_data(client, catalogue, users):
    """Issue 23, item 1: a hotline call or a window visit is answered to that person only;
    what the public reads never shows a phone or ID number."""
    public, _ = services.appeal_submit(
        draft=AppealDraft(
            description="工地夜间施工噪音扰民，我的电话13912345678，请回电。",
            category=catalogue["noise"],
            reporter_phone="13912345678",
            consent=True,
        )
    )
    window, _ = services.appeal_submit(
        draft=AppealDraft(
            description="窗口反映：营业执照变更材料被退回三次。",
            channel="window",
            reporter_phone="13912345679",
            consent=True,
        ),
        actor=users.committee_clerk,
    )
    listed = client.get("/open311/v2/requests.json").json()
    assert [r["service_request_id"] for r in listed] == [public.matter.number]
    assert "13912345678" not in str(listed) and "139****5678" in listed[0]["description"]
    item = client.get(f"/open311/v2/requests/{window.matter.number}.json")
    assert item.status_code == 404
    assert client.get(f"/open311/v2/tokens/{window.tracking_code}.json").status_code == 404


def test_open311_gives_a_position_as_the_public_map_does(client, catalogue):
    # About 100 m, never the reporter's door: the same rounding as 附近的问题.
    appeal, _ = services.appeal_submit(
        draft=AppealDraft(
            description="小区门口路灯不亮。",
            category=catalogue["noise"],
            reporter_phone="13912345678",
            latitude="37.820634",
            longitude="112.551287",
            consent=True,
        )
    )
    item = client.get(f"/open311/v2/requests/{appeal.matter.number}.json").json()[0]
    assert (item["lat"], item["long"]) == (37.821, 112.551)
    assert "37.820634" not in client.get("/open311/v2/requests.xml").content.decode()
