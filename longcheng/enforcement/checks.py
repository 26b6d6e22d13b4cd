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
    LIMITATION_YEARS,
    LIMITATION_YEARS_SAFETY,
    amount_owed,
    court_window,
    decision_prerequisites,
    hearing_eligible,
    limitation_ends,
    party_kind_allowed,
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
    """The case names both the rule the act breaks (违反的规定) and the penalty provision."""
    provision = given.provision
    if provision is None:
        return _("立案须确定违法行为及法律依据。")
    if not getattr(provision, "breached", ""):
        return _("法律依据库中“%(p)s”尚未写明违反的规定，请先补充后再立案。") % {"p": provision}
    return party_kind_allowed(provision, case.party_kind)  # type: ignore[arg-type]


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
    held_on = timezone.localtime(case.hearing_at).date()
    if given.on < held_on:
        return _("听证定于 %(d)s 举行，尚未到听证日，不能记录听证笔录。") % {"d": held_on}
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


def first_violation_only(case: Case, given: Given) -> str | None:
    """Art. 33 (1): 首违不罚 only for a party never before penalised (or spared as a first
    violation) for the same kind of violation; the party's history is checked."""
    if given.outcome != Outcome.MINOR_FIRST:
        return None
    party = {"enterprise_id": case.enterprise_id} if case.enterprise_id else {}
    if case.person_id:
        party = {"person_id": case.person_id}
    if not party:
        return _("未确定当事人，无法核对其违法记录，不能适用首违不罚。")
    earlier = (
        Case.objects.filter(
            provision_id=case.provision_id,
            outcome__in=[Outcome.PENALTY, Outcome.MINOR_FIRST],
            decided_at__isnull=False,
            **party,
        )
        .exclude(pk=case.pk)
        .order_by("decided_at")
        .first()
    )
    if earlier is not None:
        return _(
            "当事人曾因同类违法行为被处理（%(n)s，%(o)s），不是初次违法，"
            "不适用首违不罚（《行政处罚法》第三十三条第一款）。"
        ) % {"n": earlier.decision_number or earlier.number, "o": earlier.get_outcome_display()}
    return None


def education_recorded(case: Case, given: Given) -> str | None:
    """Art. 33 (3): a party not penalised is educated; what was said is on the record."""
    if given.outcome in (Outcome.MINOR_FIRST, Outcome.MINOR) and len(given.text.strip()) < 10:
        return _(
            "依法不予行政处罚的，应当对当事人进行教育（《行政处罚法》第三十三条第三款）："
            "请记录教育的方式和内容（不少于 10 个字）。"
        )
    return None


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


def no_challenge_pending(case: Case, given: Given) -> str | None:
    """行政强制法 Art. 53: not while a review or suit against the decision is pending."""
    if case.revoked_on:
        return _("决定已于 %(d)s 被变更或撤销：%(r)s") % {
            "d": case.revoked_on,
            "r": case.revocation,
        }
    pending = case.challenges.filter(ended_on__isnull=True).first()
    if pending is not None:
        return _(
            "当事人已于 %(d)s %(k)s，尚未审结，不得申请法院强制执行（《行政强制法》第五十三条）。"
        ) % {"d": pending.filed_on, "k": pending.get_kind_display()}
    return None


def within_court_window(case: Case, given: Given) -> str | None:
    """行政强制法 Arts. 53, 54: after the review and suit periods lapsed, ten working days after
    the demand was served, and within three months after the periods lapsed."""
    if case.demanded_at is None or case.demand_served_on is None:
        return _("申请法院强制执行前须先催告并送达催告书（《行政强制法》第五十四条）。")
    window = court_window(case)
    if window is None:
        return _("决定书尚未送达。")
    opens, closes = window
    if given.on < opens:
        return _(
            "复议、诉讼期限届满且催告书送达十个工作日后方可申请法院强制执行，"
            "最早 %(d)s（《行政强制法》第五十三条、第五十四条）。"
        ) % {"d": opens}
    if given.on > closes:
        return _(
            "申请法院强制执行的期限已于 %(d)s 届满（期限届满之日起三个月，"
            "《行政强制法》第五十三条）。"
        ) % {"d": closes}
    return None


def penalty_carried_out(case: Case, given: Given) -> str | None:
    """A penalty is carried out (paid, or handed to the court) before closing — unless the
    decision was revoked or changed, which leaves nothing to carry out."""
    if case.outcome == Outcome.PENALTY and not case.revoked_on:
        if case.status == Status.DECIDED:
            return _("决定书尚未送达。")
        if case.fine and amount_owed(case, given.on) > 0 and not case.court_applied_at:
            return _("罚款（含加处罚款）尚未缴清，也未申请法院强制执行。")
    return None


# step -> the checks it runs, in the order their reasons are read out.
STEP_CHECKS: dict[Step, tuple[Check, ...]] = {
    Step.FILE: (within_limitation, two_officers, party_named, legal_basis_named),
    Step.NOTIFY: (evidence_on_file, preservations_decided),
    Step.REQUEST_HEARING: (hearing_asked_in_time,),
    Step.HOLD_HEARING: (hearing_held_by_its_chair,),
    Step.REVIEW: (qualified_reviewer,),
    Step.DECIDE: (
        decided_within_period,
        decision_prerequisites_met,
        first_violation_only,
        education_recorded,
    ),
    Step.DEMAND: (payment_overdue,),
    Step.APPLY_COURT: (no_challenge_pending, within_court_window),
    Step.CLOSE: (penalty_carried_out,),
}
