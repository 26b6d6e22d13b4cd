"""Project stages and the three-colour rule (三色督办) as data and one pure function.

序时进度 (time-proportional schedule): by the end of month m, m/12 of the year's planned
investment should be done. The gap is (m/12 − done/plan) × 100 percentage points.
Green below the yellow threshold; yellow from it up to the red threshold inclusive; red above
it — or when the project has not started three months after its planned start. Thresholds come
from settings (defaults 10 and 30 points, 3 months)."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PREPARATION = "preparation", _("前期")
    CONSTRUCTION = "construction", _("在建")
    OPERATION = "operation", _("投产")


class Colour(models.TextChoices):
    GREEN = "green", _("绿色")
    YELLOW = "yellow", _("黄色")
    RED = "red", _("红色")


@dataclass(frozen=True)
class Thresholds:
    yellow_points: Decimal = Decimal(10)
    red_points: Decimal = Decimal(30)
    not_started_months: int = 3


@dataclass(frozen=True)
class ColourResult:
    colour: str
    expected_pct: Decimal
    actual_pct: Decimal
    gap_points: Decimal
    reason: str


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def _pct(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def project_colour(
    *,
    month: int,
    annual_plan: Decimal,
    done_this_year: Decimal,
    planned_start: datetime.date | None,
    actual_start: datetime.date | None,
    as_of: datetime.date,
    thresholds: Thresholds = Thresholds(),
) -> ColourResult:
    expected = Decimal(month) / 12 * 100
    actual = (done_this_year / annual_plan * 100) if annual_plan > 0 else Decimal(100)
    gap = expected - actual
    if (
        actual_start is None
        and planned_start is not None
        and as_of >= add_months(planned_start, thresholds.not_started_months)
    ):
        reason = str(_("计划开工三个月后仍未开工"))
        return ColourResult(Colour.RED, _pct(expected), _pct(actual), _pct(gap), reason)
    if gap > thresholds.red_points:
        colour, reason = (
            Colour.RED,
            str(_("落后序时进度超过 %(p)s 个百分点")) % {"p": thresholds.red_points},
        )
    elif gap >= thresholds.yellow_points:
        colour, reason = (
            Colour.YELLOW,
            str(_("落后序时进度 %(a)s–%(b)s 个百分点"))
            % {
                "a": thresholds.yellow_points,
                "b": thresholds.red_points,
            },
        )
    else:
        colour, reason = Colour.GREEN, str(_("符合序时进度"))
    return ColourResult(colour, _pct(expected), _pct(actual), _pct(gap), reason)
