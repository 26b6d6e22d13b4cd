"""Pure rules of the projects module: the colour thresholds from settings and the monthly
report template (its columns and the xlsx a unit fills in). No database access here."""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from openpyxl import Workbook

from .workflow import Thresholds


def thresholds() -> Thresholds:
    return Thresholds(
        yellow_points=Decimal(settings.LONGCHENG_TRAFFIC_LIGHT_YELLOW_POINTS),
        red_points=Decimal(settings.LONGCHENG_TRAFFIC_LIGHT_RED_POINTS),
        not_started_months=settings.LONGCHENG_TRAFFIC_LIGHT_NOT_STARTED_MONTHS,
    )


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
