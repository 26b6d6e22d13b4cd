"""PIPL art. 17 on Open311: a client keeps a person's name and phone with us only when it says
it showed them the appeal notice, naming its version; otherwise the appeal is accepted without
them and the answer says so."""

from xml.etree import ElementTree as ET

import pytest

from longcheng.appeals import services
from longcheng.appeals.models import Appeal
from longcheng.audit.models import AuditRecord
from longcheng.core import notices

pytestmark = pytest.mark.django_db
CURRENT = notices.current("appeal").version


@pytest.fixture
def api_key(users):
    _key, raw = services.api_key_issue(actor=users.sysadmin, name="测试调用方")
    return raw


def _post(client, api_key, fmt="json", **overrides):
    data = {
        "api_key": api_key,
        "service_code": "noise",
        "lat": "37.8206",
        "long": "112.5512",
        "description": "工地夜间施工噪音扰民，影响休息。",
        "phone": "13912345678",
        "email": "wang@example.com",
        "first_name": "先生",
        "last_name": "王",
    }
    data.update(overrides)
    return client.post(f"/open311/v2/requests.{fmt}", data)


def test_discovery_names_the_notice_to_show_and_the_policy_page(client):
    body = client.get("/open311/v2/discovery.json").json()
    assert body["privacy_notice_version"] == CURRENT
    assert body["privacy_policy"].endswith("/privacy/policy/")


@pytest.mark.parametrize("shown", ["true", "1"])
def test_with_the_notice_shown_name_and_phone_are_kept_with_its_version(
    client, catalogue, api_key, shown
):
    response = _post(client, api_key, privacy_notice_shown=shown, privacy_notice_version=CURRENT)
    assert response.status_code == 201
    row = response.json()[0]
    assert row["personal_data_kept"] is True and "未保存" not in row["service_notice"]
    appeal = Appeal.objects.select_related("matter").get(matter__number=row["service_request_id"])
    assert (appeal.matter.reporter_name, appeal.matter.reporter_phone) == ("王 先生", "13912345678")
    assert appeal.consent_at is not None and appeal.consent_notice == f"appeal/{CURRENT}"
    assert not appeal.matter.anonymous


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("shown", [None, "false", "0"])
def test_without_the_notice_the_appeal_is_kept_and_the_personal_data_dropped(
    client, catalogue, api_key, fmt, shown
):
    extra = {} if shown is None else {"privacy_notice_shown": shown}
    response = _post(client, api_key, fmt, **extra)
    assert response.status_code == 201
    if fmt == "json":
        row = response.json()[0]
        number, kept, notice = (
            row["service_request_id"],
            row["personal_data_kept"],
            row["service_notice"],
        )
    else:
        tree = ET.fromstring(response.content)
        number = tree.find("request/service_request_id").text
        kept = tree.find("request/personal_data_kept").text == "true"
        notice = tree.find("request/service_notice").text
    assert kept is False and "未保存" in notice and "privacy_notice_shown" in notice
    appeal = Appeal.objects.select_related("matter").get(matter__number=number)
    matter = appeal.matter
    assert (matter.reporter_name, matter.reporter_phone, matter.anonymous) == ("", "", True)
    assert appeal.consent_at is None and appeal.consent_notice == ""
    assert "wang@example.com" not in str(matter.description)
    record = AuditRecord.objects.get(actor_repr__startswith="api:", object_id=str(matter.pk))
    assert record.detail["personal_data_dropped"] is True


def test_an_anonymous_request_without_the_notice_says_nothing_was_dropped(
    client, catalogue, api_key
):
    response = _post(client, api_key, phone="", email="", first_name="", last_name="")
    row = response.json()[0]
    assert response.status_code == 201 and row["personal_data_kept"] is False
    assert "未保存" not in row["service_notice"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"privacy_notice_shown": "true"},  # which version?
        {"privacy_notice_shown": "true", "privacy_notice_version": "1999-01"},
        {"privacy_notice_shown": "maybe", "privacy_notice_version": CURRENT},
    ],
)
def test_a_notice_claim_without_a_known_version_is_refused(client, catalogue, api_key, overrides):
    response = _post(client, api_key, **overrides)
    assert response.status_code == 400
    assert "privacy_notice" in response.json()[0]["description"]
    assert not Appeal.objects.exists()
