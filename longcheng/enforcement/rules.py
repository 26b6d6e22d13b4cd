"""Enforcement's pure legal rules and arithmetic: the statutory periods and limits of the
行政处罚法 and 行政强制法, the limitation period, the legal range of a fine, who may ask for a
hearing, what a decision needs first, and the late fee. Nothing here writes; services and
selectors both read these rules."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.core import clock
from longcheng.core.calendar import (
    add_months,
    add_working_days,
    period_end_calendar_days,
    period_end_months,
)
from longcheng.core.errors import LongchengError

from .models import Case, LegalProvision
from .workflow import Challenge, Outcome, PartyKind

# Art. 36; Art. 56; Art. 60; Art. 61; Art. 64; Art. 67; Art. 72 (see workflow.py).
LIMITATION_YEARS, LIMITATION_YEARS_SAFETY = 2, 5
PRESERVATION_WORKING_DAYS = 7
DECISION_DAYS = 90
SERVICE_WORKING_DAYS = 7
HEARING_REQUEST_WORKING_DAYS = 5
HEARING_NOTICE_WORKING_DAYS = 7
PAYMENT_DAYS = 15
# Art. 60 lets laws and rules provide other periods; an approved extension is bounded (the
# common rule, e.g. 市场监督管理行政处罚程序规定 Art. 64: thirty days at a time).
DECISION_EXTENSION_MAX_DAYS = 30
LATE_FEE_RATE = Decimal("0.03")
# Art. 51: the summary procedure on the spot.
SUMMARY_FINE_LIMIT = {PartyKind.PERSON: Decimal(200), PartyKind.ORGANISATION: Decimal(3000)}
# Art. 52: an on-the-spot decision is reported (备案) to the organ; the organ sets the period
# (three working days is the common rule).
SUMMARY_REPORT_WORKING_DAYS = 3
# 行政强制法 Art. 54: the court may be asked ten days after the demand was served; Art. 69:
# periods of ten days or fewer are working days.
COURT_AFTER_DEMAND_DAYS = 10
# 行政复议法 (2023) Art. 20: sixty days to apply for review; 行政诉讼法 Art. 46: six months to
# sue; Art. 45: fifteen days to sue after a review decision; 行政强制法 Art. 53: the court is
# asked within three months after these periods lapse.
REVIEW_DAYS = 60
SUIT_MONTHS = 6
SUIT_AFTER_REVIEW_DAYS = 15
COURT_WINDOW_MONTHS = 3
# Publication of decisions: 7 working days; withdrawal after revocation: 3 working days.
PUBLISH_WORKING_DAYS = 7
WITHDRAW_WORKING_DAYS = 3


class CaseRefused(LongchengError):
    """A step the law does not allow now; nothing was changed."""


def today() -> datetime.date:
    return timezone.localtime(clock.now()).date()


def limitation_ends(case: Case) -> datetime.date | None:
    """Art. 36: two years (five for life, health and financial safety with harm), counted from
    the act, or for a continuing or repeated act from the day it ended; None while such an act
    is recorded as still going on (the period has not begun)."""
    years = LIMITATION_YEARS_SAFETY if case.life_or_finance else LIMITATION_YEARS
    if case.continuing:
        if case.act_ended_on is None:
            return None
        start = case.act_ended_on
    else:
        start = case.occurred_on
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def service_due(decided_on: datetime.date) -> datetime.date:
    """Art. 61: a decision not handed over on the spot is served within seven working days."""
    return add_working_days(decided_on, SERVICE_WORKING_DAYS)


def payment_due_after(served_on: datetime.date) -> datetime.date:
    """Art. 67: fifteen days from service (never from the decision); a period whose last day
    is a rest day ends on the next working day."""
    return period_end_calendar_days(served_on, PAYMENT_DAYS)


def act_period_problem(
    occurred_on: datetime.date, continuing: bool, ended_on: datetime.date | None
) -> str | None:
    """What is wrong with the recorded time of the act, or None."""
    if occurred_on > today():
        return _("违法行为发生日不能晚于今天。")
    if ended_on is not None and not continuing:
        return _("只有连续或者继续状态的违法行为记录终了日（《行政处罚法》第三十六条）。")
    if ended_on is not None and not occurred_on <= ended_on <= today():
        return _("违法行为终了日须在发生日与今天之间。")
    return None


def party_kind_allowed(provision: LegalProvision, party_kind: str) -> str | None:
    """The provision punishes only the kinds of party it names (公民, 法人或其他组织)."""
    kinds = {k.strip() for k in provision.party_kinds.split(",") if k.strip()}
    if kinds and party_kind not in kinds:
        return _("%(p)s的罚则不适用于%(k)s。") % {
            "p": provision,
            "k": PartyKind(party_kind).label,
        }
    return None


def fine_in_legal_range(provision: LegalProvision, fine: Decimal | None) -> None:
    if fine is None:
        return
    if fine <= 0:
        raise CaseRefused(_("罚款金额须大于零。"))
    if provision.fine_min is not None and fine < provision.fine_min:
        raise CaseRefused(
            _("罚款 %(f)s 元低于%(p)s规定的下限 %(m)s 元。")
            % {"f": fine, "p": provision, "m": provision.fine_min}
        )
    if provision.fine_max is None or fine > provision.fine_max:
        raise CaseRefused(
            _("罚款 %(f)s 元超出%(p)s规定的上限 %(m)s 元。")
            % {"f": fine, "p": provision, "m": provision.fine_max or 0}
        )


def hearing_eligible(case: Case) -> bool:
    """Art. 63: a larger fine (thresholds by setting) or stopping work."""
    if case.stop_work:
        return True
    if case.fine is None:
        return False
    threshold = (
        settings.LONGCHENG_HEARING_FINE_PERSON
        if case.party_kind == PartyKind.PERSON
        else settings.LONGCHENG_HEARING_FINE_ORGANISATION
    )
    return case.fine >= Decimal(threshold)


def review_required(case: Case) -> bool:
    """Art. 58: major public interest, heard cases, complex cases."""
    return bool(case.major or case.complex_case or case.hearing_at)


def discussion_required(case: Case) -> bool:
    """Art. 57: complex or major cases are decided collectively."""
    return bool(case.major or case.complex_case)


def decision_prerequisites(case: Case, outcome: str) -> list[str]:
    """Everything the law requires before a decision, each failure in a sentence (Arts. 57,
    58, 62, 64, 65)."""
    problems: list[str] = []
    if outcome in (Outcome.PENALTY,):
        if case.statement_at and not case.statement_waived and not case.statement_reviewed_at:
            problems.append(
                _("当事人提出了陈述申辩，须先复核并记录复核意见（《行政处罚法》第四十五条）。")
            )
        if case.notice_at is None:
            problems.append(_("未告知拟作出的行政处罚，不得作出决定（第六十二条）。"))
        elif not (case.statement_at or case.statement_waived) and not (
            case.statement_due and today() > case.statement_due
        ):
            problems.append(
                _("尚未听取当事人陈述申辩，且陈述申辩期限（%(d)s）未届满（第六十二条）。")
                % {"d": case.statement_due}
            )
        if case.hearing_requested_at and not case.hearing_record:
            problems.append(_("当事人已申请听证，须举行听证后再作决定（第六十五条）。"))
        elif hearing_eligible(case) and not (case.hearing_record or case.hearing_waived_at):
            if case.notice_received_on is None:
                problems.append(
                    _(
                        "拟作出的处罚达到听证条件：须先记录当事人收到告知书的日期，"
                        "听证申请期限自收到之日起算（第六十四条）。"
                    )
                )
            elif today() <= (case.statement_due or today()):
                problems.append(
                    _(
                        "当事人可在收到告知书后五个工作日内（%(d)s 前）要求听证，期满或书面放弃前"
                        "不得作出决定（第六十三条、第六十四条）；陈述申辩不等于放弃听证。"
                    )
                    % {"d": case.statement_due}
                )
        if case.provision:
            try:
                fine_in_legal_range(case.provision, case.fine)
            except CaseRefused as error:
                problems.append(error.message)
    if review_required(case) and not case.review_passed:
        problems.append(_("本案须经法制审核并通过后方可决定（第五十八条）。"))
    if discussion_required(case) and not case.discussed_at:
        problems.append(_("情节复杂或重大案件须经负责人集体讨论决定（第五十七条）。"))
    return problems


def challenge_spans(case: Case) -> list[tuple[datetime.date, datetime.date | None]]:
    """The reviews and suits against the decision, as (filed, ended or None while pending)."""
    if case.pk is None:
        return []
    return [(c.filed_on, c.ended_on) for c in case.challenges.all()]


def late_fee_days(
    due: datetime.date,
    last: datetime.date,
    spans: list[tuple[datetime.date, datetime.date | None]],
) -> int:
    """Days after `due` up to `last` on which the late fee runs: not while a review or suit is
    pending (Art. 73: 复议、诉讼期间不予计算), from its filing to its end inclusive."""
    days = 0
    day = due + datetime.timedelta(days=1)
    while day <= last:
        if not any(start <= day <= (end or last) for start, end in spans):
            days += 1
        day += datetime.timedelta(days=1)
    return days


def late_fee(case: Case, on: datetime.date) -> Decimal:
    """Art. 72: 3 % of the fine for each day after the payment date, never more than the fine;
    Art. 73: the days of a pending review or suit do not count."""
    if not case.fine or case.payment_due is None:
        return Decimal(0)
    due = case.deferred_until or case.payment_due
    paid_on = timezone.localtime(case.paid_at).date() if case.paid_at else None
    last = min(on, paid_on) if paid_on else on
    if last <= due:
        return Decimal(0)
    days = late_fee_days(due, last, challenge_spans(case))
    return min(case.fine, (case.fine * LATE_FEE_RATE * days).quantize(Decimal("0.01")))


def challenge_periods_end(case: Case) -> datetime.date | None:
    """The last day the party may still apply for review (sixty days) or sue (six months),
    counted from service; after a review decision, fifteen days to sue. None before service."""
    if case.served_at is None:
        return None
    served_on = timezone.localtime(case.served_at).date()
    ends = [
        period_end_calendar_days(served_on, REVIEW_DAYS),
        period_end_months(served_on, SUIT_MONTHS),
    ]
    if case.pk is not None:  # after a review decision the party has fifteen days to sue
        ends += [
            period_end_calendar_days(challenge.ended_on, SUIT_AFTER_REVIEW_DAYS)
            for challenge in case.challenges.all()
            if challenge.kind == Challenge.REVIEW and challenge.ended_on is not None
        ]
    return max(ends)


def court_window(case: Case) -> tuple[datetime.date, datetime.date] | None:
    """行政强制法 Arts. 53, 54 and 69: the court may be asked from the later of (a) the day after
    the review and suit periods lapsed and (b) ten working days after the demand was served,
    until three months after the periods lapsed. None before service or demand."""
    periods_end = challenge_periods_end(case)
    if periods_end is None or case.demand_served_on is None:
        return None
    opens = max(
        periods_end + datetime.timedelta(days=1),
        add_working_days(case.demand_served_on, COURT_AFTER_DEMAND_DAYS)
        + datetime.timedelta(days=1),
    )
    return opens, add_months(periods_end, COURT_WINDOW_MONTHS)


def amount_owed(case: Case, on: datetime.date) -> Decimal:
    if not case.fine:
        return Decimal(0)
    return max(Decimal(0), case.fine + late_fee(case, on) - case.paid_amount)
