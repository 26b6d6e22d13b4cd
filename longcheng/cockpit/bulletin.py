"""月度通报: the month's unit rankings, overdue and reopened matters, typical cases and the
projects in red, as PDF and xlsx, generated on the first days of the next month (Celery beat)
or on request. The figures come from the same panels as the cockpit (city-wide)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from fpdf.fonts import FontFace
from openpyxl import Workbook

from longcheng.audit.anchors import latest_head
from longcheng.audit.models import Action
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.loop.models import Matter, MatterEvent
from longcheng.loop.workflow import CITIZEN_CHANNELS
from longcheng.web.exports import _cell
from longcheng.web.pdf import new_pdf

from . import panels
from .models import Bulletin

E = MatterEvent.Kind


@dataclass
class BulletinData:
    period: panels.Period
    matters: panels.MattersPanel
    league: list[panels.LeagueRow]
    overdue: list[Matter]
    reopened: list[Matter]
    typical: Sequence[Matter]
    red_projects: list
    enforcement: dict


def _bounds(period: panels.Period) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(period.first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(
            period.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        ),
    )


def _with_event(kinds, start, end) -> Q:
    return Q(events__kind__in=kinds, events__at__gte=start, events__at__lt=end)


def bulletin_data(month: datetime.date) -> BulletinData:
    period = panels.period_of_months(month, month)
    start, end = _bounds(period)
    # A 接诉即办 bulletin: citizens' appeals, the scope its league table ranks.
    related = Matter.objects.select_related("lead_unit", "category").filter(
        channel__in=CITIZEN_CHANNELS
    )
    overdue = list(related.filter(_with_event([E.OVERDUE], start, end)).distinct()[:200])
    reopened = list(related.filter(_with_event([E.REOPENED], start, end)).distinct()[:200])
    # Typical cases: the matters supervised most often in the month (escalations first).
    typical = list(
        related.filter(_with_event([E.SUPERVISION, E.ESCALATION], start, end))
        .annotate(
            escalations=Count("events", filter=Q(events__kind=E.ESCALATION)),
            supervisions=Count("events", filter=Q(events__kind=E.SUPERVISION)),
        )
        .order_by("-escalations", "-supervisions", "received_at")[:5]
    )
    projects = panels.projects_panel(None, period)
    return BulletinData(
        period=period,
        matters=panels.matters_panel(None, period),
        league=panels.league_panel(None, period),
        overdue=overdue,
        reopened=reopened,
        typical=typical,
        red_projects=[r for r in projects.rows if r.colour == "red"],
        enforcement=panels.enforcement_panel(None, period),
    )


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


LEAGUE_HEADERS = [
    "排名（按满意率）",
    "单位",
    "派单",
    "签收及时率",
    "响应率",
    "办结",
    "按期办结率",
    "解决率",
    "满意率",
    "退单",
    "重办",
    "超期",
]


def _league_row(row: panels.LeagueRow) -> list:
    r = row.metrics
    return [
        row.rank if row.rank is not None else "—",
        r.unit.name,
        r.dispatched,
        _pct(r.on_time_sign_rate),
        _pct(r.response_rate),
        r.answered,
        _pct(r.on_time_answer_rate),
        _pct(r.resolved_rate),
        _pct(r.satisfaction_rate),
        r.returned,
        r.reopened,
        row.overdue,
    ]


def _matter_row(m: Matter) -> list:
    deadline = (
        timezone.localtime(m.handle_deadline).strftime("%Y-%m-%d") if m.handle_deadline else ""
    )
    return [m.number, m.title, str(m.lead_unit or ""), m.get_status_display(), deadline]


MATTER_HEADERS = ["编号", "标题", "主办单位", "状态", "办理时限"]


def bulletin_xlsx(data: BulletinData) -> bytes:
    book = Workbook(write_only=True)
    sheets = [
        ("单位排名", LEAGUE_HEADERS, [_league_row(r) for r in data.league]),
        ("超期事项", MATTER_HEADERS, [_matter_row(m) for m in data.overdue]),
        ("重办事项", MATTER_HEADERS, [_matter_row(m) for m in data.reopened]),
        (
            "典型案例",
            [*MATTER_HEADERS, "答复"],
            [[*_matter_row(m), m.answer_text] for m in data.typical],
        ),
        (
            "红灯项目",
            ["项目编号", "项目名称", "责任单位", "说明"],
            [
                [r.project.code, r.project.name, str(r.project.lead_unit), r.reason]
                for r in data.red_projects
            ],
        ),
        (
            "受理概况",
            ["维度", "分类", "件数"],
            [["状态", s.label, s.count] for s in data.matters.by_status]
            + [["来源渠道", s.label, s.count] for s in data.matters.by_channel]
            + [["所在区划", s.label, s.count] for s in data.matters.by_division],
        ),
    ]
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title)
        sheet.append(headers)
        for row in rows:
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _line(pdf, text: str, size: int = 10, height: float = 6, align: str = "L") -> None:
    pdf.set_font("cjk", size=size)
    pdf.multi_cell(0, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _table(pdf, headers: list[str], rows: list[list], widths: tuple[int, ...]) -> None:
    pdf.set_font("cjk", size=8)
    # Noto CJK has no bold face here: headings are shaded instead.
    headings = FontFace(emphasis="", fill_color=(238, 238, 238))
    with pdf.table(
        col_widths=widths, text_align="LEFT", line_height=5, headings_style=headings
    ) as table:
        table.row([str(h) for h in headers])
        for row in rows:
            table.row(["" if v is None else str(v) for v in row])
    pdf.ln(3)


def bulletin_pdf(data: BulletinData) -> bytes:
    pdf = new_pdf()
    month = data.period.first
    _line(pdf, f"{month.year}年{month.month}月接诉即办工作通报", size=18, height=12, align="C")
    m = data.matters
    fines = data.enforcement
    _line(
        pdf,
        f"本月共受理事项 {m.total} 件，其中在办 {m.open} 件、已办结 {m.closed} 件；"
        f"市民诉求发生超期 {len(data.overdue)} 件，因不满意重办 {len(data.reopened)} 件；"
        f"行政执法案件 {fines['total']} 件，罚款 {fines['fines_imposed']:,.0f} 元，已收缴 "
        f"{fines['fines_collected']:,.0f} 元；重点项目红灯 {len(data.red_projects)} 个。",
    )
    channels = "、".join(f"{s.label} {s.count} 件" for s in m.by_channel)
    if channels:
        _line(pdf, f"来源渠道：{channels}。")
    pdf.ln(2)
    _line(pdf, "一、单位办理排名（市民诉求口径）", size=12, height=8)
    _line(
        pdf,
        f"按满意率排名；本期市民实际评价少于{settings.LONGCHENG_RANKING_MIN_RATED}件的单位"
        "列出但不排名（“—”）。默认评价与已认定的不合理诉求不计入满意率、解决率。",
    )
    _table(
        pdf,
        LEAGUE_HEADERS,
        [_league_row(r) for r in data.league],
        (14, 36, 11, 16, 13, 11, 16, 14, 14, 11, 11, 11),
    )
    for heading, matters in (("二、超期事项", data.overdue), ("三、重办事项", data.reopened)):
        _line(pdf, heading, size=12, height=8)
        if matters:
            _table(pdf, MATTER_HEADERS, [_matter_row(x) for x in matters], (30, 70, 40, 25, 25))
        else:
            _line(pdf, "无。")
    _line(pdf, "四、典型案例", size=12, height=8)
    for x in data.typical or []:
        _line(pdf, f"{x.number} {x.title}（主办：{x.lead_unit or '—'}，{x.get_status_display()}）")
        if x.answer_text:
            _line(pdf, f"答复：{x.answer_text[:200]}", size=9)
    if not data.typical:
        _line(pdf, "本月无督办事项。")
    _line(pdf, "五、红灯重点项目", size=12, height=8)
    for r in data.red_projects:
        _line(pdf, f"{r.project.code} {r.project.name}（{r.project.lead_unit}）：{r.reason}")
    if not data.red_projects:
        _line(pdf, "无。")
    pdf.ln(4)
    head = latest_head()
    if head is not None:
        # The audit chain's head on paper: a later rewrite of the audit log shows against it.
        _line(
            pdf,
            f"审计链头（{head.at[:10]} 锚定）：第 {head.last_id} 条，共 {head.count} 条，"
            f"哈希 {head.last_hash}",
            size=7,
        )
    _line(
        pdf,
        f"龙城闭环治理平台生成 · {timezone.localtime(clock.now()):%Y-%m-%d %H:%M}",
        size=8,
        align="R",
    )
    return bytes(pdf.output())


def generate(month: datetime.date, actor=None) -> Bulletin:
    """Build (or rebuild) the month's bulletin; files are replaced in one transaction."""
    month = month.replace(day=1)
    data = bulletin_data(month)
    pdf, xlsx = bulletin_pdf(data), bulletin_xlsx(data)
    stamp = f"{month:%Y-%m}"
    with transaction.atomic():
        bulletin, created = Bulletin.objects.select_for_update().get_or_create(
            month=month, defaults={"generated_at": clock.now()}
        )
        old = [f.name for f in (bulletin.pdf, bulletin.xlsx) if f]
        bulletin.generated_at = clock.now()
        bulletin.generated_by = actor
        bulletin.summary = {
            "total": data.matters.total,
            "overdue": len(data.overdue),
            "reopened": len(data.reopened),
            "red_projects": len(data.red_projects),
            "first": data.league[0].metrics.unit.name
            if data.league and data.league[0].rank
            else "",
        }
        bulletin.pdf.save(f"bulletin-{stamp}.pdf", ContentFile(pdf), save=False)
        bulletin.xlsx.save(f"bulletin-{stamp}.xlsx", ContentFile(xlsx), save=False)
        bulletin.save()
        audit_record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            target=bulletin,
            detail=bulletin.summary,
            actor_repr="" if actor else "platform",
        )
    storage = bulletin.pdf.storage
    for name in old:
        if name not in (bulletin.pdf.name, bulletin.xlsx.name):
            storage.delete(name)
    return bulletin


def previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def generate_due() -> Bulletin | None:
    """Daily and idempotent: last month's bulletin, once, from the first day of the month."""
    month = previous_month(timezone.localtime(clock.now()).date())
    if Bulletin.objects.filter(month=month).exists():
        return None
    return generate(month)
