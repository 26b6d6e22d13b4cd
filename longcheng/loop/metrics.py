"""Unit metrics for a period, computed from the event table (each figure is what happened in
the period: a matter dispatched in May and answered in June counts its answer in June).

The formulas are shown to users next to the figures and documented in docs/metrics.md."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import Unit

from .models import MatterEvent, UnitDayTally
from .rollups import UNIT_MEASURES
from .workflow import Rating

E = MatterEvent.Kind

FORMULAS = [
    (_("签收及时率"), _("时限内签收的派单数 ÷ 签收的派单数")),
    (_("按期办结率"), _("时限内办结的次数 ÷ 办结的次数")),
    (_("解决率"), _("回访为“已解决”的数 ÷ 回访数")),
    (_("满意率"), _("（满意 + 基本满意）÷ 有效评价数")),
    (_("平均办理时长"), _("办结时距计时起点的工作日数之和 ÷ 办结的次数")),
    (_("退单率"), _("退单数 ÷ 派给本单位的派单数（含改派）")),
    (_("重办率"), _("因不满意重办的次数 ÷ 办结的次数")),
]


def _rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


@dataclass
class UnitMetrics:
    unit: Unit
    dispatched: int
    signed: int
    signed_on_time: int
    returned: int
    answered: int
    answered_on_time: int
    working_days_total: int
    rated: int
    satisfied: int
    resolved: int
    reopened: int

    @property
    def on_time_sign_rate(self):
        return _rate(self.signed_on_time, self.signed)

    @property
    def on_time_answer_rate(self):
        return _rate(self.answered_on_time, self.answered)

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


def unit_metrics(*, units, start: datetime.datetime, end: datetime.datetime) -> list[UnitMetrics]:
    """One row per unit for events in [start, end)."""
    units = list(units)
    events = MatterEvent.objects.filter(unit__in=units, at__gte=start, at__lt=end)
    counts = {
        row["unit"]: row
        for row in events.values("unit").annotate(
            dispatched=Count("id", filter=Q(kind__in=[E.DISPATCHED, E.REDISPATCHED])),
            signed=Count("id", filter=Q(kind=E.SIGNED)),
            signed_on_time=Count("id", filter=Q(kind=E.SIGNED, data__late=False)),
            returned=Count("id", filter=Q(kind=E.RETURNED)),
            answered=Count("id", filter=Q(kind=E.ANSWERED)),
            answered_on_time=Count("id", filter=Q(kind=E.ANSWERED, data__late=False)),
            rated=Count("id", filter=Q(kind=E.RATED)),
            satisfied=Count(
                "id", filter=Q(kind=E.RATED, data__rating__in=[Rating.SATISFIED, Rating.BASICALLY])
            ),
            resolved=Count("id", filter=Q(kind=E.RATED, data__resolved=True)),
            reopened=Count("id", filter=Q(kind=E.REOPENED)),
        )
    }
    # Working days are summed in Python: JSON arithmetic differs between SQLite and PostgreSQL.
    days: dict[int, int] = {}
    for unit_id, data in events.filter(kind=E.ANSWERED).values_list("unit", "data"):
        days[unit_id] = days.get(unit_id, 0) + int(data.get("working_days", 0))
    empty = dict.fromkeys(
        [
            "dispatched",
            "signed",
            "signed_on_time",
            "returned",
            "answered",
            "answered_on_time",
            "rated",
            "satisfied",
            "resolved",
            "reopened",
        ],
        0,
    )
    rows = []
    for unit in units:
        row = {**empty, **{k: v for k, v in counts.get(unit.pk, {}).items() if k != "unit"}}
        rows.append(UnitMetrics(unit=unit, working_days_total=days.get(unit.pk, 0), **row))
    return rows


# The roll-up's counters that make up UnitMetrics (overdue and supervision are extra).
COUNTED = [m for m in UNIT_MEASURES if m not in ("overdue", "supervised")]


def unit_metrics_by_day(*, units, first: datetime.date, last: datetime.date) -> list[UnitMetrics]:
    """The same rows for whole local days first..last, read from the roll-up (loop.rollups)
    instead of the event table: what the cockpit and the metrics page show at any scale."""
    units = list(units)
    sums = {
        row["unit_id"]: row
        for row in UnitDayTally.objects.filter(unit__in=units, day__gte=first, day__lte=last)
        .values("unit_id")
        .annotate(**{m: Sum(m) for m in COUNTED})
    }
    rows = []
    for unit in units:
        row = sums.get(unit.pk, {})
        rows.append(
            UnitMetrics(
                unit=unit,
                working_days_total=row.get("working_days") or 0,
                **{m: row.get(m) or 0 for m in COUNTED if m != "working_days"},
            )
        )
    return rows


def period_from_request(params) -> tuple[datetime.datetime, datetime.datetime]:
    """?start=YYYY-MM-DD&end=YYYY-MM-DD (end inclusive); default: the current month."""
    today = timezone.localdate()
    tz = timezone.get_current_timezone()

    def parse(value, fallback):
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return fallback

    first = parse(params.get("start"), today.replace(day=1))
    last = parse(params.get("end"), today)
    if last < first:
        first, last = last, first
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )
