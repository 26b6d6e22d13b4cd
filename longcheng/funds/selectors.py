"""Reads for funds: the figures and metrics of a fund and of the whole forest."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import acts_filter, manages_fund
from longcheng.accounts.scoping import unit_filter
from longcheng.web.access import is_business_staff
from longcheng.web.home import NavItem
from longcheng.web.queues import QueueRow, WorkQueue

from . import metrics, rules
from .models import (
    CashFlow,
    Deal,
    Fund,
    Investment,
    InvestmentDecision,
    InvestmentMeeting,
    InvestmentVote,
    LimitedPartner,
    NavReport,
)
from .workflow import GOVERNMENT, DealStage, FlowKind, LpKind


def funds_visible_to(user) -> QuerySet[Fund]:
    if not is_business_staff(user):
        return Fund.objects.none()
    condition = unit_filter(user, "management_unit")
    queryset = Fund.objects.all()
    return queryset if condition is None else queryset.filter(condition)


def _sum(queryset, field_name: str = "amount") -> Decimal:
    return queryset.aggregate(s=Sum(field_name))["s"] or Decimal(0)


@dataclass
class FundFigures:
    fund: Fund
    committed: Decimal
    government_committed: Decimal
    social_committed: Decimal
    paid_in: Decimal
    government_paid_in: Decimal
    distributions: Decimal
    fees: Decimal
    invested: Decimal
    nav: Decimal
    nav_date: datetime.date | None
    leverage: metrics.Ratio
    reinvestment: metrics.Ratio | None
    dpi: metrics.Ratio
    rvpi: metrics.Ratio
    tvpi: metrics.Ratio
    irr: metrics.Irr


def lp_flows(flows, nav: Decimal, nav_date) -> list[tuple[datetime.date, Decimal]]:
    out = [
        (f.on, -f.amount if f.kind == FlowKind.CALL else f.amount)
        for f in flows
        if f.kind != FlowKind.FEE
    ]
    if nav and nav_date:
        out.append((nav_date, nav))
    return sorted(out)


def fund_figures(fund: Fund) -> FundFigures:
    partners = fund.partners.all()
    flows = list(fund.flows.select_related("partner"))
    government = {p.pk for p in partners if p.kind in GOVERNMENT}
    calls = [f for f in flows if f.kind == FlowKind.CALL]
    paid_in = sum((f.amount for f in calls), Decimal(0))
    government_paid_in = sum((f.amount for f in calls if f.partner_id in government), Decimal(0))
    distributions = sum((f.amount for f in flows if f.kind == FlowKind.DISTRIBUTION), Decimal(0))
    fees = sum((f.amount for f in flows if f.kind == FlowKind.FEE), Decimal(0))
    latest = fund.navs.order_by("-quarter_end").first()
    nav = latest.nav if latest else Decimal(0)
    government_committed = sum((p.commitment for p in partners if p.kind in GOVERNMENT), Decimal(0))
    investments = list(fund.investments.all())
    local = sum(
        (
            i.amount
            for i in investments
            if any(i.division.startswith(p) for p in fund.reinvestment_divisions)
        ),
        Decimal(0),
    )
    return FundFigures(
        fund=fund,
        committed=sum((p.commitment for p in partners), Decimal(0)),
        government_committed=government_committed,
        social_committed=sum(
            (p.commitment for p in partners if p.kind == LpKind.SOCIAL), Decimal(0)
        ),
        paid_in=paid_in,
        government_paid_in=government_paid_in,
        distributions=distributions,
        fees=fees,
        invested=sum((i.amount for i in investments), Decimal(0)),
        nav=nav,
        nav_date=latest.quarter_end if latest else None,
        leverage=metrics.leverage(
            basis=fund.leverage_basis,
            size=fund.size,
            government_commitments=government_committed,
            paid_in=paid_in,
            government_paid_in=government_paid_in,
        ),
        reinvestment=metrics.reinvestment(
            local_investments=local, government_commitments=government_committed
        )
        if fund.reinvestment_enabled
        else None,
        dpi=metrics.dpi(distributions, paid_in),
        rvpi=metrics.rvpi(nav, paid_in),
        tvpi=metrics.tvpi(distributions, nav, paid_in),
        irr=metrics.net_irr(lp_flows(flows, nav, latest.quarter_end if latest else None)),
    )


@dataclass
class Forest:
    funds: int
    government_committed: Decimal
    social_committed: Decimal
    total_committed: Decimal
    leverage: metrics.Ratio
    paid_in: Decimal
    distributions: Decimal
    nav: Decimal
    tvpi: metrics.Ratio
    irr: metrics.Irr
    by_industry: list[tuple[str, Decimal]]  # (industry code, amount); shown by name
    by_division: list[tuple[str, Decimal]]  # (division code, amount); shown by name


def forest(funds: QuerySet[Fund]) -> Forest:
    """Rolled up over outside money only: a fund of funds' commitment to a sub-fund is money
    already counted at the fund of funds, so partners of kind 母基金出资 are left out."""
    fund_ids = list(funds.values_list("pk", flat=True))
    outside = LimitedPartner.objects.filter(fund_id__in=fund_ids).exclude(kind=LpKind.PARENT_FUND)
    government = _sum(outside.filter(kind__in=list(GOVERNMENT)), "commitment")
    social = _sum(outside.filter(kind=LpKind.SOCIAL), "commitment")
    flows = list(
        CashFlow.objects.filter(fund_id__in=fund_ids).exclude(partner__kind=LpKind.PARENT_FUND)
    )
    paid_in = sum((f.amount for f in flows if f.kind == FlowKind.CALL), Decimal(0))
    distributions = sum((f.amount for f in flows if f.kind == FlowKind.DISTRIBUTION), Decimal(0))
    # Each fund's latest NAV counted for the outside partners' share of its paid-in money: a
    # sub-fund's value held by its fund of funds is already inside that fund's own NAV.
    nav = Decimal(0)
    nav_date = None
    for fund in funds:
        latest = fund.navs.order_by("-quarter_end").first()
        if latest is None:
            continue
        calls = fund.flows.filter(kind=FlowKind.CALL)
        total = _sum(calls)
        outside_paid = _sum(calls.exclude(partner__kind=LpKind.PARENT_FUND))
        if total:
            nav += latest.nav * outside_paid / total
            nav_date = max(nav_date or latest.quarter_end, latest.quarter_end)
    nav = nav.quantize(Decimal("0.01"))
    leaf_investments = Investment.objects.filter(fund_id__in=fund_ids, fund__children__isnull=True)
    industries: dict[str, Decimal] = {}
    for row in leaf_investments.values("industry").annotate(s=Sum("amount")):
        key = row["industry"][:3]  # the 国民经济行业分类 major group, e.g. C38
        industries[key] = industries.get(key, Decimal(0)) + row["s"]
    by_industry = sorted(industries.items(), key=lambda pair: -pair[1])
    rows = list(leaf_investments.values("division").annotate(s=Sum("amount")).order_by("-s"))
    by_division = [(row["division"], row["s"]) for row in rows]
    return Forest(
        funds=len(fund_ids),
        government_committed=government,
        social_committed=social,
        total_committed=government + social,
        leverage=metrics.forest_leverage(
            government_commitments=government, social_commitments=social
        ),
        paid_in=paid_in,
        distributions=distributions,
        nav=nav,
        tvpi=metrics.tvpi(distributions, nav, paid_in),
        irr=metrics.net_irr(lp_flows(flows, nav, nav_date)),
        by_industry=by_industry,
        by_division=by_division,
    )


def idle_money(fund: Fund, today: datetime.date) -> Decimal:
    """Paid-in money of `fund` not used (invested, or spent on fees) for more than a year,
    first in first out."""
    calls = [(f.on, f.amount) for f in fund.flows.filter(kind=FlowKind.CALL)]
    uses = [(i.on, i.amount) for i in fund.investments.all()] + [
        (f.on, f.amount) for f in fund.flows.filter(kind=FlowKind.FEE)
    ]
    return rules.idle_amount(calls, uses, today)


def figures_by(fund_ids, field_name: str) -> dict[str, Decimal]:
    """The amount invested by the funds, per value of an investment's `field_name`."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in (
        Investment.objects.filter(fund_id__in=fund_ids).values(field_name).annotate(s=Sum("amount"))
    ):
        totals[row[field_name]] += row["s"]
    return dict(totals)


def funds_nav_items(user) -> list[NavItem]:
    if not is_business_staff(user):
        return []
    items = []
    if funds_visible_to(user).exists():
        items.append(NavItem(str(_("基金丛林")), reverse("funds:forest"), "tree"))
    to_vote = len(votes_awaiting(user))
    if to_vote:
        items.append(
            NavItem(str(_("投决待办")), reverse("funds:queue"), "check2-square", badge=to_vote)
        )
    return items


def deals_visible_to(user) -> QuerySet[Deal]:
    """The deals of the funds the user may see, and the deals on the agenda of a meeting the
    user sits on (a committee member from another unit opens the deal to vote on it)."""
    if not is_business_staff(user):
        return Deal.objects.none()
    return Deal.objects.filter(
        Q(fund__in=funds_visible_to(user)) | Q(meetings__members=user)
    ).distinct()


# — The committee's work queues —


@dataclass
class AgendaItem:
    meeting: InvestmentMeeting
    deal: Deal
    votes_cast: int = 0
    members: int = 0


def _open_agenda():
    """(meeting, deal) pairs still to be decided: the deal is at the committee stage and the
    meeting has made no decision on it."""
    Agenda = InvestmentMeeting.deals.through
    decided = InvestmentDecision.objects.filter(
        meeting=OuterRef("investmentmeeting"), deal=OuterRef("deal")
    )
    return (
        Agenda.objects.filter(deal__stage=DealStage.COMMITTEE)
        .exclude(Exists(decided))
        .select_related("investmentmeeting__fund", "deal__fund")
        .order_by("investmentmeeting__held_on", "deal__company")
    )


def votes_awaiting(user) -> list[AgendaItem]:
    """待表决: the deals on the agenda of open meetings the user sits on, not yet voted by the
    user. The tile counts these and links to exactly these."""
    if user is None or not getattr(user, "is_active", False) or user.pk is None:
        return []
    voted = InvestmentVote.objects.filter(
        meeting=OuterRef("investmentmeeting"), deal=OuterRef("deal"), member=user
    )
    rows = _open_agenda().filter(investmentmeeting__members=user).exclude(Exists(voted))
    return [AgendaItem(row.investmentmeeting, row.deal) for row in rows]


def decisions_awaiting(user) -> list[AgendaItem]:
    """待形成决议: for the fund's managers, open agenda items whose meeting has the votes the
    fund's rule needs to decide."""
    if not is_business_staff(user):
        return []
    funds = funds_visible_to(user)
    items = []
    for row in _open_agenda().filter(investmentmeeting__fund__in=funds):
        meeting = row.investmentmeeting
        if not manages_fund(user, meeting.fund):
            continue
        members = meeting.members.count()
        cast = meeting.votes.filter(deal=row.deal).count()
        if meeting.fund.committee_rule.quorate(cast, members):
            items.append(AgendaItem(meeting, row.deal, cast, members))
    return items


def _agenda_row(item: AgendaItem) -> QueueRow:
    held = item.meeting.held_on
    return QueueRow(
        title=str(item.deal.company),
        url=item.deal.get_absolute_url(),
        detail=" · ".join(
            [item.meeting.fund.name, str(item.meeting)]
            + (
                [str(_("已表决 %(c)d / %(m)d 人")) % {"c": item.votes_cast, "m": item.members}]
                if item.members
                else []
            )
        ),
        due=held,
        late=bool(held and held < timezone.localdate()),
    )


# Stages where the fund's managers take the next step (投决 waits for them only while no
# meeting is open; 投后 is the years of holding, followed in the portfolio, not a queue).
MANAGER_STAGES = [
    DealStage.LEAD,
    DealStage.SCREENING,
    DealStage.DUE_DILIGENCE,
    DealStage.SIGNED,
    DealStage.CLOSED,
]


def deals_to_move(user) -> QuerySet[Deal]:
    open_meeting = InvestmentMeeting.deals.through.objects.filter(deal=OuterRef("pk")).exclude(
        Exists(
            InvestmentDecision.objects.filter(
                meeting=OuterRef("investmentmeeting"), deal=OuterRef("deal")
            )
        )
    )
    return (
        Deal.objects.filter(acts_filter(user, "fund__management_unit"))
        .alias(has_open_meeting=Exists(open_meeting))
        .filter(Q(stage__in=MANAGER_STAGES) | Q(stage=DealStage.COMMITTEE, has_open_meeting=False))
        .select_related("fund")
        .order_by("fund__name", "stage", "pk")
    )


def funds_work_queues(user) -> list[WorkQueue]:
    """待表决 for committee members; 待形成投资决议 for the fund's managers."""
    queues = []
    if getattr(user, "pk", None) and InvestmentMeeting.objects.filter(members=user).exists():
        queues.append(
            WorkQueue(
                "funds-vote",
                str(_("待表决")),
                "check2-square",
                votes_awaiting(user),
                _agenda_row,
                more_url=reverse("funds:queue") + "#votes",
                hint=str(_("您是投资决策委员会委员：对会议议程上的项目逐一表决。")),
            )
        )
    if Fund.objects.filter(acts_filter(user, "management_unit")).exists():
        queues.append(
            WorkQueue(
                "funds-pipeline",
                str(_("待推进的项目")),
                "kanban",
                deals_to_move(user),
                lambda d: QueueRow(
                    title=str(d.company),
                    url=d.get_absolute_url(),
                    detail=f"{d.get_stage_display()} · {d.fund.name}",
                ),
                hint=str(
                    _(
                        "线索、初筛、尽调、待安排投决会、签约和交割中的项目：由基金管理人推进或终止。"
                    )
                ),
            )
        )
        queues.append(
            WorkQueue(
                "funds-decide",
                str(_("待形成投资决议")),
                "journal-check",
                decisions_awaiting(user),
                _agenda_row,
                more_url=reverse("funds:queue") + "#decisions",
                hint=str(_("表决人数已达议事规则要求：由基金管理人记录投资决议。")),
            )
        )
    return queues


# — LP capital accounts —


@dataclass
class CapitalAccount:
    """One partner's account in one fund (ILPA capital account, in 万元)."""

    partner: LimitedPartner | None  # None: the fund's total row
    committed: Decimal
    called: Decimal
    unfunded: Decimal
    distributed: Decimal
    nav_share: Decimal


NAV_SHARE_BASIS = "最新季度净值 × 该出资人实缴 ÷ 基金实缴合计"


def capital_accounts(fund: Fund) -> tuple[list[CapitalAccount], CapitalAccount]:
    """Each partner's committed, called (实缴), unfunded (认缴未缴), distributed and share of
    the latest NAV (pro rata to paid-in money, `NAV_SHARE_BASIS`), and the fund's total row.
    Every page and export that shows capital accounts reads them here."""
    partners = list(fund.partners.all())
    called: dict[int | None, Decimal] = defaultdict(Decimal)
    distributed: dict[int | None, Decimal] = defaultdict(Decimal)
    for flow in fund.flows.exclude(partner=None):
        if flow.kind == FlowKind.CALL:
            called[flow.partner_id] += flow.amount
        elif flow.kind == FlowKind.DISTRIBUTION:
            distributed[flow.partner_id] += flow.amount
    latest = fund.navs.order_by("-quarter_end").first()
    nav = latest.nav if latest else Decimal(0)
    total_called = sum(called.values(), Decimal(0))
    cent = Decimal("0.01")
    shares = rules.pro_rata(nav, [called[p.pk] for p in partners]) if total_called else []
    rows = [
        CapitalAccount(
            partner=p,
            committed=p.commitment,
            called=called[p.pk],
            unfunded=p.commitment - called[p.pk],
            distributed=distributed[p.pk],
            nav_share=shares[i] if shares else Decimal(0),
        )
        for i, p in enumerate(partners)
    ]
    total = CapitalAccount(
        partner=None,
        committed=sum((r.committed for r in rows), Decimal(0)),
        called=sum((r.called for r in rows), Decimal(0)),
        unfunded=sum((r.unfunded for r in rows), Decimal(0)),
        distributed=sum((r.distributed for r in rows), Decimal(0)),
        nav_share=sum((r.nav_share for r in rows), Decimal(0)).quantize(cent),
    )
    return rows, total


# — History —


@dataclass
class NavPoint:
    quarter_end: datetime.date
    nav: Decimal
    paid_in: Decimal
    distributions: Decimal
    tvpi: metrics.Ratio


def nav_history(fund: Fund) -> list[NavPoint]:
    """Each reported quarter's NAV and the TVPI as at that quarter end (distributions and
    paid-in money up to that day), oldest first."""
    flows = list(fund.flows.filter(kind__in=[FlowKind.CALL, FlowKind.DISTRIBUTION]))
    points = []
    for report in NavReport.objects.filter(fund=fund).order_by("quarter_end"):
        upto = [f for f in flows if f.on <= report.quarter_end]
        paid = sum((f.amount for f in upto if f.kind == FlowKind.CALL), Decimal(0))
        dist = sum((f.amount for f in upto if f.kind == FlowKind.DISTRIBUTION), Decimal(0))
        points.append(
            NavPoint(
                report.quarter_end, report.nav, paid, dist, metrics.tvpi(dist, report.nav, paid)
            )
        )
    return points


# — Capital call notices —


@dataclass
class CallNotice:
    account: CapitalAccount
    total: Decimal  # the whole call
    committed_total: Decimal
    amount: Decimal  # this partner's share
    due: datetime.date

    @property
    def share_percent(self) -> Decimal:
        return self.account.committed * 100 / self.committed_total

    @property
    def problem(self) -> str:
        """Why this notice cannot be sent, or ""."""
        if self.amount > self.account.unfunded:
            return _("%(p)s 本次应缴 %(a)s 万元，超过其认缴未缴 %(u)s 万元。") % {
                "p": self.account.partner.name if self.account.partner else "",
                "a": self.amount,
                "u": self.account.unfunded,
            }
        return ""


def call_notices(fund: Fund, total: Decimal, due: datetime.date) -> list[CallNotice]:
    """A capital call of `total` split among the partners pro rata to their commitments
    (`rules.pro_rata`: to the fen, adding up to the call exactly), one notice each."""
    accounts, whole = capital_accounts(fund)
    shares = rules.pro_rata(total, [a.committed for a in accounts])
    return [
        CallNotice(account, total, whole.committed, share, due)
        for account, share in zip(accounts, shares, strict=True)
    ]
