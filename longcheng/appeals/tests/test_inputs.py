"""Every input of the appeals pages and of Open311 goes through a form: a bad value is a
message (or the spec's error), never a server error; the writes are audited services."""

import dataclasses
import datetime

import pytest

from longcheng.appeals import services
from longcheng.appeals.models import AgendaItem, ApiKey, Appeal, CommitteeMeeting
from longcheng.appeals.services import AppealDraft
from longcheng.audit.models import AuditRecord

from .test_open311 import _post
from .test_staff import _overdue_appeal

pytestmark = pytest.mark.django_db


def test_an_appeal_draft_is_a_frozen_value():
    draft = AppealDraft(description="园区道路围挡两个月没有进展。", anonymous=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.description = "改过的"  # type: ignore[misc]


def _meeting(users, org):
    return CommitteeMeeting.objects.create(
        committee=org.committee,
        title="第三次全体会议",
        held_on=datetime.date(2023, 10, 20),
        created_by=users.committee_clerk,
    )


def test_the_meeting_page_refuses_bad_ids_with_a_message(login, users, org, catalogue, clock):
    appeal = _overdue_appeal(users, org, clock)
    meeting = _meeting(users, org)
    client = login(users.committee_clerk)
    for bad in ("x", "-1", "99999999999999999999", "123456"):
        page = client.post(meeting.get_absolute_url(), {"add": bad}, follow=True)
        assert page.status_code == 200 and "填写有误" in page.content.decode()
    assert not AgendaItem.objects.exists()
    client.post(meeting.get_absolute_url(), {"add": appeal.matter.pk, "reason": "已超期"})
    item = AgendaItem.objects.get()
    assert AuditRecord.objects.filter(object_type="appeals.agendaitem").count() == 1
    other = _meeting(users, org)
    page = client.post(
        other.get_absolute_url(),
        {
            "decide": item.pk,  # an item of another meeting
            f"item{item.pk}-lead_unit": org.brigade2.pk,
            f"item{item.pk}-deadline": "2023-10-27",
            f"item{item.pk}-instructions": "由二大队牵头。",
        },
        follow=True,
    ).content.decode()
    assert "该议题不属于本次会议" in page
    page = client.post(
        meeting.get_absolute_url(),
        {"decide": item.pk, f"item{item.pk}-deadline": "99999-01-01"},
        follow=True,
    ).content.decode()
    assert "请完整填写主办单位、办结期限和会议决定" in page
    item.refresh_from_db()
    assert item.decided_at is None


def test_api_keys_refuse_a_blank_name_and_an_unknown_key(login, users):
    client = login(users.sysadmin)
    page = client.post("/appeals/api-keys/", {"name": "  "}, follow=True).content.decode()
    assert "请填写调用方名称" in page and not ApiKey.objects.exists()
    assert client.post("/appeals/api-keys/", {"revoke": "x"}).status_code == 404
    assert client.post("/appeals/api-keys/", {"revoke": "424242"}).status_code == 404


def test_open311_with_half_a_position_and_an_address_is_taken(client, catalogue, users):
    _key, raw = services.api_key_issue(actor=users.sysadmin, name="测试调用方")
    response = _post(client, "json", api_key=raw, long="", address_string="小店区长治路1号")
    assert response.status_code == 201
    appeal = Appeal.objects.get()
    assert appeal.matter.address == "小店区长治路1号" and appeal.matter.longitude is None
    assert AuditRecord.objects.filter(detail__via="open311").count() == 1


@pytest.mark.parametrize("bad", ["inf", "nan", "1e999"])
def test_open311_refuses_positions_that_are_not_numbers(client, catalogue, users, bad):
    _key, raw = services.api_key_issue(actor=users.sysadmin, name="测试调用方")
    response = _post(client, "json", api_key=raw, lat=bad)
    assert response.status_code == 400 and not Appeal.objects.exists()


def test_open311_bad_list_parameters_are_the_specs_errors(client):
    assert client.get("/open311/v2/requests.json?end_date=1e9").status_code == 400
    assert client.get("/open311/v2/services.json?jurisdiction_id=x").status_code == 404
    assert client.get("/open311/v2/requests.json?status=open,closed").status_code == 200


def test_public_figures_take_a_bad_period_as_the_current_month(client):
    response = client.get("/open/figures/?start=99999-01-01&end=x")
    assert response.status_code == 200
