"""Publication (公示) of penalty decisions under their decision number (Art. 48), and its
withdrawal within three working days once the decision is changed or revoked."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import leads
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.calendar import add_working_days
from longcheng.core.errors import PermissionRefused
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned

from ..models import Case
from ..rules import WITHDRAW_WORKING_DAYS, CaseRefused
from ..rules import today as _today
from ..workflow import Outcome
from ._steps import _escalate, _event, _require_unit


@service
def case_publish(*, actor, case: Case, late_reason: str = "") -> Case:
    """Art. 48: published under the decision number within seven working days of the
    decision; a late publication states why and raises a supervision matter to the unit."""
    if case.outcome != Outcome.PENALTY or case.decided_at is None:
        raise CaseRefused(_("只有已作出的行政处罚决定可以公示。"))
    _require_unit(actor, case)
    if case.revoked_on:
        raise CaseRefused(_("该决定已被变更或撤销，不再公示。"))
    if not case.decision_number:
        raise CaseRefused(_("决定书尚无文号，不能公示（《行政处罚法》第四十八条）。"))
    if case.published_at and not case.withdrawn_at:
        return case
    today = _today()
    late = bool(case.publish_due and today > case.publish_due and not case.published_at)
    if late and len(late_reason.strip()) < 4:
        raise CaseRefused(
            _(
                "行政处罚决定应于 %(d)s 前公示（作出决定之日起七个工作日，"
                "《行政处罚法》第四十八条），迟延公示须写明原因。"
            )
            % {"d": case.publish_due}
        )
    Case.objects.filter(pk=case.pk).update(published_at=clock.now(), withdrawn_at=None)
    _event(
        case,
        "published",
        actor,
        note=case.decision_number + (f"（{_('迟延公示')}：{late_reason.strip()}）" if late else ""),
    )
    if late:
        _escalate(
            case,
            "publication",
            title=_("迟延公示：%(n)s") % {"n": case.decision_number},
            description=_("行政处罚决定应于 %(d)s 前公示，实际 %(s)s 公示。原因：%(r)s")
            % {"d": case.publish_due, "s": today, "r": late_reason.strip()},
            note=_("迟延公示督办（《行政处罚法》第四十八条）"),
        )
    audit_record(actor=actor, action=AuditAction.UPDATE, target=case, detail={"published": True})
    case.refresh_from_db()
    return case


@service
def case_record_revocation(
    *, actor, case: Case, revoked_on: datetime.date, revocation: str
) -> Case:
    """The decision was changed or revoked (by review, court or the organ itself): a published
    decision must then be withdrawn within three working days (Art. 48 (2))."""
    _require_unit(actor, case)
    if case.decided_at is None or case.revoked_on:
        raise CaseRefused(_("只有已作出、尚未登记变更或撤销的决定可以登记。"))
    if not timezone.localtime(case.decided_at).date() <= revoked_on <= _today():
        raise CaseRefused(_("变更或撤销的日期须在决定日与今天之间。"))
    if len(revocation.strip()) < 4:
        raise CaseRefused(_("请写明变更或撤销的机关、文号和内容。"))
    expected = case.version
    case.revoked_on, case.revocation = revoked_on, revocation.strip()[:300]
    case.withdraw_due = (
        add_working_days(revoked_on, WITHDRAW_WORKING_DAYS) if case.published_at else None
    )
    save_versioned(
        case, expected_version=expected, fields=["revoked_on", "revocation", "withdraw_due"]
    )
    _event(case, "revoked", actor, note=case.revocation, data={"on": revoked_on.isoformat()})
    audit_record(
        actor=actor, action=AuditAction.UPDATE, target=case, detail={"revoked": case.revocation}
    )
    return case


@service
def case_withdraw_publication(*, actor, case: Case, reason: str, late_reason: str = "") -> Case:
    """Art. 48 (2): withdrawn with its reasons (shown on the public page), linked to the change
    or revocation, within three working days of it; a late withdrawal states why and raises a
    supervision matter to the unit."""
    if not case.published_at or case.withdrawn_at:
        raise CaseRefused(_("该决定未在公示中。"))
    if not leads(actor, case.unit):
        raise PermissionRefused(_("撤回公示须经负责人同意。"))
    if case.revoked_on is None:
        raise CaseRefused(
            _(
                "公开的决定被依法变更、撤销、确认违法或者确认无效的，才撤回公示（第四十八条第二款）：请先登记变更或撤销的情况。"
            )
        )
    if len(reason.strip()) < 4:
        raise CaseRefused(_("请写明撤回理由（公示页面将显示）。"))
    today = _today()
    late = bool(case.withdraw_due and today > case.withdraw_due)
    if late and len(late_reason.strip()) < 4:
        raise CaseRefused(
            _(
                "应于 %(d)s 前撤回公示（决定变更或撤销后三个工作日内，《行政处罚法》第四十八条），"
                "迟延撤回须写明原因。"
            )
            % {"d": case.withdraw_due}
        )
    expected = case.version
    case.withdrawn_at = clock.now()
    case.withdrawal_reason = reason.strip()[:300]
    case.withdraw_late_reason = late_reason.strip()[:300] if late else ""
    save_versioned(
        case,
        expected_version=expected,
        fields=["withdrawn_at", "withdrawal_reason", "withdraw_late_reason"],
    )
    _event(case, "withdrawn", actor, note=case.withdrawal_reason)
    audit_record(actor=actor, action=AuditAction.UPDATE, target=case, detail={"withdrawn": reason})
    if late:
        _escalate(
            case,
            "withdrawal",
            title=_("迟延撤回公示：%(n)s") % {"n": case.decision_number},
            description=_(
                "决定于 %(r)s 被变更或撤销，应于 %(d)s 前撤回公示，实际 %(s)s 撤回。原因：%(x)s"
            )
            % {"r": case.revoked_on, "d": case.withdraw_due, "s": today, "x": late_reason.strip()},
            note=_("迟延撤回公示督办（《行政处罚法》第四十八条）"),
        )
    return case
