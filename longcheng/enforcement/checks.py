"""The legal checks of each step of a case, by name, and the table that says which step runs
which (`STEP_CHECKS`, beside the step table `workflow.STEPS`). A check reads the case as it is
locked and what the step is given (`Given`), and answers with the reason it refuses, naming the
article, or None. `services._steps._advance` runs every check of the step and refuses with all
the reasons at once."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Case, Evidence, Officer
from .rules import (
    COURT_AFTER_DEMAND_DAYS,
    LIMITATION_YEARS,
    LIMITATION_YEARS_SAFETY,
    amount_owed,
    decision_prerequisites,
    hearing_eligible,
    limitation_ends,
    today,
)
from .workflow import Outcome, Status, Step


@dataclass(frozen=True)
class Given:
    """What a step is given besides the case: who acts, and the step's own inputs."""

    actor: Any = None
    team: tuple = ()
    provision: object = None
    outcome: str = ""
    text: str = ""  # the review's opinion, the hearing's record
    on: datetime.date = field(default_factory=today)


Check = Callable[[Case, Given], "str | None"]


# — 立案 —


def within_limitation(case: Case, given: Given) -> str | None:
    """Art. 36: not discovered within two (five) years of the act, or of its end for a
    continuing act, no penalty. A continuing act still going on has not started its period."""
    ends = limitation_ends(case)
    if ends is not None and case.discovered_on > ends:
        years = LIMITATION_YEARS_SAFETY if case.life_or_finance else LIMITATION_YEARS
        start = case.act_ended_on if case.continuing else case.occurred_on
        return _(
            "违法行为%(w)s %(d)s，%(y)d 年内未被发现，"
            "依照《行政处罚法》第三十六条不再给予行政处罚。"
        ) % {"w": _("终了于") if case.continuing else _("发生于"), "d": start, "y": years}
    return None


def two_officers(case: Case, given: Given) -> str | None:
    if len(given.team) < 2:
        return _("执法人员不得少于两人（《行政处罚法》第四十二条）。")
    return None


def legal_basis_named(case: Case, given: Given) -> str | None:
    return None if given.provision else _("立案须确定违法行为及法律依据。")


def party_named(case: Case, given: Given) -> str | None:
    if case.enterprise_id or case.person_id:
        return None
    return _("立案须确定当事人：请先在案源中补充该场所的建设/施工单位。")


# — 告知 —


def evidence_on_file(case: Case, given: Given) -> str | None:
    if not case.evidence.exists():
        return _("尚无证据，不能告知拟作出的行政处罚。")
    return None


def preservations_decided(case: Case, given: Given) -> str | None:
    if case.evidence.filter(kind=Evidence.Kind.PRESERVATION, decided_at__isnull=True).exists():
        return _("先行登记保存的证据尚未作出处理决定。")
    return None


# — 听证 —


def hearing_asked_in_time(case: Case, given: Given) -> str | None:
    if not hearing_eligible(case):
        return _("拟作出的处罚未达到听证条件（《行政处罚法》第六十三条）。")
    if case.hearing_waived_at:
        return _("当事人已书面放弃听证（第六十四条）。")
    if case.notice_received_on and case.statement_due and given.on > case.statement_due:
        return _("当事人应当在告知后五个工作日内（%(d)s 前）提出听证。") % {"d": case.statement_due}
    return None


def hearing_held_by_its_chair(case: Case, given: Given) -> str | None:
    if case.hearing_at is None or case.hearing_chair_id is None:
        return _("请先确定听证时间和主持人并通知当事人。")
    if case.hearing_chair_id != getattr(given.actor, "pk", None):
        return _("听证笔录由听证主持人记录。")
    if len(given.text.strip()) < 10:
        return _("请记录听证笔录要点。")
    return None


# — 法制审核 —


def qualified_reviewer(case: Case, given: Given) -> str | None:
    """Art. 58: a qualified reviewer who did not investigate the case."""
    if not Officer.objects.filter(user=given.actor, legal_reviewer=True).exists():
        return _("法制审核须由具备资格的法制审核人员进行。")
    if case.case_officers.filter(user=given.actor).exists():
        return _("本案承办人员不能审核本案。")
    if len(given.text.strip()) < 4:
        return _("请写明审核意见。")
    return None


# — 决定 —


def decision_prerequisites_met(case: Case, given: Given) -> str | None:
    return " ".join(decision_prerequisites(case, given.outcome)) or None


def decided_within_period(case: Case, given: Given) -> str | None:
    """Art. 60: a penalty within ninety days of filing, or of an extension approved before they
    ran out. A case past its period can still end without a penalty (or be transferred)."""
    if (
        given.outcome == Outcome.PENALTY
        and case.decision_deadline
        and given.on > case.decision_deadline
    ):
        return _(
            "办案期限已于 %(d)s 届满且届满前未经负责人批准延长，不得再作出处罚决定"
            "（《行政处罚法》第六十条）。"
        ) % {"d": case.decision_deadline}
    return None


# — 执行与结案 —


def payment_overdue(case: Case, given: Given) -> str | None:
    """行政强制法 Art. 54: a demand only once the payment date has passed unpaid."""
    due = case.deferred_until or case.payment_due
    if case.outcome != Outcome.PENALTY or due is None:
        return _("本案没有应缴罚款。")
    if case.paid_at:
        return _("罚款已缴清。")
    if given.on <= due:
        return _("缴款期限（%(d)s）尚未届满。") % {"d": due}
    return None


def demand_period_passed(case: Case, given: Given) -> str | None:
    if case.demanded_at is None:
        return _("申请法院强制执行前须先催告。")
    ready = timezone.localtime(case.demanded_at).date() + datetime.timedelta(
        days=COURT_AFTER_DEMAND_DAYS
    )
    if given.on < ready:
        return _("催告书送达十日后当事人仍未履行的，方可申请（%(d)s 起）。") % {"d": ready}
    return None


def penalty_carried_out(case: Case, given: Given) -> str | None:
    if case.outcome == Outcome.PENALTY:
        if case.status == Status.DECIDED:
            return _("决定书尚未送达。")
        if case.fine and amount_owed(case, given.on) > 0 and not case.court_applied_at:
            return _("罚款（含加处罚款）尚未缴清，也未申请法院强制执行。")
    return None


# step -> the checks it runs, in the order their reasons are read out.
STEP_CHECKS: dict[Step, tuple[Check, ...]] = {
    Step.FILE: (within_limitation, two_officers, legal_basis_named, party_named),
    Step.NOTIFY: (evidence_on_file, preservations_decided),
    Step.REQUEST_HEARING: (hearing_asked_in_time,),
    Step.HOLD_HEARING: (hearing_held_by_its_chair,),
    Step.REVIEW: (qualified_reviewer,),
    Step.DECIDE: (decided_within_period, decision_prerequisites_met),
    Step.DEMAND: (payment_overdue,),
    Step.APPLY_COURT: (demand_period_passed,),
    Step.CLOSE: (penalty_carried_out,),
}
