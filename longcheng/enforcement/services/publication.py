"""Publication (公示) of penalty decisions and its withdrawal."""

from __future__ import annotations

from django.utils.translation import gettext as _

from longcheng.accounts.policies import acts_for, leads
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.errors import PermissionRefused
from longcheng.core.transactions import service

from ..models import Case
from ..rules import CaseRefused
from ..workflow import Outcome
from ._steps import _event


@service
def case_publish(*, actor, case: Case) -> Case:
    if case.outcome != Outcome.PENALTY or case.decided_at is None:
        raise CaseRefused(_("只有已作出的行政处罚决定可以公示。"))
    if not acts_for(actor, case.unit):
        raise PermissionRefused(_("只有办案单位的人员可以办理本案。"))
    if case.published_at and not case.withdrawn_at:
        return case
    Case.objects.filter(pk=case.pk).update(published_at=clock.now(), withdrawn_at=None)
    _event(case, "published", actor)
    audit_record(actor=actor, action=AuditAction.UPDATE, target=case, detail={"published": True})
    case.refresh_from_db()
    return case


@service
def case_withdraw_publication(*, actor, case: Case, reason: str) -> Case:
    if not case.published_at or case.withdrawn_at:
        raise CaseRefused(_("该决定未在公示中。"))
    if not leads(actor, case.unit):
        raise PermissionRefused(_("撤回公示须经负责人同意。"))
    if len(reason.strip()) < 4:
        raise CaseRefused(_("请写明撤回理由（如决定被撤销或变更）。"))
    Case.objects.filter(pk=case.pk).update(withdrawn_at=clock.now())
    _event(case, "withdrawn", actor, note=reason.strip())
    audit_record(actor=actor, action=AuditAction.UPDATE, target=case, detail={"withdrawn": reason})
    case.refresh_from_db()
    return case
