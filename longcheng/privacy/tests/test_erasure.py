"""Deletion on request: what may go is cleared at once by the retention rules; what stays is
listed with its reason; the answer is drafted from the result; once per request, audited."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from longcheng.audit.models import Action, AuditRecord
from longcheng.loop import services as loop
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Channel, Kind, Status, Urgency
from longcheng.privacy import services
from longcheng.volunteers.models import Application
from longcheng.volunteers.tests.conftest import apply, forum  # noqa: F401  (fixture)
from longcheng.volunteers.workflow import Status as ApplicationStatus

from .conftest import approver, verify_and_approve  # noqa: F401  (fixture)

# The loop's frozen clock: 2023, as in the seed.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
PHONE = "13912345678"  # the phone every applicant of the volunteer fixtures gives


def _matter(users, title):
    return loop.matter_receive(
        MatterDraft(
            title=title,
            description="晚上11点后仍在施工。",
            channel=Channel.SUPERVISOR,
            kind=Kind.COMPLAINT,
            urgency=Urgency.NORMAL,
            reporter_name="李明",
            reporter_phone=PHONE,
        ),
        actor=users.committee_clerk,
    )


def test_a_deletion_request_clears_what_may_go_and_keeps_the_rest_with_reasons(
    login,
    users,
    forum,  # noqa: F811
    approver,  # noqa: F811
):
    done, held, still_open = (_matter(users, t) for t in ("噪音一", "噪音二", "噪音三"))
    Matter.objects.filter(pk__in=[done.pk, held.pk]).update(
        status=Status.ARCHIVED, archived_at=timezone.now()
    )
    loop.matter_set_legal_hold(matter=held, actor=users.leader, reason="行政复议中")
    not_selected, served = apply(forum, "李明"), apply(forum, "王芳")
    Application.objects.filter(pk=served.pk).update(status=ApplicationStatus.SELECTED)
    clerk = users.committee_clerk
    request = services.data_request_receive(
        actor=clerk,
        kind="delete",
        requester_name="李明",
        requester_phone=PHONE,
        requester_id_number=not_selected.id_number,
        detail="活动已结束，请删除我的个人信息。",
    )
    client = login(clerk)
    assert 'data-testid="erase"' not in client.get(f"/privacy/{request.pk}/").content.decode()
    client.post(f"/privacy/{request.pk}/", {"erase": "1", "version": request.version})
    request.refresh_from_db()
    assert request.erased_at is None  # without the reveal permission nothing happened

    clerk.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    client = login(clerk)
    assert 'data-testid="erase"' not in client.get(f"/privacy/{request.pk}/").content.decode()
    refused = client.post(
        f"/privacy/{request.pk}/", {"erase": "1", "version": request.version}, follow=True
    )
    assert "尚未核验并经第二人审批" in refused.content.decode()
    assert Matter.objects.get(pk=done.pk).reporter_phone == PHONE  # nothing cleared yet

    verify_and_approve(request, clerk=clerk, approver=approver)
    assert 'data-testid="erase"' in client.get(f"/privacy/{request.pk}/").content.decode()
    client.post(f"/privacy/{request.pk}/", {"erase": "1", "version": request.version})

    cleared = Matter.objects.get(pk=done.pk)
    assert (cleared.reporter_name, cleared.reporter_phone) == ("", "")
    assert cleared.title == "噪音一" and cleared.status == Status.ARCHIVED
    for kept in (held, still_open):
        assert Matter.objects.get(pk=kept.pk).reporter_phone == PHONE
    assert Application.objects.get(pk=not_selected.pk).phone == ""
    assert Application.objects.get(pk=served.pk).full_name == "王芳"

    page = client.get(f"/privacy/{request.pk}/").content.decode()
    assert 'data-testid="erasure"' in page and 'data-testid="erase"' not in page
    for reason in ("保全中：行政复议中", "尚在办理，答复和回访需要联系方式", "已录用"):
        assert reason in page
    assert "已清除您在以下记录中的个人信息" in page  # the drafted answer
    assert 'value="partly" selected' in page
    record = AuditRecord.objects.get(action=Action.ERASURE)
    assert record.detail == {"cleared": 2, "kept": 3}
    assert PHONE not in str(record.detail)

    client.post(f"/privacy/{request.pk}/", {"erase": "1", "version": request.version + 1})
    assert AuditRecord.objects.filter(action=Action.ERASURE).count() == 1


def test_only_a_deletion_request_erases(login, users):
    clerk = users.committee_clerk
    clerk.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    request = services.data_request_receive(
        actor=clerk,
        kind="copy",
        requester_name="李明",
        requester_phone=PHONE,
        detail="请提供副本。",
    )
    client = login(clerk)
    assert 'data-testid="erase"' not in client.get(f"/privacy/{request.pk}/").content.decode()
    response = client.post(
        f"/privacy/{request.pk}/", {"erase": "1", "version": request.version}, follow=True
    )
    assert "只有删除请求可以清除个人信息" in response.content.decode()
    assert not AuditRecord.objects.filter(action=Action.ERASURE).exists()
