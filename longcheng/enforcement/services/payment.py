"""Payment and enforcement: bank payments, deferral, the demand, the court."""

from __future__ import annotations

import datetime
from decimal import Decimal

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

from ..checks import Given
from ..models import Case, CaseChallenge
from ..rules import COURT_AFTER_DEMAND_DAYS, CaseRefused, amount_owed, late_fee
from ..rules import today as _today
from ..workflow import Challenge, DocumentKind, Outcome, Status, Step
from ._steps import _advance, _event, _move_matter, _require_unit
from .documents import document_issue
from .publication import case_record_revocation


@service
def case_record_payment(*, actor, case: Case, amount: Decimal, paid_on: datetime.date) -> Case:
    """A payment the bank reports (the unit never collects fines itself, Art. 67)."""
    _require_unit(actor, case)
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
def case_demand(*, actor, case: Case, served_on: datetime.date | None = None) -> Case:
    """催告 (行政强制法 Art. 54) once the payment date has passed unpaid; the ten working days
    before the court may be asked run from the demand's service (recorded now or later)."""
    today = _today()

    def mutate(c: Case) -> None:
        c.demanded_at = clock.now()
        c.demand_served_on = served_on

    case = _advance(
        case,
        Step.DEMAND,
        actor,
        given=Given(actor=actor, on=today),
        mutate=mutate,
        fields=["demanded_at", "demand_served_on"],
    )
    document_issue(
        actor=actor,
        kind=DocumentKind.DEMAND,
        case=case,
        content={"late_fee": str(late_fee(case, today)), "owed": str(amount_owed(case, today))},
    )
    if served_on is not None:
        _check_demand_served_on(case, served_on)
        _move_matter(case, actor, _demand_due(served_on), _("催告履行期限"))
    return case


def _check_demand_served_on(case: Case, served_on: datetime.date) -> None:
    demanded = timezone.localtime(case.demanded_at).date()  # type: ignore[arg-type]
    if not demanded <= served_on <= _today():
        raise CaseRefused(_("催告书送达日期须在催告日 %(d)s 与今天之间。") % {"d": demanded})


def _demand_due(served_on: datetime.date) -> datetime.date:
    return add_working_days(served_on, COURT_AFTER_DEMAND_DAYS)


@service
def case_record_demand_service(*, actor, case: Case, served_on: datetime.date) -> Case:
    """The day the 催告书 reached the party (行政强制法 Arts. 35, 54, 69)."""
    _require_unit(actor, case)
    if case.demanded_at is None or case.demand_served_on is not None:
        raise CaseRefused(_("只有已催告、尚未登记送达的案件可以登记催告书送达。"))
    _check_demand_served_on(case, served_on)
    expected = case.version
    case.demand_served_on = served_on
    save_versioned(case, expected_version=expected, fields=["demand_served_on"])
    _event(case, "demand_served", actor, data={"on": served_on.isoformat()})
    _move_matter(case, actor, _demand_due(served_on), _("催告履行期限"))
    return case


@service
def case_record_challenge(
    *, actor, case: Case, kind: str, filed_on: datetime.date, body: str
) -> CaseChallenge:
    """The party applied for review or sued: the late fee stops running (Art. 73) and the court
    cannot be asked to enforce until it ends (行政强制法 Art. 53)."""
    _require_unit(actor, case)
    if kind not in Challenge.values:
        raise CaseRefused(_("请选择行政复议或行政诉讼。"))
    if case.decided_at is None or case.outcome != Outcome.PENALTY:
        raise CaseRefused(_("只有已作出的行政处罚决定可以登记复议或诉讼。"))
    decided_on = timezone.localtime(case.decided_at).date()
    if not decided_on <= filed_on <= _today():
        raise CaseRefused(_("申请或起诉日期须在决定日 %(d)s 与今天之间。") % {"d": decided_on})
    if len(body.strip()) < 2:
        raise CaseRefused(_("请写明复议机关或受理法院。"))
    if case.challenges.filter(ended_on__isnull=True).exists():
        raise CaseRefused(_("已有尚未审结的复议或诉讼，请先登记其结果。"))
    challenge = CaseChallenge.objects.create(
        case=case, kind=kind, filed_on=filed_on, body=body.strip()
    )
    _event(
        case,
        "challenge",
        actor,
        note=f"{challenge.get_kind_display()}：{challenge.body}",
        data={"filed_on": filed_on.isoformat()},
    )
    audit_record(actor=actor, action=AuditAction.CREATE, target=challenge)
    return challenge


@service
def case_end_challenge(
    *, actor, challenge: CaseChallenge, ended_on: datetime.date, upheld: bool, result: str
) -> CaseChallenge:
    """The review or suit ended. A decision revoked or changed is recorded as such, which
    starts the three working days to withdraw its publication (Art. 48)."""
    case = challenge.case
    _require_unit(actor, case)
    if challenge.ended_on is not None:
        raise CaseRefused(_("该复议或诉讼已登记结果。"))
    if not challenge.filed_on <= ended_on <= _today():
        raise CaseRefused(_("审结日期须在申请日 %(d)s 与今天之间。") % {"d": challenge.filed_on})
    if len(result.strip()) < 4:
        raise CaseRefused(_("请写明复议决定或判决的结果及文号。"))
    challenge.ended_on, challenge.upheld, challenge.result = ended_on, upheld, result.strip()
    challenge.save(update_fields=["ended_on", "upheld", "result"])
    _event(case, "challenge_ended", actor, note=result.strip())
    if not upheld:
        case_record_revocation(
            actor=actor,
            case=case,
            revoked_on=ended_on,
            revocation=_("%(k)s：%(r)s") % {"k": challenge.get_kind_display(), "r": result.strip()},
        )
    return challenge


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
