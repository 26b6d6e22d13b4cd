"""The volunteer service record (志愿服务记录证明) and a volunteer's calendar."""

import datetime

from django.utils import timezone

from longcheng.web.pdf import new_pdf


def certificate_pdf(application, hours: float) -> bytes:
    """Following the national rules on volunteer service records (民政部《志愿服务记录与证明出具办法》):
    the organiser records and certifies name, ID, service content, period and hours."""
    pdf = new_pdf()
    campaign = application.campaign
    pdf.set_font("cjk", size=22)
    pdf.cell(0, 18, "志愿服务记录证明", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=13)
    lines = [
        f"兹证明 {application.full_name}（公民身份号码 {application.id_number}）",
        f"于 {campaign.service_from:%Y年%m月%d日} 至 {campaign.service_until:%Y年%m月%d日}",
        f"参加 {campaign.name}，",
        f"在 {application.position.name if application.position else '—'}"
        f"（{application.position.venue if application.position else '—'}）岗位提供志愿服务，",
        f"累计服务时长 {hours:.1f} 小时（按实际签到、签退时间计算）。",
        "",
        "特此证明。",
    ]
    for line in lines:
        pdf.multi_cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.cell(
        0, 10, f"出具单位：{campaign.unit.name}（盖章）", align="R", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.cell(
        0,
        10,
        f"出具日期：{timezone.localdate():%Y年%m月%d日}",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("cjk", size=9)
    pdf.cell(0, 8, f"查询码 {application.code}", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _ics_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def ical(application, assignments) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Longcheng//Volunteers//ZH",
        "CALSCALE:GREGORIAN",
    ]
    for a in assignments:
        shift = a.shift
        lines += [
            "BEGIN:VEVENT",
            f"UID:longcheng-shift-{shift.pk}-{application.pk}",
            f"DTSTAMP:{_ics_time(timezone.now())}",
            f"DTSTART:{_ics_time(shift.starts_at)}",
            f"DTEND:{_ics_time(shift.ends_at)}",
            f"SUMMARY:{shift.position.name}（志愿服务）",
            f"LOCATION:{shift.position.venue.name}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
