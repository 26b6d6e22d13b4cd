"""The only code that writes projects: monthly reports (by form or xlsx, all or nothing), the
monthly call for reports and the three-colour sweep (both loop matters), sponsor visits and the
problems they hand to units, indicator values."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from longcheng.accounts.policies import (
    leads_project,
    reports_indicator,
    reports_problem,
    runs_dispatch_centre,
)
from longcheng.accounts.roles import Role
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.core.models import Unit
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned
from longcheng.loop import services as loop
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Channel
from longcheng.loop.workflow import Status as MatterStatus

from .models import (
    Indicator,
    IndicatorValue,
    KeyProject,
    Milestone,
    MonthlyProblem,
    MonthlyReport,
    Problem,
    ProblemUpdate,
    ReportCorrection,
    ReportRequest,
    SponsorVisit,
    Task,
    TrafficLightSupervision,
)
from .rules import TEMPLATE_HEADERS, colour_badge, reporting_month
from .selectors import evaluate, latest_period, projects_due
from .workflow import Colour


class ProjectRefused(LongchengError):
    pass


def _today() -> datetime.date:
    return timezone.localtime(clock.now()).date()


# — Monthly reports —


def _check_month(year: int, month: int) -> None:
    if not 1 <= month <= 12:
        raise ProjectRefused(_("月份须在 1 到 12 之间。"))
    today = _today()
    if (year, month) > (today.year, today.month):
        raise ProjectRefused(
            _("不能报送 %(y)d 年 %(m)d 月的进度：该月尚未到来。") % {"y": year, "m": month}
        )


@service
def report_submit(
    *,
    actor,
    project: KeyProject,
    year: int,
    month: int,
    investment: Decimal,
    progress: str,
    problems: str = "",
    correction_reason: str = "",
) -> MonthlyReport:
    """报送 a month's figures. A month already reported is never overwritten silently: it is
    corrected only with a reason, and the correction keeps who, when, before and after."""
    if not leads_project(actor, project):
        raise PermissionRefused(_("只有项目责任单位可以报送调度情况。"))
    _check_month(year, month)
    if investment < 0:
        raise ProjectRefused(_("本月完成投资不能为负数。"))
    if not progress.strip():
        raise ProjectRefused(_("请填写形象进度。"))
    figures = {
        "investment": str(investment),
        "progress": progress.strip()[:300],
        "problems": problems.strip()[:300],
    }
    existing = (
        MonthlyReport.objects.select_for_update()
        .filter(project=project, year=year, month=month)
        .select_related("reported_by")
        .first()
    )
    if existing is not None:
        return _report_correct(actor, existing, figures, correction_reason)
    report = MonthlyReport.objects.create(
        project=project,
        year=year,
        month=month,
        investment=investment,
        progress=figures["progress"],
        problems=figures["problems"],
        reported_by=actor,
        reported_at=clock.now(),
    )
    audit_record(actor=actor, action=AuditAction.CREATE, target=report, after=figures)
    _answer_request_if_complete(actor, project.lead_unit, year, month)
    _recolour_after_report(project, year, month)
    return report


def _report_correct(actor, report: MonthlyReport, figures: dict, reason: str) -> MonthlyReport:
    if len(reason.strip()) < 4:
        raise ProjectRefused(
            _(
                "%(y)d 年 %(m)d 月已于 %(at)s 由 %(who)s 报送（本月完成投资 %(i)s 万元）。"
                "如需更正，请写明更正原因（不少于 4 个字）。"
            )
            % {
                "y": report.year,
                "m": report.month,
                "at": timezone.localtime(report.reported_at).strftime("%Y-%m-%d %H:%M"),
                "who": report.reported_by.full_name or report.reported_by.username,
                "i": report.investment,
            }
        )
    before = {
        "investment": str(report.investment),
        "progress": report.progress,
        "problems": report.problems,
    }
    if before == figures:
        raise ProjectRefused(_("更正的内容与已报送的相同。"))
    report.investment = Decimal(figures["investment"])
    report.progress, report.problems = figures["progress"], figures["problems"]
    report.save(update_fields=["investment", "progress", "problems"])
    ReportCorrection.objects.create(
        report=report,
        corrected_by=actor,
        corrected_at=clock.now(),
        reason=reason.strip()[:300],
        before=before,
        after=figures,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=report,
        before=before,
        after=figures,
        detail={"reason": reason.strip()[:300]},
    )
    _recolour_after_report(report.project, report.year, report.month)
    return report


def _answer_request_if_complete(actor, unit: Unit, year: int, month: int) -> None:
    request = ReportRequest.objects.filter(unit=unit, year=year, month=month).first()
    if request is None:
        return
    missing = (
        projects_due(year, month)
        .filter(lead_unit=unit)
        .exclude(reports__year=year, reports__month=month)
    )
    matter = Matter.objects.get(pk=request.matter_id)
    if missing.exists() or matter.status not in (
        MatterStatus.SIGNED,
        MatterStatus.IN_PROGRESS,
        MatterStatus.REOPENED,
    ):
        return
    if actor.unit_id != unit.pk and actor.role != Role.LEADER:
        return
    loop.matter_answer(
        matter=matter,
        actor=actor,
        text=_("%(y)d 年 %(m)d 月全部项目调度情况已报送。") % {"y": year, "m": month},
    )


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0


def _cell_decimal(value) -> Decimal:
    if value is None or value == "":
        raise ValueError
    return Decimal(str(value).replace(",", "").strip())


@service
def reports_import(*, actor, upload, commit: bool) -> ImportResult:
    """Every row is checked; with any bad row nothing is written (the dry run and the commit
    give the same list)."""
    result = ImportResult()
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not xlsx
        result.errors.append(RowError(0, _("文件不是有效的 xlsx 表格，请使用下载的模板。")))
        return result
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    if (
        not rows
        or [str(c or "").strip() for c in rows[0][: len(TEMPLATE_HEADERS)]] != TEMPLATE_HEADERS
    ):
        result.errors.append(RowError(1, _("表头与模板不一致，请使用下载的模板。")))
        return result
    seen: set[tuple] = set()
    projects = {p.code: p for p in KeyProject.objects.select_related("lead_unit")}
    for number, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * (len(TEMPLATE_HEADERS) - len(row))
        code, _name, year, month, investment, progress, problems = cells[:7]
        if all(c in (None, "") for c in cells[:7]):
            continue
        project = projects.get(str(code or "").strip())
        problems_here = []
        if project is None:
            problems_here.append(_("项目编码“%(c)s”不存在") % {"c": code or ""})
        elif not leads_project(actor, project):
            problems_here.append(_("项目“%(p)s”不属于本单位") % {"p": project.name})
        try:
            year_value, month_value = int(year), int(month)
            _check_month(year_value, month_value)
        except (TypeError, ValueError):
            problems_here.append(_("年、月须为整数"))
            year_value = month_value = 0
        except ProjectRefused as error:
            problems_here.append(error.message.rstrip("。"))
            year_value = month_value = 0
        try:
            amount = _cell_decimal(investment)
            if amount < 0:
                problems_here.append(_("本月完成投资不能为负数"))
        except (ValueError, InvalidOperation):
            problems_here.append(_("本月完成投资须填写数字"))
            amount = Decimal(0)
        if not str(progress or "").strip():
            problems_here.append(_("形象进度未填写"))
        if (
            project is not None
            and year_value
            and MonthlyReport.objects.filter(
                project=project, year=year_value, month=month_value
            ).exists()
        ):
            problems_here.append(
                _("该项目 %(y)d 年 %(m)d 月已报送，更正请在项目页面写明原因")
                % {"y": year_value, "m": month_value}
            )
        key = (str(code or "").strip(), year_value, month_value)
        if key in seen:
            problems_here.append(_("与前面的行重复（同一项目同一月份）"))
        seen.add(key)
        if problems_here:
            result.errors.append(RowError(number, "；".join(problems_here)))
            continue
        result.rows.append(
            {
                "project": project,
                "year": year_value,
                "month": month_value,
                "investment": amount,
                "progress": str(progress).strip(),
                "problems": str(problems or "").strip(),
            }
        )
    if not result.rows and not result.errors:
        result.errors.append(RowError(0, _("表格中没有数据行。")))
    if commit and not result.errors:
        for row in result.rows:
            report_submit(actor=actor, **row)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="projects.monthlyreport",
            object_repr=_("调度表导入"),
            detail={"rows": len(result.rows)},
        )
        result.imported = len(result.rows)
    return result


# — The month's call for reports and the three-colour sweep (loop matters) —


@service
def reports_request(*, year: int, month: int) -> int:
    """On the first working days of a month, each responsible unit is asked for last month's
    figures; the loop's reminders chase it until every project is reported."""
    created = 0
    due = projects_due(year, month)
    units = Unit.objects.filter(pk__in=due.values("lead_unit")).order_by("path")
    for unit in units:
        if ReportRequest.objects.filter(unit=unit, year=year, month=month).exists():
            continue
        names = "、".join(due.filter(lead_unit=unit).values_list("name", flat=True))
        matter = loop.matter_raise_for_unit(
            channel=Channel.PROJECT,
            title=_("重点项目调度：请报送 %(y)d 年 %(m)d 月进度") % {"y": year, "m": month},
            description=_("请报送以下项目 %(y)d 年 %(m)d 月完成投资、形象进度和存在问题：%(n)s")
            % {"y": year, "m": month, "n": names},
            unit=unit,
            note=_("月度调度"),
        )
        ReportRequest.objects.create(unit=unit, year=year, month=month, matter=matter)
        created += 1
    return created


def _colour_and_supervise(
    project: KeyProject, year: int, month: int, as_of: datetime.date | None
) -> str:
    """Colour one project for the month (the colour the pages show for it) and, when it is
    yellow or red, raise its supervision matter — once per project and month: the project's
    row is locked, so two sweeps, or a sweep and a report, never raise it twice."""
    project = KeyProject.objects.select_for_update().select_related("lead_unit").get(pk=project.pk)
    result = evaluate(project, year, month, as_of)
    if result is None:
        KeyProject.objects.filter(pk=project.pk).update(colour="", colour_reason="")
        return ""
    KeyProject.objects.filter(pk=project.pk).update(
        colour=result.colour, colour_reason=result.reason[:100]
    )
    if result.colour == Colour.GREEN:
        return result.colour
    if TrafficLightSupervision.objects.filter(project=project, year=year, month=month).exists():
        return result.colour
    label = colour_badge(result.colour).label
    matter = loop.matter_raise_for_unit(
        channel=Channel.PROJECT,
        title=_("三色督办（%(c)s）：%(p)s") % {"c": label, "p": project.name},
        description=_(
            "%(p)s 截至 %(y)d 年 %(m)d 月完成年度计划的 %(a)s%%，"
            "序时进度 %(e)s%%（%(r)s）。"
            "请在办理时限内答复整改计划：时间表、路线图、责任人。"
        )
        % {
            "p": project.name,
            "y": year,
            "m": month,
            "a": result.actual_pct,
            "e": result.expected_pct,
            "r": result.reason,
        },
        unit=project.lead_unit,
        note=_("三色督办"),
    )
    TrafficLightSupervision.objects.create(
        project=project,
        year=year,
        month=month,
        colour=result.colour,
        reason=result.reason[:100],
        matter=matter,
        created_at=clock.now(),
    )
    return result.colour


@service
def traffic_light_sweep(*, year: int, month: int, as_of: datetime.date | None = None) -> dict:
    """Colour every project with a plan for the year; a yellow or red project gets one
    supervision matter for the month, asking for its timetable, roadmap and person in charge."""
    counts = {Colour.GREEN: 0, Colour.YELLOW: 0, Colour.RED: 0}
    for project in KeyProject.objects.order_by("pk"):
        colour = _colour_and_supervise(project, year, month, as_of)
        if colour:
            counts[Colour(colour)] += 1
    return counts


def _recolour_after_report(project: KeyProject, year: int, month: int) -> None:
    """A report or a correction changes the colour of the month the pages show when it falls
    in that month's year, on or before it: the stored colour follows at once, and a project
    that turns yellow or red gets its supervision matter now, not at a sweep that may never
    look at that month again."""
    period = latest_period()
    if year == period[0] and month <= period[1]:
        _colour_and_supervise(project, *period, None)


@service
def monthly_cycle(today: datetime.date | None = None) -> dict:
    """What runs every day in production: from the 1st, units are asked for last month's
    figures; after the report day (the 5th), the month the pages show is coloured. Both steps are
    idempotent, so running daily is safe."""
    today = today or _today()
    previous = reporting_month(today)
    requests = reports_request(year=previous[0], month=previous[1])
    counts = {"red": 0, "yellow": 0, "green": 0}
    if today.day > settings.LONGCHENG_PROJECT_REPORT_DAY:
        # The month the pages show (the last due month, or the latest reported one): the
        # colours stored and the matters raised are those a reader sees.
        year, month = latest_period(today)
        coloured = traffic_light_sweep(year=year, month=month, as_of=today)
        counts = {str(colour): n for colour, n in coloured.items()}
    return {"requests": requests, **counts}


# — 包保 —


@service
def visit_record(
    *,
    actor,
    project: KeyProject,
    leader,
    visited_on: datetime.date,
    attendees: str = "",
    findings: str = "",
    decisions: str = "",
    problems: list[tuple[str, Unit]] = (),  # type: ignore[assignment]
) -> SponsorVisit:
    """A sponsor's visit; each problem goes to the unit that must solve it as a loop matter."""
    if not project.sponsorships.filter(leader=leader).exists():
        raise ProjectRefused(_("%(l)s 不是该项目的包保领导。") % {"l": leader.full_name})
    if actor.pk != leader.pk and not leads_project(actor, project):
        raise PermissionRefused(_("只有包保领导本人或项目责任单位可以记录走访。"))
    if visited_on > _today():
        raise ProjectRefused(_("走访日期不能晚于今天。"))
    visit = SponsorVisit.objects.create(
        project=project,
        leader=leader,
        visited_on=visited_on,
        attendees=attendees.strip(),
        findings=findings.strip(),
        decisions=decisions.strip(),
        recorded_by=actor,
    )
    for description, unit in problems:
        if not description.strip():
            continue
        matter = loop.matter_raise_for_unit(
            channel=Channel.PROJECT,
            title=_("包保交办：%(p)s") % {"p": project.name},
            description=_("%(l)s %(d)s 走访发现：%(t)s")
            % {"l": leader.full_name, "d": visited_on, "t": description.strip()},
            unit=unit,
            note=_("包保领导走访交办"),
        )
        Problem.objects.create(
            project=project,
            visit=visit,
            description=description.strip(),
            lead_unit=unit,
            matter=matter,
            raised_at=clock.now(),
        )
    audit_record(actor=actor, action=AuditAction.CREATE, target=visit)
    return visit


# — Indicators —


@service
def indicator_record(
    *,
    actor,
    indicator: Indicator,
    year: int,
    month: int,
    target: Decimal | None = None,
    actual: Decimal | None = None,
) -> IndicatorValue:
    if not reports_indicator(actor, indicator):
        raise PermissionRefused(_("只有指标责任单位可以填报。"))
    _check_month(year, month)
    for value in (target, actual):
        if value is not None and value < 0:
            raise ProjectRefused(_("指标值不能为负数。"))
    row, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        year=year,
        month=month,
        defaults={"target": target, "actual": actual},
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, target=row, after={"actual": str(actual)})
    return row


# — Tasks (6W1H) —


@service
def task_create(*, actor, responsible_units=(), **fields) -> Task:
    """A task of the strategy tree, from the 6W1H form's cleaned fields."""
    if fields.get("start") and fields.get("end") and fields["end"] < fields["start"]:
        raise ProjectRefused(_("完成日期不能早于开始日期。"))
    task = Task.objects.create(**fields)
    task.responsible_units.set(responsible_units)
    audit_record(actor=actor, action=AuditAction.CREATE, target=task)
    return task


# — 每月一题 —


def _problem_notify(problem: MonthlyProblem, users, title: str, body: str = "") -> None:
    from longcheng.loop.models import Notification
    from longcheng.loop.notifications import notify

    notify(
        users,
        title=title,
        body=body,
        url=problem.get_absolute_url(),
        kind=Notification.Kind.MONTHLY_PROBLEM,
        subject=f"projects.monthlyproblem:{problem.pk}",
    )


def _unit_staff(unit: Unit):
    from longcheng.accounts.models import User

    return User.objects.filter(unit=unit, role__in=[Role.CLERK, Role.LEADER], is_active=True)


@service
def problem_promote(
    *,
    actor,
    title: str,
    category,
    lead_unit: Unit,
    description: str,
    measures: str,
    deadline: datetime.date,
    milestones: list[tuple[datetime.date, str]] = (),  # type: ignore[assignment]
    terms: str = "",
    hotspot_report=None,
    hotspot_index: int | None = None,
) -> MonthlyProblem:
    """设为每月一题: the dispatch centre makes a hot spot (a cluster of `hotspot_report`) or a
    category of repeated complaints this month's problem. One problem is open a month: the
    month's problem must be closed (销号) before another takes its place."""
    if not runs_dispatch_centre(actor):
        raise PermissionRefused(_("只有派单中心可以设定每月一题。"))
    now = clock.now()
    today = timezone.localtime(now).date()
    if deadline <= today:
        raise ProjectRefused(_("“完成时限”须晚于今天。"))
    for day, name in milestones:
        if day > deadline:
            raise ProjectRefused(
                _("节点“%(n)s”的日期 %(d)s 晚于完成时限。") % {"n": name, "d": day.isoformat()}
            )
    numbers: list[str] = []
    source = MonthlyProblem.Source.CATEGORY
    if hotspot_report is not None:
        clusters = hotspot_report.clusters or []
        if hotspot_index is None or not 0 <= hotspot_index < len(clusters):
            raise ProjectRefused(_("热点报告中没有这个热点，请从热点诉求页面重新选择。"))
        numbers = list(clusters[hotspot_index].get("numbers", []))
        source = MonthlyProblem.Source.HOTSPOT
        if not terms.split():
            raise ProjectRefused(_("热点诉求须填写“关键词”：设定后含任一关键词的新诉求计入本题。"))
    taken = (
        MonthlyProblem.objects.select_for_update()
        .filter(year=today.year, month=today.month, status=MonthlyProblem.Status.OPEN)
        .first()
    )
    if taken is not None:
        raise ProjectRefused(
            _("%(y)d年%(m)d月已有每月一题“%(t)s”，须先销号才能另设。")
            % {"y": today.year, "m": today.month, "t": taken.title}
        )
    problem = MonthlyProblem.objects.create(
        year=today.year,
        month=today.month,
        title=title,
        source=source,
        category=category,
        hotspot_report=hotspot_report,
        hotspot_numbers=numbers,
        terms=" ".join(terms.split()),
        description=description,
        lead_unit=lead_unit,
        measures=measures,
        deadline=deadline,
        promoted_at=now,
        promoted_by=actor,
    )
    for day, name in milestones:
        Milestone.objects.create(problem=problem, name=name, planned_date=day)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=problem,
        after={
            "title": title,
            "source": source,
            "category": category.pk,
            "lead_unit": lead_unit.pk,
            "deadline": deadline.isoformat(),
            "hotspot_matters": len(numbers),
            "terms": problem.terms,
            "milestones": [[d.isoformat(), n] for d, n in milestones],
        },
    )
    _problem_notify(
        problem,
        _unit_staff(lead_unit),
        _("每月一题：%(t)s 由本单位牵头") % {"t": title},
        _("完成时限 %(d)s。请按整改措施推进，并及时报送进展。") % {"d": deadline.isoformat()},
    )
    return problem


@service
def problem_report(
    *,
    actor,
    problem: MonthlyProblem,
    expected_version: int,
    progress: int,
    text: str,
    milestone: Milestone | None = None,
) -> ProblemUpdate:
    """The lead unit reports progress: the share done (never below what it reported before,
    unless it says why in the text) and, if one was reached, a milestone."""
    if not reports_problem(actor, problem):
        raise PermissionRefused(_("只有牵头单位可以报送每月一题的进展。"))
    if problem.status != MonthlyProblem.Status.OPEN:
        raise ProjectRefused(_("该每月一题已销号，不再报送进展。"))
    if not 0 <= progress <= 100:
        raise ProjectRefused(_("“完成进度”须在 0 到 100 之间。"))
    if milestone is not None and milestone.problem_id != problem.pk:
        raise ProjectRefused(_("所选节点不属于本题。"))
    now = clock.now()
    before = problem.progress
    problem.progress = progress
    save_versioned(problem, expected_version=expected_version, fields=["progress"])
    if milestone is not None and milestone.actual_date is None:
        milestone.actual_date = timezone.localtime(now).date()
        milestone.save(update_fields=["actual_date"])
    update = ProblemUpdate.objects.create(
        problem=problem, at=now, by=actor, progress=progress, text=text, milestone=milestone
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=problem,
        before={"progress": before},
        after={"progress": progress, "milestone": milestone.name if milestone else None},
    )
    return update


@service
def problem_close(
    *, actor, problem: MonthlyProblem, expected_version: int, note: str
) -> MonthlyProblem:
    """销号: the dispatch centre closes the problem with its finding; the month is free for
    another problem."""
    if not runs_dispatch_centre(actor):
        raise PermissionRefused(_("只有派单中心可以为每月一题销号。"))
    if problem.status != MonthlyProblem.Status.OPEN:
        raise ProjectRefused(_("该每月一题已销号。"))
    if not note.strip():
        raise ProjectRefused(_("销号须写明“销号说明”：整改成效如何。"))
    problem.status = MonthlyProblem.Status.CLOSED
    problem.closed_at = clock.now()
    problem.closed_by = actor
    problem.close_note = note.strip()
    save_versioned(
        problem,
        expected_version=expected_version,
        fields=["status", "closed_at", "closed_by", "close_note"],
    )
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=problem,
        before={"status": MonthlyProblem.Status.OPEN},
        after={"status": problem.status, "note": problem.close_note},
    )
    _problem_notify(
        problem, _unit_staff(problem.lead_unit), _("每月一题已销号：%(t)s") % {"t": problem.title}
    )
    return problem
