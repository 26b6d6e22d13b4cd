"""The only code that writes funds: partners and commitments, cash flows (form or xlsx, all or
nothing), NAV reports, investments, the alert sweep (loop matters), and the deal pipeline with
due diligence and the investment committee."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from longcheng.accounts.policies import manages_fund
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.loop import services as loop
from longcheng.loop.workflow import Channel

from .models import (
    CashFlow,
    CommitteeDecision,
    CommitteeMeeting,
    CommitteeVote,
    Deal,
    DueDiligence,
    Fund,
    FundAlert,
    Investment,
    LimitedPartner,
    NavReport,
)
from .workflow import DD_AREAS, DEAL_TRANSITIONS, DealStage, FlowKind, Vote

IDLE_DAYS = 365  # 财预〔2015〕210号: money paid in and not used for a year
SETUP_DAYS = 365  # a fund approved and not set up within a year


class FundRefused(LongchengError):
    pass


def _today() -> datetime.date:
    return timezone.localtime(clock.now()).date()


def _require(actor, fund: Fund) -> None:
    if not manages_fund(actor, fund):
        raise PermissionRefused(_("只有基金管理单位可以办理。"))


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
            *((f.on, f.amount, f.partner_id, f.kind) for f in fund.flows.all()),
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
    with transaction.atomic():
        flow = CashFlow.objects.create(
            fund=fund,
            kind=kind,
            on=on,
            amount=amount,
            partner=partner,
            note=note,
            recorded_by=actor,
        )
        audit_record(
            actor=actor, action=AuditAction.CREATE, target=flow, after={"amount": str(amount)}
        )
    return flow


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
        with transaction.atomic():
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


# — Alerts (财预〔2015〕210号) —


def idle_money(fund: Fund, today: datetime.date) -> Decimal:
    """Paid-in money not used (invested, or spent on fees) for more than a year, first in first
    out."""
    calls = sorted((f.on, f.amount) for f in fund.flows.filter(kind=FlowKind.CALL))
    uses = sorted(
        [(i.on, i.amount) for i in fund.investments.all()]
        + [(f.on, f.amount) for f in fund.flows.filter(kind=FlowKind.FEE)]
    )
    left = [amount for _on, amount in calls]  # unspent money of each call, oldest first
    for _on, amount in uses:
        for index, unspent in enumerate(left):
            take = min(unspent, amount)
            left[index] -= take
            amount -= take
            if not amount:
                break
    limit = today - datetime.timedelta(days=IDLE_DAYS)
    return sum((left[i] for i, (on, _a) in enumerate(calls) if on < limit), Decimal(0))


def _alert(fund: Fund, rule: str, key: str, message: str) -> bool:
    if FundAlert.objects.filter(fund=fund, rule=rule, key=key).exists():
        return False
    with transaction.atomic():
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


def alerts_sweep(today: datetime.date | None = None) -> int:
    """Each rule raises one loop matter for the fund's management unit (idempotent)."""
    today = today or _today()
    raised = 0
    for fund in Fund.objects.select_related("management_unit"):
        if fund.established_on is None and today > fund.approved_on + datetime.timedelta(
            days=SETUP_DAYS
        ):
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
                        % {"f": fund.name, "c": investment.company, "i": investment.industry},
                    )
    return raised


# — The deal pipeline —


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
    with transaction.atomic():
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
    with transaction.atomic():
        row, _created = DueDiligence.objects.update_or_create(
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
    return row


def vote_cast(
    *, member, meeting: CommitteeMeeting, deal: Deal, vote: str, comment: str = ""
) -> CommitteeVote:
    if not meeting.members.filter(pk=member.pk).exists():
        raise PermissionRefused(_("只有本次会议的投决委员可以表决。"))
    if not meeting.deals.filter(pk=deal.pk).exists() or deal.stage != DealStage.COMMITTEE:
        raise FundRefused(_("该项目不在本次会议的待决议题中。"))
    if vote not in Vote.values:
        raise FundRefused(_("请选择同意、反对或弃权。"))
    with transaction.atomic():
        # Decided is final: a vote changes only before the meeting decides the deal.
        if (
            CommitteeDecision.objects.select_for_update()
            .filter(meeting=meeting, deal=deal)
            .exists()
        ):
            raise FundRefused(_("本次会议已对该项目作出决议，表决不能再更改。"))
        before = CommitteeVote.objects.filter(meeting=meeting, deal=deal, member=member).first()
        row, _created = CommitteeVote.objects.update_or_create(
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


def decision_record(
    *, actor, meeting: CommitteeMeeting, deal: Deal, conditions: str = ""
) -> CommitteeDecision:
    """Passed when two thirds of the members or more vote for it (“三分之二以上”: 以上 includes
    the number itself, 民法典 Art. 1259); abstentions and absence count against."""
    _require(actor, meeting.fund)
    votes = list(meeting.votes.filter(deal=deal))
    members = meeting.members.count()
    if len(votes) < members:
        raise FundRefused(_("还有 %(n)d 名委员未表决。") % {"n": members - len(votes)})
    votes_for = sum(1 for v in votes if v.vote == Vote.FOR)
    approved = votes_for * 3 >= members * 2
    with transaction.atomic():
        decision = CommitteeDecision.objects.create(
            meeting=meeting,
            deal=deal,
            approved=approved,
            votes_for=votes_for,
            votes_cast=len(votes),
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


def figures_by(fund_ids, field_name: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in (
        Investment.objects.filter(fund_id__in=fund_ids).values(field_name).annotate(s=Sum("amount"))
    ):
        totals[row[field_name]] += row["s"]
    return dict(totals)
