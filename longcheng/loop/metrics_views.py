import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from longcheng.accounts.scoping import visible_units
from longcheng.web.exports import wants_xlsx, xlsx_response

from . import metrics
from .forms import LeagueForm, PeriodForm
from .views import BusinessRequired
from .workflow import MetricScope


class MetricsView(BusinessRequired, TemplateView):
    """The units' figures in a scope, ranked by any measure (loop.metrics, docs/metrics.md)."""

    template_name = "loop/metrics.html"

    def rows(self):
        start, end = metrics.period_from_request(PeriodForm(self.request.GET).params())
        scope, by = LeagueForm(self.request.GET).choice()
        units = visible_units(self.request.user).order_by("path")
        last = (end - datetime.timedelta(days=1)).date()
        rows = [
            r
            for r in metrics.unit_metrics(units=units, first=start.date(), last=last, scope=scope)
            if r.dispatched or r.answered or r.rated or r.due  # as the league table lists them
        ]
        return start, end, scope, by, metrics.rank_units(rows, by=by)

    def get(self, request, *args, **kwargs):
        if wants_xlsx(request):
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        start, end, scope, by, rows = self.rows()

        def pct(value):
            return None if value is None else round(value * 100, 1)

        headers = [
            str(h)
            for h in (
                _("排名"),
                _("单位"),
                _("派单"),
                _("签收"),
                _("签收及时率（%）"),
                _("响应率（%）"),
                _("办结"),
                _("期限届满"),
                _("按期办结率（%）"),
                _("市民评价"),
                _("默认评价"),
                _("不合理诉求"),
                _("解决率（%）"),
                _("满意率（%）"),
                _("平均办理时长（工作日）"),
                _("退单率（%）"),
                _("重办率（%）"),
            )
        ]
        table = [
            [
                r.rank,
                str(r.unit),
                r.dispatched,
                r.signed,
                pct(r.on_time_sign_rate),
                pct(r.response_rate),
                r.answered,
                r.due,
                pct(r.on_time_answer_rate),
                r.rated,
                r.rated_default,
                r.unreasonable,
                pct(r.resolved_rate),
                pct(r.satisfaction_rate),
                None if r.average_working_days is None else round(r.average_working_days, 1),
                pct(r.return_rate),
                pct(r.reopen_rate),
            ]
            for r in rows
        ]
        last = (end - datetime.timedelta(days=1)).date()
        return xlsx_response(
            user=self.request.user,
            filename=str(_("单位办理指标")),
            title=f"{start.date()}~{last} {MetricScope(scope).label}",
            headers=headers,
            rows=table,
            object_type="loop.metrics",
            filters={"start": str(start.date()), "end": str(last), "scope": scope, "by": by},
            personal=False,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start, end, scope, by, rows = self.rows()
        context.update(
            title=_("单位办理指标"),
            rows=rows,
            start=start,
            end_inclusive=end - datetime.timedelta(days=1),
            formulas=metrics.FORMULAS,
            scope=scope,
            by=by,
            scope_choices=MetricScope.choices,
            ranking_measures=metrics.RANKING_MEASURES,
            min_rated=settings.LONGCHENG_RANKING_MIN_RATED,
        )
        return context
