"""A request is not a lookup tool: what the platform holds about the requester is shown,
exported, answered or erased only after the requester's identity is verified (a code sent to
the phone on the request, or a document checked in person) and a second person approved.
Before that the staff see counts only."""

import datetime
import io
import re

import openpyxl
import pytest
import time_machine
from django.utils import timezone

from conftest import UserFactory
from longcheng.accounts.roles import Role
from longcheng.audit.models import Action, AuditRecord
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.loop import services as loop
from longcheng.loop import sms
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.workflow import Channel, Kind, Urgency
from longcheng.privacy import selectors, services
from longcheng.privacy.erasure import data_request_erase
from longcheng.privacy.models import DataRequest, IdentityCheck, Status

from .conftest import approver, grant_reveal, verify_and_approve  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(users):
    grant_reveal(users.committee_clerk)
    return users.committee_clerk


@pytest.fixture
def request_(records, users, clerk):
    """A copy request from the person of the fixtures, who also reported three matters."""
    for title in ("夜间施工噪音", "占道经营", "井盖缺失"):
        loop.matter_receive(
            MatterDraft(
                title=title,
                description="请尽快处理。",
                channel=Channel.SUPERVISOR,
                kind=Kind.COMPLAINT,
                urgency=Urgency.NORMAL,
                reporter_name="贺文静",
                reporter_phone=records.person.phone,
            ),
            actor=users.committee_clerk,
        )
    return services.data_request_receive(
        actor=clerk,
        kind="copy",
        requester_name="贺文静",
        requester_phone=records.person.phone,
        requester_id_number=records.person.id_number,
        detail="请提供副本。",
    )


def _send(clerk, request, django_capture_on_commit_callbacks) -> str:
    """Send a code and return it as the requester's phone received it."""
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.data_request_send_code(actor=clerk, request=request)
    ((phone, text),) = sms.outbox
    assert phone == request.requester_phone
    return re.search(r"\b(\d{6})\b", text).group(1)


def _steps() -> list[str]:
    return list(
        AuditRecord.objects.filter(object_type="privacy.datarequest")
        .filter(detail__has_key="step")
        .order_by("id")
        .values_list("detail__step", flat=True)
    )


def test_before_verification_the_clerk_sees_counts_only(login, clerk, request_):
    page = login(clerk).get(f"/privacy/{request_.pk}/").content.decode()
    assert "3 件诉求、1 条人员登记、0 份志愿者报名" in page
    assert "待核验身份" in page
    for content in ("夜间施工噪音", "占道经营", 'data-testid="holdings"', 'data-testid="copy"'):
        assert content not in page
    assert login(clerk).get(f"/privacy/{request_.pk}/?copy=xlsx").status_code == 403
    with pytest.raises(LongchengError, match="尚未核验"):
        selectors.data_request_holdings(actor=clerk, request=request_)


def test_the_service_refuses_the_answer_the_copy_and_erasure_before_approval(
    clerk,
    request_,
    approver,  # noqa: F811
):
    with pytest.raises(LongchengError, match="待核验身份"):
        services.data_request_answer(
            actor=clerk, request=request_, outcome="done", answer="副本已交付。", version=1
        )
    services.data_request_check_document(
        actor=clerk,
        request=request_,
        document_type="id_card",
        document_number=request_.requester_id_number,
    ).verified()
    with pytest.raises(LongchengError, match="待第二人审批"):
        selectors.data_request_holdings(actor=clerk, request=request_)
    with pytest.raises(LongchengError, match="待第二人审批"):
        services.data_request_answer(
            actor=clerk, request=request_, outcome="partly", answer="部分。", version=1
        )
    DataRequest.objects.filter(pk=request_.pk).update(kind="delete")
    request_.refresh_from_db()
    with pytest.raises(LongchengError, match="待第二人审批"):
        data_request_erase(actor=clerk, request=request_, version=request_.version)
    # A refusal with its reason discloses nothing and may close a request never verified.
    services.data_request_answer(
        actor=clerk,
        request=request_,
        outcome="refused",
        answer="无法核验请求人身份，不予办理。",
        version=request_.version,
    )
    assert DataRequest.objects.get(pk=request_.pk).status == Status.ANSWERED


def test_a_right_sms_code_verifies_and_only_its_hash_is_kept(
    clerk, request_, django_capture_on_commit_callbacks
):
    code = _send(clerk, request_, django_capture_on_commit_callbacks)
    check = IdentityCheck.objects.get()
    assert code not in check.code_hash and len(check.code_hash) == 64
    assert (check.code_expires_at - check.started_at) == datetime.timedelta(minutes=10)
    services.data_request_check_code(actor=clerk, request=request_, code=f" {code} ").verified()
    check.refresh_from_db()
    assert check.verified_by == clerk and check.verified_at and check.code_hash == ""
    assert selectors.disclosure(request_).missing == "待第二人审批"
    assert _steps() == ["identity_code_sent", "identity_code_verified"]
    assert code not in str(list(AuditRecord.objects.values_list("detail", flat=True)))
    with pytest.raises(LongchengError, match="已核验"):
        services.data_request_send_code(actor=clerk, request=request_)


def test_a_wrong_code_is_refused_and_counted(clerk, request_, django_capture_on_commit_callbacks):
    code = _send(clerk, request_, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(LongchengError, match="还可以再试 4 次"):
        services.data_request_check_code(actor=clerk, request=request_, code=wrong).verified()
    with pytest.raises(LongchengError, match="还可以再试 3 次"):
        services.data_request_check_code(actor=clerk, request=request_, code="abcdef").verified()
    assert IdentityCheck.objects.get().attempts == 2  # the failures stay recorded
    failed = AuditRecord.objects.filter(action=Action.REFUSED, detail__step="identity_code_failed")
    assert failed.count() == 2
    assert not selectors.disclosure(request_).verified


def test_an_expired_code_is_refused(clerk, request_, django_capture_on_commit_callbacks):
    code = _send(clerk, request_, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        with pytest.raises(LongchengError, match="已过期"):
            services.data_request_check_code(actor=clerk, request=request_, code=code).verified()
    assert not selectors.disclosure(request_).verified
    assert AuditRecord.objects.filter(detail__why="expired").exists()


def test_five_wrong_codes_spend_the_code_until_a_new_one_is_sent(
    clerk, request_, django_capture_on_commit_callbacks
):
    code = _send(clerk, request_, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _attempt in range(5):
        with pytest.raises(LongchengError):
            services.data_request_check_code(actor=clerk, request=request_, code=wrong).verified()
    with pytest.raises(LongchengError, match="错误次数过多"):
        services.data_request_check_code(actor=clerk, request=request_, code=code).verified()
    assert not selectors.disclosure(request_).verified
    with pytest.raises(LongchengError, match="秒后再重新发送"):
        services.data_request_send_code(actor=clerk, request=request_)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        fresh = _send(clerk, request_, django_capture_on_commit_callbacks)
        if fresh != code:  # the spent code does not open the new one
            with pytest.raises(LongchengError, match="不正确"):
                services.data_request_check_code(
                    actor=clerk, request=request_, code=code
                ).verified()
        services.data_request_check_code(actor=clerk, request=request_, code=fresh).verified()
        assert selectors.disclosure(request_).verified


def test_the_in_person_check_records_the_document_never_its_number(login, clerk, request_, users):
    client = login(clerk)
    page = client.post(
        f"/privacy/{request_.pk}/",
        {
            "action": "check_document",
            "doc-document_type": "passport",
            "doc-document_number": "E12345678",
            "doc-confirmed": "on",
        },
    ).content.decode()
    assert "证件号码与请求登记的号码不一致" in page
    assert not IdentityCheck.objects.exists()
    unconfirmed = client.post(
        f"/privacy/{request_.pk}/",
        {
            "action": "check_document",
            "doc-document_type": "id_card",
            "doc-document_number": request_.requester_id_number,
        },
    )
    assert unconfirmed.status_code == 200 and not IdentityCheck.objects.exists()

    response = client.post(
        f"/privacy/{request_.pk}/",
        {
            "action": "check_document",
            "doc-document_type": "id_card",
            "doc-document_number": request_.requester_id_number.lower(),
            "doc-confirmed": "on",
        },
    )
    assert response.status_code == 302
    check = IdentityCheck.objects.get()
    assert (check.method, check.document_type, check.verified_by) == ("document", "id_card", clerk)
    stored = str(IdentityCheck.objects.values().get())
    assert request_.requester_id_number not in stored
    record = AuditRecord.objects.get(detail__step="identity_document_checked")
    assert record.detail["document_type"] == "id_card"
    page = client.get(f"/privacy/{request_.pk}/").content.decode()
    assert "待第二人审批" in page and "夜间施工噪音" not in page

    no_id = services.data_request_receive(
        actor=clerk,
        kind="access",
        requester_name="王先生",
        requester_phone="13912345678",
        detail="查阅",
    )
    with pytest.raises(LongchengError, match="改用短信验证码"):
        services.data_request_check_document(
            actor=clerk, request=no_id, document_type="other", document_number="X1"
        ).verified()


def test_a_second_person_approves_not_the_verifier_nor_the_receiver(
    login,
    clerk,
    request_,
    users,
    org,
    approver,  # noqa: F811
):
    services.data_request_check_document(
        actor=approver,  # the second person verifies this time ...
        request=request_,
        document_type="id_card",
        document_number=request_.requester_id_number,
    ).verified()
    with pytest.raises(PermissionRefused, match="不能审批自己完成的身份核验"):
        services.data_request_approve_disclosure(actor=approver, request=request_)
    with pytest.raises(PermissionRefused, match="受理该请求的人员不能审批"):
        services.data_request_approve_disclosure(actor=clerk, request=request_)
    without_reveal = UserFactory(username="xdthird", role=Role.CLERK, unit=org.committee)
    with pytest.raises(PermissionRefused, match="本单位领导"):
        services.data_request_approve_disclosure(actor=without_reveal, request=request_)
    page = login(approver).get(f"/privacy/{request_.pk}/").content.decode()
    assert 'data-testid="approve"' not in page and "不能审批自己完成的身份核验" in page

    # ... and the unit's leader, who sees the verification record, approves.
    waiting = UserFactory(
        username="xdnew", role=Role.LEADER, unit=org.committee, awaiting_approval=True
    )
    with pytest.raises(PermissionRefused):  # a role not yet approved approves nothing
        services.data_request_approve_disclosure(actor=waiting, request=request_)
    leader = UserFactory(username="xdleader", role=Role.LEADER, unit=org.committee)
    page = login(leader).get(f"/privacy/{request_.pk}/").content.decode()
    assert 'data-testid="approve"' in page and "当面查验证件（居民身份证）" in page
    response = login(leader).post(
        f"/privacy/{request_.pk}/", {"action": "approve", "approval-reason": "证件核对无误。"}
    )
    assert response.status_code == 302
    assert selectors.disclosure(request_).approved
    with pytest.raises(LongchengError, match="不能重复审批"):
        services.data_request_refuse_disclosure(actor=leader, request=request_, reason="再议")


def test_a_refusal_needs_a_reason_and_sends_the_request_back_to_verification(
    login,
    clerk,
    request_,
    approver,  # noqa: F811
):
    services.data_request_check_document(
        actor=clerk,
        request=request_,
        document_type="residence_permit",
        document_number=request_.requester_id_number,
    ).verified()
    client = login(approver)
    page = client.post(
        f"/privacy/{request_.pk}/", {"action": "refuse", "approval-reason": " "}
    ).content.decode()
    assert "须填写理由" in page or "请填写理由" in page
    client.post(
        f"/privacy/{request_.pk}/",
        {"action": "refuse", "approval-reason": "证件照片与本人不符。"},
    )
    state = selectors.disclosure(request_)
    assert not state.verified and state.missing == "待核验身份"
    assert state.refused.reason == "证件照片与本人不符。"
    page = login(clerk).get(f"/privacy/{request_.pk}/").content.decode()
    assert "证件照片与本人不符" in page and 'data-testid="check-document"' in page
    assert _steps()[-1] == "disclosure_refused"


def test_after_approval_the_contents_and_the_copy_are_there(
    login,
    clerk,
    request_,
    records,
    approver,  # noqa: F811
):
    verify_and_approve(request_, clerk=clerk, approver=approver)
    client = login(clerk)
    page = client.get(f"/privacy/{request_.pk}/").content.decode()
    for content in ("夜间施工噪音", "占道经营", "井盖缺失", 'data-testid="holdings"', "自然人登记"):
        assert content in page
    copy = client.get(f"/privacy/{request_.pk}/?copy=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(copy.content)).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert records.person.id_number in values and records.person.phone in values
    assert _steps() == ["identity_document_checked", "disclosure_approved"]


def test_the_page_sends_a_code_and_the_clerk_types_what_the_requester_reads_out(
    login, clerk, request_, django_capture_on_commit_callbacks
):
    client = login(clerk)
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/privacy/{request_.pk}/", {"action": "send_code"})
    assert response.status_code == 302
    ((_phone, text),) = sms.outbox
    code = re.search(r"\b(\d{6})\b", text).group(1)
    page = client.get(f"/privacy/{request_.pk}/").content.decode()
    assert 'data-testid="check-code"' in page and code not in page
    wrong = client.post(f"/privacy/{request_.pk}/", {"action": "check_code", "code-code": "12ab"})
    assert "6 位数字" in wrong.content.decode()
    client.post(f"/privacy/{request_.pk}/", {"action": "check_code", "code-code": code})
    page = client.get(f"/privacy/{request_.pk}/").content.decode()
    assert "待第二人审批" in page and "短信验证码" in page and "夜间施工噪音" not in page


def test_a_refused_try_is_returned_and_stays_recorded_under_the_services_transaction(
    clerk, request_
):
    """The service is one transaction; a wrong document number is a refusal it returns (so
    the audited mismatch is kept), raised by `verified()`."""
    result = services.data_request_check_document(
        actor=clerk, request=request_, document_type="id_card", document_number="X0000"
    )
    assert result.check is None and "不一致" in result.refusal
    with pytest.raises(LongchengError, match="不一致"):
        result.verified()
    assert AuditRecord.objects.filter(detail__step="identity_document_mismatch").exists()
    assert not selectors.disclosure(request_).verified
