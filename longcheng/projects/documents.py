"""The 调度会 report: projects by colour with the arithmetic behind each colour."""

from django.utils import timezone

from longcheng.web.pdf import new_pdf

from .rules import colour_badge, colour_rule_text, thresholds
from .workflow import Colour


def _line(pdf, text: str, size: int = 11, height: float = 7, align: str = "L") -> None:
    pdf.set_font("cjk", size=size)
    pdf.multi_cell(0, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


def meeting_pdf(year: int, month: int, rows) -> bytes:
    pdf = new_pdf()
    _line(pdf, f"{year}年{month}月重点项目调度会材料", size=18, height=12, align="C")
    counts = {c: sum(1 for r in rows if r.colour == c) for c in Colour}
    _line(
        pdf,
        f"共 {len(rows)} 个项目：红色 {counts[Colour.RED]} 个，黄色 {counts[Colour.YELLOW]} 个，"
        f"绿色 {counts[Colour.GREEN]} 个。{colour_rule_text(thresholds())}",
        size=10,
    )
    pdf.ln(2)
    for row in rows:
        badge = colour_badge(row.colour)
        pdf.set_text_color(*badge.rgb)
        _line(pdf, f"【{badge.label}】{row.project.code} {row.project.name}", size=12)
        pdf.set_text_color(0, 0, 0)
        plan = f"{row.plan:,.0f}" if row.plan is not None else "—"
        _line(
            pdf,
            f"责任单位：{row.project.lead_unit}　年度计划 {plan} 万元，本年完成 {row.done_year:,.0f} 万元"
            f"（{row.actual_pct if row.actual_pct is not None else '—'}%，序时 {row.expected_pct if row.expected_pct is not None else '—'}%），"
            f"累计完成 {row.done_total:,.0f} 万元（占总投资 {row.total_pct}%）。{row.reason}。",
            size=10,
        )
        latest = row.project.reports.order_by("-year", "-month").first()
        if latest and latest.problems:
            _line(pdf, f"存在问题：{latest.problems}", size=10)
        pdf.ln(1)
    _line(pdf, f"龙城闭环治理平台生成 · {timezone.localtime():%Y-%m-%d %H:%M}", size=9, align="R")
    return bytes(pdf.output())
