"""The cockpit's panels. Each panel reads the figures a module itself reports — the loop's
roll-ups (`loop.rollups`, `loop.metrics`) and each domain module's selectors — through the
same visibility rules, so a figure here always equals the figure on the module's own page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from longcheng.accounts.scoping import Scope, user_scope, visible_units
from longcheng.core import clock
from longcheng.core.models import Division, Unit
from longcheng.enforcement.models import Case
from longcheng.enforcement.selectors import cases_visible_to, statistics
from longcheng.funds.selectors import forest, funds_visible_to
from longcheng.inspections.selectors import (
    campaign_progress,
    campaigns_visible_to,
    unpublished_overdue,
    visits_visible_to,
)
from longcheng.loop.metrics import UnitMetrics, rank_units, unit_metrics
from longcheng.loop.models import Category, Matter, MatterTally
from longcheng.loop.workflow import OPEN, Channel, Kind, MetricScope, Status
from longcheng.projects.models import KeyProject
from longcheng.projects.selectors import latest_period, meeting_figures, projects_visible_to
from longcheng.projects.workflow import Colour
from longcheng.volunteers.selectors import campaigns_managed_by, funnel, hours_by_person
from longcheng.web.access import is_business_staff
from longcheng.web.home import NavItem

D = MatterTally.Dimension


@dataclass(frozen=True)
class Period:
    """Whole months first..last (the bulletin's unit), optionally one division and below."""

    first: datetime.date  # first day of the first month
    last: datetime.date  # last day of the last month
    division: Division | None = None

    @property
    def label(self) -> str:
        if (self.first.year, self.first.month) == (self.last.year, self.last.month):
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m} ~ {self.last:%Y-%m}"

    def query(self, **extra) -> str:
        params = {"from": f"{self.first:%Y-%m}", "to": f"{self.last:%Y-%m}"}
        if self.division is not None:
            params["division"] = str(self.division.pk)
        params.update({k: str(v) for k, v in extra.items()})
        return urlencode(params)

    def months(self) -> list[datetime.date]:
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return out


def month_end(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def period_of_months(
    first: datetime.date, last: datetime.date, division: Division | None = None
) -> Period:
    return Period(first.replace(day=1), month_end(last.replace(day=1)), division)


def period_from_request(params) -> Period:
    """?from=YYYY-MM&to=YYYY-MM&division=<id>; default: January to this month. Read through
    cockpit.forms: a value that is not a month or a division reads as not given."""
    from .forms import CockpitQueryForm  # the form names this module's dimensions

    values = CockpitQueryForm(params).values()
    today = timezone.localtime(clock.now()).date()

    def month(value, fallback):
        return datetime.date.fromisoformat(f"{value}-01") if value else fallback

    first = month(values.get("from"), today.replace(month=1, day=1))
    last = month(values.get("to"), today.replace(day=1))
    if last < first:
        first, last = last, first
    return period_of_months(first, last, values.get("division"))


def division_ids(division: Division) -> list[int]:
    """The division and every division below it."""
    ids, frontier = [division.pk], [division.pk]
    while frontier:
        frontier = list(Division.objects.filter(parent__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


# — Matters (the loop's roll-up) —


def tallies(user, period: Period, dimension: str) -> QuerySet[MatterTally]:
    """Tally rows of the period and division, limited to matters led by the user's units
    (the whole city, unassigned matters included, for city-wide roles and for user None — the
    platform itself, writing the monthly bulletin)."""
    rows = MatterTally.objects.filter(
        dimension=dimension, month__gte=period.first, month__lte=period.last
    )
    if period.division is not None:
        rows = rows.filter(division_id__in=division_ids(period.division))
    if user is None:
        return rows
    scope = user_scope(user)
    if scope == Scope.NONE:
        return rows.none()
    if scope != Scope.ALL:
        rows = rows.filter(lead_unit_id__in=visible_units(user).values("pk"))
    return rows


def _sums(rows: QuerySet[MatterTally], by: str = "key") -> dict:
    return {
        row[by]: row["total"]
        for row in rows.values(by).annotate(total=Sum("n")).order_by()
        if row["total"]
    }


@dataclass
class Slice:
    label: str
    count: int
    url: str


# — Districts: the choropleth and the 所在区划 bars, from one selector —

DISTRICT_LEVELS = (
    Division.Level.DISTRICT,
    Division.Level.COUNTY,
    Division.Level.COUNTY_CITY,
)


@dataclass
class DistrictFigure:
    """One district's matters in the period: received (the loop's roll-up, streets and grids
    summed into their district), of which went overdue, and its residents."""

    pk: int
    code: str
    name: str
    population: int | None
    matters: int
    overdue: int
    url: str  # the cockpit filtered to the district, as its division filter does

    @property
    def per_10k(self) -> float | None:
        """Matters per 10,000 residents."""
        if not self.population:
            return None
        return round(self.matters * 10_000 / self.population, 2)

    @property
    def overdue_rate(self) -> float | None:
        """Of the matters received, the share that went past their deadline (超期率)."""
        return round(self.overdue / self.matters, 4) if self.matters else None


@dataclass
class DistrictFigures:
    districts: list[DistrictFigure]
    # Matters with no division, or one outside every district (the city as a whole).
    unplaced: int
    unplaced_overdue: int


def district_of() -> dict[int, int]:
    """Each division's district (a district is its own): streets and grids roll up."""
    rows = {
        pk: (parent, level)
        for pk, parent, level in Division.objects.values_list("pk", "parent_id", "level")
    }
    out: dict[int, int] = {}
    for pk in rows:
        current: int | None = pk
        seen = 0
        while current is not None and current in rows and seen < 10:
            parent, level = rows[current]
            if level in DISTRICT_LEVELS:
                out[pk] = current
                break
            current, seen = parent, seen + 1
    return out


def period_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as moments: local midnight of its first day to that after its last."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(period.first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(
            period.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        ),
    )


def overdue_matters(user, period: Period) -> QuerySet[Matter]:
    """Matters received in the period that went past their handling deadline (the sweep's
    超期 mark, kept once set), as the tallies count matters: led by the user's units, or
    every matter for the city-wide roles and for the platform itself (user None)."""
    start, end = period_bounds(period)
    matters = Matter.objects.filter(overdue=True, received_at__gte=start, received_at__lt=end)
    if period.division is not None:
        matters = matters.filter(division_id__in=division_ids(period.division))
    if user is None:
        return matters
    scope = user_scope(user)
    if scope == Scope.NONE:
        return matters.none()
    if scope != Scope.ALL:
        matters = matters.filter(lead_unit_id__in=visible_units(user).values("pk"))
    return matters


def district_figures(user, period: Period, *, screen: bool = False) -> DistrictFigures:
    """The one selector of matters by district: the choropleth (per 10,000 residents, overdue
    rate) and the 所在区划 bars both read it, so the two never disagree."""
    received = _sums(tallies(user, period, D.STATUS), by="division_id")
    late = dict(
        overdue_matters(user, period)
        .order_by()
        .values("division_id")
        .annotate(n=Count("pk"))
        .values_list("division_id", "n")
    )
    rolled_up = district_of()
    matters: dict[int, int] = {}
    overdue: dict[int, int] = {}
    unplaced = unplaced_overdue = 0
    for division_id, n in received.items():
        district = rolled_up.get(division_id)
        if district is None:
            unplaced += n
        else:
            matters[district] = matters.get(district, 0) + n
    for division_id, n in late.items():
        district = rolled_up.get(division_id) if division_id is not None else None
        if district is None:
            unplaced_overdue += n
        else:
            overdue[district] = overdue.get(district, 0) + n
    extra = {"screen": 1} if screen else {}
    districts = [
        DistrictFigure(
            pk=d.pk,
            code=d.code,
            name=d.name,
            population=d.population,
            matters=matters.get(d.pk, 0),
            overdue=overdue.get(d.pk, 0),
            url=reverse("cockpit:index")
            + "?"
            + Period(period.first, period.last, d).query(**extra),
        )
        for d in Division.objects.filter(level__in=DISTRICT_LEVELS).order_by("code")
    ]
    return DistrictFigures(districts, unplaced, unplaced_overdue)


@dataclass
class MattersPanel:
    total: int
    open: int
    closed: int
    by_status: list[Slice]
    by_channel: list[Slice]
    by_kind: list[Slice]
    by_category: list[Slice]
    by_division: list[Slice]
    months: list[str]
    monthly: list[tuple[str, list[int]]]


def drill_url(period: Period, **params) -> str:
    return reverse("cockpit:matters") + "?" + period.query(**params)


def matters_panel(
    user, period: Period, over_time: str = "channel", districts: DistrictFigures | None = None
) -> MattersPanel:
    status = _sums(tallies(user, period, D.STATUS))
    channel = _sums(tallies(user, period, D.CHANNEL))
    kind = _sums(tallies(user, period, D.KIND))
    category = _sums(tallies(user, period, D.CATEGORY))
    names = dict(
        Category.objects.filter(pk__in=[int(k) for k in category]).values_list("pk", "name")
    )
    districts = districts or district_figures(user, period)

    def slices(counts: dict, labels: dict, dimension: str) -> list[Slice]:
        return [
            Slice(str(labels.get(key, key)), n, drill_url(period, dimension=dimension, key=key))
            for key, n in sorted(counts.items(), key=lambda kv: -kv[1])
        ]

    channel_labels = dict(Channel.choices)
    return MattersPanel(
        total=sum(status.values()),
        open=sum(n for key, n in status.items() if key in OPEN),
        closed=sum(n for key, n in status.items() if key not in OPEN),
        by_status=[
            Slice(str(label), status[value], drill_url(period, dimension=D.STATUS, key=value))
            for value, label in Status.choices
            if status.get(value)
        ],
        by_channel=slices(channel, channel_labels, D.CHANNEL),
        by_kind=slices(kind, dict(Kind.choices), D.KIND),
        by_category=slices(
            category, {str(pk): name for pk, name in names.items()} | {"0": _("未分类")}, D.CATEGORY
        )[:12],
        by_division=division_slices(period, districts),
        months=[f"{m:%Y-%m}" for m in period.months()],
        monthly=monthly_series(user, period, over_time),
    )


def division_slices(period: Period, figures: DistrictFigures) -> list[Slice]:
    """The 所在区划 bars: each district with matters (streets summed in), then those with none."""
    slices = [
        Slice(d.name, d.matters, drill_url(period, dimension="division", key=d.pk))
        for d in sorted(figures.districts, key=lambda d: -d.matters)
        if d.matters
    ]
    if figures.unplaced:
        slices.append(
            Slice(
                _("未注明区划"),
                figures.unplaced,
                drill_url(period, dimension="division", key=0),
            )
        )
    return slices


# The dimensions the monthly chart can be split by, and how a key is named.
OVER_TIME = {
    "channel": _lazy("来源渠道"),
    "kind": _lazy("诉求类型"),
    "status": _lazy("状态"),
    "category": _lazy("派单目录"),
    "division": _lazy("所在区划"),
}


def monthly_series(user, period: Period, by: str, top: int = 8) -> list[tuple[str, list[int]]]:
    """Matters received per month split by one dimension: the `top` biggest series, the rest
    summed as 其他."""
    key_field = "division_id" if by == "division" else "key"
    dimension = D.STATUS if by == "division" else (by if by in OVER_TIME else D.CHANNEL)
    rows = tallies(user, period, dimension).values(key_field, "month")
    counts: dict[tuple, int] = {}
    totals: dict = {}
    for row in rows.annotate(total=Sum("n")).order_by():
        key = row[key_field]
        counts[(key, row["month"])] = row["total"]
        totals[key] = totals.get(key, 0) + row["total"]
    labels = _key_labels(by, list(totals))
    months = period.months()
    ranked = [k for k in sorted(totals, key=lambda k: -totals[k]) if totals[k]]
    series = [
        (labels.get(k, str(k)), [counts.get((k, m), 0) for m in months]) for k in ranked[:top]
    ]
    if len(ranked) > top:
        rest = ranked[top:]
        series.append((_("其他"), [sum(counts.get((k, m), 0) for k in rest) for m in months]))
    return series


def _key_labels(by: str, keys: list) -> dict:
    if by == "division":
        divisions = dict(Division.objects.filter(pk__in=keys).values_list("pk", "name"))
        return {k: divisions.get(k, _("未注明区划")) for k in keys}
    if by == "category":
        ids = [int(k) for k in keys if str(k).isdigit()]
        names = {
            str(pk): name
            for pk, name in Category.objects.filter(pk__in=ids).values_list("pk", "name")
        }
        return {k: names.get(k, _("未分类")) for k in keys}
    choices = {"kind": Kind.choices, "status": Status.choices}.get(by, Channel.choices)
    return {value: str(label) for value, label in choices}


# — The unit league table (loop metrics from the roll-up) —


@dataclass
class LeagueRow:
    rank: int | None
    metrics: UnitMetrics
    overdue: int
    links: dict[str, str] = field(default_factory=dict)


def league_units(user) -> QuerySet[Unit]:
    units = Unit.objects.all() if user is None else visible_units(user)
    return units.order_by("path")


def league_panel(
    user, period: Period, *, scope: str = MetricScope.CITIZEN, by: str = "satisfaction_rate"
) -> list[LeagueRow]:
    """Units that had work in the period, ranked by `by` among those with enough citizen
    ratings (loop.metrics.rank_units); the others follow, shown but not ranked."""
    rows = [
        r
        for r in unit_metrics(
            units=league_units(user), first=period.first, last=period.last, scope=scope
        )
        if r.dispatched or r.answered or r.rated or r.due
    ]
    league = []
    for r in rank_units(rows, by=by):
        links = {
            measure: drill_url(period, unit=r.unit.pk, measure=measure, scope=scope)
            for measure in MEASURES
        }
        league.append(LeagueRow(r.rank, r, r.overdue, links))
    return league


# The drill-downs of the league table: the matters with an event of that kind for the unit.
MEASURES = {
    "dispatched": _("派单"),
    "signed_late": _("超时签收"),
    "answered": _("办结"),
    "answered_late": _("超期办结"),
    "unresolved": _("回访未解决"),
    "dissatisfied": _("不满意"),
    "returned": _("退单"),
    "reopened": _("重办"),
    "overdue": _("超期"),
}


# — The domain modules, through their own selectors —


@dataclass
class InspectionRow:
    name: str
    url: str
    to_visit: int
    visited: int
    passed: int
    rectify: int
    failed: int
    unpublished_overdue: int = 0

    @property
    def coverage(self) -> float | None:
        return self.visited / self.to_visit if self.to_visit else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.visited if self.visited else None


def inspections_panel(user, period: Period) -> list[InspectionRow]:
    """Campaigns running in the period, and any older one whose results are overdue for
    publication (the home card's figure), so the two never disagree."""
    visible = campaigns_visible_to(user)
    late = unpublished_overdue(visits_visible_to(user)).values("campaign")
    campaigns = visible.filter(
        Q(start_date__lte=period.last, end_date__gte=period.first) | Q(pk__in=late)
    ).distinct()
    rows = []
    for campaign in campaigns.order_by("start_date", "pk"):
        p = campaign_progress(campaign)
        rows.append(
            InspectionRow(
                campaign.name,
                campaign.get_absolute_url(),
                p.to_visit,
                p.visited,
                p.passed,
                p.rectify,
                p.failed,
                p.unpublished_overdue,
            )
        )
    return rows


def cases_in(user, period: Period):
    cases = (Case.objects.all() if user is None else cases_visible_to(user)).filter(
        discovered_on__gte=period.first, discovered_on__lte=period.last
    )
    if period.division is not None:
        cases = cases.filter(division__in=division_ids(period.division))
    return cases


def enforcement_panel(user, period: Period) -> dict:
    return statistics(cases_in(user, period))


@dataclass
class ProjectsPanel:
    year: int
    month: int
    colours: list[tuple[str, str, int]]  # (value, label, count)
    rows: list
    plan: Decimal
    done: Decimal

    @property
    def completion(self) -> float | None:
        return float(self.done / self.plan) if self.plan else None


def projects_panel(user, period: Period) -> ProjectsPanel:
    latest = latest_period()
    year, month = min(latest, (period.last.year, period.last.month))
    projects = KeyProject.objects.all() if user is None else projects_visible_to(user)
    rows = meeting_figures(year, month, projects)
    counts = {value: 0 for value in Colour.values}
    for r in rows:
        if r.colour:
            counts[r.colour] += 1
    return ProjectsPanel(
        year=year,
        month=month,
        colours=[(value, str(label), counts[value]) for value, label in Colour.choices],
        rows=rows,
        plan=sum((r.plan or Decimal(0) for r in rows), Decimal(0)),
        done=sum((r.done_year for r in rows if r.plan), Decimal(0)),
    )


@dataclass
class VolunteerFunnel:
    name: str
    url: str
    steps: list[tuple[str, int]]
    hours: float


def volunteers_panel(user, period: Period) -> list[VolunteerFunnel]:
    out = []
    for campaign in campaigns_managed_by(user).order_by("-pk")[:3]:
        hours = sum(total for _person, total, _shifts in hours_by_person(campaign))
        out.append(
            VolunteerFunnel(
                campaign.name, campaign.get_absolute_url(), funnel(campaign), round(hours, 1)
            )
        )
    return out


def funds_panel(user, period: Period):
    funds = funds_visible_to(user)
    if not funds.exists():
        return None
    return forest(funds)


def cockpit_nav_items(user) -> list[NavItem]:
    if not is_business_staff(user):
        return []
    return [NavItem(_("驾驶舱"), reverse("cockpit:index"), "speedometer2")]


# — The 12345 workbench: 每月一题 and 应急模式 —


@dataclass
class ProblemPanel:
    problem: object
    volume: object
    figures: object


def problem_panel(user) -> ProblemPanel | None:
    """This month's 每月一题 (or the latest): its complaints per week before and after
    promotion, the same selector as its own page (`projects.selectors.problem_volume`)."""
    from longcheng.projects.selectors import current_problem, problem_figures, problem_volume

    problem = current_problem()
    if problem is None:
        return None
    return ProblemPanel(problem, problem_volume(problem), problem_figures(problem))


def emergency_panel(user):
    """The emergency that is on (or the last one) and its surge per hour against the week
    before (`loop.emergency.emergency_surge`, as on the emergency page)."""
    from longcheng.loop.emergency import emergency_surge, latest_emergency

    emergency = latest_emergency()
    return emergency_surge(emergency) if emergency is not None else None
