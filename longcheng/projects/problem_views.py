"""每月一题 pages: the list, a problem with its before/after chart, the promote form (from a hot
spot or a category) and the lead unit's progress report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from longcheng.accounts.policies import reports_problem, runs_dispatch_centre
from longcheng.core.errors import LongchengError
from longcheng.loop.models import Category
from longcheng.loop.selectors import matters_visible_to
from longcheng.routing.models import HotSpotReport
from longcheng.web.actions import Act, ActionTableView
from longcheng.web.listing import Column, ListFilter, RegisterListView

from . import services
from .forms import ProblemCloseForm, ProblemPromoteForm, ProblemReportForm, ProblemSourceForm
from .models import MonthlyProblem
from .rules import colour_badge
from .selectors import (
    flag_milestones,
    problem_figures,
    problem_matters,
    problem_volume,
    problems_visible_to,
)
from .views import StaffRequired


def _colour_cell(problem):
    figures = problem_figures(problem)
    return mark_safe(  # noqa: S308 — rendered by the autoescaping template
        render_to_string("projects/_colour.html", {"badge": colour_badge(figures.colour)}).strip()
        or problem.get_status_display()
    )


class ProblemListView(StaffRequired, RegisterListView):
    model = MonthlyProblem
    title = gettext_lazy("每月一题")
    unit_field = None
    template_name = "projects/problems.html"
    export_name = "每月一题"
    search_fields = ["title", "description", "terms", "lead_unit__name", "category__name"]
    search_placeholder = gettext_lazy("题目、描述、关键词或单位")
    default_sort = "-promoted_at"
    filters = [
        ListFilter(
            "status", gettext_lazy("状态"), "status", lambda u: MonthlyProblem.Status.choices
        ),
        ListFilter(
            "source", gettext_lazy("来源"), "source", lambda u: MonthlyProblem.Source.choices
        ),
    ]
    columns = [
        Column(gettext_lazy("月份"), lambda p: f"{p.year}-{p.month:02d}", sort="promoted_at"),
        Column(gettext_lazy("题目"), lambda p: p.title, sort="title", link=True),
        Column(gettext_lazy("来源"), lambda p: p.get_source_display()),
        Column(gettext_lazy("诉求类别"), lambda p: p.category),
        Column(gettext_lazy("牵头单位"), lambda p: p.lead_unit),
        Column(gettext_lazy("完成时限"), lambda p: p.deadline.isoformat(), sort="deadline"),
        Column(gettext_lazy("完成进度"), lambda p: f"{p.progress}%", sort="progress"),
        Column(gettext_lazy("督办颜色"), _colour_cell),
    ]

    @property
    def export_columns(self):
        plain = Column(
            gettext_lazy("督办颜色"),
            lambda p: (
                colour_badge(problem_figures(p).colour).label
                if p.status == MonthlyProblem.Status.OPEN
                else p.get_status_display()
            ),
        )
        return [*self.columns[:-1], plain]

    def base_queryset(self):
        return problems_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            may_promote=runs_dispatch_centre(self.request.user), **kwargs
        )


class ProblemDetailView(StaffRequired, TemplateView):
    template_name = "projects/problem_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        problem = get_object_or_404(problems_visible_to(user), pk=self.kwargs["pk"])
        volume = problem_volume(problem)
        open_ = problem.status == MonthlyProblem.Status.OPEN
        return super().get_context_data(
            title=problem.title,
            problem=problem,
            figures=problem_figures(problem),
            volume=volume,
            chart=volume.chart(),
            milestones=flag_milestones(problem.milestones.all()),
            updates=problem.updates.select_related("by", "milestone"),
            report_form=ProblemReportForm(problem=problem)
            if open_ and reports_problem(user, problem)
            else None,
            close_form=ProblemCloseForm(initial={"version": problem.version})
            if open_ and runs_dispatch_centre(user)
            else None,
            matters_url=reverse("projects:problem_matters", args=[problem.pk]),
            **kwargs,
        )


class ProblemMattersView(StaffRequired, RegisterListView):
    """The matters the chart counts (the same selector), newest first, within the viewer's
    visibility."""

    from longcheng.loop.models import Matter as model

    title = gettext_lazy("每月一题 · 计入事项")
    unit_field = None
    template_name = "web/list.html"
    export_name = "每月一题计入事项"
    search_fields = ["number", "title"]
    default_sort = "-received_at"
    columns = [
        Column(gettext_lazy("编号"), lambda m: m.number, sort="number", link=True),
        Column(gettext_lazy("标题"), lambda m: m.title),
        Column(gettext_lazy("状态"), lambda m: m.get_status_display(), sort="status"),
        Column(gettext_lazy("派单目录"), lambda m: m.category),
        Column(
            gettext_lazy("受理时间"),
            lambda m: timezone.localtime(m.received_at).strftime("%Y-%m-%d %H:%M"),
            sort="received_at",
        ),
    ]

    def base_queryset(self):
        problem = get_object_or_404(problems_visible_to(self.request.user), pk=self.kwargs["pk"])
        self.title = _("每月一题 · %(t)s · 计入事项") % {"t": problem.title}
        visible = matters_visible_to(self.request.user).values("pk")
        return problem_matters(problem).filter(pk__in=visible).select_related("category")


class ProblemPromoteView(StaffRequired, FormView):
    """设为每月一题, from a hot spot (`?report=&index=`) or a category (`?category=`)."""

    template_name = "projects/problem_promote.html"
    form_class = ProblemPromoteForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not runs_dispatch_centre(request.user):
            raise PermissionDenied(_("只有派单中心可以设定每月一题。"))
        return super().dispatch(request, *args, **kwargs)

    def source(self) -> tuple[HotSpotReport | None, int | None, dict | None]:
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        form = ProblemSourceForm(data)
        if not form.is_valid() or not form.cleaned_data.get("report"):
            return None, None, None
        report = HotSpotReport.objects.filter(pk=form.cleaned_data["report"]).first()
        index = form.cleaned_data.get("index")
        if report is None or index is None or not 0 <= index < len(report.clusters or []):
            return None, None, None
        return report, index, report.clusters[index]

    def get_initial(self):
        initial = super().get_initial()
        report, index, cluster = self.source()
        if cluster is not None:
            category = Category.objects.filter(name=cluster.get("category"), is_active=True)
            initial.update(
                report=report.pk,
                index=index,
                title=cluster.get("text", "").split("：")[0][:100],
                description=cluster.get("text", ""),
                category=category.first() if category.count() == 1 else None,
            )
            return initial
        source = ProblemSourceForm(self.request.GET)
        if source.is_valid() and source.cleaned_data.get("category"):
            category = Category.objects.filter(pk=source.cleaned_data["category"]).first()
            if category is not None:
                initial.update(category=category, title=category.name)
        return initial

    def get_context_data(self, **kwargs):
        _report, _index, cluster = self.source()
        return super().get_context_data(
            title=_("设为每月一题"),
            cluster=cluster,
            cancel_url=reverse("projects:problems"),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        report, index, _cluster = self.source()
        try:
            problem = services.problem_promote(
                actor=self.request.user,
                title=data["title"],
                category=data["category"],
                lead_unit=data["lead_unit"],
                description=data["description"],
                measures=data["measures"],
                deadline=data["deadline"],
                milestones=data["milestones"],
                terms=data["terms"],
                hotspot_report=report,
                hotspot_index=index,
            )
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已设为每月一题，已通知牵头单位。"))
        return redirect(problem)


def _report(request, problem, data) -> str:
    services.problem_report(
        actor=request.user,
        problem=problem,
        expected_version=data["version"],
        progress=data["progress"],
        text=data["text"],
        milestone=data["milestone"],
    )
    return _("进展已报送。")


def _close(request, problem, data) -> str:
    services.problem_close(
        actor=request.user, problem=problem, expected_version=data["version"], note=data["note"]
    )
    return _("已销号。")


class ProblemActionView(StaffRequired, ActionTableView):
    actions = {
        "report": Act(
            ProblemReportForm, _report, form_kwargs=lambda request, problem: {"problem": problem}
        ),
        "close": Act(ProblemCloseForm, _close),
    }

    def get_record(self, request, pk, **kwargs):
        return get_object_or_404(problems_visible_to(request.user), pk=pk)
