"""三权分立 that the system administrator cannot get around alone (issue 23, item 2): a role
given or changed needs the security administrator; the auditor cannot be demoted; the one who
set a first password cannot bind the authenticator."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from longcheng.accounts import services
from longcheng.accounts.models import RoleRequest, RoleRequestStatus, User
from longcheng.accounts.roles import Role
from longcheng.audit.models import Action, AuditRecord
from longcheng.core.errors import LongchengError, PermissionRefused

PASSWORD = "Xy7-long-enough"

pytestmark = pytest.mark.django_db


def _create(login, users, org, username="new_clerk", role=Role.CLERK):
    login(users.sysadmin).post(
        "/org/staff/new/",
        {
            "username": username,
            "full_name": "新同事",
            "role": role,
            "unit": org.brigade1.pk if role != Role.AUDITOR else "",
            "position": "队员",
            "phone": "",
            "password": PASSWORD,
        },
    )
    return User.objects.get(username=username)


def test_a_new_account_signs_in_only_after_the_security_administrator_approves(login, users, org):
    created = _create(login, users, org)
    request = RoleRequest.objects.get(user=created)
    assert request.status == RoleRequestStatus.PENDING and request.requested_by == users.sysadmin
    refused = Client().post("/accounts/login/", {"username": "new_clerk", "password": PASSWORD})
    assert refused.status_code == 200 and "尚待安全管理员审批" in refused.content.decode()

    # The system administrator sees the request but has no button, and a forged post fails.
    client = login(users.sysadmin)
    page = client.get("/org/role-requests/").content.decode()
    assert "new_clerk" in page and 'value="approve"' not in page
    client.post(f"/org/role-requests/{request.pk}/", {"decision": "approve"})
    assert User.objects.get(pk=created.pk).awaiting_approval

    secadmin = login(users.secadmin)
    home = secadmin.get("/").content.decode()
    assert "1 项角色调整等待您审批" in home
    secadmin.post(f"/org/role-requests/{request.pk}/", {"decision": "approve", "reason": ""})
    created.refresh_from_db()
    assert not created.awaiting_approval
    signed_in = Client().post("/accounts/login/", {"username": "new_clerk", "password": PASSWORD})
    assert signed_in.status_code == 302
    decision = AuditRecord.objects.filter(action=Action.ROLE_CHANGE, actor=users.secadmin).get()
    assert decision.detail["decision"] == "approved"
    assert decision.detail["requested_by"] == users.sysadmin.pk


def test_a_role_change_waits_and_a_refusal_needs_a_reason(login, users, org):
    client = login(users.sysadmin)
    form = {"role": Role.LEADER, "unit": org.brigade1.pk, "position": "大队长"}
    response = client.post(f"/org/staff/{users.clerk1.pk}/role/", form, follow=True)
    assert "安全管理员批准后生效" in response.content.decode()
    users.clerk1.refresh_from_db()
    assert users.clerk1.role == Role.CLERK  # not yet
    again = client.post(f"/org/staff/{users.clerk1.pk}/role/", form)
    assert "已有一项待安全管理员审批" in again.content.decode()

    request = RoleRequest.objects.get(user=users.clerk1)
    with pytest.raises(LongchengError, match="驳回须写明理由"):
        services.role_request_decide(actor=users.secadmin, request=request, approve=False)
    services.role_request_decide(
        actor=users.secadmin, request=request, approve=False, reason="该大队已有大队长"
    )
    users.clerk1.refresh_from_db()
    assert users.clerk1.role == Role.CLERK
    with pytest.raises(LongchengError, match="已由"):
        services.role_request_decide(actor=users.secadmin, request=request, approve=True)


def test_an_approved_change_applies_and_a_position_alone_applies_at_once(users, org):
    request = services.user_change_role(
        actor=users.sysadmin, user=users.clerk1, role=Role.LEADER, unit=org.brigade1, position=""
    )
    services.role_request_decide(actor=users.secadmin, request=request, approve=True)
    users.clerk1.refresh_from_db()
    assert (users.clerk1.role, users.clerk1.unit) == (Role.LEADER, org.brigade1)
    assert (
        services.user_change_role(
            actor=users.sysadmin,
            user=users.clerk2,
            role=Role.CLERK,
            unit=org.brigade2,
            position="内勤",
        )
        is None
    )
    users.clerk2.refresh_from_db()
    assert users.clerk2.position == "内勤"


def test_nobody_approves_their_own_request_or_their_own_account(users, org):
    second = User.objects.create(username="secadmin2", full_name="乙", role=Role.SECADMIN)
    request = services.user_change_role(
        actor=users.sysadmin, user=second, role=Role.CLERK, unit=org.brigade1, position=""
    )
    with pytest.raises(PermissionRefused, match="关于自己账号"):
        services.role_request_decide(actor=second, request=request, approve=True)
    with pytest.raises(PermissionRefused, match="只有安全管理员"):
        services.role_request_decide(actor=users.sysadmin, request=request, approve=True)
    services.role_request_decide(actor=users.secadmin, request=request, approve=True)


def test_the_system_administrator_can_never_demote_the_auditor(login, users, org):
    response = login(users.sysadmin).post(
        f"/org/staff/{users.auditor.pk}/role/",
        {"role": Role.CLERK, "unit": org.brigade1.pk, "position": ""},
    )
    assert "不能调整审计管理员的角色" in response.content.decode()
    users.auditor.refresh_from_db()
    assert users.auditor.role == Role.AUDITOR
    assert not RoleRequest.objects.filter(user=users.auditor).exists()


def test_only_the_security_administrator_issues_the_binding_code(users):
    with pytest.raises(PermissionRefused):
        services.user_issue_enrolment_code(actor=users.sysadmin, user=users.clerk1)
    code = services.user_issue_enrolment_code(actor=users.secadmin, user=users.clerk1)
    users.clerk1.refresh_from_db()
    assert len(code) == 8 and code not in users.clerk1.enrolment_code_hash
    assert services.enrolment_code_check(users.clerk1, code) is None


def test_a_binding_code_dies_after_five_wrong_tries_or_when_it_expires(users):
    code = services.user_issue_enrolment_code(actor=users.secadmin, user=users.clerk1)
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    for left in (4, 3, 2, 1, 0):
        users.clerk1.refresh_from_db()
        assert f"还可尝试 {left} 次" in services.enrolment_code_check(users.clerk1, wrong)
    users.clerk1.refresh_from_db()
    assert "请向安全管理员领取" in services.enrolment_code_check(users.clerk1, code)

    code = services.user_issue_enrolment_code(actor=users.secadmin, user=users.clerk1)
    User.objects.filter(pk=users.clerk1.pk).update(
        enrolment_code_expires=timezone.now() - datetime.timedelta(minutes=1)
    )
    users.clerk1.refresh_from_db()
    assert "已过期" in services.enrolment_code_check(users.clerk1, code)


def test_the_security_page_offers_the_code_and_shows_it_once(login, users):
    services.user_set_initial_password(actor=users.sysadmin, user=users.clerk1, password=PASSWORD)
    client = login(users.secadmin)
    page = client.get("/org/security/").content.decode()
    assert 'value="enrolment_code"' in page
    shown = client.post(
        f"/org/security/{users.clerk1.pk}/", {"action": "enrolment_code"}, follow=True
    ).content.decode()
    assert "验证器绑定码" in shown and "仅显示这一次" in shown
    assert "验证器绑定码" not in client.get("/org/security/").content.decode()
