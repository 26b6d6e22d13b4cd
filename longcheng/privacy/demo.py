"""Requests at the district committee, one at each stage: answered; verified and approved
(a deletion waiting to be cleared); verified and waiting for the second person; waiting for
the requester's identity to be verified. 任佳 (xd_clerk) receives and verifies; the office's
head 赵敏 (xd_leader) approves."""

import datetime

from longcheng.accounts import services as account_services
from longcheng.accounts.demo import DEMO_PASSWORD
from longcheng.accounts.models import RoleRequest, RoleRequestStatus, User
from longcheng.accounts.roles import Role
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Status
from longcheng.parties.demo import demo_id_number

from . import services
from .models import DataRequest, DocumentType, PrivacyNotice
from .notice_texts import first_versions


def _approver(clerk: User) -> User:
    leader = User.objects.filter(username="xd_leader").first() or account_services.user_create(
        actor=User.objects.get(username="sysadmin"),
        username="xd_leader",
        full_name="赵敏",
        role=Role.LEADER,
        unit=clerk.unit,
        position="监督委办公室主任",
        phone="13900000042",
        password=DEMO_PASSWORD,
    )
    # The new role waits for the security administrator; an account still waiting does not
    # approve anything.
    secadmin = User.objects.get(username="secadmin")
    for pending in RoleRequest.objects.filter(user=leader, status=RoleRequestStatus.PENDING):
        account_services.role_request_decide(actor=secadmin, request=pending, approve=True)
    leader.refresh_from_db()
    return leader


def _verify_in_person(clerk: User, request: DataRequest) -> None:
    services.data_request_check_document(
        actor=clerk,
        request=request,
        document_type=DocumentType.ID_CARD,
        document_number=request.requester_id_number,
    ).verified()


def _notices(log) -> None:
    """The first version of each form's notice (migration 0006 seeds them too; a flushed
    test database has lost them)."""
    for row in first_versions():
        if not PrivacyNotice.objects.filter(key=row["key"], version=row["version"]).exists():
            services.privacy_notice_publish(**row, actor_repr="seed_demo")
            log(f"个人信息告知 {row['key']}/{row['version']}")


def seed(log) -> None:
    _notices(log)
    if DataRequest.objects.exists():
        return
    clerk = User.objects.get(username="xd_clerk")
    leader = _approver(clerk)
    answered = services.data_request_receive(
        actor=clerk,
        kind="access",
        requester_name="贺文静",
        requester_phone="13912340001",
        requester_id_number=demo_id_number("140105", datetime.date(1978, 3, 12), 24),
        detail="想了解平台保存了我哪些信息、用于什么。",
    )
    _verify_in_person(clerk, answered)
    services.data_request_approve_disclosure(actor=leader, request=answered)
    services.data_request_answer(
        actor=clerk,
        request=answered,
        outcome="done",
        answer="已向本人说明：平台保存其反映诉求时留下的称呼和手机号码，仅用于办理和回访。",
        version=answered.version,
    )
    # The deletion request comes from a reporter of an archived demo matter, so that clearing
    # it in the demo shows a result. The requester came in person with the ID card.
    reporter = (
        Matter.objects.filter(status=Status.ARCHIVED)
        .exclude(reporter_phone="")
        .exclude(reporter_name="")
        .order_by("id")
        .first()
    )
    deletion = services.data_request_receive(
        actor=clerk,
        kind="delete",
        requester_name=reporter.reporter_name if reporter else "王建国",
        requester_phone=reporter.reporter_phone if reporter else "13835100002",
        requester_id_number=demo_id_number("140105", datetime.date(1981, 4, 9), 53),
        detail="诉求已办结，请删除我的手机号码。",
    )
    _verify_in_person(clerk, deletion)
    services.data_request_approve_disclosure(actor=leader, request=deletion)
    waiting_approval = services.data_request_receive(
        actor=clerk,
        kind="copy",
        requester_name="白志刚",
        requester_phone="13912340002",
        requester_id_number=demo_id_number("140105", datetime.date(1972, 11, 5), 17),
        detail="请提供平台保存的我的个人信息副本。",
    )
    _verify_in_person(clerk, waiting_approval)
    services.data_request_receive(
        actor=clerk,
        kind="correct",
        requester_name="常丽华",
        requester_phone="13912340003",
        detail="我的手机号码已更换，请更正登记的联系电话。",
    )
    log(
        "个人信息权利请求：4 件（1 件已答复；1 件已核验并审批；1 件待第二人审批；"
        "1 件待核验身份）。审批人 xd_leader。"
    )
