"""The procedure as a table: every step allowed only after its prerequisites, every shortcut
refused with a message and nothing changed."""

import datetime
from decimal import Decimal

import pytest

from longcheng.enforcement import services
from longcheng.enforcement.models import Case, CaseDocument
from longcheng.enforcement.rules import decision_prerequisites
from longcheng.enforcement.services import CaseRefused
from longcheng.enforcement.workflow import STEPS, Status, Step
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Status as MatterStatus
from tests.fixtures.loop import at

from .conftest import heard


def test_filing_names_the_case_and_starts_the_90_day_clock(filed):
    assert filed.status == Status.FILED
    assert filed.number == "并城管立字〔2023〕第0001号"
    assert filed.decision_deadline == datetime.date(2023, 12, 24)  # 90 calendar days
    matter = Matter.objects.get(pk=filed.matter_id)
    assert matter.channel == "enforcement" and matter.status == MatterStatus.SIGNED
    assert matter.handle_deadline.date() == datetime.date(2023, 12, 24)
    assert filed.case_officers.count() == 2


def test_only_a_leader_files(lead, officers):
    with pytest.raises(services.PermissionRefused, match="负责人批准"):
        services.case_file(actor=officers.a, case=lead, officers=[officers.a, officers.b])


def test_one_officer_cannot_file(lead, officers):
    with pytest.raises(CaseRefused, match="不得少于两人"):
        services.case_file(actor=officers.leader, case=lead, officers=[officers.a])
    lead.refresh_from_db()
    assert lead.status == Status.LEAD and not lead.number


def test_the_limitation_period_is_checked_at_filing(officers, records, waste_rule, clock):
    old = services.case_register_lead(
        actor=officers.a,
        source="complaint",
        facts="两年多以前的违法运输",
        occurred_on=datetime.date(2021, 9, 1),
        enterprise=records.enterprise,
        provision=waste_rule,
    )
    with pytest.raises(CaseRefused, match="第三十六条"):
        services.case_file(actor=officers.leader, case=old, officers=[officers.a, officers.b])
    old.life_or_finance = True  # five years for life, health and financial safety
    old.save()
    assert services.case_file(actor=officers.leader, case=old, officers=[officers.a, officers.b])


@pytest.mark.parametrize(
    ("occurred", "ended", "allowed"),
    [
        # Began five years ago, ended three years ago: two years have passed since the end.
        (datetime.date(2018, 9, 1), datetime.date(2020, 9, 1), False),
        # Began three years ago, ended a year ago: the period counts from the end.
        (datetime.date(2020, 9, 1), datetime.date(2022, 9, 1), True),
        # Began five years ago and is still going on: the period has not begun.
        (datetime.date(2018, 9, 1), None, True),
    ],
    ids=["ended-long-ago", "ended-recently", "still-going-on"],
)
def test_a_continuing_act_counts_from_its_end_and_never_switches_the_check_off(
    officers, records, waste_rule, occurred, ended, allowed
):
    lead = services.case_register_lead(
        actor=officers.a,
        source="complaint",
        facts="连续多年违规倾倒建筑垃圾",
        occurred_on=occurred,
        continuing=True,
        act_ended_on=ended,
        enterprise=records.enterprise,
        provision=waste_rule,
    )
    file = lambda: services.case_file(  # noqa: E731
        actor=officers.leader, case=lead, officers=[officers.a, officers.b]
    )
    if allowed:
        assert file().status == Status.FILED
    else:
        with pytest.raises(CaseRefused, match=r"终了于 2020-09-01.*第三十六条"):
            file()


def test_an_end_day_belongs_to_a_continuing_act_and_lies_between_start_and_today(officers, records):
    common = {
        "actor": officers.a,
        "source": "complaint",
        "facts": "违规倾倒",
        "enterprise": records.enterprise,
    }
    with pytest.raises(CaseRefused, match="第三十六条"):
        services.case_register_lead(
            **common, occurred_on=datetime.date(2023, 1, 1), act_ended_on=datetime.date(2023, 2, 1)
        )
    with pytest.raises(CaseRefused, match="终了日须在发生日与今天之间"):
        services.case_register_lead(
            **common,
            occurred_on=datetime.date(2023, 3, 1),
            continuing=True,
            act_ended_on=datetime.date(2023, 2, 1),
        )


def test_an_officer_without_a_credential_cannot_investigate(lead, officers, users):
    with pytest.raises(CaseRefused, match="执法证件"):
        services.case_file(
            actor=officers.leader, case=lead, officers=[officers.a, users.dispatcher]
        )


def test_an_on_site_record_needs_the_credentials_shown_and_says_so(filed, officers):
    """Arts. 42 and 55: valid credentials, shown to the party; the record prints it only then."""
    common = {"actor": officers.a, "case": filed, "officers": [officers.b]}
    with pytest.raises(CaseRefused, match=r"出示执法证件.*第五十五条"):
        services.evidence_record(**common, kind="questioning", description="询问当事人驾驶员")
    services.evidence_record(**common, kind="video", description="执法记录仪全程录像")
    evidence = services.evidence_record(
        **common, kind="questioning", description="询问当事人驾驶员", credentials_shown=True
    )
    assert evidence.credentials_shown
    record = filed.documents.get(kind="questioning")
    assert record.content["credentials_shown"] is True


def test_an_expired_credential_stops_the_officer_at_every_step(filed, officers, clock):
    from longcheng.enforcement.models import Officer

    Officer.objects.filter(user=officers.b).update(valid_until=datetime.date(2023, 9, 30))
    clock.to(at(2023, 10, 9, 9))
    with pytest.raises(CaseRefused, match="没有有效的行政执法证件"):
        services.evidence_record(
            actor=officers.a,
            case=filed,
            officers=[officers.b],
            kind="inspection_record",
            description="复查现场：渣土车仍在运输",
            credentials_shown=True,
        )


def test_a_single_officer_cannot_record_evidence(filed, officers):
    with pytest.raises(CaseRefused, match="两名以上"):
        services.evidence_record(
            actor=officers.a,
            case=filed,
            kind="questioning",
            description="询问当事人",
            officers=[],
            credentials_shown=True,
        )
    with pytest.raises(CaseRefused, match="不是本案承办人员"):
        services.evidence_record(
            actor=officers.a,
            case=filed,
            kind="questioning",
            description="询问当事人",
            officers=[officers.c],
            credentials_shown=True,
        )
    assert not filed.evidence.exists()


def test_preservation_needs_approval_and_a_decision_in_seven_working_days(filed, officers, clock):
    with pytest.raises(CaseRefused, match="负责人批准"):
        services.evidence_record(
            actor=officers.a,
            case=filed,
            kind="preservation",
            description="登记保存渣土车一辆",
            officers=[officers.b],
            credentials_shown=True,
        )
    evidence = services.evidence_record(
        actor=officers.a,
        case=filed,
        kind="preservation",
        description="登记保存渣土车一辆",
        officers=[officers.b],
        approved_by=officers.leader,
        credentials_shown=True,
    )
    # 7 working days from Monday 25 September 2023: 26–28 September, the holiday skipped, the
    # make-up days 7 and 8 October, then 9 and 10 October (Art. 85: these are working days).
    assert evidence.decide_by == datetime.date(2023, 10, 10)
    with pytest.raises(CaseRefused, match="尚未作出处理决定"):
        services.case_notify(
            actor=officers.a, case=filed, circumstance="ordinary", fine=Decimal(15000)
        )
    services.preservation_decide(
        actor=officers.a, evidence=evidence, decision="解除登记保存，返还车辆"
    )
    services.case_notify(actor=officers.a, case=filed, circumstance="ordinary", fine=Decimal(15000))


def test_after_seven_working_days_a_preservation_can_only_be_released(filed, officers, clock):
    """Art. 56: no decision within the seven working days, the goods are returned."""
    evidence = services.evidence_record(
        actor=officers.a,
        case=filed,
        kind="preservation",
        description="登记保存渣土车一辆",
        officers=[officers.b],
        approved_by=officers.leader,
        credentials_shown=True,
    )
    clock.to(at(2023, 10, 11, 9))  # the decision was due by 10 October
    with pytest.raises(CaseRefused, match=r"2023-10-10 前作出.*第五十六条.*返还"):
        services.preservation_decide(actor=officers.a, evidence=evidence, decision="没收")
    evidence.refresh_from_db()
    assert evidence.decided_at is None
    services.preservation_release(
        actor=officers.a, evidence=evidence, note="渣土车已于10月11日返还当事人，签收人王某"
    )
    evidence.refresh_from_db()
    assert evidence.released and "返还" in evidence.decision
    filed.refresh_from_db()
    assert filed.events.filter(step="preservation_released").exists()
    # The case goes on: nothing is left pending.
    services.case_notify(actor=officers.a, case=filed, circumstance="ordinary", fine=Decimal(15000))


@pytest.mark.parametrize(
    ("fine", "circumstance", "reason", "message"),
    [
        (Decimal(60000), "ordinary", "", "超出"),
        (Decimal(3000), "slight", "", "低于"),
        (Decimal(30000), "ordinary", "", "裁量基准"),
        (Decimal(30000), "ordinary", "短", "裁量基准"),
    ],
)
def test_fines_outside_the_law_or_the_benchmark(
    investigated, officers, fine, circumstance, reason, message
):
    with pytest.raises(CaseRefused, match=message):
        services.case_notify(
            actor=officers.a,
            case=investigated,
            circumstance=circumstance,
            fine=fine,
            discretion_reason=reason,
        )
    investigated.refresh_from_db()
    assert investigated.status == Status.FILED and investigated.fine is None


def test_outside_the_benchmark_with_reasons_is_allowed_and_kept(investigated, officers):
    case = services.case_notify(
        actor=officers.a,
        case=investigated,
        circumstance="ordinary",
        fine=Decimal(30000),
        discretion_reason="两个月内第三次被发现，且拒不停止运输，社会影响较大",
    )
    assert case.discretion_reason.startswith("两个月内")


def test_no_notice_without_evidence(filed, officers):
    with pytest.raises(CaseRefused, match="尚无证据"):
        services.case_notify(
            actor=officers.a, case=filed, circumstance="ordinary", fine=Decimal(15000)
        )


def test_no_decision_before_notice(investigated, officers):
    with pytest.raises(CaseRefused, match="未告知"):
        services.case_decide(actor=officers.leader, case=investigated, outcome="penalty")
    assert not CaseDocument.objects.filter(kind="penalty_decision").exists()


def test_no_decision_before_the_statement_or_its_period(notified, officers, clock):
    with pytest.raises(CaseRefused, match="陈述申辩"):
        services.case_decide(actor=officers.leader, case=notified, outcome="penalty")
    # The party's silence: five working days after Monday 25 September end on Sunday 8 October,
    # a make-up working day after the National Day holiday.
    assert notified.statement_due == datetime.date(2023, 10, 8)
    clock.to(at(2023, 10, 10, 9))
    assert (
        services.case_decide(actor=officers.leader, case=notified, outcome="penalty").status
        == Status.DECIDED
    )


def test_decision_after_the_statement(notified, officers):
    heard(notified, officers.a, "对事实无异议，请求从轻")
    case = services.case_decide(actor=officers.leader, case=notified, outcome="penalty")
    decision = case.documents.get(kind="penalty_decision")
    assert decision.number == "并城管罚字〔2023〕第0001号"


def test_hearing_only_when_eligible_and_in_time(notified, officers, clock):
    with pytest.raises(CaseRefused, match="未达到听证条件"):
        services.case_request_hearing(actor=officers.a, case=notified)
    notified.fine = Decimal(50000)
    notified.stop_work = True
    notified.save()
    clock.to(at(2023, 9, 27, 9))
    # Received on Tuesday 26 September: 27, 28 September, the make-up days 7 and 8 October,
    # then 9 October — the fifth working day.
    notified = services.case_record_notice_receipt(
        actor=officers.a, case=notified, received_on=datetime.date(2023, 9, 26)
    )
    assert notified.statement_due == datetime.date(2023, 10, 9)
    clock.to(at(2023, 10, 10, 9))
    with pytest.raises(CaseRefused, match="五个工作日内"):
        services.case_request_hearing(actor=officers.a, case=notified)


def test_a_heard_case_waits_for_the_five_days_from_receipt_unless_waived_in_writing(
    notified, officers, clock
):
    """Arts. 63–64: a statement of defence is not a waiver of the hearing."""
    notified.stop_work = True  # stopping work reaches the hearing thresholds
    notified.save()
    heard(notified, officers.a, "对事实无异议")
    notified.refresh_from_db()
    with pytest.raises(CaseRefused, match="收到告知书的日期"):
        services.case_decide(actor=officers.leader, case=notified, outcome="penalty")
    with pytest.raises(CaseRefused, match="告知日 2023-09-25 与今天之间"):
        services.case_record_notice_receipt(
            actor=officers.a, case=notified, received_on=datetime.date(2023, 9, 24)
        )
    notified = services.case_record_notice_receipt(
        actor=officers.a, case=notified, received_on=datetime.date(2023, 9, 25)
    )
    with pytest.raises(CaseRefused, match=r"2023-10-08 前.*陈述申辩不等于放弃听证"):
        services.case_decide(actor=officers.leader, case=notified, outcome="penalty")
    notified = services.case_record_hearing_waiver(
        actor=officers.a, case=notified, record="放弃听证声明书，当事人法定代表人签名，2023-09-25"
    )
    with pytest.raises(CaseRefused, match="书面放弃听证"):
        services.case_request_hearing(actor=officers.a, case=notified)
    # Stopping work is a major case: reviewed and discussed first (Arts. 57, 58).
    notified.refresh_from_db()
    assert not any("听证" in p for p in decision_prerequisites(notified, "penalty"))


def test_the_hearing_is_chaired_by_a_non_investigator_and_reviewed(notified, officers, clock):
    notified.stop_work = True
    notified.save()
    case = services.case_request_hearing(actor=officers.a, case=notified)
    assert case.status == Status.HEARING
    with pytest.raises(CaseRefused, match="调查人员"):
        services.case_schedule_hearing(
            actor=officers.leader, case=case, chair=officers.a, hearing_at=at(2023, 10, 20, 9)
        )
    with pytest.raises(CaseRefused, match="七个工作日"):
        services.case_schedule_hearing(
            actor=officers.leader, case=case, chair=officers.c, hearing_at=at(2023, 9, 27, 9)
        )
    case = services.case_schedule_hearing(
        actor=officers.leader, case=case, chair=officers.c, hearing_at=at(2023, 10, 20, 9)
    )
    with pytest.raises(CaseRefused, match="听证后"):
        services.case_decide(actor=officers.leader, case=case, outcome="penalty")
    clock.to(at(2023, 10, 20, 11))
    case = services.case_hold_hearing(
        actor=officers.c, case=case, record="当事人对事实无异议，请求减轻处罚", signature="signed"
    )
    # A heard case needs the legal review before the decision (Art. 58).
    with pytest.raises(CaseRefused, match="法制审核"):
        services.case_decide(actor=officers.leader, case=case, outcome="penalty")
    case = services.case_submit_review(actor=officers.a, case=case)
    with pytest.raises(CaseRefused, match="具备资格"):
        services.case_review(actor=officers.c, case=case, passed=True, opinion="同意")
    case = services.case_review(
        actor=officers.reviewer, case=case, passed=True, opinion="事实清楚，证据确凿，同意"
    )
    case = services.case_decide(actor=officers.leader, case=case, outcome="penalty")
    assert case.status == Status.DECIDED


def test_new_evidence_after_the_review_voids_it(investigated, officers):
    """Art. 58: the review judges the facts as finally found."""
    case = services.case_notify(
        actor=officers.a,
        case=investigated,
        circumstance="ordinary",
        fine=Decimal(15000),
        major=True,
    )
    services.case_record_statement(actor=officers.a, case=case, waived=True)
    case = services.case_submit_review(actor=officers.a, case=case)
    case = services.case_review(actor=officers.reviewer, case=case, passed=True, opinion="同意处罚")
    services.evidence_record(
        actor=officers.a,
        case=case,
        kind="questioning",
        description="补充询问当事人驾驶员",
        officers=[officers.b],
        credentials_shown=True,
    )
    case.refresh_from_db()
    assert case.reviewed_at is None and case.events.filter(step="review_voided").exists()
    services.case_discuss(
        actor=officers.leader, case=case, minutes="队务会：郭、杨、孟参加，同意罚款一万五千元"
    )
    case.refresh_from_db()
    with pytest.raises(CaseRefused, match="法制审核"):
        services.case_decide(actor=officers.leader, case=case, outcome="penalty")


def test_the_legal_reviewer_finds_and_opens_a_brigade_case_sent_to_review(
    investigated, officers, login
):
    from django.urls import reverse

    case = services.case_notify(
        actor=officers.a,
        case=investigated,
        circumstance="ordinary",
        fine=Decimal(15000),
        major=True,
    )
    services.case_record_statement(actor=officers.a, case=case, waived=True)
    client = login(officers.reviewer)
    assert client.get(case.get_absolute_url()).status_code == 404  # not before it is sent
    services.case_submit_review(actor=officers.a, case=case)
    home = client.get(reverse("web:home")).content.decode()
    assert "待法制审核" in home
    queue = client.get(reverse("enforcement:cases"), {"status": "reviewing"}).content.decode()
    assert case.number in queue
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200


def test_major_cases_are_discussed_collectively(investigated, officers):
    case = services.case_notify(
        actor=officers.a,
        case=investigated,
        circumstance="ordinary",
        fine=Decimal(15000),
        major=True,
    )
    services.case_record_statement(actor=officers.a, case=case, waived=True)
    case = services.case_submit_review(actor=officers.a, case=case)
    case = services.case_review(actor=officers.reviewer, case=case, passed=True, opinion="同意处罚")
    with pytest.raises(CaseRefused, match="集体讨论"):
        services.case_decide(actor=officers.leader, case=case, outcome="penalty")
    case = services.case_discuss(
        actor=officers.leader, case=case, minutes="队务会：郭、杨、孟参加，同意罚款一万五千元"
    )
    assert (
        services.case_decide(actor=officers.leader, case=case, outcome="penalty").status
        == Status.DECIDED
    )


def test_no_penalty_decisions_need_no_notice(investigated, officers):
    case = services.case_decide(actor=officers.leader, case=investigated, outcome="not_proven")
    assert case.documents.filter(kind="no_penalty").exists()


# Every step a new lead cannot take (filing and declining are the two it can).
NOT_FROM_LEAD = [step for step in Step if Status.LEAD not in STEPS[step][0]]


@pytest.mark.parametrize("step", NOT_FROM_LEAD)
def test_every_step_is_refused_from_a_state_it_does_not_start_from(step, lead, officers):
    calls = {
        Step.NOTIFY: lambda: services.case_notify(
            actor=officers.a, case=lead, circumstance="ordinary", fine=Decimal(15000)
        ),
        Step.STATEMENT: lambda: services.case_record_statement(
            actor=officers.a, case=lead, statement="无异议"
        ),
        Step.REQUEST_HEARING: lambda: services.case_request_hearing(actor=officers.a, case=lead),
        Step.HOLD_HEARING: lambda: services.case_hold_hearing(
            actor=officers.a, case=lead, record="听证笔录内容要点", signature="signed"
        ),
        Step.SUBMIT_REVIEW: lambda: services.case_submit_review(actor=officers.a, case=lead),
        Step.REVIEW: lambda: services.case_review(
            actor=officers.reviewer, case=lead, passed=True, opinion="同意"
        ),
        Step.DISCUSS: lambda: services.case_discuss(
            actor=officers.leader, case=lead, minutes="集体讨论记录内容"
        ),
        Step.DECIDE: lambda: services.case_decide(
            actor=officers.leader, case=lead, outcome="not_proven"
        ),
        Step.SERVE: lambda: services.case_serve(actor=officers.a, case=lead, method="直接送达"),
        Step.DEMAND: lambda: services.case_demand(actor=officers.a, case=lead),
        Step.APPLY_COURT: lambda: services.case_apply_court(actor=officers.leader, case=lead),
        Step.CLOSE: lambda: services.case_close(actor=officers.leader, case=lead),
    }
    with pytest.raises((CaseRefused, services.PermissionRefused)):
        calls[step]()
    lead.refresh_from_db()
    assert lead.status == Status.LEAD


def test_another_unit_cannot_touch_the_case(filed, users):
    with pytest.raises(services.PermissionRefused):
        services.case_decide(actor=users.committee_clerk, case=filed, outcome="not_proven")
    assert Case.objects.get(pk=filed.pk).status == Status.FILED


def test_the_decision_period_is_extended_only_by_a_leader_with_reasons(filed, officers):
    until = datetime.date(2024, 1, 23)
    with pytest.raises(services.PermissionRefused):
        services.case_extend_deadline(
            actor=officers.a, case=filed, until=until, reason="案情复杂需补充鉴定"
        )
    with pytest.raises(CaseRefused, match="理由"):
        services.case_extend_deadline(actor=officers.leader, case=filed, until=until, reason="")
    case = services.case_extend_deadline(
        actor=officers.leader, case=filed, until=until, reason="案情复杂需补充鉴定"
    )
    assert case.decision_deadline == until
    matter = Matter.objects.get(pk=case.matter_id)
    assert matter.handle_deadline.date() == until
    assert case.events.filter(step="extension").exists()
