"""The documents of an inspection: the on-site rectification order (现场检查笔录及责令改正通知书)
handed to the party, and the campaign report."""

import base64
import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from longcheng.core.thumbnails import thumbnail_bytes
from longcheng.web.pdf import new_pdf, photo_row

from . import rules


def _line(pdf, text: str, size: int = 11, height: float = 7, align: str = "L") -> None:
    pdf.set_font("cjk", size=size)
    pdf.multi_cell(0, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _signature(pdf, label: str, data_url: str, x: float) -> None:
    """The signature drawn on the phone, or an empty line to sign on paper."""
    pdf.set_xy(x, pdf.get_y())
    pdf.set_font("cjk", size=10)
    if data_url.startswith("data:image/png;base64,"):
        pdf.cell(80, 6, label)
        image = io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))
        pdf.image(image, x=x, y=pdf.get_y() + 6, w=60, h=24)
    else:
        pdf.cell(80, 6, f"{label}________")


def _seen(moment) -> str:
    return f"（发现时间：{timezone.localtime(moment):%Y年%m月%d日 %H:%M}）" if moment else ""


def _photos(pdf, photos) -> None:
    """The photos that show a finding, as thumbnails in a row, each with when and where."""
    shown = []
    for photo in photos[:4]:
        thumb = thumbnail_bytes(photo.file)
        if thumb:
            where = (
                f"{photo.latitude:.5f}, {photo.longitude:.5f}" if photo.located else "未获取位置"
            )
            shown.append((thumb, f"{timezone.localtime(photo.taken_at):%m-%d %H:%M} {where}"))
    photo_row(pdf, shown)


def _team(visit) -> str:
    """检查人员, the partner inspector (同行检查人员) named as such."""
    return "、".join(
        f"{u.full_name or u.username}{'（同行检查人员）' if partner else ''}"
        for u, partner in visit.team()
    )


def _when(visit) -> str:
    """检查时间: from the start of the visit to its submission."""
    end = timezone.localtime(visit.submitted_at)
    start = timezone.localtime(visit.started_at) if visit.started_at else None
    if start is None or start > end:
        return f"{end:%Y年%m月%d日 %H:%M}"
    if start.date() == end.date():
        return f"{start:%Y年%m月%d日 %H:%M}至{end:%H:%M}"
    return f"{start:%Y年%m月%d日 %H:%M}至{end:%Y年%m月%d日 %H:%M}"


def rectification_order_pdf(visit) -> bytes:
    root = visit.parent or visit
    pdf = new_pdf()
    unit = visit.campaign.unit
    _line(pdf, unit.name, size=16, height=10, align="C")
    title = "复查意见书" if visit.parent_id else "现场检查笔录及责令改正通知书"
    _line(pdf, title, size=18, height=12, align="C")
    if visit.document_number:
        _line(pdf, visit.document_number, size=11, align="C")
    pdf.ln(2)
    _line(pdf, f"被检查单位：{visit.party}")
    _line(pdf, f"检查时间：{_when(visit)}")
    _line(pdf, f"检查地点：{visit.party.address or '—'}")
    _line(pdf, f"在场负责人：{visit.representative or '—'}")
    _line(pdf, f"专项检查：{visit.campaign.name}（{visit.template}）")
    team = visit.team()
    shown = "，已出示执法证件" if visit.credentials_shown else ""
    _line(pdf, f"检查人员：{_team(visit)}（共 {len(team)} 人{shown}）")
    score = f"{visit.score} 分" if visit.score is not None else "—"
    _line(pdf, f"检查结论：{visit.get_result_display()}　得分：{score}")
    pdf.ln(3)
    rectifications = list(root.rectifications.select_related("item"))
    photos: dict = {}
    for photo in visit.photos.order_by("taken_at", "pk"):
        photos.setdefault(photo.item_id, []).append(photo)
    if visit.parent_id:
        answers = {a.item_id: a for a in visit.answers.all()}
        _line(pdf, "复查情况：", size=12)
        for number, r in enumerate(rectifications, 1):
            answer = answers.get(r.item_id)
            if answer is None:
                continue
            outcome = "已整改到位" if r.status == "verified" else f"仍未整改到位：{answer.note}"
            seen = _seen(answer.found_at) if r.status != "verified" else ""
            _line(
                pdf,
                f"{number}. {r.item.text}　原发现：{r.finding}{_seen(r.found_at)}　"
                f"复查：{outcome}{seen}",
            )
            _photos(pdf, photos.get(r.item_id, []))
    elif rectifications:
        _line(pdf, "经现场检查，发现你单位存在下列问题：", size=12)
        for number, r in enumerate(rectifications, 1):
            basis = f"（依据：{r.item.legal_basis}）" if r.item.legal_basis else ""
            _line(pdf, f"{number}. {r.item.text}：{r.finding}{_seen(r.found_at)}{basis}")
            _photos(pdf, photos.get(r.item_id, []))
            _line(pdf, f"　 整改要求：{r.requirement}")
        deadline = rectifications[0].deadline
        pdf.ln(2)
        _line(
            pdf,
            f"现责令你单位于 {deadline:%Y年%m月%d日} 前整改完毕，并通过下方二维码或链接报送"
            "整改情况及照片。逾期未整改或整改不到位的，将依法予以处理。",
            size=12,
        )
        url = settings.LONGCHENG_PUBLIC_BASE_URL.rstrip("/") + reverse(
            "inspections:party_rectification", args=[rules.party_token(root)]
        )
        image = io.BytesIO()
        segno.make(url, error="m").save(image, kind="png", scale=4, border=1)
        image.seek(0)
        pdf.image(image, x=pdf.l_margin, y=pdf.get_y() + 2, w=30)
        pdf.set_y(pdf.get_y() + 34)
    else:
        _line(pdf, "经现场检查，未发现问题。", size=12)
    if visit.summary:
        _line(pdf, f"检查情况：{visit.summary}")
    pdf.ln(4)
    y = pdf.get_y()
    _signature(pdf, "检查人员签名：", visit.inspector_signature, pdf.l_margin)
    pdf.set_y(y)
    _signature(pdf, "被检查单位签名：", visit.party_signature, 110)
    pdf.set_y(y + 34)
    _line(
        pdf,
        "如对本通知书不服，可依法申请行政复议或者提起行政诉讼。",
        size=9,
    )
    _line(pdf, f"龙城闭环治理平台 · 检查记录 {visit.pk}", size=9, align="R")
    return bytes(pdf.output())


def campaign_report_pdf(campaign, progress, sections, items) -> bytes:
    from .scope import describe_scope
    from .selectors import typical_problems

    pdf = new_pdf()
    _line(pdf, f"{campaign.name}工作报告", size=18, height=12, align="C")
    _line(
        pdf,
        f"{campaign.unit.name} · "
        f"{campaign.start_date:%Y年%m月%d日}至{campaign.end_date:%Y年%m月%d日}",
        size=11,
        align="C",
    )
    pdf.ln(3)
    coverage = f"{progress.coverage:.0%}" if progress.coverage is not None else "—"
    _line(
        pdf,
        f"检查范围：{describe_scope(campaign.scope)}，共 {progress.targets} 个；检查方式："
        f"{campaign.get_mode_display()}，应检 {progress.to_visit} 个，已检 {progress.visited} 个，"
        f"覆盖率 {coverage}。",
        size=12,
    )
    _line(
        pdf,
        f"检查结论：合格 {progress.passed} 个，责令整改 {progress.rectify} 个，不合格 "
        f"{progress.failed} 个；尚在整改的问题 {progress.open_rectifications} 项。",
        size=12,
    )
    pdf.ln(2)
    _line(pdf, "一、分领域合格率", size=13)
    for row in sections:
        rate = f"{row.pass_rate:.0%}" if row.pass_rate is not None else "—"
        _line(pdf, f"{row.name}：检查 {row.checked} 项次，不符合 {row.failed} 项次，合格率 {rate}")
    pdf.ln(2)
    _line(pdf, "二、分检查项合格率", size=13)
    for figure in items:
        if not figure.item.scored:
            continue
        rate = f"{figure.pass_rate:.0%}" if figure.pass_rate is not None else "—"
        _line(
            pdf,
            f"{figure.item.text}：{figure.checked} 项次，不符合 {figure.failed}，{rate}",
            size=10,
        )
    pdf.ln(2)
    _line(pdf, "三、典型问题", size=13)
    problems = typical_problems(items)
    if not problems:
        _line(pdf, "未发现问题。")
    for number, figure in enumerate(problems, 1):
        examples = "；".join(dict.fromkeys(figure.notes))[:200]
        _line(pdf, f"{number}. {figure.item.text}（{figure.failed} 家）：{examples}")
    _line(pdf, f"龙城闭环治理平台生成 · {timezone.localtime():%Y-%m-%d %H:%M}", size=9, align="R")
    return bytes(pdf.output())
