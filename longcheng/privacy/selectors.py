"""What the platform holds about one person, found by phone and ID number (for access, copy,
correction and deletion requests). Each row names where the data is and what it holds.

`holdings` is the contents: it is reached through `data_request_holdings`, which
refuses until the requester is verified and a second person approved. `holding_counts` is what
the staff see before that: how many records, never which."""

import dataclasses

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.loop.models import Matter
from longcheng.parties.models import Person
from longcheng.volunteers.models import Application

from .models import DataRequest, Decision, IdentityCheck, NoticeKey, PrivacyNotice

REVEAL = "parties.reveal_personal_data"


class DataRequestRefused(LongchengError):
    pass


@dataclasses.dataclass
class Holding:
    place: str  # which register
    record: str  # its number or name
    fields: dict[str, str]  # the personal data it holds, in full
    url: str  # where staff open it ("" if no page)


def _matters(request: DataRequest):
    return Matter.objects.filter(reporter_phone=request.requester_phone)


def _persons(request: DataRequest):
    if not request.requester_id_number:
        return Person.objects.none()
    return Person.objects.filter(id_number=request.requester_id_number)


def _applications(request: DataRequest):
    applications = Application.objects.filter(phone=request.requester_phone)
    if request.requester_id_number:
        applications = applications | Application.objects.filter(
            id_number=request.requester_id_number
        )
    return applications


def holding_counts(request: DataRequest) -> str:
    """E.g. "3 件诉求、1 条人员登记、2 份志愿者报名" — the numbers only."""
    return _("%(m)d 件诉求、%(p)d 条人员登记、%(a)d 份志愿者报名") % {
        "m": _matters(request).count(),
        "p": _persons(request).count(),
        "a": _applications(request).distinct().count(),
    }


def holdings(request: DataRequest) -> list[Holding]:
    rows: list[Holding] = []
    for matter in _matters(request).order_by("id"):
        rows.append(
            Holding(
                _("诉求事项"),
                f"{matter.number} {matter.title}",
                {_("诉求人"): matter.reporter_name, _("联系电话"): matter.reporter_phone},
                reverse("loop:matter_detail", args=[matter.pk]),
            )
        )
    for person in _persons(request).select_related("owner_unit"):
        rows.append(
            Holding(
                _("自然人登记"),
                f"{person.name}（{person.owner_unit}）",
                {
                    _("姓名"): person.name,
                    _("居民身份证号码"): person.id_number,
                    _("手机号码"): person.phone,
                    _("地址"): person.address,
                },
                reverse("parties:person_detail", args=[person.pk]),
            )
        )
    for application in _applications(request).select_related("campaign").order_by("id"):
        rows.append(
            Holding(
                _("志愿者报名"),
                str(application.campaign),
                {
                    _("姓名"): application.full_name,
                    _("居民身份证号码"): application.id_number,
                    _("手机号码"): application.phone,
                    _("学校或工作单位"): application.organisation,
                },
                reverse("volunteers:application_detail", args=[application.pk]),
            )
        )
    return rows


# --- Where a request stands on the way to disclosure ---------------------------------------


@dataclasses.dataclass
class Disclosure:
    """Where a request stands on the way to showing what the platform holds."""

    check: IdentityCheck | None  # the current check (the latest), if any
    verified: bool
    approved: bool
    missing: str  # what is still needed, in a line for the page ("" once approved)
    refused: IdentityCheck | None = None  # the last refused check, when a new one is due


def disclosure(request: DataRequest) -> Disclosure:
    check = request.checks.select_related("verified_by", "decided_by", "started_by").first()
    if check is None or check.decision == Decision.REFUSED:
        return Disclosure(None, False, False, _("待核验身份"), refused=check)
    if check.verified_at is None:
        return Disclosure(check, False, False, _("待核验身份"))
    if check.decision != Decision.APPROVED:
        return Disclosure(check, True, False, _("待第二人审批"))
    return Disclosure(check, True, True, "")


def require_disclosure(request: DataRequest) -> IdentityCheck:
    """Refuse anything that discloses the person's data before verification and approval."""
    state = disclosure(request)
    if not state.approved or state.check is None:
        raise DataRequestRefused(
            _("请求人身份尚未核验并经第二人审批（%(m)s），不能查看、导出或处理其个人信息。")
            % {"m": state.missing}
        )
    return state.check


def data_request_holdings(*, actor, request: DataRequest) -> list[Holding]:
    """The contents (PIPL arts. 45–47): to a holder of the reveal permission, once approved."""
    if not actor.has_perm(REVEAL):
        raise PermissionRefused(_("查看和导出完整个人信息需要“查看完整个人信息”权限。"))
    require_disclosure(request)
    return holdings(request)


# — Personal-information notices (PIPL art. 17) —


def notice_current(key: str, day=None) -> PrivacyNotice | None:
    """The version of a form's notice in effect on `day` (today); before the first one takes
    effect, the first one (a form always shows a notice)."""
    day = day or timezone.localdate()
    notices = PrivacyNotice.objects.filter(key=key)
    return (
        notices.filter(effective_from__lte=day).order_by("-effective_from").first()
        or notices.order_by("effective_from").first()
    )


def notice_version(key: str, version: str) -> PrivacyNotice | None:
    return PrivacyNotice.objects.filter(key=key, version=version).first()


def notices_published(day=None) -> list[tuple[str, PrivacyNotice | None, list]]:
    """The privacy-policy page: per form, its current notice and the earlier versions."""
    day = day or timezone.localdate()
    rows = []
    for key, label in NoticeKey.choices:
        current = notice_current(key, day)
        earlier = (
            PrivacyNotice.objects.filter(key=key, effective_from__lt=current.effective_from)
            if current
            else PrivacyNotice.objects.none()
        )
        rows.append((str(label), current, list(earlier.order_by("-effective_from"))))
    return rows
