"""The only code that writes funds: partners and commitments, cash flows (form or xlsx, all or
nothing), NAV reports, investments, the alert sweep (loop matters), and the deal pipeline with
due diligence and the investment committee.

Every public function is one transaction (`@service`); reads live in `selectors`, the pure
arithmetic of the rules in `rules`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from longcheng.accounts.policies import manages_fund, require, sits_on_committee
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.errors import LongchengError
from longcheng.core.errors import PermissionRefused as PermissionRefused  # callers catch it here
from longcheng.core.transactions import service
from longcheng.core.validators import validate_credit_code
from longcheng.loop import services as loop
from longcheng.loop.workflow import Channel

from .codelists import division_label, industry_label
from .models import (
    CashFlow,
    CashFlowCorrection,
    Deal,
    DueDiligence,
    Fund,
    FundAlert,
    Investment,
    InvestmentDecision,
    InvestmentMeeting,
    InvestmentVote,
    LimitedPartner,
    NavReport,
)
from .rules import not_set_up
from .selectors import idle_money
from .workflow import DD_AREAS, DEAL_TRANSITIONS, DealStage, FlowKind, Vote

# Fewest members an investment committee meeting may have (the refusal names the number).
MIN_COMMITTEE = 3


class FundRefused(LongchengError):
    pass


def _today() -> datetime.date:
    return timezone.localtime(clock.now()).date()


def _require(actor, fund: Fund, message: str | None = None) -> None:
    require(manages_fund(actor, fund), message or _("只有基金管理单位可以办理。"))


@service
def partner_add(*, actor, fund: Fund, name: str, kind: str, commitment: Decimal) -> LimitedPartner:
    _require(actor, fund)
    if commitment <= 0:
        raise FundRefused(_("认缴金额须大于零。"))
    committed = fund.partners.aggregate(s=Sum("commitment"))["s"] or Decimal(0)
    if committed + commitment > fund.size:
        raise FundRefused(
            _("认缴合计 %(t)s 万元将超过基金规模 %(s)s 万元。")
            % {"t": committed + commitment, "s": fund.size}
        )
    partner = LimitedPartner.objects.create(
        fund=fund, name=name.strip(), kind=kind, commitment=commitment
    )
    audit_record(actor=actor, action=AuditAction.CREATE, target=partner)
    return partner


def _check_flow(
    fund: Fund,
    kind: str,
    on: datetime.date,
    amount: Decimal,
    partner: LimitedPartner | None,
    pending: list,
    exclude: int | None = None,
) -> None:
    if amount <= 0:
        raise FundRefused(_("金额须大于零。"))
    if on > _today():
        raise FundRefused(_("日期不能晚于今天。"))
    if kind in (FlowKind.CALL, FlowKind.DISTRIBUTION) and partner is None:
        raise FundRefused(_("出资和分配须指明出资人。"))
    if partner is not None and partner.fund_id != fund.pk:
        raise FundRefused(_("出资人不属于该基金。"))
    calls = [
        (d, a, p)
        for d, a, p, k in [
            *((f.on, f.amount, f.partner_id, f.kind) for f in fund.flows.all() if f.pk != exclude),
            *pending,
        ]
        if k == FlowKind.CALL
    ]
    if kind == FlowKind.DISTRIBUTION and not any(d <= on for d, _a, _p in calls):
        raise FundRefused(_("%(d)s 之前尚无任何出资，不能分配。") % {"d": on})
    if kind == FlowKind.CALL and partner is not None:
        paid = sum(a for _d, a, p in calls if p == partner.pk)
        if paid + amount > partner.commitment:
            raise FundRefused(
                _("%(p)s 实缴合计将超过其认缴 %(c)s 万元。")
                % {"p": partner.name, "c": partner.commitment}
            )


@service
def flow_record(
    *,
    actor,
    fund: Fund,
    kind: str,
    on: datetime.date,
    amount: Decimal,
    partner: LimitedPartner | None = None,
    note: str = "",
) -> CashFlow:
    _require(actor, fund)
    if kind not in FlowKind.values:
        raise FundRefused(_("请选择现金流类型。"))
    _check_flow(fund, kind, on, amount, partner, [])
    flow = CashFlow.objects.create(
        fund=fund,
        kind=kind,
        on=on,
        amount=amount,
        partner=partner,
        note=note,
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, target=flow, after={"amount": str(amount)})
    return flow


def _flow_state(flow: CashFlow) -> dict:
    return {
        "on": flow.on.isoformat(),
        "kind": flow.kind,
        "amount": f"{Decimal(flow.amount):.2f}",
        "partner": flow.partner.name if flow.partner else "",
        "note": flow.note,
    }


@service
def flow_correct(
    *,
    actor,
    flow: CashFlow,
    on: datetime.date,
    amount: Decimal,
    partner: LimitedPartner | None = None,
    reason: str,
) -> CashFlowCorrection:
    """A recorded cash flow is corrected, never edited silently: the same checks as a new
    flow (the flow itself left out), and a correction row keeping who, when, why, before and
    after. The fund's figures follow, being computed from the flows."""
    flow = CashFlow.objects.select_for_update(of=("self",)).select_related("fund").get(pk=flow.pk)
    _require(actor, flow.fund)
    reason = reason.strip()
    if len(reason) < 4:
        raise FundRefused(_("请写明更正原因（不少于 4 个字）。"))
    _check_flow(flow.fund, flow.kind, on, amount, partner, [], exclude=flow.pk)
    if (flow.on, flow.amount, flow.partner_id) == (on, amount, getattr(partner, "pk", None)):
        raise FundRefused(_("更正后的日期、金额和出资人与原记录相同，无需更正。"))
    before = _flow_state(flow)
    flow.on, flow.amount, flow.partner = on, amount, partner
    flow.save(update_fields=["on", "amount", "partner"])
    correction = CashFlowCorrection.objects.create(
        flow=flow,
        corrected_by=actor,
        corrected_at=clock.now(),
        reason=reason,
        before=before,
        after=_flow_state(flow),
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=flow,
        before=before,
        after=correction.after,
        detail={"reason": reason},
    )
    return correction


FLOW_HEADERS = ["日期", "类型", "出资人", "金额（万元）", "说明"]
KIND_BY_LABEL = {
    "实缴": FlowKind.CALL,
    "出资": FlowKind.CALL,
    "分配": FlowKind.DISTRIBUTION,
    "费用": FlowKind.FEE,
    "管理费": FlowKind.FEE,
}


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    imported: int = 0


@service
def flows_import(*, actor, fund: Fund, upload, commit: bool) -> ImportResult:
    """Every row checked in order (a distribution may follow a call in the same file); any bad
    row and nothing is written."""
    _require(actor, fund)
    result = ImportResult()
    try:
        sheet = load_workbook(upload, read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    except Exception:  # openpyxl raises several kinds for a file that is not xlsx
        result.errors.append((0, _("文件不是有效的 xlsx 表格。")))
        return result
    if not rows or [str(c or "").strip() for c in rows[0][:5]] != FLOW_HEADERS:
        result.errors.append((1, _("表头须为：%(h)s。") % {"h": "、".join(FLOW_HEADERS)}))
        return result
    partners = {p.name: p for p in fund.partners.all()}
    pending: list = []
    parsed = []
    for number, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * 5
        on, label, partner_name, amount, note = cells[:5]
        if all(c in (None, "") for c in cells[:5]):
            continue
        result.rows += 1
        try:
            if isinstance(on, datetime.datetime):
                on = on.date()
            elif not isinstance(on, datetime.date):
                on = datetime.date.fromisoformat(str(on).strip())
            kind = KIND_BY_LABEL.get(str(label or "").strip())
            if kind is None:
                raise FundRefused(_("类型须为 实缴、分配 或 费用"))
            partner = partners.get(str(partner_name or "").strip()) if partner_name else None
            if partner_name and partner is None:
                raise FundRefused(_("出资人“%(p)s”不在本基金出资人名单中") % {"p": partner_name})
            value = Decimal(str(amount).replace(",", ""))
            _check_flow(fund, kind, on, value, partner, pending)
        except (ValueError, InvalidOperation):
            result.errors.append((number, _("日期或金额格式不正确")))
            continue
        except FundRefused as error:
            result.errors.append((number, error.message.rstrip("。")))
            continue
        pending.append((on, value, partner.pk if partner else None, kind))
        parsed.append((kind, on, value, partner, str(note or "")))
    if commit and not result.errors and parsed:
        for kind, on, value, partner, note in parsed:
            CashFlow.objects.create(
                fund=fund,
                kind=kind,
                on=on,
                amount=value,
                partner=partner,
                note=note,
                recorded_by=actor,
            )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target=fund,
            detail={"imported_flows": len(parsed)},
        )
        result.imported = len(parsed)
    return result


@service
def nav_record(*, actor, fund: Fund, quarter_end: datetime.date, nav: Decimal) -> NavReport:
    _require(actor, fund)
    if nav < 0:
        raise FundRefused(_("净值不能为负数。"))
    if (quarter_end.month, quarter_end.day) not in ((3, 31), (6, 30), (9, 30), (12, 31)):
        raise FundRefused(_("季度末日期须为 3月31日、6月30日、9月30日或12月31日。"))
    report, _created = NavReport.objects.update_or_create(
        fund=fund, quarter_end=quarter_end, defaults={"nav": nav}
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, target=report, after={"nav": str(nav)})
    return report


MAX_DENOMINATOR = 10


@service
def fund_committee_rule_set(
    *,
    actor,
    fund: Fund,
    pass_numerator: int,
    pass_denominator: int,
    quorum_numerator: int,
    quorum_denominator: int,
) -> Fund:
    """The fund's committee rule (投决会议事规则). Taken by later decisions only: a decision
    keeps the words of the rule it was made under."""
    _require(actor, fund, _("只有基金管理单位可以设定议事规则。"))
    for label, numerator, denominator in (
        (_("通过比例"), pass_numerator, pass_denominator),
        (_("表决人数比例"), quorum_numerator, quorum_denominator),
    ):
        if not 1 <= numerator <= denominator <= MAX_DENOMINATOR:
            raise FundRefused(
                _("%(f)s须为不大于 1 的分数，分母 1–%(m)d。") % {"f": label, "m": MAX_DENOMINATOR}
            )
    if pass_numerator * 2 <= pass_denominator:
        raise FundRefused(_("通过比例须超过全体委员的二分之一。"))
    before = str(fund.committee_rule)
    fund.committee_pass_numerator = pass_numerator
    fund.committee_pass_denominator = pass_denominator
    fund.committee_quorum_numerator = quorum_numerator
    fund.committee_quorum_denominator = quorum_denominator
    fund.save(
        update_fields=[
            "committee_pass_numerator",
            "committee_pass_denominator",
            "committee_quorum_numerator",
            "committee_quorum_denominator",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=fund,
        before={"committee_rule": before},
        after={"committee_rule": str(fund.committee_rule)},
    )
    return fund


# — Alerts (财预〔2015〕210号) —


def _alert(fund: Fund, rule: str, key: str, message: str) -> bool:
    if FundAlert.objects.filter(fund=fund, rule=rule, key=key).exists():
        return False
    matter = loop.matter_raise_for_unit(
        title=_("基金预警：%(f)s") % {"f": fund.name},
        description=message,
        channel=Channel.PROJECT,
        unit=fund.management_unit,
        note=_("基金预警"),
    )
    FundAlert.objects.create(
        fund=fund,
        rule=rule,
        key=key,
        message=message[:300],
        matter=matter,
        raised_at=clock.now(),
    )
    return True


@service
def alerts_sweep(today: datetime.date | None = None) -> int:
    """Each rule raises one loop matter for the fund's management unit (idempotent)."""
    today = today or _today()
    raised = 0
    for fund in Fund.objects.select_related("management_unit"):
        if not_set_up(fund.approved_on, fund.established_on, today):
            raised += _alert(
                fund,
                "not_set_up",
                "",
                _("%(f)s 于 %(d)s 批复，一年内未完成设立。")
                % {"f": fund.name, "d": fund.approved_on},
            )
        idle = idle_money(fund, today)
        if idle > 0:
            raised += _alert(
                fund,
                "idle",
                str(today.year),
                _("%(f)s 有 %(a)s 万元实缴资金闲置超过一年。") % {"f": fund.name, "a": idle},
            )
        if fund.policy_industries:
            for investment in fund.investments.all():
                if not any(investment.industry.startswith(p) for p in fund.policy_industries):
                    raised += _alert(
                        fund,
                        "out_of_scope",
                        str(investment.pk),
                        _("%(f)s 投资 %(c)s（行业 %(i)s）不在政策投向范围内。")
                        % {
                            "f": fund.name,
                            "c": investment.company,
                            "i": f"{industry_label(investment.industry)} {investment.industry}",
                        },
                    )
    return raised


# — The deal pipeline —


@service
def deal_create(
    *,
    actor,
    fund: Fund,
    company: str,
    credit_code: str,
    industry: str,
    division: str,
    amount: Decimal,
) -> Deal:
    """A company enters the fund's pipeline as a lead (线索)."""
    _require(actor, fund, _("只有基金管理单位可以登记项目。"))
    company, industry, division = company.strip(), industry.strip().upper(), division.strip()
    if not (company and credit_code.strip() and industry and division):
        raise FundRefused(_("请填写企业、信用代码、行业代码和注册地区划。"))
    if amount <= 0:
        raise FundRefused(_("拟投金额须大于零。"))
    if not industry_label(industry).known:
        raise FundRefused(
            _("行业代码“%(c)s”不在国民经济行业分类（GB/T 4754-2017）中。") % {"c": industry}
        )
    if not division_label(division).known:
        raise FundRefused(_("区划代码“%(c)s”不在行政区划代码表中。") % {"c": division})
    try:
        code = validate_credit_code(credit_code)
    except ValidationError as error:
        raise FundRefused(" ".join(error.messages)) from None
    deal = Deal.objects.create(
        fund=fund,
        company=company,
        credit_code=code,
        industry=industry,
        division=division,
        amount=amount,
        owner=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, target=deal, after={"amount": str(amount)})
    return deal


@service
def deal_move(*, actor, deal: Deal, stage: str, note: str = "") -> Deal:
    _require(actor, deal.fund)
    target = DealStage(stage)
    if target not in DEAL_TRANSITIONS[DealStage(deal.stage)]:
        raise FundRefused(
            _("项目当前处于“%(a)s”，不能转入“%(b)s”。")
            % {"a": deal.get_stage_display(), "b": target.label}
        )
    if target == DealStage.COMMITTEE:
        done = set(deal.diligence.values_list("area", flat=True))
        missing = [str(label) for area, label in DD_AREAS if area not in done]
        if missing:
            raise FundRefused(_("尽职调查尚未完成：%(m)s。") % {"m": "、".join(missing)})
    if target == DealStage.SIGNED and not deal.decisions.filter(approved=True).exists():
        raise FundRefused(_("投资决策委员会尚未通过，不能签约。"))
    if target == DealStage.DECLINED and len(note.strip()) < 2:
        raise FundRefused(_("终止项目须写明原因。"))
    before = deal.stage
    deal.stage = target
    deal.save(update_fields=["stage", "updated_at"])
    if target == DealStage.CLOSED:
        Investment.objects.create(
            fund=deal.fund,
            company=deal.company,
            credit_code=deal.credit_code,
            industry=deal.industry,
            division=deal.division,
            amount=deal.amount,
            on=_today(),
            deal=deal,
        )
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=deal,
        before={"stage": before},
        after={"stage": target},
        detail={"note": note},
    )
    return deal


@service
def diligence_record(
    *, actor, deal: Deal, area: str, findings: str, score: int, document=None
) -> DueDiligence:
    _require(actor, deal.fund)
    if deal.stage != DealStage.DUE_DILIGENCE:
        raise FundRefused(_("项目进入尽调阶段后才能记录尽职调查。"))
    if area not in dict(DD_AREAS):
        raise FundRefused(_("请选择尽调领域。"))
    if not 0 <= score <= 100 or len(findings.strip()) < 5:
        raise FundRefused(_("请写明尽调发现（不少于 5 个字）并给出 0–100 的评分。"))
    row, created = DueDiligence.objects.update_or_create(
        deal=deal,
        area=area,
        defaults={
            "findings": findings.strip(),
            "score": score,
            "done_by": actor,
            "done_at": clock.now(),
        },
    )
    if document is not None:
        row.document.save(document.name, document, save=True)
    scores = list(deal.diligence.values_list("score", flat=True))
    deal.evaluation = Decimal(sum(scores)) / len(scores)
    deal.save(update_fields=["evaluation", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        target=row,
        after={"score": score},
        detail={"deal": deal.pk, "area": area},
    )
    return row


@service
def meeting_schedule(*, actor, deal: Deal, held_on: datetime.date, members) -> InvestmentMeeting:
    """An investment committee meeting (投决会) for a deal at the committee stage; its members
    are the only people who vote on it."""
    _require(actor, deal.fund, _("只有基金管理单位可以安排投决会。"))
    if deal.stage != DealStage.COMMITTEE:
        raise FundRefused(_("项目进入投决阶段后才能安排投决会。"))
    _refuse_open_meeting(deal)
    chosen = _committee(members)
    meeting = InvestmentMeeting.objects.create(fund=deal.fund, held_on=held_on)
    meeting.members.set(chosen.values())
    meeting.deals.add(deal)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=meeting,
        after={"held_on": held_on.isoformat(), "members": sorted(chosen)},
        detail={"deal": deal.pk},
    )
    return meeting


def _committee(members) -> dict:
    chosen = {member.pk: member for member in members}
    if len(chosen) < MIN_COMMITTEE:
        raise FundRefused(_("投决会委员不少于 3 人。"))
    return chosen


def _refuse_open_meeting(deal: Deal) -> None:
    undecided = deal.meetings.exclude(decisions__deal=deal).order_by("held_on").first()
    if undecided is not None:
        raise FundRefused(
            _("%(d)s 的投决会尚未对该项目作出决议，不能再安排会议。")
            % {"d": undecided.held_on.isoformat()}
        )


@service
def meeting_reconsider(
    *, actor, deal: Deal, held_on: datetime.date, members, reason: str
) -> InvestmentMeeting:
    """复议: a deal the committee did not pass goes back on the agenda of a new meeting. The
    earlier decision is kept (and shown); each member votes once in the new meeting."""
    _require(actor, deal.fund, _("只有基金管理单位可以提请复议。"))
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    last = deal.decisions.select_related("meeting").order_by("-decided_at", "-pk").first()
    if deal.stage != DealStage.DECLINED or last is None or last.approved:
        raise FundRefused(_("只有投决会未通过的项目可以提请复议。"))
    _refuse_open_meeting(deal)
    if held_on < last.meeting.held_on:
        raise FundRefused(
            _("复议会议日期不能早于原会议日期 %(d)s。") % {"d": last.meeting.held_on.isoformat()}
        )
    reason = reason.strip()
    if len(reason) < 5:
        raise FundRefused(_("请写明复议理由（不少于 5 个字），如补充的尽调材料或调整的方案。"))
    chosen = _committee(members)
    meeting = InvestmentMeeting.objects.create(
        fund=deal.fund, held_on=held_on, reconsiders=last, reconsideration_reason=reason
    )
    meeting.members.set(chosen.values())
    meeting.deals.add(deal)
    deal.stage = DealStage.COMMITTEE
    deal.save(update_fields=["stage", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=deal,
        before={"stage": DealStage.DECLINED},
        after={"stage": DealStage.COMMITTEE},
        detail={
            "reconsideration": meeting.pk,
            "of_decision": last.pk,
            "reason": reason,
            "members": sorted(chosen),
        },
    )
    return meeting


def _lock_meeting(meeting: InvestmentMeeting) -> None:
    """Votes and the decision of one meeting are taken one at a time (PostgreSQL row lock), so
    no vote slips in while the decision counts them."""
    InvestmentMeeting.objects.select_for_update().filter(pk=meeting.pk).first()


@service
def vote_cast(
    *, member, meeting: InvestmentMeeting, deal: Deal, vote: str, comment: str = ""
) -> InvestmentVote:
    require(sits_on_committee(member, meeting), _("只有本次会议的投决委员可以表决。"))
    if not meeting.deals.filter(pk=deal.pk).exists() or deal.stage != DealStage.COMMITTEE:
        raise FundRefused(_("该项目不在本次会议的待决议题中。"))
    if vote not in Vote.values:
        raise FundRefused(_("请选择同意、反对或弃权。"))
    _lock_meeting(meeting)
    # Decided is final: a vote changes only before the meeting decides the deal.
    if InvestmentDecision.objects.filter(meeting=meeting, deal=deal).exists():
        raise FundRefused(_("本次会议已对该项目作出决议，表决不能再更改。"))
    before = InvestmentVote.objects.filter(meeting=meeting, deal=deal, member=member).first()
    row, _created = InvestmentVote.objects.update_or_create(
        meeting=meeting,
        deal=deal,
        member=member,
        defaults={"vote": vote, "comment": comment.strip()},
    )
    audit_record(
        actor=member,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        target=deal,
        before={"vote": before.vote} if before else None,
        after={"vote": vote},
        detail={
            "meeting": meeting.pk,
            "vote": vote,
            "changed_from": getattr(before, "vote", None),
        },
    )
    return row


@service
def decision_record(
    *, actor, meeting: InvestmentMeeting, deal: Deal, conditions: str = ""
) -> InvestmentDecision:
    """By the fund's committee rule (`rules.CommitteeRule`, two thirds by default): passed when
    that share of all the members or more vote for it (“三分之二以上”: 以上 includes the number
    itself, 民法典 Art. 1259), abstentions and absence counting against; decided only once the
    quorum has voted. The decision keeps the words of the rule it was made under."""
    _require(actor, meeting.fund)
    if not meeting.deals.filter(pk=deal.pk).exists() or deal.stage != DealStage.COMMITTEE:
        raise FundRefused(_("该项目不在本次会议的待决议题中。"))
    _lock_meeting(meeting)
    if InvestmentDecision.objects.filter(meeting=meeting, deal=deal).exists():
        raise FundRefused(_("本次会议已对该项目作出决议。"))
    votes = list(meeting.votes.filter(deal=deal))
    members = meeting.members.count()
    rule = meeting.fund.committee_rule
    if not rule.quorate(len(votes), members):
        raise FundRefused(
            _("已表决 %(c)d 人，不足 %(n)d 人（%(q)s）；还有 %(m)d 名委员未表决。")
            % {
                "c": len(votes),
                "q": rule.quorum_words,
                "n": rule.quorum(members),
                "m": members - len(votes),
            }
        )
    votes_for = sum(1 for v in votes if v.vote == Vote.FOR)
    approved = rule.passes(votes_for, members)
    decision = InvestmentDecision.objects.create(
        meeting=meeting,
        deal=deal,
        approved=approved,
        votes_for=votes_for,
        votes_cast=len(votes),
        members=members,
        rule=rule.pass_words,
        conditions=conditions.strip(),
        decided_at=clock.now(),
    )
    if not approved:
        deal.stage = DealStage.DECLINED
        deal.save(update_fields=["stage", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=deal,
        detail={"committee": approved, "for": votes_for, "members": members},
    )
    return decision
