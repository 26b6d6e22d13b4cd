"""Unit metrics for a period: the one selector behind every place a unit's figures appear
(metrics page, cockpit league table, monthly bulletin, public figures, exports).

Read from the unit-day roll-up (`loop.rollups`), which counts each event on its day — or a
deadline on the deadline's day, a response on the dispatch's day. The formulas are shown to
users beside the figures and written out, with the 12345 practice each follows, in
docs/metrics.md; tests/test_metrics.py recomputes them independently from the events."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from longcheng.core import clock
from longcheng.core.models import Unit

from .models import Matter, UnitDayTally, WhistleSummons
from .rollups import UNIT_MEASURES
from .workflow import CITIZEN_CHANNELS, MetricScope

FORMULAS = [
    (_("签收及时率"), _("派单后在签收时限内签收的数 ÷ 派给本单位并已签收的数（不含单位自办事项）")),
    (_("响应率"), _("派单后在响应时限内首次联系诉求人的数 ÷ 派给本单位、留有电话的市民诉求数")),
    (
        _("按期办结率"),
        _(
            "期限届满日在本期、按期办结的数 ÷ 期限届满日在本期的数"
            "（按期办结 + 超期办结 + 超期未办结）"
        ),
    ),
    (_("解决率"), _("市民评价“已解决”的数 ÷ 市民实际评价数（不含默认评价、已认定的不合理诉求）")),
    (_("满意率"), _("（满意 + 基本满意）÷ 市民实际评价数（不含默认评价、已认定的不合理诉求）")),
    (_("平均办理时长"), _("办结时距计时起点的工作日数（扣除挂起期间）之和 ÷ 办结数")),
    (_("退单率"), _("退单数 ÷ 派给本单位的派单数（含改派）")),
    (_("重办率"), _("因不满意重办的次数 ÷ 办结数")),
    (
        _("即时办结率"),
        _(
            "本期受理、接线员在通话中直接答复办结的咨询数 ÷ 本期受理的诉求数。即时办结不派单、"
            "无办理时限，不计入任何单位的办结数、按期办结率、平均办理时长和满意率，其评价单独统计"
        ),
    ),
    (
        _("报到及时率"),
        _(
            "本期被吹哨后在报到时限内报到的次数 ÷ 本期被吹哨的次数"
            "（不含尚未到报到时限的、事项办结前未到时限而无需报到的）"
        ),
    ),
]


def _rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


@dataclass
class UnitMetrics:
    unit: Unit
    dispatched: int = 0
    signed: int = 0
    signed_on_time: int = 0
    returned: int = 0
    answered: int = 0
    due: int = 0
    due_on_time: int = 0
    working_days_total: int = 0
    rated: int = 0
    satisfied: int = 0
    resolved: int = 0
    rated_default: int = 0
    reopened: int = 0
    overdue: int = 0
    supervised: int = 0
    response_due: int = 0
    responded_on_time: int = 0
    unreasonable: int = 0
    # 吹哨报到 (`report_timeliness`): summonses counted in the period, and those on time.
    summoned: int = 0
    reported_on_time: int = 0
    # Place in the league table by the chosen measure; None when not ranked (too few ratings).
    rank: int | None = field(default=None, compare=False)

    @property
    def on_time_sign_rate(self):
        return _rate(self.signed_on_time, self.signed)

    @property
    def response_rate(self):
        return _rate(self.responded_on_time, self.response_due)

    @property
    def on_time_answer_rate(self):
        return _rate(self.due_on_time, self.due)

    @property
    def resolved_rate(self):
        return _rate(self.resolved, self.rated)

    @property
    def satisfaction_rate(self):
        return _rate(self.satisfied, self.rated)

    @property
    def average_working_days(self):
        return _rate(self.working_days_total, self.answered)

    @property
    def return_rate(self):
        return _rate(self.returned, self.dispatched)

    @property
    def reopen_rate(self):
        return _rate(self.reopened, self.answered)

    @property
    def on_time_report_rate(self):
        return _rate(self.reported_on_time, self.summoned)

    @property
    def rankable(self) -> bool:
        return self.rated >= settings.LONGCHENG_RANKING_MIN_RATED


def _tallies(units, first: datetime.date, last: datetime.date, scope: str):
    tallies = UnitDayTally.objects.filter(unit__in=units, day__gte=first, day__lte=last)
    if scope != MetricScope.ALL:
        tallies = tallies.filter(scope=scope)
    return tallies


def _metrics(unit: Unit, sums: dict) -> UnitMetrics:
    values = {m: sums.get(m) or 0 for m in UNIT_MEASURES}
    values["working_days_total"] = values.pop("working_days")
    return UnitMetrics(unit=unit, **values)


def unit_metrics(
    *, units, first: datetime.date, last: datetime.date, scope: str = MetricScope.CITIZEN
) -> list[UnitMetrics]:
    """One row per unit for the local days first..last, in the channel scope (citizen appeals
    by default: the league table's; internal matters; or all)."""
    units = list(units)
    sums = {
        row["unit_id"]: row
        for row in _tallies(units, first, last, scope)
        .values("unit_id")
        .annotate(**{m: Sum(m) for m in UNIT_MEASURES})
    }
    rows = [_metrics(unit, sums.get(unit.pk, {})) for unit in units]
    reports = report_timeliness(units=units, first=first, last=last, scope=scope)
    for row in rows:
        row.summoned, row.reported_on_time = reports.get(row.unit.pk, (0, 0))
    return rows


def report_timeliness(
    *,
    units,
    first: datetime.date,
    last: datetime.date,
    scope: str = MetricScope.CITIZEN,
    now: datetime.datetime | None = None,
) -> dict[int, tuple[int, int]]:
    """报到及时率's figures, unit id -> (summoned, reported on time): the summonses of whistles
    blown on the local days first..last whose outcome is known — reported (in time or late),
    or past the deadline unreported. One still within its time is not counted yet; one the
    matter's answer made unnecessary (无需报到) is not counted."""
    tz = timezone.get_current_timezone()
    now = now or clock.now()
    status = WhistleSummons.Status
    summonses = WhistleSummons.objects.filter(
        unit__in=units,
        whistle__called_at__gte=datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        whistle__called_at__lt=datetime.datetime.combine(
            last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        ),
    ).filter(
        Q(status__in=[status.REPORTED, status.REPORTED_LATE, status.LATE])
        | Q(status=status.PENDING, deadline__lte=now)
    )
    if scope == MetricScope.CITIZEN:
        summonses = summonses.filter(matter__channel__in=CITIZEN_CHANNELS)
    elif scope == MetricScope.INTERNAL:
        summonses = summonses.exclude(matter__channel__in=CITIZEN_CHANNELS)
    rows = (
        summonses.order_by()
        .values("unit_id")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(status=status.REPORTED)))
    )
    return {row["unit_id"]: (row["n"], row["on_time"]) for row in rows}


TREND_MONTHS = 6


def trend_months(last: datetime.date, months: int = TREND_MONTHS) -> list[datetime.date]:
    """The first days of the `months` calendar months ending with last's month, oldest first."""
    firsts = [last.replace(day=1)]
    for _i in range(months - 1):
        firsts.append((firsts[-1] - datetime.timedelta(days=1)).replace(day=1))
    return firsts[::-1]


def unit_trends(
    *,
    units,
    last: datetime.date,
    months: int = TREND_MONTHS,
    scope: str = MetricScope.CITIZEN,
) -> dict[int, list[tuple[datetime.date, UnitMetrics]]]:
    """Each unit's figures month by month, for the `months` months ending on `last` (the last
    one cut at `last`, like the period it trails): one grouped query for all the units."""
    units = list(units)
    firsts = trend_months(last, months)
    sums = {
        (row["unit_id"], row["month"]): row
        for row in _tallies(units, firsts[0], last, scope)
        .annotate(month=TruncMonth("day"))
        .values("unit_id", "month")
        .annotate(**{m: Sum(m) for m in UNIT_MEASURES})
    }
    return {
        unit.pk: [(month, _metrics(unit, sums.get((unit.pk, month), {}))) for month in firsts]
        for unit in units
    }


def received_count(
    *, first: datetime.date, last: datetime.date, scope: str = MetricScope.CITIZEN
) -> int:
    """Matters received on the local days first..last in the scope: the 受理 figure beside
    the units' figures (the cockpit's channel panel sums the same matters by month)."""
    tz = timezone.get_current_timezone()
    matters = Matter.objects.filter(
        received_at__gte=datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        received_at__lt=datetime.datetime.combine(
            last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        ),
    )
    if scope == MetricScope.CITIZEN:
        matters = matters.filter(channel__in=CITIZEN_CHANNELS)
    elif scope == MetricScope.INTERNAL:
        matters = matters.exclude(channel__in=CITIZEN_CHANNELS)
    return matters.count()


@dataclass
class OnCallFigures:
    """即时办结 in a period: consultations the hotline answered on the call (received in the
    period), against all matters received in the period, and their own ratings."""

    received: int = 0
    answered_on_call: int = 0
    rated: int = 0
    satisfied: int = 0
    resolved: int = 0

    @property
    def rate(self):
        return _rate(self.answered_on_call, self.received)

    @property
    def satisfaction_rate(self):
        return _rate(self.satisfied, self.rated)

    @property
    def resolved_rate(self):
        return _rate(self.resolved, self.rated)


def on_call_figures(
    *, first: datetime.date, last: datetime.date, scope: str = MetricScope.CITIZEN
) -> OnCallFigures:
    """即时办结数 and 即时办结率 for the local days first..last (by the day received, which is
    also the day answered), with the citizens' ratings of them (not defaulted ones)."""
    tz = timezone.get_current_timezone()
    matters = Matter.objects.filter(
        received_at__gte=datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        received_at__lt=datetime.datetime.combine(
            last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        ),
    )
    if scope == MetricScope.CITIZEN:
        matters = matters.filter(channel__in=CITIZEN_CHANNELS)
    elif scope == MetricScope.INTERNAL:
        matters = matters.exclude(channel__in=CITIZEN_CHANNELS)
    rated = Q(answered_on_call=True, rating__gt="", rating_defaulted=False)
    row = matters.aggregate(
        n_received=Count("pk"),
        n_answered_on_call=Count("pk", filter=Q(answered_on_call=True)),
        n_rated=Count("pk", filter=rated),
        n_satisfied=Count("pk", filter=rated & Q(rating__in=["satisfied", "basically"])),
        n_resolved=Count("pk", filter=rated & Q(resolved=True)),
    )
    return OnCallFigures(**{k.removeprefix("n_"): v or 0 for k, v in row.items()})


# The measures a league table can rank by: (key, label, higher is better).
RANKING_MEASURES = [
    ("satisfaction_rate", _("满意率"), True),
    ("resolved_rate", _("解决率"), True),
    ("response_rate", _("响应率"), True),
    ("on_time_answer_rate", _("按期办结率"), True),
    ("on_time_sign_rate", _("签收及时率"), True),
    ("average_working_days", _("平均办理时长"), False),
    ("return_rate", _("退单率"), False),
    ("reopen_rate", _("重办率"), False),
]
RANKING_KEYS = [key for key, _label, _better in RANKING_MEASURES]


def rank_units(rows: list[UnitMetrics], by: str = "satisfaction_rate") -> list[UnitMetrics]:
    """Ranked units first, best first by `by` (ties share a place); then units shown but not
    ranked: fewer than LONGCHENG_RANKING_MIN_RATED citizen ratings, or no figure for `by`."""
    higher_better = {key: better for key, _label, better in RANKING_MEASURES}[by]
    ranked = [r for r in rows if r.rankable and getattr(r, by) is not None]
    ranked.sort(key=lambda r: (getattr(r, by) * (-1 if higher_better else 1), r.unit.path))
    place, previous = 0, object()
    for index, row in enumerate(ranked, start=1):
        value = getattr(row, by)
        if value != previous:
            place, previous = index, value
        row.rank = place
    others = [r for r in rows if r not in ranked]
    for row in others:
        row.rank = None
    return ranked + sorted(others, key=lambda r: r.unit.path)


# The metrics table's columns that sort: (key, label, best first is descending). The rank
# column sorts by place; the unit column by the organisation's order.
SORT_COLUMNS = [
    ("rank", _("排名"), False),
    ("unit", _("单位"), False),
    ("dispatched", _("派单"), True),
    *RANKING_MEASURES,
    ("rated", _("市民评价（默认）"), True),
    ("unreasonable", _("不合理诉求"), True),
    ("on_time_report_rate", _("报到及时率"), True),
]
SORT_KEYS = [key for key, _label, _descending in SORT_COLUMNS]


def sort_rows(rows: list[UnitMetrics], sort: str) -> list[UnitMetrics]:
    """The rows by one column ("key" ascending, "-key" descending); a unit without that figure
    goes last either way, and ties keep the order they came in (the ranking's), so the same
    address always lists the units in the same order."""
    key = sort.removeprefix("-")
    if key not in SORT_KEYS:
        return rows

    def value(row: UnitMetrics):
        return row.unit.path if key == "unit" else getattr(row, key)

    present = [r for r in rows if value(r) is not None]
    # Python's sort is stable, reversed too: equal figures stay in the ranking's order.
    present.sort(key=value, reverse=sort.startswith("-"))
    return present + [r for r in rows if value(r) is None]


def period_from_request(params) -> tuple[datetime.datetime, datetime.datetime]:
    """?start=YYYY-MM-DD&end=YYYY-MM-DD (end inclusive); default: the current month."""
    today = timezone.localdate()
    tz = timezone.get_current_timezone()

    def parse(value, fallback):
        try:
            day = datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return fallback
        return day if 1900 <= day.year <= 2100 else fallback

    first = parse(params.get("start"), today.replace(day=1))
    last = parse(params.get("end"), today)
    if last < first:
        first, last = last, first
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )
