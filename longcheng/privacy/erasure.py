"""Deletion on request (PIPL art. 47): clear what the platform holds about one person, by the
same rules the retention purge applies (``loop.retention``, ``volunteers.retention``), without
waiting for the period. What must stay says why: a matter still being handled needs the
contact for the answer and the callback; a matter under 保全 is kept for the review or
litigation; a selected volunteer's record proves the hours served; the party register holds
persons for statutory inspection and enforcement duties (PIPL art. 13 (3))."""

import dataclasses

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.audit.models import Action
from longcheng.audit.services import audit_record
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned
from longcheng.loop import retention as matter_rules
from longcheng.loop.models import Matter
from longcheng.parties.models import Person
from longcheng.volunteers import retention as applicant_rules
from longcheng.volunteers.models import Application

from .models import DataRequest, Kind, Status
from .selectors import REVEAL, require_disclosure


class ErasureRefused(LongchengError):
    pass


@dataclasses.dataclass
class Line:
    place: str
    record: str
    cleared: bool
    reason: str = ""


def _matter_lines(phone: str) -> list[Line]:
    matters = Matter.objects.filter(reporter_phone=phone)
    clearable = set(matter_rules.clearable(matters).values_list("pk", flat=True))
    lines = []
    for matter in matters.order_by("id"):
        if matter.pk in clearable:
            lines.append(Line(_("诉求事项"), matter.number, True))
        elif matter.legal_hold:
            lines.append(
                Line(_("诉求事项"), matter.number, False, _("保全中：%s") % matter.legal_hold)
            )
        else:
            lines.append(
                Line(_("诉求事项"), matter.number, False, _("尚在办理，答复和回访需要联系方式"))
            )
    matter_rules.clear_reporter_contacts(matters.filter(pk__in=clearable))
    return lines


def _application_lines(phone: str, id_number: str) -> list[Line]:
    applications = Application.objects.filter(phone=phone)
    if id_number:
        applications = applications | Application.objects.filter(id_number=id_number)
    applications = applications.select_related("campaign").order_by("id")
    clearable = set(applicant_rules.clearable(applications).values_list("pk", flat=True))
    lines = [
        Line(_("志愿者报名"), str(a.campaign), True)
        if a.pk in clearable
        else Line(_("志愿者报名"), str(a.campaign), False, _("已录用，服务记录和时长证明需要保留"))
        for a in applications
    ]
    applicant_rules.clear_applicants(Application.objects.filter(pk__in=clearable))
    return lines


def _register_lines(id_number: str) -> list[Line]:
    if not id_number:
        return []
    return [
        Line(
            _("自然人登记"),
            str(person.owner_unit),
            False,
            _("检查、执法当事人登记，依法履行职责所需（个人信息保护法第十三条）"),
        )
        for person in Person.objects.filter(id_number=id_number).select_related("owner_unit")
    ]


@service
def data_request_erase(*, actor, request: DataRequest, version: int) -> list[Line]:
    """Clear what may be cleared, record per record what stayed and why; once per request."""
    if not actor.has_perm(REVEAL):
        raise PermissionRefused(_("清除个人信息需要“查看完整个人信息”权限。"))
    if request.kind != Kind.DELETE:
        raise ErasureRefused(_("只有删除请求可以清除个人信息。"))
    if request.status != Status.RECEIVED or request.erased_at:
        raise ErasureRefused(_("该请求已办理，不能重复清除。"))
    require_disclosure(request)  # verified and approved by a second person
    lines = (
        _matter_lines(request.requester_phone)
        + _application_lines(request.requester_phone, request.requester_id_number)
        + _register_lines(request.requester_id_number)
    )
    request.erased_at = timezone.now()
    request.erasure = [dataclasses.asdict(line) for line in lines]
    save_versioned(request, expected_version=version, fields=["erased_at", "erasure"])
    audit_record(
        actor=actor,
        action=Action.ERASURE,
        target=request,
        detail={
            "cleared": sum(line.cleared for line in lines),
            "kept": sum(not line.cleared for line in lines),
        },
    )
    return lines


def erasure_summary(request: DataRequest) -> str:
    """A draft of the answer to the person: what was cleared, what stayed and why."""
    cleared = [f"{r['place']} {r['record']}" for r in request.erasure if r["cleared"]]
    kept = [
        f"{r['place']} {r['record']}：{r['reason']}" for r in request.erasure if not r["cleared"]
    ]
    parts = []
    if cleared:
        parts.append(_("已清除您在以下记录中的个人信息：%s。") % "、".join(cleared))
    if kept:
        parts.append(_("以下记录依法保留：%s。") % "；".join(kept))
    return "\n".join(parts) or _("平台未保存以您的手机号码或证件号码登记的个人信息。")
