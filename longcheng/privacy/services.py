"""The only code that writes data requests: receive and answer, each audited."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.audit.models import Action
from longcheng.audit.services import audit_record
from longcheng.core.calendar import add_working_days
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.core.versioning import save_versioned

from .models import DataRequest, Outcome, Status


class DataRequestRefused(LongchengError):
    pass


def _require_staff(actor) -> None:
    from longcheng.web.access import is_business_staff

    if not is_business_staff(actor):
        raise PermissionRefused(_("只有业务单位工作人员可以受理个人信息权利请求。"))


def data_request_receive(
    *,
    actor,
    kind: str,
    requester_name: str,
    requester_phone: str,
    detail: str,
    requester_id_number: str = "",
) -> DataRequest:
    """受理: the deadline counts in working days from today (LONGCHENG_PIPL_ANSWER_DAYS)."""
    _require_staff(actor)
    today = timezone.localdate()
    with transaction.atomic():
        request = DataRequest.objects.create(
            kind=kind,
            requester_name=requester_name,
            requester_phone=requester_phone,
            requester_id_number=requester_id_number,
            detail=detail,
            unit=actor.unit,
            received_by=actor,
            due_date=add_working_days(today, settings.LONGCHENG_PIPL_ANSWER_DAYS),
        )
        audit_record(actor=actor, action=Action.CREATE, target=request, after={"kind": kind})
    return request


def data_request_answer(
    *, actor, request: DataRequest, outcome: str, answer: str, version: int
) -> DataRequest:
    """答复: a refusal or partial answer must say why (PIPL art. 50)."""
    _require_staff(actor)
    if request.status != Status.RECEIVED:
        raise DataRequestRefused(_("该请求已答复，不能重复答复。"))
    if outcome not in Outcome.values:
        raise DataRequestRefused(_("请选择办理结果。"))
    if not answer.strip():
        raise DataRequestRefused(_("请填写答复内容；不予办理或部分办理的，须说明理由。"))
    with transaction.atomic():
        request.status = Status.ANSWERED
        request.outcome = outcome
        request.answer = answer.strip()
        request.answered_by = actor
        request.answered_at = timezone.now()
        save_versioned(
            request,
            expected_version=version,
            fields=["status", "outcome", "answer", "answered_by", "answered_at"],
        )
        audit_record(
            actor=actor,
            action=Action.STATE_CHANGE,
            target=request,
            detail={"outcome": outcome, "late": request.due_date < timezone.localdate()},
        )
    return request
