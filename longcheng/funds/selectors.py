"""Reads for funds: the figures and metrics of a fund and of the whole forest."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from longcheng.accounts.scoping import unit_filter
from longcheng.core.models import Division
from longcheng.web.access import is_business_staff
from longcheng.web.home import NavItem

from . import metrics, rules
from .models import CashFlow, Fund, Investment, LimitedPartner
from .workflow import GOVERNMENT, FlowKind, LpKind


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
    by_industry: list[tuple[str, Decimal]]
    by_division: list[tuple[str, Decimal]]


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
    names = dict(
        Division.objects.filter(code__in=[r["division"] for r in rows]).values_list("code", "name")
    )
    by_division = [(names.get(row["division"], row["division"]), row["s"]) for row in rows]
    return Forest(
        funds=len(fund_ids),
        government_committed=government,
        social_committed=social,
        total_committed=government + social,
        leverage=metrics.leverage(
            basis="subscribed",
            size=government + social,
            government_commitments=government,
            paid_in=Decimal(0),
            government_paid_in=Decimal(0),
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
    if not is_business_staff(user) or not funds_visible_to(user).exists():
        return []
    return [NavItem(str(_("基金丛林")), reverse("funds:forest"), "tree")]
