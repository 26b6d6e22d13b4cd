"""Pure rules of the projects module, no database access here:

- the three-colour rule (三色督办) — `project_colour`, the one function that picks a colour;
- `colour_badge`, the one place a colour becomes a CSS class, a label and a print colour (the
  badge, its text, the list, the sponsor's page, the 调度会 PDF and the supervision matter all
  ask it);
- the reporting calendar (which month is being reported, which month the figures speak of);
- a milestone past its planned date without an actual date;
- the monthly report template (its columns and the xlsx a unit fills in).

序时进度 (time-proportional schedule): by the end of month m, m/12 of the year's planned
investment should be done. The gap is (m/12 − done/plan) × 100 percentage points.
Green below the yellow threshold; yellow from it up to the red threshold inclusive; red above
it — or when the project has not started three months after its planned start. Thresholds come
from settings (defaults 10 and 30 points, 3 months)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook

from longcheng.core.calendar import add_months

from .workflow import Colour

__all__ = ["add_months"]


@dataclass(frozen=True)
class Thresholds:
    yellow_points: Decimal = Decimal(10)
    red_points: Decimal = Decimal(30)
    not_started_months: int = 3


def thresholds() -> Thresholds:
    return Thresholds(
        yellow_points=Decimal(settings.LONGCHENG_TRAFFIC_LIGHT_YELLOW_POINTS),
        red_points=Decimal(settings.LONGCHENG_TRAFFIC_LIGHT_RED_POINTS),
        not_started_months=settings.LONGCHENG_TRAFFIC_LIGHT_NOT_STARTED_MONTHS,
    )


@dataclass(frozen=True)
class ColourResult:
    colour: str
    expected_pct: Decimal
    actual_pct: Decimal
    gap_points: Decimal
    reason: str


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
    """The colour of a project at the end of `month`: 序时进度 is month ÷ 12 of the annual plan,
    judged by `schedule_colour` (the one place a gap becomes a colour), or red when the project
    has not started months after its planned start."""
    expected = Decimal(month) / 12 * 100
    actual = (done_this_year / annual_plan * 100) if annual_plan > 0 else Decimal(100)
    if (
        actual_start is None
        and planned_start is not None
        and as_of >= add_months(planned_start, thresholds.not_started_months)
    ):
        reason = _("计划开工 %(n)d 个月后仍未开工") % {"n": thresholds.not_started_months}
        gap = expected - actual
        return ColourResult(Colour.RED, _pct(expected), _pct(actual), _pct(gap), reason)
    return schedule_colour(expected=expected, actual=actual, thresholds=thresholds)


def schedule_colour(
    *, expected: Decimal, actual: Decimal, thresholds: Thresholds = Thresholds()
) -> ColourResult:
    """The colour of anything tracked against a schedule: `expected` is the share of the work
    that should be done by now (序时进度, in per cent), `actual` the share done. A key project's
    year (`project_colour`) and a 每月一题's span from promotion to deadline
    (`problem_expected_pct`) are both judged here, by the same thresholds."""
    gap = expected - actual
    if gap > thresholds.red_points:
        colour = Colour.RED
        reason = _("落后序时进度超过 %(p)s 个百分点") % {"p": thresholds.red_points}
    elif gap >= thresholds.yellow_points:
        colour = Colour.YELLOW
        reason = _("落后序时进度 %(a)s–%(b)s 个百分点") % {
            "a": thresholds.yellow_points,
            "b": thresholds.red_points,
        }
    else:
        colour, reason = Colour.GREEN, _("符合序时进度")
    return ColourResult(colour, _pct(expected), _pct(actual), _pct(gap), reason)


def problem_expected_pct(
    *, start: datetime.date, deadline: datetime.date, today: datetime.date
) -> Decimal:
    """序时进度 of a 每月一题: the share of the days from its promotion to its deadline that have
    passed (0 on the day of promotion, 100 from the deadline on)."""
    span = (deadline - start).days
    if span <= 0 or today >= deadline:
        return Decimal(100)
    if today <= start:
        return Decimal(0)
    return Decimal((today - start).days) / Decimal(span) * 100


def colour_rule_text(limits: Thresholds) -> str:
    """The rule in one sentence, as the 调度会 material prints it."""
    return _(
        "序时进度 = 月份 ÷ 12；落后 %(y)s–%(r)s 个百分点为黄色，超过 %(r)s 个百分点"
        "或计划开工 %(n)d 个月仍未开工为红色。"
    ) % {"y": limits.yellow_points, "r": limits.red_points, "n": limits.not_started_months}


# — One colour, one look —


@dataclass(frozen=True)
class ColourBadge:
    colour: str
    css: str  # the Bootstrap badge class
    label: str  # 绿色 / 黄色 / 红色
    rgb: tuple[int, int, int]  # the print colour (PDF)


_LOOKS = {
    Colour.GREEN: ("text-bg-success", (21, 128, 61)),
    Colour.YELLOW: ("text-bg-warning", (202, 138, 4)),
    Colour.RED: ("text-bg-danger", (185, 28, 28)),
}
NO_COLOUR = ColourBadge("", "text-bg-secondary", "—", (90, 90, 90))


def colour_badge(colour: str | None) -> ColourBadge:
    """The class, the label and the print colour of one colour value, all from that value (a
    badge can no more be red and read 绿色). No colour (no annual plan) is a grey “—”."""
    if not colour or colour not in _LOOKS:
        return NO_COLOUR
    css, rgb = _LOOKS[Colour(colour)]
    return ColourBadge(str(colour), css, str(Colour(colour).label), rgb)


# — The reporting calendar —


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def reporting_month(today: datetime.date) -> tuple[int, int]:
    """The month units are reporting now: last month (its figures are due by the report day of
    this month)."""
    return previous_month(today.year, today.month)


def report_due(year: int, month: int, report_day: int) -> datetime.date:
    """The day a month's figures are due: the report day of the following month."""
    following = add_months(datetime.date(year, month, 1), 1)
    return following.replace(day=min(report_day, 28))


def due_month(today: datetime.date, report_day: int) -> tuple[int, int]:
    """The last month whose figures are due: last month once its report day has passed, else
    the month before. The pages' colours and the sweep's supervision speak of this month, so a
    project is never shown red for a month its unit still has time to report."""
    month = reporting_month(today)
    if today.day > report_day:
        return month
    return previous_month(*month)


# — Milestones —


def milestone_overdue(
    *, planned: datetime.date, actual: datetime.date | None, today: datetime.date
) -> bool:
    """A milestone past its planned date with no actual date recorded."""
    return actual is None and planned < today


def milestone_status(
    *, planned: datetime.date, actual: datetime.date | None, today: datetime.date
) -> str:
    """A milestone in words: 按期完成, 逾期完成, 已逾期（未填实际日期）or 未到期."""
    if actual is not None:
        return _("按期完成") if actual <= planned else _("逾期完成")
    if milestone_overdue(planned=planned, actual=actual, today=today):
        return _("已逾期（未填实际日期）")
    return _("未到期")


# — The monthly report template —

TEMPLATE_HEADERS = [
    "项目编码",
    "项目名称",
    "年",
    "月",
    "本月完成投资（万元）",
    "形象进度",
    "存在问题",
]


def report_template(*, projects, year: int, month: int) -> bytes:
    """The xlsx a unit fills in: one row per project, code and name filled in."""
    book = Workbook()
    sheet = book.active
    sheet.title = "月度调度"
    sheet.append(TEMPLATE_HEADERS)
    for project in projects:
        sheet.append([project.code, project.name, year, month, None, None, None])
    for column, width in zip("ABCDEFG", (16, 36, 8, 6, 20, 40, 40), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
