import datetime
from abc import abstractmethod
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from longcheng.accounts.policies import leads_project
from longcheng.core.errors import LongchengError
from longcheng.core.models import Unit
from longcheng.web.access import BusinessStaffRequired
from longcheng.web.actions import Act, ActionTableView
from longcheng.web.exports import TableExportMixin, xlsx_response
from longcheng.web.listing import Column, ListFilter, RegisterListView

from . import documents, rules, services
from .forms import (
    IndicatorValueForm,
    PeriodForm,
    ReportForm,
    ReportUploadForm,
    ReturnForm,
    TaskForm,
    VisitForm,
    YearForm,
    cleaned,
)
from .models import Indicator, KeyProject, Milestone, Positioning, Problem, SponsorVisit, Task
from .rules import colour_badge
from .selectors import (
    flag_milestones,
    indicator_series,
    latest_period,
    meeting_figures,
    open_problems,
    overdue_milestones,
    oversees_reporting,
    pending_for,
    project_figures,
    projects_visible_to,
    reporting_by_unit,
    reporting_period,
    roadmap_rows,
    sponsor_projects,
)
from .workflow import Colour, Stage


class StaffRequired(BusinessStaffRequired):
    denied_message = gettext_lazy("战略与项目仅供业务单位工作人员使用。")


def _period(request) -> tuple[int, int]:
    return PeriodForm(request.GET).period(latest_period())


class RecordPostView(StaffRequired, ActionTableView):
    """One button of a record's page: an action table of one action (`form_class` and
    `perform`), its refusals in the projects' wording (“年份”填写有误：…)."""

    form_class: type[forms.Form]

    def get_act(self, name: str) -> Act:
        return Act(self.form_class, self.perform)

    def parse_form(self, form):
        return cleaned(form)

    @abstractmethod
    def perform(self, request, record, data) -> str:
        """Call the service; the line reported on the record's page."""


class TreeView(StaffRequired, TemplateView):
    template_name = "projects/tree.html"

    def get_context_data(self, **kwargs):
        tasks = Task.objects.select_related("lead_unit", "lead_leader").prefetch_related(
            Prefetch("projects", queryset=KeyProject.objects.order_by("code"))
        )
        positionings = list(
            Positioning.objects.prefetch_related("goals", Prefetch("goals__tasks", queryset=tasks))
        )
        year, month = latest_period()
        for positioning in positionings:
            for goal in positioning.goals.all():
                for task in goal.tasks.all():
                    for project in task.projects.all():
                        project.figures = project_figures(project, year, month)
        return super().get_context_data(
            title=_("战略定位与任务"), positionings=positionings, **kwargs
        )


class TaskDetailView(StaffRequired, TemplateView):
    template_name = "projects/task_detail.html"

    def get_context_data(self, **kwargs):
        task = get_object_or_404(
            Task.objects.select_related(
                "goal__positioning", "lead_unit", "lead_leader", "responsible_person"
            ),
            pk=self.kwargs["pk"],
        )
        year, month = latest_period()
        return super().get_context_data(
            title=task.what,
            task=task,
            figures=[
                project_figures(p, year, month) for p in task.projects.select_related("lead_unit")
            ],
            milestones=flag_milestones(task.milestones.all()),
            indicators=task.indicators.all(),
            **kwargs,
        )


class TaskCreateView(StaffRequired, FormView):
    template_name = "web/form.html"
    form_class = TaskForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("新建任务（6W1H）"), cancel_url=reverse("projects:tree"), **kwargs
        )

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            task = services.task_create(
                actor=self.request.user,
                responsible_units=data.pop("responsible_units", ()),
                **data,
            )
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("任务已建立。"))
        return redirect(task)


def _money(value) -> str:
    return f"{value:,.0f}" if value is not None else "—"


def _badge_html(colour: str):
    """The list's colour cell: the same badge (class and text) as every other page."""
    return mark_safe(  # noqa: S308 — rendered by the autoescaping template
        render_to_string("projects/_colour.html", {"badge": colour_badge(colour)}).strip() or "—"
    )


COLOUR_COLUMN = Column(gettext_lazy("颜色"), lambda p: _badge_html(p.figures.colour), sort="colour")


class ProjectListView(StaffRequired, RegisterListView):
    model = KeyProject
    title = gettext_lazy("重点项目")
    unit_field = None
    template_name = "projects/projects.html"
    export_name = "重点项目"
    search_fields = ["code", "name", "place", "enterprise__name"]
    default_sort = "code"
    filters = [
        ListFilter("colour", gettext_lazy("督办颜色"), "colour", lambda u: Colour.choices),
        ListFilter("stage", gettext_lazy("阶段"), "stage", lambda u: Stage.choices),
        ListFilter(
            "unit",
            gettext_lazy("责任单位"),
            "lead_unit_id",
            lambda u: [
                (str(x.pk), x.name)
                for x in Unit.objects.filter(pk__in=KeyProject.objects.values("lead_unit"))
            ],
        ),
    ]
    columns = [
        Column(gettext_lazy("编码"), lambda p: p.code, sort="code", link=True),
        Column(gettext_lazy("项目"), lambda p: p.name, sort="name"),
        Column(gettext_lazy("阶段"), lambda p: p.get_stage_display(), sort="stage"),
        COLOUR_COLUMN,
        Column(gettext_lazy("责任单位"), lambda p: p.lead_unit),
        Column(
            gettext_lazy("总投资（万元）"),
            lambda p: _money(p.total_investment),
            sort="total_investment",
        ),
        Column(gettext_lazy("年度计划（万元）"), lambda p: _money(p.figures.plan)),
        Column(gettext_lazy("本年完成（万元）"), lambda p: _money(p.figures.done_year)),
        Column(
            gettext_lazy("完成年度计划"),
            lambda p: f"{p.figures.actual_pct}%" if p.figures.actual_pct is not None else "—",
        ),
        Column(
            gettext_lazy("逾期节点"),
            lambda p: p.overdue_milestones or "—",
            sort="overdue_milestones",
        ),
    ]

    @property
    def export_columns(self):
        plain = Column(COLOUR_COLUMN.label, lambda p: colour_badge(p.figures.colour).label)
        return [plain if c is COLOUR_COLUMN else c for c in self.columns]

    def base_queryset(self):
        late = overdue_milestones()
        return (
            projects_visible_to(self.request.user)
            .select_related("lead_unit", "enterprise")
            .annotate(
                overdue_milestones=Count("milestones", filter=Q(milestones__in=late), distinct=True)
            )
        )

    def prepare_page(self, objects):
        year, month = latest_period()
        for project in objects:
            project.figures = project_figures(project, year, month)

    def export(self):
        self.prepare_page(list(self.get_queryset()))
        return super().export()


class ProjectDetailView(StaffRequired, TemplateView):
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        project = get_object_or_404(
            projects_visible_to(self.request.user).select_related("lead_unit", "enterprise"),
            pk=self.kwargs["pk"],
        )
        user = self.request.user
        year, month = latest_period()
        running = Decimal(0)
        reports = []
        for report in project.reports.select_related("reported_by").prefetch_related(
            "corrections__corrected_by"
        ):
            running += report.investment
            reports.append((report, running))
        return super().get_context_data(
            title=project.name,
            project=project,
            figures=project_figures(project, year, month),
            year=year,
            month=month,
            milestones=flag_milestones(project.milestones.all()),
            reports=reversed(reports),
            may_report=leads_project(user, project),
            is_sponsor=project.sponsorships.filter(leader=user).exists(),
            sponsors=project.sponsorships.select_related("leader"),
            visits=project.visits.select_related("leader").prefetch_related("problems__matter"),
            problems=project.problems.select_related("matter", "lead_unit"),
            supervisions=project.supervisions.select_related("matter"),
            units=Unit.objects.order_by("path"),
            today=timezone.localdate(),
            **kwargs,
        )


class ReportSubmitView(RecordPostView):
    form_class = ReportForm

    def get_record(self, request, pk):
        return get_object_or_404(projects_visible_to(request.user), pk=pk)

    def after(self, request, record):
        if ReturnForm(request.POST).to_pending():
            return redirect("projects:pending")
        return super().after(request, record)

    def perform(self, request, record, data) -> str:
        services.report_submit(actor=request.user, project=record, **data)
        return _("调度情况已报送。")


class VisitRecordView(RecordPostView):
    form_class = VisitForm

    def get_record(self, request, pk):
        return get_object_or_404(projects_visible_to(request.user), pk=pk)

    def perform(self, request, record, data) -> str:
        services.visit_record(
            actor=request.user,
            project=record,
            leader=data["leader"] or request.user,
            visited_on=data["visited_on"],
            attendees=data["attendees"],
            findings=data["findings"],
            decisions=data["decisions"],
            problems=data["problems"],
        )
        return _("走访已记录，问题已交办。")


class PendingView(StaffRequired, TemplateView):
    """待报送: the projects of the user's unit not yet reported for the month being reported,
    each with its report form; for the 发改委 (and the dispatch centre) every unit's count."""

    template_name = "projects/pending.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        year, month = PeriodForm(self.request.GET).period(reporting_period())
        overseer = oversees_reporting(user)
        return super().get_context_data(
            title=_("待报送"),
            year=year,
            month=month,
            pending=pending_for(user, year, month),
            overseer=overseer,
            units=reporting_by_unit(year, month) if overseer else [],
            report_due=rules.report_due(year, month, settings.LONGCHENG_PROJECT_REPORT_DAY),
            **kwargs,
        )


class ReportsView(StaffRequired, TemplateView):
    """月度调度: the unit's projects for one month, the template, the upload."""

    template_name = "projects/reports.html"

    def projects(self):
        user = self.request.user
        return [p for p in KeyProject.objects.select_related("lead_unit") if leads_project(user, p)]

    def get_context_data(self, **kwargs):
        year, month = _period(self.request)
        return super().get_context_data(
            title=_("月度调度"),
            year=year,
            month=month,
            rows=[project_figures(p, year, month) for p in self.projects()],
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        if PeriodForm(request.GET).wants_template():
            today = timezone.localdate()
            content = rules.report_template(
                projects=self.projects(), year=today.year, month=today.month
            )
            response = HttpResponse(
                content,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = 'attachment; filename="report-template.xlsx"'
            return response
        return super().get(request, *args, **kwargs)

    def post(self, request):
        try:
            data = cleaned(ReportUploadForm(request.POST, request.FILES))
        except LongchengError as error:
            messages.error(request, error.message)
            return redirect("projects:reports")
        commit = data["commit"]
        result = services.reports_import(actor=request.user, upload=data["file"], commit=commit)
        if commit and result.imported:
            messages.success(request, _("已导入 %(n)d 行。") % {"n": result.imported})
            return redirect("projects:reports")
        return self.render_to_response(self.get_context_data(result=result, checked=not commit))


class MeetingReportView(StaffRequired, View):
    """调度会 report for a month, as PDF or xlsx."""

    def get(self, request, fmt):
        year, month = _period(request)
        rows = meeting_figures(year, month, projects_visible_to(request.user))
        if fmt == "pdf":
            response = HttpResponse(
                documents.meeting_pdf(year, month, rows), content_type="application/pdf"
            )
            response["Content-Disposition"] = f'inline; filename="meeting-{year}-{month:02d}.pdf"'
            return response
        return xlsx_response(
            user=request.user,
            filename=f"{year}年{month}月重点项目调度",
            title=_("%(y)d年%(m)d月重点项目调度") % {"y": year, "m": month},
            headers=[
                _("编码"),
                _("项目"),
                _("责任单位"),
                _("颜色"),
                _("年度计划（万元）"),
                _("本年完成（万元）"),
                _("完成年度计划"),
                _("序时进度"),
                _("累计完成（万元）"),
                _("原因"),
            ],
            rows=[
                [
                    r.project.code,
                    r.project.name,
                    str(r.project.lead_unit),
                    colour_badge(r.colour).label,
                    r.plan,
                    r.done_year,
                    r.actual_pct,
                    r.expected_pct,
                    r.done_total,
                    r.reason,
                ]
                for r in rows
            ],
            object_type="projects.keyproject",
            filters={"year": year, "month": month},
            personal=False,
        )


class IndicatorDetailView(StaffRequired, TemplateView):
    template_name = "projects/indicator_detail.html"

    def get_context_data(self, **kwargs):
        indicator = get_object_or_404(
            Indicator.objects.select_related("enterprise"), pk=self.kwargs["pk"]
        )
        year = YearForm(self.request.GET).year_or(latest_period()[0])
        series = indicator_series(indicator, year)
        chart = {
            "months": [f"{p.month}月" for p in series],
            "actual": [float(p.actual) if p.actual is not None else None for p in series],
            "target": [float(p.target) if p.target is not None else None for p in series],
            "last_year": [float(p.last_year) if p.last_year is not None else None for p in series],
            "labels": {
                "actual": str(_("%(y)d年实际") % {"y": year}),
                "target": str(_("目标")),
                "last_year": str(_("%(y)d年实际") % {"y": year - 1}),
            },
        }
        return super().get_context_data(
            title=indicator.name,
            indicator=indicator,
            year=year,
            series=series,
            chart=chart,
            **kwargs,
        )

    def post(self, request, pk):
        indicator = get_object_or_404(Indicator, pk=pk)
        try:
            services.indicator_record(
                actor=request.user,
                indicator=indicator,
                **cleaned(IndicatorValueForm(request.POST)),
            )
        except LongchengError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("指标已填报。"))
        return redirect(indicator)


class IndicatorListView(StaffRequired, TableExportMixin, TemplateView):
    template_name = "projects/indicators.html"
    export_title = gettext_lazy("指标")
    export_object_type = "projects.indicator"

    def export_table(self):
        headers = [
            _("指标"),
            _("计量单位"),
            _("责任单位"),
            _("企业"),
            _("重点项目"),
            _("年"),
            _("月"),
            _("目标"),
            _("实际"),
        ]
        rows = []
        for i in Indicator.objects.select_related(
            "owner_unit", "enterprise", "project"
        ).prefetch_related("values"):
            for v in i.values.all() or [None]:
                rows.append(
                    [
                        i.name,
                        i.measure,
                        i.owner_unit.name,
                        i.enterprise.name if i.enterprise else "",
                        i.project.name if i.project else "",
                        v.year if v else None,
                        v.month if v else None,
                        v.target if v else None,
                        v.actual if v else None,
                    ]
                )
        return headers, rows

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("指标"),
            indicators=Indicator.objects.select_related("owner_unit", "enterprise", "project"),
            **kwargs,
        )


class RoadmapView(StaffRequired, TemplateView):
    """路线图: tasks and their projects on one time axis, planned beside actual."""

    template_name = "projects/roadmap.html"

    def get_context_data(self, **kwargs):
        rows = roadmap_rows(Task.objects.all())
        if rows:
            start = min(r.planned[0] for r in rows)
            end = max(max(r.planned[1], r.actual[1] if r.actual else r.planned[1]) for r in rows)
        else:
            start = end = timezone.localdate()
        span = max((end - start).days, 1)

        def pos(day):
            return round((day - start).days / span * 100, 2)

        for row in rows:
            row.plan_left, row.plan_width = (
                pos(row.planned[0]),
                max(pos(row.planned[1]) - pos(row.planned[0]), 0.5),
            )
            if row.actual:
                row.actual_left = pos(row.actual[0])
                row.actual_width = max(pos(row.actual[1]) - pos(row.actual[0]), 0.5)
            row.marks = [(m, pos(m.actual_date or m.planned_date)) for m in row.milestones]
        years = list(range(start.year, end.year + 1))
        ticks = [(y, pos(max(start, datetime.date(y, 1, 1)))) for y in years]
        today = timezone.localdate()
        return super().get_context_data(
            title=_("路线图"),
            rows=rows,
            ticks=ticks,
            today=pos(today) if start <= today <= end else None,
            chart=_gantt_chart(rows, start, end, today),
            **kwargs,
        )


def _gantt_chart(rows, start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    """The roadmap for ECharts (static/projects/roadmap.js): one line per task or project with
    its planned and actual spans and its milestones, every date as text the tooltip shows."""

    def day(value):
        return value.isoformat() if value else None

    lines = []
    for row in rows:
        lines.append(
            {
                "label": row.label,
                "url": row.url,
                "level": row.level,
                "planned": [day(row.planned[0]), day(row.planned[1])],
                "actual": [day(row.actual[0]), day(row.actual[1])] if row.actual else None,
                "colour": row.colour,
                "colour_label": colour_badge(row.colour).label if row.colour else "",
                "milestones": [
                    {
                        "name": m.name,
                        "planned": day(m.planned_date),
                        "actual": day(m.actual_date),
                        "status": rules.milestone_status(
                            planned=m.planned_date, actual=m.actual_date, today=today
                        ),
                        "overdue": rules.milestone_overdue(
                            planned=m.planned_date, actual=m.actual_date, today=today
                        ),
                    }
                    for m in row.milestones
                ],
            }
        )
    return {
        "rows": lines,
        "start": day(start),
        "end": day(end),
        "today": day(today),
        "words": {
            "planned": str(_("计划")),
            "actual": str(_("实际")),
            "milestone": str(_("节点")),
            "status": str(_("状态")),
            "colour": str(_("督办颜色")),
            "none": str(_("未填")),
        },
    }


class SponsorView(StaffRequired, TemplateView):
    """A sponsor's page: the projects, visits and open problems."""

    template_name = "projects/sponsor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        projects = sponsor_projects(user).select_related("lead_unit")
        problems = Problem.objects.filter(project__in=projects).select_related(
            "matter", "lead_unit", "project"
        )
        year, month = latest_period()
        return super().get_context_data(
            title=_("我包保的项目"),
            figures=[project_figures(p, year, month) for p in projects],
            visits=SponsorVisit.objects.filter(leader=user).select_related("project")[:30],
            open_problems=open_problems(problems),
            visit_count=SponsorVisit.objects.filter(leader=user).count(),
            late_milestones=overdue_milestones(
                Milestone.objects.filter(project__in=projects)
            ).select_related("project"),
            solved=problems.count() - open_problems(problems).count(),
            **kwargs,
        )
