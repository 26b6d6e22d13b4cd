"""Reads for projects: who sees what, the figures of a project and of the 调度会, indicator
series with year-on-year, the roadmap rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import acts_filter, runs_dispatch_centre
from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import Scope, user_scope
from longcheng.core import clock
from longcheng.core.calendar import add_months, working_days_between
from longcheng.core.models import Unit
from longcheng.loop.models import Matter
from longcheng.loop.workflow import OPEN
from longcheng.routing.hooks import HotSpotAction
from longcheng.web.access import is_business_staff
from longcheng.web.home import NavItem, StatCard
from longcheng.web.queues import QueueRow, WorkQueue

from .models import (
    Indicator,
    KeyProject,
    Milestone,
    MonthlyProblem,
    MonthlyReport,
    Problem,
    ReportRequest,
    Task,
)
from .rules import (
    ColourResult,
    due_month,
    milestone_overdue,
    problem_expected_pct,
    project_colour,
    report_due,
    reporting_month,
    schedule_colour,
    thresholds,
)
from .workflow import Colour

# — Progress arithmetic —


def done_in_year(project: KeyProject, year: int, month: int) -> Decimal:
    """Investment reported for January to `month` of `year` (万元)."""
    total = project.reports.filter(year=year, month__lte=month).aggregate(s=Sum("investment"))["s"]
    return total or Decimal(0)


def done_to_date(project: KeyProject, year: int, month: int) -> Decimal:
    """Cumulative investment since the project began, up to the end of the month."""
    total = project.reports.filter(year__lt=year).aggregate(s=Sum("investment"))["s"] or Decimal(0)
    return total + done_in_year(project, year, month)


def annual_plan(project: KeyProject, year: int) -> Decimal | None:
    plan = project.annual_plans.filter(year=year).first()
    return plan.planned_investment if plan else None


def evaluate(
    project: KeyProject, year: int, month: int, as_of: datetime.date | None = None
) -> ColourResult | None:
    plan = annual_plan(project, year)
    if plan is None:
        return None
    return project_colour(
        month=month,
        annual_plan=plan,
        done_this_year=done_in_year(project, year, month),
        planned_start=project.planned_start,
        actual_start=project.actual_start,
        as_of=as_of or _today(),
        thresholds=thresholds(),
    )


def projects_visible_to(user) -> QuerySet[KeyProject]:
    """Strategy is the city's: every member of staff reads the tree and the key projects;
    writing is for the responsible unit (services check it)."""
    if not is_business_staff(user) and user_scope(user) != Scope.ALL:
        return KeyProject.objects.none()
    return KeyProject.objects.all()


def _today() -> datetime.date:
    return timezone.localtime(clock.now()).date()


def last_closed_month(today: datetime.date | None = None) -> tuple[int, int]:
    """The last month whose figures are due (its report day has passed): see `rules.due_month`."""
    return due_month(today or _today(), settings.LONGCHENG_PROJECT_REPORT_DAY)


def latest_period(today: datetime.date | None = None) -> tuple[int, int]:
    """The month the figures and colours speak of, on every page, in the 调度会 material and in
    the sweep that raises supervision: the last month whose figures are due, or — where nothing
    has been reported since — the latest month anybody reported (a city's history, or the
    demo's)."""
    closed = last_closed_month(today)
    latest = (
        MonthlyReport.objects.filter(
            Q(year__lt=closed[0]) | Q(year=closed[0], month__lte=closed[1])
        )
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )
    if latest is None or latest[0] == closed[0]:
        return closed
    return latest


@dataclass
class ProjectFigures:
    project: KeyProject
    plan: Decimal | None
    done_year: Decimal
    done_total: Decimal
    colour: str
    expected_pct: Decimal | None
    actual_pct: Decimal | None
    reason: str

    @property
    def total_pct(self) -> Decimal:
        total = self.project.total_investment
        return (self.done_total / total * 100).quantize(Decimal("0.1")) if total else Decimal(0)


def project_figures(project: KeyProject, year: int, month: int) -> ProjectFigures:
    result = evaluate(project, year, month)
    return ProjectFigures(
        project=project,
        plan=annual_plan(project, year),
        done_year=done_in_year(project, year, month),
        done_total=done_to_date(project, year, month),
        colour=result.colour if result else "",
        expected_pct=result.expected_pct if result else None,
        actual_pct=result.actual_pct if result else None,
        reason=result.reason if result else str(_("无年度计划")),
    )


def meeting_figures(year: int, month: int, queryset=None) -> list[ProjectFigures]:
    projects = (queryset if queryset is not None else KeyProject.objects.all()).select_related(
        "lead_unit"
    )
    rows = [project_figures(p, year, month) for p in projects]
    order = {Colour.RED: 0, Colour.YELLOW: 1, Colour.GREEN: 2, "": 3}
    return sorted(rows, key=lambda r: (order[r.colour], r.project.code))


def open_problems(queryset: QuerySet[Problem]) -> QuerySet[Problem]:
    return queryset.filter(matter__status__in=[str(s) for s in OPEN])


@dataclass
class SeriesPoint:
    month: int
    target: Decimal | None
    actual: Decimal | None
    last_year: Decimal | None

    @property
    def yoy_pct(self) -> Decimal | None:
        if self.actual is None or not self.last_year:
            return None
        return ((self.actual - self.last_year) / self.last_year * 100).quantize(Decimal("0.1"))


def indicator_series(indicator: Indicator, year: int) -> list[SeriesPoint]:
    values = {(v.year, v.month): v for v in indicator.values.filter(year__in=[year, year - 1])}
    points = []
    for month in range(1, 13):
        this = values.get((year, month))
        last = values.get((year - 1, month))
        points.append(
            SeriesPoint(
                month=month,
                target=this.target if this else None,
                actual=this.actual if this else None,
                last_year=last.actual if last else None,
            )
        )
    return points


@dataclass
class GanttRow:
    label: str
    url: str
    level: int
    planned: tuple[datetime.date, datetime.date]
    actual: tuple[datetime.date, datetime.date] | None
    colour: str = ""
    milestones: list = None  # type: ignore[assignment]


def roadmap_rows(tasks: QuerySet[Task]) -> list[GanttRow]:
    today = timezone.localtime(clock.now()).date()
    year, month = latest_period(today)
    rows = []
    for task in tasks.prefetch_related("projects__milestones", "milestones"):
        rows.append(
            GanttRow(
                label=task.what,
                url=task.get_absolute_url(),
                level=0,
                planned=(task.start, task.end),
                actual=None,
                milestones=list(task.milestones.all()),
            )
        )
        for project in task.projects.all():
            actual = None
            if project.actual_start:
                actual = (
                    project.actual_start,
                    project.actual_end or min(today, project.planned_end),
                )
            rows.append(
                GanttRow(
                    label=project.name,
                    url=project.get_absolute_url(),
                    level=1,
                    planned=(project.planned_start, project.planned_end),
                    actual=actual,
                    colour=project_figures(project, year, month).colour,
                    milestones=list(project.milestones.all()),
                )
            )
    return rows


def sponsor_projects(user) -> QuerySet[KeyProject]:
    return KeyProject.objects.filter(sponsorships__leader=user).distinct()


# — Milestones past their planned date —


def overdue_milestones(
    queryset: QuerySet[Milestone] | None = None, today: datetime.date | None = None
) -> QuerySet[Milestone]:
    """`rules.milestone_overdue` as a query: planned before today, no actual date."""
    rows = queryset if queryset is not None else Milestone.objects.all()
    return rows.filter(actual_date__isnull=True, planned_date__lt=today or _today())


def flag_milestones(milestones, today: datetime.date | None = None) -> list[Milestone]:
    """The milestones with `overdue` set by the rule, for the pages that flag them."""
    day = today or _today()
    rows = list(milestones)
    for row in rows:
        row.overdue = milestone_overdue(planned=row.planned_date, actual=row.actual_date, today=day)
    return rows


# — Who has not reported yet —


def reporting_period(today: datetime.date | None = None) -> tuple[int, int]:
    """The month units are reporting now (last month)."""
    return reporting_month(today or _today())


def projects_due(year: int, month: int) -> QuerySet[KeyProject]:
    """The projects that report a month: started, or planned to start, by its end and not
    completed before it began. The call for reports, its automatic answer and the 待报送
    tracker all count these."""
    first = datetime.date(year, month, 1)
    last = add_months(first, 1) - datetime.timedelta(days=1)
    return KeyProject.objects.filter(
        Q(planned_start__lte=last) | Q(actual_start__lte=last),
        Q(actual_end__isnull=True) | Q(actual_end__gte=first),
    )


def unreported(year: int, month: int) -> QuerySet[KeyProject]:
    return projects_due(year, month).exclude(reports__year=year, reports__month=month)


def pending_for(user, year: int, month: int) -> QuerySet[KeyProject]:
    """The projects the user's unit reports and has not reported for the month: the 待报送
    page, the home tile and the 待办 tab read this one queryset."""
    if not is_business_staff(user):
        return KeyProject.objects.none()
    return (
        unreported(year, month)
        .filter(acts_filter(user, "lead_unit"))
        .select_related("lead_unit")
        .order_by("code")
    )


def oversees_reporting(user) -> bool:
    """Who reads every unit's reporting: the dispatch centre, and the staff of a unit that
    leads a task of the strategy tree (the 发改委 in Taiyuan)."""
    if not is_business_staff(user):
        return False
    if user.role == Role.DISPATCHER:
        return True
    return bool(user.unit_id) and Task.objects.filter(lead_unit_id=user.unit_id).exists()


@dataclass
class UnitReporting:
    unit: Unit
    due: int
    missing: list
    request: ReportRequest | None
    report_due: datetime.date
    working_days_left: int | None  # to the call's handling deadline; negative once past it

    @property
    def reported(self) -> int:
        return self.due - len(self.missing)

    @property
    def working_days_late(self) -> int:
        return -self.working_days_left if self.working_days_left else 0


def reporting_by_unit(
    year: int, month: int, today: datetime.date | None = None
) -> list[UnitReporting]:
    """Per unit: how many projects report the month, which are still missing, and the
    deadlines — the report day of the following month and, where the month's call for reports
    was raised, its handling deadline in working days. Units with something missing first."""
    day = today or _today()
    due = list(projects_due(year, month).select_related("lead_unit").order_by("code"))
    reported = set(
        MonthlyReport.objects.filter(year=year, month=month).values_list("project_id", flat=True)
    )
    requests = {
        r.unit_id: r
        for r in ReportRequest.objects.filter(year=year, month=month).select_related("matter")
    }
    by_unit: dict[int, UnitReporting] = {}
    for project in due:
        row = by_unit.get(project.lead_unit_id)
        if row is None:
            request = requests.get(project.lead_unit_id)
            left = None
            if request is not None and request.matter.handle_deadline:
                deadline = timezone.localtime(request.matter.handle_deadline).date()
                left = working_days_between(day, deadline)
            row = by_unit[project.lead_unit_id] = UnitReporting(
                unit=project.lead_unit,
                due=0,
                missing=[],
                request=request,
                report_due=report_due(year, month, settings.LONGCHENG_PROJECT_REPORT_DAY),
                working_days_left=left,
            )
        row.due += 1
        if project.pk not in reported:
            row.missing.append(project)
    return sorted(by_unit.values(), key=lambda r: (not r.missing, r.unit.path))


def projects_nav_items(user) -> list[NavItem]:
    if not is_business_staff(user):
        return []
    return [
        NavItem(str(_("战略与项目")), reverse("projects:tree"), "diagram-3"),
        NavItem(str(_("每月一题")), reverse("projects:problems"), "flag"),
    ]


def projects_home_cards(user) -> list[StatCard]:
    if not is_business_staff(user):
        return []
    cards = []
    year, month = reporting_period()
    if oversees_reporting(user):
        units = sum(1 for row in reporting_by_unit(year, month) if row.missing)
        if units:
            cards.append(
                StatCard(
                    str(_("未报送单位")), units, reverse("projects:pending"), "hourglass-split"
                )
            )
    red = KeyProject.objects.filter(colour=Colour.RED)
    if user.role != Role.DISPATCHER:
        red = red.filter(Q(lead_unit=user.unit) | Q(sponsorships__leader=user)).distinct()
    if red.exists():
        cards.append(
            StatCard(
                str(_("红色督办项目")),
                red.count(),
                reverse("projects:projects") + "?colour=red",
                "flag",
            )
        )
    mine = sponsor_projects(user).count()
    if mine:
        cards.append(
            StatCard(str(_("我包保的项目")), mine, reverse("projects:sponsor"), "person-badge")
        )
    return cards


def projects_work_queues(user) -> list[WorkQueue]:
    """待报送: a project unit's projects not yet reported for the month being reported."""
    if (
        not is_business_staff(user)
        or not KeyProject.objects.filter(acts_filter(user, "lead_unit")).exists()
    ):
        return []
    year, month = reporting_period()
    due = report_due(year, month, settings.LONGCHENG_PROJECT_REPORT_DAY)
    late = due < _today()
    return [
        WorkQueue(
            "projects-report",
            str(_("待报送")),
            "send",
            pending_for(user, year, month),
            lambda p: QueueRow(
                title=f"{p.code} {p.name}",
                url=reverse("projects:pending") + f"#project-{p.pk}",
                detail=str(_("%(y)d年%(m)d月进展")) % {"y": year, "m": month},
                due=due,
                late=late,
            ),
            more_url=reverse("projects:pending"),
            hint=str(_("本单位负责的项目按月报送进展：在报送日前填报上月形象进度和完成投资。")),
        )
    ]


# — 每月一题 —

PROBLEM_WEEKS_BEFORE = 8
PROBLEM_WEEKS_AFTER = 12


def problems_visible_to(user) -> QuerySet[MonthlyProblem]:
    """每月一题 are the city's, read by all staff like the key projects."""
    if not is_business_staff(user) and user_scope(user) != Scope.ALL:
        return MonthlyProblem.objects.none()
    return MonthlyProblem.objects.select_related("category", "lead_unit", "promoted_by")


def problem_matters(problem: MonthlyProblem) -> QuerySet[Matter]:
    """The matters that count as this problem's complaints, whenever received: the category
    and those below it; for a hot spot also one of its matters or one naming a keyword. The
    one definition behind the problem page's chart and the cockpit's panel."""
    category = problem.category
    matters = Matter.objects.filter(category__path__startswith=category.path)
    if problem.source != MonthlyProblem.Source.HOTSPOT:
        return matters
    match = Q(number__in=list(problem.hotspot_numbers or []))
    for term in problem.term_list:
        match |= Q(title__contains=term) | Q(description__contains=term)
    return matters.filter(match)


@dataclass
class ProblemVolume:
    """Complaints per week before and after promotion: weeks counted back and on from the
    moment of promotion (week −1 is the seven days before it, week 1 the seven days after);
    the running week is counted so far and flagged."""

    labels: list[str]
    before: list[int | None]
    after: list[int | None]
    weeks_after: int
    running_week: bool

    @property
    def before_weekly(self) -> float | None:
        counts = [n for n in self.before if n is not None]
        return round(sum(counts) / len(counts), 1) if counts else None

    @property
    def after_weekly(self) -> float | None:
        # A running week is left out of the average (a half week would read as a fall).
        counts = [n for n in self.after if n is not None]
        if self.running_week and counts:
            counts = counts[:-1]
        return round(sum(counts) / len(counts), 1) if counts else None

    @property
    def change_pct(self) -> float | None:
        before, after = self.before_weekly, self.after_weekly
        if not before or after is None:
            return None
        return round((after - before) * 100 / before, 1)

    def chart(self) -> dict:
        return {
            "labels": self.labels,
            "series": [
                {"name": str(_("设定前")), "data": self.before, "colour": "#9b1c1c"},
                {"name": str(_("设定后")), "data": self.after, "colour": "#15803d"},
            ],
        }


def problem_volume(problem: MonthlyProblem, now: datetime.datetime | None = None) -> ProblemVolume:
    """The complaint volume of a 每月一题 before and after its promotion, in one query (a
    count per week, each a FILTER of the same scan)."""
    now = now or clock.now()
    week = datetime.timedelta(days=7)
    start = problem.promoted_at - PROBLEM_WEEKS_BEFORE * week
    end_after = problem.closed_at or now
    elapsed = max(end_after - problem.promoted_at, datetime.timedelta(0))
    weeks_after = min(PROBLEM_WEEKS_AFTER, -(-elapsed // week))  # ceiling, capped
    running = weeks_after > 0 and problem.promoted_at + weeks_after * week > end_after
    bounds = [
        (problem.promoted_at + k * week, problem.promoted_at + (k + 1) * week)
        for k in range(-PROBLEM_WEEKS_BEFORE, weeks_after)
    ]
    aggregates = {
        f"w{index}": Count("pk", filter=Q(received_at__gte=a, received_at__lt=b))
        for index, (a, b) in enumerate(bounds)
    }
    end = bounds[-1][1] if bounds else problem.promoted_at
    counts = (
        problem_matters(problem)
        .filter(received_at__gte=start, received_at__lt=end)
        .aggregate(**aggregates)
        if aggregates
        else {}
    )
    values = [counts.get(f"w{i}", 0) or 0 for i in range(len(bounds))]
    labels = [
        str(_("前%(n)d周")) % {"n": PROBLEM_WEEKS_BEFORE - i} for i in range(PROBLEM_WEEKS_BEFORE)
    ] + [str(_("后%(n)d周")) % {"n": i + 1} for i in range(weeks_after)]
    before = values[:PROBLEM_WEEKS_BEFORE]
    after = values[PROBLEM_WEEKS_BEFORE:]
    return ProblemVolume(
        labels=labels,
        before=[*before, *[None] * weeks_after],
        after=[*[None] * PROBLEM_WEEKS_BEFORE, *after],
        weeks_after=weeks_after,
        running_week=running,
    )


@dataclass
class ProblemFigures:
    problem: MonthlyProblem
    colour: str
    expected_pct: Decimal | None
    actual_pct: Decimal
    reason: str


def problem_figures(problem: MonthlyProblem, today: datetime.date | None = None) -> ProblemFigures:
    """The colour of a 每月一题 as of today: its 序时进度 (the share of the days from promotion
    to deadline gone by) against the progress its lead unit reported, judged by the key
    projects' rule (`rules.schedule_colour`). A closed problem has no colour."""
    if problem.status == MonthlyProblem.Status.CLOSED:
        return ProblemFigures(problem, "", None, Decimal(problem.progress), str(_("已销号")))
    day = today or _today()
    expected = problem_expected_pct(
        start=timezone.localtime(problem.promoted_at).date(), deadline=problem.deadline, today=day
    )
    result = schedule_colour(
        expected=expected, actual=Decimal(problem.progress), thresholds=thresholds()
    )
    reason = result.reason
    if day > problem.deadline:
        reason = str(_("已过完成时限，尚未销号"))
    return ProblemFigures(problem, result.colour, result.expected_pct, result.actual_pct, reason)


def current_problem(today: datetime.date | None = None) -> MonthlyProblem | None:
    """This month's open 每月一题, or else the latest one promoted (the cockpit's panel)."""
    day = today or _today()
    problems = MonthlyProblem.objects.select_related("category", "lead_unit")
    return (
        problems.filter(year=day.year, month=day.month, status=MonthlyProblem.Status.OPEN).first()
        or problems.first()
    )


def problem_hotspot_action(user, report, index: int, cluster: dict):
    """The hot spot page's 设为每月一题 (routing.hooks), for the dispatch centre."""
    if not runs_dispatch_centre(user):
        return None
    url = reverse("projects:problem_promote") + f"?report={report.pk}&index={index}"
    return HotSpotAction(str(_("设为每月一题")), url, "flag")
