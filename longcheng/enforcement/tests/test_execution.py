"""From the decision to the closed case: service, payment, late fees, demand, court, closing,
the summary procedure, publication and the documents' numbers."""

import datetime
import subprocess
from decimal import Decimal

import pytest

from longcheng.enforcement import services
from longcheng.enforcement.models import Case, CaseDocument
from longcheng.enforcement.rules import CaseRefused, late_fee
from longcheng.enforcement.workflow import Status
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Status as MatterStatus
from tests.fixtures.loop import at

from .conftest import heard


def pdf_text(document: CaseDocument) -> str:
    document.file.open("rb")
    data = document.file.read()
    document.file.close()
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return "".join(result.stdout.decode().split())


@pytest.fixture
def decided(notified, officers):
    heard(notified, officers.a)
    return services.case_decide(actor=officers.leader, case=notified, outcome="penalty")


@pytest.fixture
def served(decided, officers):
    return services.case_serve(actor=officers.a, case=decided, method="直接送达")


def test_the_decision_document_has_every_field_the_law_requires(decided, body):
    text = pdf_text(decided.documents.get(kind="penalty_decision"))
    for required in (
        "行政处罚决定书",
        "并城管罚字〔2023〕第0001号",
        "山西易通天下产业孵化基地有限公司",  # the party
        "统一社会信用代码",
        "夜间使用未经核准车辆运输建筑垃圾",  # the facts
        "现场检查",  # the evidence
        "《太原市建筑垃圾管理条例》第三十二条",  # the basis
        "罚款人民币15,000.00元",  # the penalty
        "十五日内",  # how and by when to pay
        "六十日内向太原市城市管理局申请行政复议",  # review
        "六个月内向太原市小店区人民法院提起行政诉讼",  # lawsuit
        "太原市城市管理综合行政执法队",  # the deciding body
        "2023年09月25日",  # the date
    ):
        assert required in text, required


def test_the_notice_tells_the_party_its_rights(notified):
    text = pdf_text(notified.documents.get(kind="notice"))
    assert "陈述和申辩" in text and "拟对你（单位）作出如下行政处罚：罚款人民币15,000.00元" in text
    assert "要求听证" not in text  # ¥15,000 for an organisation is below the hearing threshold


def test_service_starts_the_fifteen_day_payment_period(served):
    assert served.status == Status.SERVED and not served.served_late
    assert served.payment_due == datetime.date(2023, 10, 10)  # 15 calendar days
    assert served.documents.get(kind="penalty_decision").served_at is not None
    matter = Matter.objects.get(pk=served.matter_id)
    assert matter.handle_deadline.date() == datetime.date(2023, 10, 10)


def test_the_decision_prints_no_payment_date_before_service(decided):
    """Art. 67: the fifteen days run from service; the date cannot be known at the decision."""
    text = pdf_text(decided.documents.get(kind="penalty_decision"))
    assert "自收到本决定书之日起十五日内" in text
    assert "2023年10月10日前" not in text


def test_electronic_service_needs_the_partys_signed_confirmation(decided, officers):
    """Art. 61 (2)."""
    with pytest.raises(CaseRefused, match=r"确认书.*第六十一条"):
        services.case_serve(actor=officers.a, case=decided, method="电子送达")
    case = services.case_serve(
        actor=officers.a, case=decided, method="电子送达", electronic_confirmed=True
    )
    assert case.status == Status.SERVED


def test_service_is_never_dated_before_the_decision(decided, officers):
    with pytest.raises(CaseRefused, match=r"不能早于作出决定的日期 2023-09-25.*第六十一条"):
        services.case_serve(
            actor=officers.a, case=decided, method="直接送达", served_on=datetime.date(2023, 9, 24)
        )
    decided.refresh_from_db()
    assert decided.status == Status.DECIDED and decided.served_at is None


def test_late_service_needs_a_reason_and_raises_a_supervision_matter(
    decided, officers, clock, catalogue
):
    clock.to(at(2023, 10, 12, 9))  # 7 working days after 25 September end on 10 October
    with pytest.raises(CaseRefused, match=r"2023-10-10 前送达.*第六十一条.*须写明原因"):
        services.case_serve(actor=officers.a, case=decided, method="邮寄送达")
    case = services.case_serve(
        actor=officers.a,
        case=decided,
        method="邮寄送达",
        late_reason="当事人节日期间停业，无人签收",
    )
    assert case.served_late and case.service_late_reason == "当事人节日期间停业，无人签收"
    supervision = Matter.objects.get(title=f"迟延送达：{case.number}")
    assert supervision.lead_unit_id == case.unit_id and "无人签收" in supervision.description


def test_the_payment_period_ends_on_the_next_working_day_after_a_rest_day(decided, officers, clock):
    clock.to(at(2023, 10, 1, 9))
    case = services.case_serve(
        actor=officers.a, case=decided, method="直接送达", served_on=datetime.date(2023, 9, 30)
    )
    # 30 September + 15 days = Sunday 15 October: the period ends on Monday 16 October.
    assert case.payment_due == datetime.date(2023, 10, 16)


def test_no_decision_after_the_ninety_days_without_an_extension_before_they_ran_out(
    notified, officers, clock
):
    heard(notified, officers.a)
    notified.refresh_from_db()
    clock.to(at(2023, 12, 20, 9))  # four days before the ninety days (24 December) end
    with pytest.raises(CaseRefused, match="每次延长不超过 30 日"):
        services.case_extend_deadline(
            actor=officers.leader,
            case=notified,
            until=datetime.date(2024, 2, 1),
            reason="案情复杂需鉴定",
        )
    services.case_extend_deadline(
        actor=officers.leader,
        case=notified,
        until=datetime.date(2024, 1, 10),
        reason="案情复杂需鉴定",
    )
    notified.refresh_from_db()
    clock.to(at(2024, 1, 11, 9))
    with pytest.raises(CaseRefused, match=r"2024-01-10 届满.*第六十条"):
        services.case_extend_deadline(
            actor=officers.leader,
            case=notified,
            until=datetime.date(2024, 1, 31),
            reason="补充鉴定",
        )
    with pytest.raises(CaseRefused, match=r"2024-01-10 届满.*第六十条"):
        services.case_decide(actor=officers.leader, case=notified, outcome="penalty")
    notified.refresh_from_db()
    assert notified.status == Status.NOTIFIED and notified.decided_at is None
    # The case can still end without a penalty.
    case = services.case_decide(actor=officers.leader, case=notified, outcome="not_proven")
    assert case.status == Status.DECIDED and case.outcome == "not_proven"


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (datetime.date(2023, 10, 10), Decimal("0")),  # the last day to pay
        (datetime.date(2023, 10, 11), Decimal("450.00")),  # 3 % of 15,000 for one day
        (datetime.date(2023, 10, 20), Decimal("4500.00")),  # ten days
        (datetime.date(2023, 11, 12), Decimal("15000")),  # 33 days would be 14,850: not capped yet
        (datetime.date(2023, 11, 14), Decimal("15000")),  # capped at the fine
    ],
)
def test_late_fee_arithmetic(served, on, expected):
    if on == datetime.date(2023, 11, 12):
        expected = Decimal("14850.00")
    assert late_fee(served, on) == expected


def test_a_deferral_moves_the_late_fee(served, officers):
    with pytest.raises(services.PermissionRefused):
        services.case_defer_payment(
            actor=officers.a,
            case=served,
            until=datetime.date(2023, 11, 10),
            reason="经营困难申请暂缓",
        )
    case = services.case_defer_payment(
        actor=officers.leader,
        case=served,
        until=datetime.date(2023, 11, 10),
        reason="经营困难申请暂缓",
    )
    assert late_fee(case, datetime.date(2023, 11, 10)) == 0
    assert late_fee(case, datetime.date(2023, 11, 11)) == Decimal("450.00")


def test_payment_in_full_lets_the_case_close(served, officers):
    with pytest.raises(CaseRefused, match="尚未缴清"):
        services.case_close(actor=officers.leader, case=served)
    with pytest.raises(CaseRefused, match="超过应缴金额"):
        services.case_record_payment(
            actor=officers.a, case=served, amount=Decimal(20000), paid_on=datetime.date(2023, 9, 25)
        )
    services.case_record_payment(
        actor=officers.a, case=served, amount=Decimal(15000), paid_on=datetime.date(2023, 9, 25)
    )
    case = services.case_close(actor=officers.leader, case=Case.objects.get(pk=served.pk))
    assert case.status == Status.CLOSED
    assert case.documents.filter(kind="closing").exists()
    matter = Matter.objects.get(pk=case.matter_id)
    assert matter.status == MatterStatus.ANSWERED


def test_unpaid_fines_go_to_demand_then_court(served, officers, clock):
    """行政强制法 Arts. 53, 54: the demand once the payment date passed; the court only after
    the review and suit periods lapsed and ten working days after the demand was served, and
    within three months after those periods."""
    with pytest.raises(CaseRefused, match="尚未届满"):
        services.case_demand(actor=officers.a, case=served)
    clock.to(at(2023, 10, 13, 9))
    case = services.case_demand(actor=officers.a, case=served)
    demand = pdf_text(case.documents.get(kind="demand"))
    assert "加处罚款1350.00元" in demand  # three days late
    with pytest.raises(CaseRefused, match="送达催告书"):
        services.case_apply_court(actor=officers.leader, case=case)
    case = services.case_record_demand_service(
        actor=officers.a, case=case, served_on=datetime.date(2023, 10, 13)
    )
    clock.to(at(2023, 10, 30, 9))  # ten working days after the demand, but the party may sue
    with pytest.raises(CaseRefused, match=r"最早 2024-03-26.*第五十三条"):
        services.case_apply_court(actor=officers.leader, case=case)
    # Served 25 September 2023: six months to sue end on Monday 25 March 2024.
    clock.to(at(2024, 3, 26, 9))
    case = services.case_apply_court(actor=officers.leader, case=case)
    assert services.case_close(actor=officers.leader, case=case).status == Status.CLOSED


def test_the_court_is_not_asked_while_a_suit_is_pending_or_after_three_months(
    served, officers, clock
):
    clock.to(at(2023, 10, 20, 9))
    case = services.case_demand(
        actor=officers.a, case=served, served_on=datetime.date(2023, 10, 20)
    )
    services.case_record_challenge(
        actor=officers.a,
        case=case,
        kind="suit",
        filed_on=datetime.date(2023, 10, 20),
        body="太原市小店区人民法院",
    )
    clock.to(at(2024, 3, 26, 9))
    with pytest.raises(CaseRefused, match=r"尚未审结.*第五十三条"):
        services.case_apply_court(actor=officers.leader, case=case)
    clock.to(at(2024, 7, 1, 9))
    # The suit ended (decision upheld); the window closes three months after the periods end.
    services.case_end_challenge(
        actor=officers.a,
        challenge=case.challenges.get(),
        ended_on=datetime.date(2024, 3, 1),
        upheld=True,
        result="（2023）晋0105行初12号判决驳回诉讼请求",
    )
    # The periods ended on 25 March 2024; three months later is 25 June 2024.
    with pytest.raises(CaseRefused, match="2024-06-25 届满"):
        services.case_apply_court(actor=officers.leader, case=Case.objects.get(pk=case.pk))


def test_no_late_fee_runs_while_a_review_is_pending(served, officers, clock):
    """Art. 73: the days of a review or suit are not counted for the late fee."""
    clock.to(at(2023, 10, 20, 9))
    services.case_record_challenge(
        actor=officers.a,
        case=served,
        kind="review",
        filed_on=datetime.date(2023, 10, 5),
        body="太原市城市管理局",
    )
    case = Case.objects.get(pk=served.pk)
    assert late_fee(case, datetime.date(2023, 10, 20)) == 0  # due 10 October, review pending
    services.case_end_challenge(
        actor=officers.a,
        challenge=case.challenges.get(),
        ended_on=datetime.date(2023, 10, 18),
        upheld=True,
        result="并城复决字〔2023〕5号维持",
    )
    # Review from 5 to 18 October: only 19 and 20 October count — 2 days × 450 yuan.
    assert late_fee(Case.objects.get(pk=served.pk), datetime.date(2023, 10, 20)) == Decimal(900)


def test_a_served_document_is_never_edited_only_corrected(served, officers):
    decision = served.documents.get(kind="penalty_decision")
    with pytest.raises(CaseRefused, match="已送达"):
        services.document_revise(actor=officers.a, document=decision, content={"note": "改"})
    correction = services.document_correct(actor=officers.a, document=decision, content={})
    assert correction.corrects == decision and correction.number == "并城管罚字〔2023〕第0002号"
    assert "更正并城管罚字〔2023〕第0001号" in pdf_text(correction)


def test_numbers_are_never_skipped_even_when_a_step_fails(lead, officers, records, waste_rule):
    services.case_file(actor=officers.leader, case=lead, officers=[officers.a, officers.b])
    second = services.case_register_lead(
        actor=officers.a,
        source="patrol",
        facts="另一起违法运输",
        occurred_on=datetime.date(2023, 9, 20),
        enterprise=records.enterprise,
        provision=waste_rule,
    )
    with pytest.raises(CaseRefused):
        services.case_file(actor=officers.leader, case=second, officers=[officers.a])
    filed = services.case_file(
        actor=officers.leader, case=second, officers=[officers.a, officers.c]
    )
    assert filed.number == "并城管立字〔2023〕第0002号"
    numbers = list(CaseDocument.objects.filter(kind="filing").values_list("number", flat=True))
    assert sorted(numbers) == ["并城管立字〔2023〕第0001号", "并城管立字〔2023〕第0002号"]


def test_summary_procedure_limits(officers, records, waste_rule):
    on_the_spot = {"place": "坞城路与体育路口", "party_signature": "signed"}
    with pytest.raises(CaseRefused, match="3000"):
        services.case_summary(
            actor=officers.a,
            officers=[officers.b],
            provision=waste_rule,
            facts="当场发现",
            enterprise=records.enterprise,
            fine=Decimal(5000),
            **on_the_spot,
        )
    case = services.case_summary(
        actor=officers.a,
        officers=[officers.b],
        provision=waste_rule,
        facts="当场发现",
        enterprise=records.enterprise,
        warning=True,
        **on_the_spot,
    )
    assert case.summary_procedure and case.status == Status.DECIDED


def test_publication_within_seven_working_days_and_withdrawal(decided, officers, clock, catalogue):
    """Art. 48: published under the decision's own number; withdrawn only once the decision is
    changed or revoked, with reasons, within three working days of that."""
    assert decided.publish_due == datetime.date(2023, 10, 10)
    case = services.case_publish(actor=officers.a, case=decided)
    assert case.published_at and case.decision_number == "并城管罚字〔2023〕第0001号"
    with pytest.raises(CaseRefused, match="第四十八条第二款"):
        services.case_withdraw_publication(actor=officers.leader, case=case, reason="决定被撤销")
    clock.to(at(2023, 9, 26, 16))
    case = services.case_record_revocation(
        actor=officers.a,
        case=case,
        revoked_on=datetime.date(2023, 9, 26),
        revocation="太原市城市管理局并城复决字〔2023〕5号撤销原处罚决定",
    )
    # 27, 28 September, then the holiday until the make-up working day, Saturday 7 October.
    assert case.withdraw_due == datetime.date(2023, 10, 7)
    with pytest.raises(services.PermissionRefused):
        services.case_withdraw_publication(actor=officers.a, case=case, reason="决定被撤销")
    clock.to(at(2023, 10, 9, 9))
    with pytest.raises(CaseRefused, match="2023-10-07 前撤回"):
        services.case_withdraw_publication(actor=officers.leader, case=case, reason="决定被撤销")
    case = services.case_withdraw_publication(
        actor=officers.leader,
        case=case,
        reason="复议决定撤销原处罚",
        late_reason="国庆假期值班人员未及时处理",
    )
    assert case.withdrawn_at and case.withdrawal_reason == "复议决定撤销原处罚"
    # Revoked, nothing is left to serve or collect: the case closes.
    assert services.case_close(actor=officers.leader, case=case).status == Status.CLOSED
    assert Matter.objects.filter(title__contains="迟延撤回公示").count() == 1
