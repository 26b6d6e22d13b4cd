"""The fund performance report (PDF)."""

from django.utils import timezone

from longcheng.web.pdf import new_pdf


def _line(pdf, text: str, size: int = 11, height: float = 7, align: str = "L") -> None:
    pdf.set_font("cjk", size=size)
    pdf.multi_cell(0, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


def fund_report_pdf(figures) -> bytes:
    fund = figures.fund
    pdf = new_pdf()
    _line(pdf, f"{fund.name}业绩报告", size=18, height=12, align="C")
    _line(
        pdf,
        f"管理人：{fund.manager}　类型：{fund.get_kind_display()}　阶段：{fund.get_stage_display()}　规模：{fund.size:,.0f} 万元",
        align="C",
        size=10,
    )
    pdf.ln(3)
    rows = [
        (
            "认缴合计",
            f"{figures.committed:,.0f} 万元（政府 {figures.government_committed:,.0f}，社会资本 {figures.social_committed:,.0f}）",
        ),
        ("实缴合计", f"{figures.paid_in:,.0f} 万元（政府 {figures.government_paid_in:,.0f}）"),
        ("已投资", f"{figures.invested:,.0f} 万元；管理费及费用 {figures.fees:,.0f} 万元"),
        ("分配合计", f"{figures.distributions:,.0f} 万元"),
        ("最新净值", f"{figures.nav:,.0f} 万元（{figures.nav_date or '—'}）"),
        (
            f"放大倍数（{fund.get_leverage_basis_display()}）",
            str(figures.leverage)
            + (f"（{figures.leverage.reason}）" if figures.leverage.reason else ""),
        ),
        ("返投倍数", str(figures.reinvestment) if figures.reinvestment else "本基金不考核返投"),
        ("DPI / RVPI / TVPI", f"{figures.dpi} / {figures.rvpi} / {figures.tvpi}"),
        (
            "净内部收益率（XIRR）",
            str(figures.irr) + (f"：{figures.irr.reason}" if figures.irr.reason else ""),
        ),
    ]
    for label, value in rows:
        _line(pdf, f"{label}：{value}")
    pdf.ln(3)
    _line(
        pdf,
        "计算口径：放大倍数 = 基金规模 ÷ 政府出资（认缴口径）或 实缴合计 ÷ 政府实缴（实缴口径）；DPI = 分配 ÷ 实缴；RVPI = 净值 ÷ 实缴；TVPI = DPI + RVPI；净内部收益率按出资人现金流（出资为负、分配和最新净值为正）以 XIRR 计算。",
        size=9,
    )
    _line(pdf, f"龙城闭环治理平台生成 · {timezone.localtime():%Y-%m-%d %H:%M}", size=9, align="R")
    return bytes(pdf.output())


def call_notice_pdf(*, fund, notice) -> bytes:
    """缴款通知书: one partner's pro-rata share of a capital call, with its account."""
    account = notice.account
    partner = account.partner
    pdf = new_pdf()
    _line(pdf, f"{fund.name}", size=14, height=9, align="C")
    _line(pdf, "缴款通知书", size=18, height=12, align="C")
    pdf.ln(4)
    _line(pdf, f"{partner.name}：")
    _line(
        pdf,
        f"　　根据合伙协议约定，本基金本次向全体出资人按认缴比例发出缴款通知，缴款总额 "
        f"{notice.total:,.2f} 万元。贵方认缴 {account.committed:,.2f} 万元，占全体认缴 "
        f"{notice.committed_total:,.2f} 万元的 {notice.share_percent:.2f}%，"
        f"本次应缴 {notice.amount:,.2f} 万元，请于 {notice.due:%Y年%m月%d日} 前缴付至基金托管账户。",
    )
    pdf.ln(2)
    rows = [
        ("认缴出资", account.committed),
        ("已实缴（本次前）", account.called),
        ("本次应缴", notice.amount),
        ("本次缴款后累计实缴", account.called + notice.amount),
        ("本次缴款后认缴未缴", account.unfunded - notice.amount),
        ("累计分配", account.distributed),
    ]
    for label, value in rows:
        _line(pdf, f"{label}：{value:,.2f} 万元")
    pdf.ln(2)
    _line(
        pdf,
        "计算口径：本次应缴 = 缴款总额 × 该出资人认缴 ÷ 全体出资人认缴；各出资人应缴额先舍去"
        "分以下尾数，余下的分依次补给尾数最大者，使应缴合计等于缴款总额。",
        size=9,
    )
    pdf.ln(6)
    _line(pdf, f"基金管理人：{fund.manager}", align="R")
    _line(pdf, f"{timezone.localtime():%Y年%m月%d日}", align="R")
    return bytes(pdf.output())
