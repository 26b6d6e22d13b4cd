"""PDF documents with an embedded Chinese font (fpdf2 + Debian's Noto CJK): the monitoring
point's A4 QR poster and the committee meeting's minutes."""

import io

import segno
from django.utils import timezone

from longcheng.web.pdf import new_pdf


def poster_pdf(*, point_name: str, url: str, unit_name: str) -> bytes:
    pdf = new_pdf()
    pdf.set_font("cjk", size=15)
    pdf.set_text_color(155, 28, 28)
    pdf.cell(0, 12, "太原市小店区营商环境监督", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("cjk", size=30)
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(0, 16, point_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 12, "营商环境监测点", new_x="LMARGIN", new_y="NEXT", align="C")
    image = io.BytesIO()
    segno.make(url, error="m").save(image, kind="png", scale=12, border=2)
    image.seek(0)
    pdf.image(image, x=45, y=pdf.get_y() + 6, w=120)
    pdf.set_y(pdf.get_y() + 134)
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(
        0,
        10,
        "微信或手机相机扫一扫，反映办事难、办事慢、吃拿卡要等营商环境问题。",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.multi_cell(
        0,
        10,
        "无需注册，可匿名；提交后凭查询码跟踪办理进度并评价。",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("cjk", size=10)
    pdf.set_text_color(110, 110, 110)
    pdf.cell(0, 10, f"{unit_name} · 二维码仅对应本监测点", new_x="LMARGIN", new_y="NEXT", align="C")
    return bytes(pdf.output())


def minutes_pdf(meeting) -> bytes:
    pdf = new_pdf()
    pdf.set_font("cjk", size=18)
    pdf.multi_cell(0, 12, meeting.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    attendees = "、".join(u.full_name for u in meeting.attendees.all())
    if meeting.other_attendees:
        attendees = "、".join(filter(None, [attendees, meeting.other_attendees]))
    for label, value in (
        ("会议日期", meeting.held_on.isoformat()),
        ("地点", meeting.place),
        ("参会人员", attendees or "—"),
    ):
        pdf.multi_cell(0, 8, f"{label}：{value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for number, item in enumerate(meeting.items.select_related("matter", "lead_unit"), 1):
        pdf.set_font("cjk", size=13)
        pdf.multi_cell(
            0,
            9,
            f"议题{number}：{item.matter.number} {item.matter.title}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("cjk", size=11)
        pdf.multi_cell(0, 7, f"上会原因：{item.reason}", new_x="LMARGIN", new_y="NEXT")
        if item.decided_at:
            pdf.multi_cell(
                0,
                7,
                f"会议决定：由{item.lead_unit}主办，{item.deadline.isoformat()}"
                f"前办结。{item.instructions}",
                new_x="LMARGIN",
                new_y="NEXT",
            )
        else:
            pdf.multi_cell(0, 7, "会议决定：未作决定。", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.set_font("cjk", size=9)
    pdf.set_text_color(110, 110, 110)
    pdf.cell(
        0,
        8,
        f"龙城闭环治理平台生成 · {timezone.localtime():%Y-%m-%d %H:%M}",
        new_x="LMARGIN",
        new_y="NEXT",
        align="R",
    )
    return bytes(pdf.output())
