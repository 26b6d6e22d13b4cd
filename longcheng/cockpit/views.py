import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from longcheng.accounts.scoping import Scope, scope_queryset, user_scope
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core.models import Division
from longcheng.inspections.selectors import overdue_publication_count
from longcheng.loop import rollups
from longcheng.loop.forms import LeagueForm
from longcheng.loop.metrics import RANKING_MEASURES
from longcheng.loop.models import Category, Matter, MatterEvent
from longcheng.loop.workflow import CITIZEN_CHANNELS, Channel, Kind, MetricScope, Rating, Status
from longcheng.web.access import BusinessStaffRequired
from longcheng.web.listing import Column, ListQueryForm, RegisterListView

from . import bulletin, panels
from .forms import BulletinForm, CockpitQueryForm, DrillQueryForm
from .models import Bulletin
from .panels import MEASURES, Period

E = MatterEvent.Kind


def _pct(value) -> float | None:
    return None if value is None else round(value * 100, 1)


class CockpitView(BusinessStaffRequired, TemplateView):
    template_name = "cockpit/index.html"
    denied_message = gettext_lazy("驾驶舱仅供业务单位工作人员使用。")

    @cached_property
    def params(self) -> dict:
        return CockpitQueryForm(self.request.GET).values()

    def get_template_names(self):
        if self.params.get("screen"):
            return ["cockpit/screen.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        user = self.request.user
        period = panels.period_from_request(self.request.GET)
        over_time = self.params.get("over") or "channel"
        screen = bool(self.params.get("screen"))
        districts = panels.district_figures(user, period, screen=screen)
        matters = panels.matters_panel(user, period, over_time, districts)
        scope, rank_by = LeagueForm(self.request.GET).choice()
        league = panels.league_panel(user, period, scope=scope, by=rank_by)
        inspections = panels.inspections_panel(user, period)
        enforcement = panels.enforcement_panel(user, period)
        projects = panels.projects_panel(user, period)
        volunteers = panels.volunteers_panel(user, period)
        funds = panels.funds_panel(user, period)
        chart = {
            "status": [
                {"name": s.label, "value": s.count, "url": s.url} for s in matters.by_status
            ],
            "months": matters.months,
            "monthly": [{"name": n, "data": d} for n, d in matters.monthly],
            "category": [
                {"name": s.label, "value": s.count, "url": s.url} for s in matters.by_category
            ],
            "division": [
                {"name": s.label, "value": s.count, "url": s.url} for s in matters.by_division
            ],
            "districts": {
                "boundaries": reverse("org:boundaries") + "?level=district",
                "selected": period.division.name if period.division else "",
                "metrics": {
                    "per_10k": _("每万人事项（件）"),
                    "overdue_rate": _("超期率（%）"),
                },
                "items": [
                    {
                        "name": d.name,
                        "code": d.code,
                        "matters": d.matters,
                        "overdue": d.overdue,
                        "population": d.population,
                        "per_10k": d.per_10k,
                        "overdue_rate": _pct(d.overdue_rate),
                        "url": d.url,
                    }
                    for d in districts.districts
                ],
                "tooltip": {
                    "matters": _("受理"),
                    "overdue": _("超期"),
                    "population": _("常住人口"),
                    "none": _("无数据"),
                },
            },
            "inspections": {
                "names": [r.name for r in inspections],
                "coverage": [_pct(r.coverage) for r in inspections],
                "pass": [_pct(r.pass_rate) for r in inspections],
                "labels": [_("覆盖率（%）"), _("合格率（%）")],
            },
            "fines": {
                "labels": [_("已罚款"), _("已收缴")],
                "values": [
                    float(enforcement["fines_imposed"]),
                    float(enforcement["fines_collected"]),
                ],
            },
            "funnels": [
                {"name": f.name, "steps": [{"name": s, "value": n} for s, n in f.steps]}
                for f in volunteers
            ],
            "leverage": (
                {
                    "government": float(funds.government_committed),
                    "social": float(funds.social_committed),
                    "labels": [_("政府出资"), _("社会资本")],
                }
                if funds
                else None
            ),
        }
        today = timezone.localdate()
        problem = panels.problem_panel(user)
        surge = panels.emergency_panel(user)
        return super().get_context_data(
            title=_("驾驶舱"),
            problem=problem,
            problem_chart=problem.volume.chart() if problem else None,
            surge=surge,
            surge_chart=surge.chart() if surge else None,
            period=period,
            matters=matters,
            league=league,
            league_scope=scope,
            league_by=rank_by,
            scope_choices=MetricScope.choices,
            ranking_measures=RANKING_MEASURES,
            min_rated=settings.LONGCHENG_RANKING_MIN_RATED,
            inspections=inspections,
            unpublished_overdue=overdue_publication_count(user),
            enforcement=enforcement,
            projects=projects,
            red_projects=[r for r in projects.rows if r.colour == "red"],
            volunteers=volunteers,
            funds=funds,
            chart=chart,
            divisions=Division.objects.exclude(level=Division.Level.PROVINCE).order_by("code"),
            month_choices=[
                f"{year}-{month:02d}"
                for year in range(today.year - 3, today.year + 1)
                for month in range(1, 13)
                if (year, month) <= (today.year, today.month)
            ][::-1],
            over_time=over_time,
            over_time_choices=panels.OVER_TIME.items(),
            screen=screen,
            districts=districts,
            screen_query=period.query(screen=1, over=over_time),
            query=period.query(),
            **kwargs,
        )


class DrillListQueryForm(ListQueryForm):
    """The list's own parameters and the figure's (cockpit.forms.DrillQueryForm)."""

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields.update(DrillQueryForm(data).fields)


class MatterDrillView(BusinessStaffRequired, RegisterListView):
    """The matters behind one cockpit figure, with the figure's own definition."""

    model = Matter
    unit_field = None  # scoped in base_queryset, by the rule of the figure
    title = gettext_lazy("驾驶舱 · 事项明细")
    export_name = gettext_lazy("驾驶舱事项明细")
    search_fields = ["number", "title"]
    search_placeholder = gettext_lazy("搜索编号、标题…")
    default_sort = "-received_at"
    columns = [
        Column(gettext_lazy("编号"), lambda m: m.number, sort="number"),
        Column(gettext_lazy("标题"), lambda m: m.title),
        Column(gettext_lazy("状态"), lambda m: m.get_status_display(), sort="status"),
        Column(gettext_lazy("来源渠道"), lambda m: m.get_channel_display(), sort="channel"),
        Column(gettext_lazy("派单目录"), lambda m: m.category),
        Column(gettext_lazy("所在区划"), lambda m: m.division),
        Column(gettext_lazy("主办单位"), lambda m: m.lead_unit),
        Column(
            gettext_lazy("受理时间"),
            lambda m: timezone.localtime(m.received_at).strftime("%Y-%m-%d %H:%M"),
            sort="received_at",
        ),
        Column(gettext_lazy("超期"), lambda m: _("是") if m.overdue else ""),
    ]

    query_form_class = DrillListQueryForm

    def period(self) -> Period:
        if not hasattr(self, "_period"):
            self._period = panels.period_from_request(self.request.GET)
        return self._period

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        period = self.period()
        tz = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(period.first, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(
                period.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
            ),
        )

    def base_queryset(self):
        params = self.params
        start, end = self.bounds()
        matters = Matter.objects.select_related("category", "division", "lead_unit")
        if params.get("measure"):
            return self._by_unit_measure(matters, params, start, end)
        matters = scope_queryset(matters, self.request.user, "lead_unit").filter(
            received_at__gte=start, received_at__lt=end
        )
        period = self.period()
        if period.division is not None:
            matters = matters.filter(division__in=panels.division_ids(period.division))
        dimension, key = params.get("dimension") or "", params.get("key") or ""
        field = {
            "status": "status",
            "channel": "channel",
            "kind": "kind",
            "category": "category_id",
            "division": "division_id",
        }.get(dimension)
        if field is None or key == "":
            return matters
        if field == "division_id":
            # As the 所在区划 bars count (panels.district_figures): a district with its streets
            # and grids; 0 for matters outside every district.
            if not key.isdigit():
                raise Http404
            if key == "0":
                placed = list(panels.district_of())
                return matters.filter(Q(division__isnull=True) | ~Q(division_id__in=placed))
            division = get_object_or_404(Division, pk=key)
            return matters.filter(division_id__in=panels.division_ids(division))
        if field == "category_id":
            if not key.isdigit():
                raise Http404
            return matters.filter(**{f"{field}__isnull": True} if key == "0" else {field: key})
        return matters.filter(**{field: key})

    def _by_unit_measure(self, matters, params, start, end):
        measure = params["measure"]
        unit = self.measured_unit()
        # The same definitions the league table counts with (loop.rollups).
        condition = {
            "dispatched": rollups.counted_dispatch(),
            "signed_late": rollups.counted_sign() & Q(data__late=True),
            "answered": Q(kind=E.ANSWERED),
            "answered_late": Q(kind=E.ANSWERED, data__late=True),
            "unresolved": rollups.citizen_rating() & Q(data__resolved=False),
            "dissatisfied": rollups.citizen_rating() & Q(data__rating=Rating.DISSATISFIED),
            "returned": Q(kind=E.RETURNED),
            "reopened": Q(kind=E.REOPENED),
            "overdue": Q(kind=E.OVERDUE),
        }[measure]
        events = MatterEvent.objects.filter(
            condition, matter=OuterRef("pk"), unit=unit, at__gte=start, at__lt=end
        )
        scope = params.get("scope") or MetricScope.CITIZEN
        if scope == MetricScope.CITIZEN:
            matters = matters.filter(channel__in=CITIZEN_CHANNELS)
        elif scope == MetricScope.INTERNAL:
            matters = matters.exclude(channel__in=CITIZEN_CHANNELS)
        return matters.filter(Exists(events))

    def measured_unit(self):
        """The league row drilled into: a unit the user sees, and a measure of the table."""
        params = self.params
        if not params.get("measure") or not params.get("unit"):
            raise Http404
        unit = panels.league_units(self.request.user).filter(pk=params["unit"]).first()
        if unit is None:
            raise Http404
        return unit

    def figure_label(self) -> str:
        params = self.params
        if params.get("measure"):
            return f"{self.measured_unit().name} · {MEASURES[params['measure']]}"
        dimension, key = params.get("dimension") or "", params.get("key") or ""
        labels = {
            "status": (_("状态"), dict(Status.choices)),
            "channel": (_("来源渠道"), dict(Channel.choices)),
            "kind": (_("诉求类型"), dict(Kind.choices)),
        }
        if dimension in labels:
            name, values = labels[dimension]
            return f"{name}：{values.get(key, key)}"
        if dimension == "category" and key.isdigit():
            category = Category.objects.filter(pk=key).first()
            return f"{_('派单目录')}：{category.name if category else _('未分类')}"
        if dimension == "division" and key.isdigit():
            division = Division.objects.filter(pk=key).first()
            return f"{_('所在区划')}：{division.name if division else _('未注明区划')}"
        return _("全部事项")

    def get(self, request, *args, **kwargs):
        self.title = f"{_('驾驶舱')} · {self.period().label} · {self.figure_label()}"
        return super().get(request, *args, **kwargs)


def may_issue_bulletins(user) -> bool:
    """The bulletin ranks every unit: the city-wide dispatch centre issues it."""
    return user_scope(user) == Scope.ALL


class BulletinListView(BusinessStaffRequired, TemplateView):
    template_name = "cockpit/bulletins.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        months = []
        month = bulletin.previous_month(today)
        for _i in range(24):
            months.append(month)
            month = bulletin.previous_month(month)
        existing = set(Bulletin.objects.values_list("month", flat=True))
        return super().get_context_data(
            title=_("月度通报"),
            bulletins=Bulletin.objects.select_related("generated_by"),
            may_issue=may_issue_bulletins(self.request.user),
            months=[(m, m in existing) for m in months],
            min_rated=settings.LONGCHENG_RANKING_MIN_RATED,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not may_issue_bulletins(request.user):
            raise PermissionDenied(_("只有派单中心可以生成月度通报。"))
        form = BulletinForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择要生成通报的月份（格式 YYYY-MM）。"))
            return redirect("cockpit:bulletins")
        month = datetime.date.fromisoformat(form.cleaned_data["month"] + "-01")
        if month > timezone.localdate().replace(day=1):
            messages.error(request, _("%(m)s 尚未开始，不能生成通报。") % {"m": f"{month:%Y-%m}"})
            return redirect("cockpit:bulletins")
        exists = Bulletin.objects.filter(month=month).exists()
        if exists and not form.cleaned_data["confirm"]:
            messages.error(
                request,
                _("%(m)s 的通报已生成；重新生成会替换原文件，请勾选确认。")
                % {"m": f"{month:%Y-%m}"},
            )
            return redirect("cockpit:bulletins")
        bulletin.generate(month, actor=request.user)
        messages.success(request, _("已生成 %(m)s 月度通报。") % {"m": f"{month:%Y-%m}"})
        return redirect("cockpit:bulletins")


class BulletinFileView(BusinessStaffRequired, View):
    def get(self, request, pk: int, kind: str):
        item = get_object_or_404(Bulletin, pk=pk)
        if kind not in ("pdf", "xlsx"):
            raise Http404
        field = item.pdf if kind == "pdf" else item.xlsx
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            target=item,
            detail={"file": kind},
        )
        name = f"{_('月度通报')}-{item.month:%Y-%m}.{kind}"
        return FileResponse(field.open("rb"), as_attachment=True, filename=name)
