import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from longcheng.accounts.scoping import visible_units
from longcheng.web.exports import wants_xlsx, xlsx_response

from . import metrics
from .forms import LeagueForm, MetricsSortForm, PeriodForm
from .views import BusinessRequired
from .workflow import MetricScope


class MetricsView(BusinessRequired, TemplateView):
    """The units' figures in a scope, ranked by any measure (loop.metrics, docs/metrics.md)."""

    template_name = "loop/metrics.html"

    def rows(self):
        start, end = metrics.period_from_request(PeriodForm(self.request.GET).params())
        scope, by = LeagueForm(self.request.GET).choice()
        sort = MetricsSortForm(self.request.GET).choice()
        units = visible_units(self.request.user).order_by("path")
        last = (end - datetime.timedelta(days=1)).date()
        rows = [
            r
            for r in metrics.unit_metrics(units=units, first=start.date(), last=last, scope=scope)
            if r.dispatched or r.answered or r.rated or r.due or r.summoned
        ]
        rows = metrics.sort_rows(metrics.rank_units(rows, by=by), sort)
        return start, end, scope, by, sort, rows

    def get(self, request, *args, **kwargs):
        if wants_xlsx(request):
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        start, end, scope, by, sort, rows = self.rows()

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
                _("被吹哨"),
                _("报到及时率（%）"),
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
                r.summoned,
                pct(r.on_time_report_rate),
            ]
            for r in rows
        ]
        last = (end - datetime.timedelta(days=1)).date()
        on_call = metrics.on_call_figures(first=start.date(), last=last, scope=scope)
        # 即时办结 on its own row: answered on the call, counted in no unit's figures.
        table.append(
            [
                None,
                str(_("12345即时办结（即时办结率 %(r)s%%，不计入各单位指标）"))
                % {"r": "—" if on_call.rate is None else pct(on_call.rate)},
                None,
                None,
                None,
                None,
                on_call.answered_on_call,
                None,
                None,
                on_call.rated,
                None,
                None,
                pct(on_call.resolved_rate),
                pct(on_call.satisfaction_rate),
                None,
                None,
                None,
                None,
                None,
            ]
        )
        return xlsx_response(
            user=self.request.user,
            filename=str(_("单位办理指标")),
            title=f"{start.date()}~{last} {MetricScope(scope).label}",
            headers=headers,
            rows=table,
            object_type="loop.metrics",
            filters={
                "start": str(start.date()),
                "end": str(last),
                "scope": scope,
                "by": by,
                "sort": sort,
            },
            personal=False,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start, end, scope, by, sort, rows = self.rows()
        last = (end - datetime.timedelta(days=1)).date()
        trends = metrics.unit_trends(units=[r.unit for r in rows], last=last, scope=scope)
        by_label = next(label for key, label, _b in metrics.RANKING_MEASURES if key == by)
        context.update(
            title=_("单位办理指标"),
            rows=rows,
            table=[(r, _trend(trends[r.unit.pk], by, by_label)) for r in rows],
            start=start,
            end_inclusive=end - datetime.timedelta(days=1),
            formulas=metrics.FORMULAS,
            on_call=metrics.on_call_figures(first=start.date(), last=last, scope=scope),
            scope=scope,
            by=by,
            by_label=by_label,
            sort=sort,
            columns=_columns(start, last, scope, by, sort),
            sort_choices=_sort_choices(),
            trend_months=metrics.TREND_MONTHS,
            scope_choices=MetricScope.choices,
            ranking_measures=metrics.RANKING_MEASURES,
            min_rated=settings.LONGCHENG_RANKING_MIN_RATED,
        )
        return context


def _columns(start, last, scope, by, sort) -> list[dict]:
    """Each sortable header: the address that sorts by it (best first on the first click, the
    other way on the next) and the direction it sorts now, if it does."""
    columns = []
    for key, label, descending in metrics.SORT_COLUMNS:
        if sort == key:
            target, now = f"-{key}", "asc"
        elif sort == f"-{key}":
            target, now = key, "desc"
        else:
            target, now = (f"-{key}" if descending else key), ""
        query = {
            "start": start.date().isoformat(),
            "end": last.isoformat(),
            "scope": scope,
            "by": by,
            "sort": target,
        }
        columns.append({"key": key, "label": label, "url": "?" + urlencode(query), "now": now})
    return columns


def _sort_choices() -> list[tuple[str, str]]:
    """The phone's sort menu (its table shows no headers): each column, best first."""
    choices = []
    for key, label, descending in metrics.SORT_COLUMNS:
        if key in ("rank", "unit"):
            words = {key: _("按%(c)s") % {"c": label}, f"-{key}": _("按%(c)s倒序") % {"c": label}}
        else:
            words = {
                f"-{key}": _("%(c)s由高到低") % {"c": label},
                key: _("%(c)s由低到高") % {"c": label},
            }
        best, other = (f"-{key}", key) if descending else (key, f"-{key}")
        choices += [(best, words[best]), (other, words[other])]
    return choices


def _figure(value, by: str) -> str:
    if value is None:
        return "—"
    if by == "average_working_days":
        return _("%(d).1f 个工作日") % {"d": value}
    return f"{value * 100:.0f}%"


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 28, 3


def _trend(months, by: str, label) -> dict:
    """A unit's figure for `by` month by month, as words and as a small line (rates on a fixed
    0–100% scale, so two units' lines compare; working days on 0 to the highest month)."""
    values = [getattr(m, by) for _month, m in months]
    known = [v for v in values if v is not None]
    top = 1.0 if by != "average_working_days" else max(known or [1.0]) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)
    points, segments, current = [], [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x = SPARK_PAD + index * step
        y = SPARK_HEIGHT - SPARK_PAD - (SPARK_HEIGHT - 2 * SPARK_PAD) * min(value / top, 1)
        points.append((round(x, 1), round(y, 1)))
        current.append(f"{x:.1f},{y:.1f}")
    if current:
        segments.append(current)
    words = "，".join(
        f"{month:%Y-%m} {_figure(value, by)}"
        for (month, _m), value in zip(months, values, strict=True)
    )
    return {
        "text": _("近%(n)d月%(m)s：%(w)s") % {"n": len(values), "m": label, "w": words},
        "lines": [" ".join(s) for s in segments if len(s) > 1],
        "dots": points,
        # A tick under each month, so a month without a figure still shows as a gap.
        "ticks": [round(SPARK_PAD + i * step, 1) for i in range(len(values))],
        "width": SPARK_WIDTH,
        "height": SPARK_HEIGHT,
        "empty": not known,
    }
