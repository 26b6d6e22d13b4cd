"""Requests about one's own data: received with a deadline in working days, what the platform
holds found by phone and ID number (shown once the requester is verified and a second person
approved), a copy exported, answered once — within scope, audited."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.utils import timezone

from conftest import valid_id_number
from longcheng.audit.models import Action, AuditRecord
from longcheng.core.errors import PermissionRefused
from longcheng.loop import services as loop
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.workflow import Channel, Kind, Urgency
from longcheng.privacy import services
from longcheng.privacy.models import DataRequest, Status

from .conftest import approver, grant_reveal, verify_and_approve  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def held(records, users):
    """The person of the fixtures has an ID and a phone; a matter carries the same phone."""
    loop.matter_receive(
        MatterDraft(
            title="夜间施工噪音",
            description="晚上11点后仍在施工。",
            channel=Channel.SUPERVISOR,
            kind=Kind.COMPLAINT,
            urgency=Urgency.NORMAL,
            reporter_name="贺文静",
            reporter_phone=records.person.phone,
        ),
        actor=users.committee_clerk,
    )
    return records.person


def test_the_deadline_counts_working_days_across_the_national_day(users):
    with time_machine.travel(datetime.datetime(2023, 9, 25, 9, tzinfo=SHANGHAI), tick=False):
        request = services.data_request_receive(
            actor=users.committee_clerk,
            kind="copy",
            requester_name="贺文静",
            requester_phone="13912340001",
            detail="请提供平台保存的我的个人信息副本。",
        )
    # 15 working days from Monday 25 September skip 29 Sep – 6 Oct and count the 7th (调休).
    assert request.due_date == datetime.date(2023, 10, 20)
    assert request.unit == users.committee_clerk.unit
    assert AuditRecord.objects.filter(action=Action.CREATE, object_type="privacy.datarequest")


def test_the_pages_find_what_is_held_export_a_copy_and_answer_once(
    login,
    users,
    held,
    approver,  # noqa: F811
):
    clerk = users.committee_clerk
    client = login(clerk)
    response = client.post(
        "/privacy/new/",
        {
            "kind": "copy",
            "requester_name": "贺文静",
            "requester_phone": held.phone,
            "requester_id_number": held.id_number,
            "detail": "请提供副本。",
        },
    )
    request = DataRequest.objects.get()
    assert response.url == f"/privacy/{request.pk}/"
    page = client.get(response.url).content.decode()
    assert "需要“查看完整个人信息”权限" in page and held.id_number not in page
    assert client.get(f"/privacy/{request.pk}/?copy=xlsx").status_code == 403

    grant_reveal(clerk)
    client = login(clerk)
    page = client.get(f"/privacy/{request.pk}/").content.decode()
    assert "1 件诉求、1 条人员登记、0 份志愿者报名" in page and "待核验身份" in page
    assert "夜间施工噪音" not in page  # counts only, until verified and approved
    assert client.get(f"/privacy/{request.pk}/?copy=xlsx").status_code == 403

    verify_and_approve(request, clerk=clerk, approver=approver)
    page = client.get(f"/privacy/{request.pk}/").content.decode()
    assert "夜间施工噪音" in page and "自然人登记" in page
    assert held.id_number not in page  # the page lists places; the copy holds the values
    copy = client.get(f"/privacy/{request.pk}/?copy=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(copy.content)).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert held.id_number in values and held.phone in values
    assert AuditRecord.objects.filter(action=Action.EXPORT_PERSONAL).exists()

    refused = client.post(
        f"/privacy/{request.pk}/", {"outcome": "refused", "answer": " ", "version": 1}
    )
    assert "须说明理由" in refused.content.decode() or "必填" in refused.content.decode()
    client.post(
        f"/privacy/{request.pk}/",
        {"outcome": "done", "answer": "副本已当面交付本人。", "version": request.version},
    )
    request.refresh_from_db()
    assert request.status == Status.ANSWERED and request.answered_by == clerk
    again = client.post(
        f"/privacy/{request.pk}/",
        {"outcome": "done", "answer": "再答一次", "version": request.version},
    )
    assert "已答复" in again.content.decode()
    assert DataRequest.objects.get().answer == "副本已当面交付本人。"


def test_another_units_request_is_a_404_and_administrators_receive_none(login, users):
    request = services.data_request_receive(
        actor=users.committee_clerk,
        kind="delete",
        requester_name="王先生",
        requester_phone="13912345678",
        detail="请删除我的手机号。",
    )
    assert login(users.clerk1).get(f"/privacy/{request.pk}/").status_code == 404
    assert login(users.dispatcher).get(f"/privacy/{request.pk}/").status_code == 200
    assert login(users.sysadmin).get("/privacy/").status_code == 403
    with pytest.raises(PermissionRefused):
        services.data_request_receive(
            actor=users.secadmin,
            kind="access",
            requester_name="王先生",
            requester_phone="13912345678",
            detail="查阅",
        )


def test_the_list_shows_overdue_requests(login, users):
    request = services.data_request_receive(
        actor=users.committee_clerk,
        kind="access",
        requester_name="王先生",
        requester_phone="13912345678",
        detail="查阅",
        requester_id_number=valid_id_number(),
    )
    DataRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    page = login(users.committee_clerk).get("/privacy/?status=received").content.decode()
    assert request.number in page and "已超期" in page and "139****5678" in page
