"""Two requests at the district committee: one answered, one waiting."""

from longcheng.accounts.models import User
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Status

from . import services
from .models import DataRequest


def seed(log) -> None:
    if DataRequest.objects.exists():
        return
    clerk = User.objects.get(username="xd_clerk")
    answered = services.data_request_receive(
        actor=clerk,
        kind="access",
        requester_name="贺文静",
        requester_phone="13912340001",
        detail="想了解平台保存了我哪些信息、用于什么。",
    )
    services.data_request_answer(
        actor=clerk,
        request=answered,
        outcome="done",
        answer="已向本人说明：平台保存其反映诉求时留下的称呼和手机号码，仅用于办理和回访。",
        version=answered.version,
    )
    # The deletion request comes from a reporter of an archived demo matter, so that clearing
    # it in the demo shows a result.
    reporter = (
        Matter.objects.filter(status=Status.ARCHIVED)
        .exclude(reporter_phone="")
        .exclude(reporter_name="")
        .order_by("id")
        .first()
    )
    services.data_request_receive(
        actor=clerk,
        kind="delete",
        requester_name=reporter.reporter_name if reporter else "王建国",
        requester_phone=reporter.reporter_phone if reporter else "13835100002",
        detail="诉求已办结，请删除我的手机号码。",
    )
    log("个人信息权利请求：2 件（1 件已答复）。")
