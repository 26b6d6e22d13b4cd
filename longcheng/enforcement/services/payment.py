"""Payment and enforcement: bank payments, deferral, the demand, the court."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import acts_for, leads
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.errors import PermissionRefused
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned

from ..checks import Given
from ..models import Case
from ..rules import COURT_AFTER_DEMAND_DAYS, CaseRefused, amount_owed, late_fee
from ..rules import today as _today
from ..workflow import DocumentKind, Status, Step
from ._steps import _advance, _event, _move_matter
from .documents import document_issue


@service
def case_record_payment(*, actor, case: Case, amount: Decimal, paid_on: datetime.date) -> Case:
    """A payment the bank reports (the unit never collects fines itself, Art. 67)."""
    if not acts_for(actor, case.unit):
        raise PermissionRefused(_("只有办案单位的人员可以办理本案。"))
    if case.status not in (Status.SERVED, Status.ENFORCING):
        raise CaseRefused(_("决定书送达后才能登记缴款。"))
    if amount <= 0:
        raise CaseRefused(_("缴款金额须大于零。"))
    if paid_on > _today():
        raise CaseRefused(_("缴款日期不能晚于今天。"))
    locked = Case.objects.select_for_update().get(pk=case.pk)
    owed = amount_owed(locked, paid_on)
    if amount > owed:
        raise CaseRefused(_("缴款 %(a)s 元超过应缴金额 %(o)s 元。") % {"a": amount, "o": owed})
    locked.paid_amount += amount
    if amount == owed:
        locked.paid_at = datetime.datetime.combine(
            paid_on, datetime.time(12), tzinfo=timezone.get_current_timezone()
        )
    save_versioned(locked, expected_version=locked.version, fields=["paid_amount", "paid_at"])
    _event(
        locked,
        "payment",
        actor,
        note=_("缴纳 %(a)s 元") % {"a": amount},
        data={"amount": str(amount)},
    )
    audit_record(
        actor=actor, action=AuditAction.UPDATE, target=locked, detail={"paid": str(amount)}
    )
    return locked


@service
def case_defer_payment(*, actor, case: Case, until: datetime.date, reason: str) -> Case:
    """Art. 66: deferral or instalments on the party's application, approved by the body."""
    if not leads(actor, case.unit):
        raise PermissionRefused(_("暂缓或分期缴纳须经行政机关批准。"))
    if case.payment_due is None or until <= case.payment_due:
        raise CaseRefused(_("暂缓缴纳日期须晚于原缴款期限。"))
    if len(reason.strip()) < 4:
        raise CaseRefused(_("请写明当事人的申请理由。"))
    expected = case.version
    case.deferred_until = until
    save_versioned(case, expected_version=expected, fields=["deferred_until"])
    _event(case, "deferral", actor, note=reason.strip(), data={"until": until.isoformat()})
    _move_matter(case, actor, until, _("批准暂缓缴纳至"))
    return case


@service
def case_demand(*, actor, case: Case) -> Case:
    """催告 (行政强制法 Art. 54) once the payment date has passed unpaid."""
    today = _today()

    def mutate(c: Case) -> None:
        c.demanded_at = clock.now()

    case = _advance(
        case,
        Step.DEMAND,
        actor,
        given=Given(actor=actor, on=today),
        mutate=mutate,
        fields=["demanded_at"],
    )
    document_issue(
        actor=actor,
        kind=DocumentKind.DEMAND,
        case=case,
        content={"late_fee": str(late_fee(case, today)), "owed": str(amount_owed(case, today))},
    )
    _move_matter(
        case, actor, today + datetime.timedelta(days=COURT_AFTER_DEMAND_DAYS), _("催告履行期限")
    )
    return case


@service
def case_apply_court(*, actor, case: Case) -> Case:
    today = _today()

    def mutate(c: Case) -> None:
        c.court_applied_at = clock.now()

    return _advance(
        case,
        Step.APPLY_COURT,
        actor,
        given=Given(actor=actor, on=today),
        mutate=mutate,
        fields=["court_applied_at"],
    )
