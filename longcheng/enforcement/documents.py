"""Enforcement documents as PDFs: one layout (the body's name, the title, the number), with each
kind's body written out from the case. The decision carries every item Art. 59 requires."""

from django.utils import timezone

from longcheng.core.thumbnails import thumbnail_bytes
from longcheng.web.pdf import new_pdf, photo_row

from .workflow import DocumentKind, Outcome

K = DocumentKind


def _line(pdf, text: str, size: int = 12, height: float = 8, align: str = "L") -> None:
    pdf.set_font("cjk", size=size)
    pdf.multi_cell(0, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


def money_text(value) -> str:
    return f"{value:,.2f}" if value is not None else "—"


def _party(case) -> list[str]:
    lines = [f"当事人：{case.party_name}"]
    if case.party_kind == "organisation" and case.party_code:
        lines.append(f"统一社会信用代码：{case.party_code}")
    if case.party_address:
        lines.append(f"地址：{case.party_address}")
    return lines


def _penalty(case) -> str:
    parts = []
    if case.warning:
        parts.append("警告")
    if case.fine:
        parts.append(f"罚款人民币 {money_text(case.fine)} 元")
    if case.stop_work:
        parts.append("责令停工整改")
    return "、".join(parts) or "—"


def _body_lines(document, body) -> list[str]:
    case, content = document.case, document.content
    if document.finding is not None and case is None:
        finding = document.finding
        verb = "停工整改" if document.kind == K.STOP_WORK else "改正"
        return [
            f"{content.get('party', '')}：",
            f"{timezone.localtime(finding.found_at):%Y年%m月%d日%H时%M分}，本机关执法人员在"
            f"{content.get('place', '')}检查时发现：{content.get('facts', '')}",
            *([f"上述行为违反了{content['basis']}的规定。"] if content.get("basis") else []),
            f"现责令你单位立即{verb}，并于 {content.get('deadline', '')} 前整改完毕。逾期不改正的，"
            "本机关将依法处理。",
        ]
    assert case is not None
    provision = case.provision
    basis = f"{provision}（{provision.violation}）" if provision else "—"
    # The rule the act breaks and the one that punishes it are cited apart (违反的规定/处罚依据).
    breached = provision.breached_text if provision else "—"
    officers = "、".join(str(o) for o in case.case_officers.select_related("user"))
    if document.kind == K.FILING:
        return [
            *_party(case),
            f"案件来源：{case.get_source_display()}　{case.source_note}",
            f"违法行为发生日：{case.occurred_on:%Y年%m月%d日}　发现日：{case.discovered_on:%Y年%m月%d日}",
            f"简要案情：{case.facts}",
            f"涉嫌违反：{breached}",
            f"处罚依据：{basis}",
            f"承办人员：{'、'.join(content.get('officers', [])) or officers}",
            f"办案期限：自立案之日起九十日内（{case.decision_deadline:%Y年%m月%d日}前）作出决定。",
            "负责人审批意见：同意立案。",
        ]
    if document.kind in (K.INSPECTION_RECORD, K.QUESTIONING, K.PRESERVATION):
        return [
            *_party(case),
            f"时间：{timezone.localtime(document.issued_at):%Y年%m月%d日%H时%M分}"
            f"　地点：{content.get('place') or case.party_address or '—'}",
            f"执法人员：{'、'.join(content.get('officers', []))}"
            + ("（已出示执法证件）" if content.get("credentials_shown") else ""),
            f"记录内容：{content.get('text', '')}",
            "以上记录经当事人核对无误。",
            "当事人签字：____________　执法人员签字：____________",
        ]
    if document.kind == K.NOTICE:
        # Art. 44: the evidence actually on the case, one line each, never boilerplate.
        evidence = content.get("evidence") or []
        lines = [
            f"{case.party_name}：",
            f"经调查，你（单位）{case.facts}",
            "以上事实有以下证据证实：",
            *[f"{n}. {item}" for n, item in enumerate(evidence, 1)],
            f"你（单位）的行为违反了{breached}的规定。",
            f"依据{basis}，本机关拟对你（单位）作出如下行政处罚：{_penalty(case)}。",
            f"根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）有权进行陈述和申辩，"
            f"请于 {content.get('due', '')} 前提出。",
        ]
        if content.get("hearing_right"):
            lines.append(
                "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有权要求听证，"
                "应当在收到本告知书之日起五个工作日内提出，逾期视为放弃。"
            )
        return lines
    if document.kind == K.HEARING_NOTICE:
        public = content.get("public", True)
        return [
            f"{case.party_name}：",
            f"根据你（单位）的听证申请，本机关定于 {content.get('at', '')} 举行听证，主持人："
            f"{content.get('chair', '')}（非本案调查人员）。你（单位）可以亲自参加，也可以委托一至二人代理；"
            "认为主持人与本案有直接利害关系的，有权申请回避。无正当理由拒不出席的，视为放弃听证权利。",
            "本次听证公开举行。"
            if public
            else f"本次听证因{content.get('closed_reason', '')}不公开举行（《行政处罚法》第六十四条第三项）。",
        ]
    if document.kind == K.HEARING_RECORD:
        refused = content.get("signature") == "refused"
        return [
            *_party(case),
            f"听证时间：{content.get('at', '')}　主持人：{content.get('chair', '')}",
            "听证方式：公开"
            if content.get("public", True)
            else f"听证方式：不公开（{content.get('closed_reason', '')}）",
            f"调查人员：{officers}",
            f"听证记录：{content.get('record', '')}",
            "以上笔录已交当事人核对。",
            f"当事人拒绝签字，主持人注明：{content.get('refusal_note', '')}"
            if refused
            else "当事人签字：____________　日期：____________",
            "听证主持人签字：____________　记录人签字：____________",
        ]
    if document.kind in (K.PENALTY_DECISION, K.NO_PENALTY):
        decided = timezone.localtime(case.decided_at or timezone.now())
        evidence = (
            "；".join(e.description[:60] for e in case.evidence.all()[:6]) or "现场检查笔录等"
        )
        summary = bool(document.content.get("summary"))
        lines = [
            *_party(case),
            f"违法事实：{case.facts}",
        ]
        if summary:  # Art. 52: time, place and the officers with their credential numbers
            lines += [
                f"时间：{content.get('at', '')}　地点：{content.get('place', '')}",
                f"执法人员及执法证号：{'、'.join(content.get('officers', []))}",
            ]
        else:
            lines.append(f"证据：{evidence}")
        if case.outcome == Outcome.PENALTY or summary:
            # Art. 67: the period runs from service; before service no date can be printed.
            due = f"（{case.payment_due:%Y年%m月%d日}前）" if case.payment_due else ""
            lines += [
                f"违反的规定：{breached}",
                f"处罚依据：{basis}",
                f"处罚种类和幅度：{_penalty(case)}。",
                f"履行方式和期限：自收到本决定书之日起十五日内{due}"
                f"{body.payment_account}。到期不缴纳的，依照《中华人民共和国行政处罚法》第七十二条，"
                "每日按罚款数额的百分之三加处罚款，加处罚款的数额不超过罚款数额。",
            ]
        else:
            lines.append(f"处理结果：{case.get_outcome_display()}。")
        lines += [
            f"救济途径和期限：如不服本决定，可以在收到本决定书之日起六十日内向{body.review_body}"
            f"申请行政复议，或者在六个月内向{body.court}提起行政诉讼。复议、诉讼期间本决定不停止执行。",
            f"作出决定的机关：{body.name}　　日期：{decided:%Y年%m月%d日}",
            "（印章）",
        ]
        if summary:
            lines += [
                "执法人员签名：____________　____________",
                "当事人拒绝签收，已由执法人员注明。"
                if content.get("signature") == "refused"
                else "当事人签收：____________　日期：____________",
                "本决定书当场交付当事人，并报所属行政机关备案（《行政处罚法》第五十二条）。",
            ]
        if document.content.get("corrects"):
            lines.append(f"本决定书更正 {document.content['corrects']}。")
        return lines
    if document.kind == K.SERVICE:
        return [
            f"受送达人：{case.party_name}",
            f"送达文书：{content.get('served', '')}",
            f"送达方式：{content.get('method', '')}　送达日期：{content.get('on', '')}",
            "受送达人签收：____________　送达人：____________",
        ]
    if document.kind == K.DEMAND:
        return [
            f"{case.party_name}：",
            f"本机关于 {timezone.localtime(case.decided_at):%Y年%m月%d日} 对你（单位）作出行政处罚决定，"
            f"罚款 {money_text(case.fine)} 元，缴款期限已届满，你（单位）至今未履行。",
            f"依照《中华人民共和国行政强制法》第五十四条，现催告你（单位）在收到本催告书之日起十日内履行，"
            f"应缴罚款 {money_text(case.fine)} 元，加处罚款 {content.get('late_fee', '0')} 元，合计尚欠 "
            f"{content.get('owed', '0')} 元。你（单位）有权进行陈述和申辩。逾期仍不履行的，本机关将依法申请"
            f"{body.court}强制执行。",
        ]
    if document.kind == K.CLOSING:
        return [
            *_party(case),
            f"案由：{provision.violation if provision else '—'}",
            f"处理结果：{case.get_outcome_display()}　{_penalty(case) if case.outcome == Outcome.PENALTY else ''}",
            f"执行情况：已缴纳 {money_text(case.paid_amount)} 元"
            + ("；已申请法院强制执行" if case.court_applied_at else ""),
            "负责人审批意见：同意结案。",
        ]
    return [str(content)]


# The documents that state the evidence show its photos too (Arts. 44, 59).
CITES_EVIDENCE = {K.NOTICE, K.PENALTY_DECISION, K.NO_PENALTY, K.INSPECTION_RECORD}


def _evidence_photos(case) -> list[tuple[bytes, str]]:
    photos = []
    for evidence in case.evidence.filter(kind="photo").exclude(file="").order_by("recorded_at")[:8]:
        thumb = thumbnail_bytes(evidence.file)
        if thumb:
            when = timezone.localtime(evidence.recorded_at)
            where = (
                f"{evidence.latitude:.5f}, {evidence.longitude:.5f}"
                if evidence.located
                else "未获取位置"
            )
            photos.append((thumb, f"{when:%m-%d %H:%M} {where}"))
    return photos


def render(document, body) -> bytes:
    pdf = new_pdf()
    _line(pdf, body.name, size=16, height=10, align="C")
    _line(pdf, document.get_kind_display(), size=20, height=13, align="C")
    _line(pdf, document.number, size=11, align="C")
    pdf.ln(4)
    for text in _body_lines(document, body):
        _line(pdf, text)
        pdf.ln(1)
    if document.kind in CITES_EVIDENCE:
        photo_row(pdf, _evidence_photos(document.case))
    pdf.ln(6)
    _line(
        pdf,
        f"{body.name}　{timezone.localtime(document.issued_at):%Y年%m月%d日}",
        size=12,
        align="R",
    )
    return bytes(pdf.output())
