import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from longcheng.enforcement import services
from longcheng.enforcement.models import Case, Finding
from longcheng.loop.models import Matter


@pytest.fixture
def patrol(officers, records):
    return services.patrol_record(
        actor=officers.a,
        shift="night",
        started_at=datetime.datetime(2023, 9, 24, 21, tzinfo=datetime.UTC),
        ended_at=None,
        officers=[officers.b],
        sites=[records.site1],
    )


def test_a_patrol_needs_two_credentialed_officers(officers, users):
    with pytest.raises(services.CaseRefused, match="两名以上"):
        services.patrol_record(
            actor=officers.a,
            shift="day",
            started_at=datetime.datetime(2023, 9, 25, 9, tzinfo=datetime.UTC),
            ended_at=None,
            officers=[],
        )
    with pytest.raises(services.CaseRefused, match="执法证件"):
        services.patrol_record(
            actor=officers.a,
            shift="day",
            started_at=datetime.datetime(2023, 9, 25, 9, tzinfo=datetime.UTC),
            ended_at=None,
            officers=[users.dispatcher],
        )


def test_a_finding_becomes_an_order_with_a_deadline_on_the_loop(patrol, officers, records, body):
    finding = services.finding_record(
        actor=officers.a,
        patrol=patrol,
        site=records.site1,
        enterprise=records.enterprise,
        description="裸土未覆盖，出口无冲洗设施",
        outcome="stop_work",
        deadline=datetime.date(2023, 9, 28),
    )
    matter = Matter.objects.get(pk=finding.matter_id)
    assert matter.channel == "enforcement" and matter.handle_deadline.date() == datetime.date(
        2023, 9, 28
    )
    document = finding.documents.get()
    assert document.kind == "stop_work" and document.number == "并城管停字〔2023〕第0001号"


def test_a_finding_becomes_a_case_lead(patrol, officers, records, waste_rule):
    finding = services.finding_record(
        actor=officers.a,
        patrol=patrol,
        site=records.site1,
        enterprise=records.enterprise,
        description="无核准运输建筑垃圾",
        outcome=Finding.Outcome.CASE,
        provision=waste_rule,
    )
    case = finding.cases.get()
    assert case.status == "lead" and case.party_name == records.enterprise.name


def test_an_order_without_deadline_is_refused(patrol, officers, records):
    with pytest.raises(services.CaseRefused, match="整改期限"):
        services.finding_record(
            actor=officers.a,
            patrol=patrol,
            site=records.site1,
            description="裸土未覆盖问题",
            outcome="order",
        )


def test_the_case_page_walks_the_procedure(login, lead, officers, body):
    client = login(officers.leader)
    page = client.get(lead.get_absolute_url())
    assert page.status_code == 200 and "批准立案" in page.content.decode()
    client.post(
        reverse("enforcement:case_step", args=[lead.pk, "file"]),
        {"officers": [officers.a.pk, officers.b.pk], "provision": lead.provision_id},
    )
    lead.refresh_from_db()
    assert lead.status == "filed" and lead.number.startswith("并城管立字")
    client = login(officers.a)
    client.post(
        reverse("enforcement:case_step", args=[lead.pk, "evidence"]),
        {
            "kind": "inspection_record",
            "description": "现场检查笔录内容",
            "officers": [officers.b.pk],
            "credentials_shown": "1",
        },
    )
    refused = client.post(
        reverse("enforcement:case_step", args=[lead.pk, "notify"]),
        {"circumstance": "ordinary", "fine": "90000"},
        follow=True,
    )
    assert "超出" in refused.content.decode()
    client.post(
        reverse("enforcement:case_step", args=[lead.pk, "notify"]),
        {"circumstance": "ordinary", "fine": "15000"},
    )
    lead.refresh_from_db()
    assert lead.status == "notified" and lead.fine == Decimal(15000)
    early = client.post(
        reverse("enforcement:case_step", args=[lead.pk, "decide"]),
        {"outcome": "penalty"},
        follow=True,
    )
    assert "负责人批准" in early.content.decode()


def test_another_unit_gets_a_404(login, filed, users):
    client = login(users.committee_clerk)
    assert client.get(filed.get_absolute_url()).status_code == 404
    document = filed.documents.first()
    assert client.get(reverse("enforcement:document", args=[document.pk])).status_code == 404


def test_public_decisions_name_enterprises_never_people(client, decided_case, officers, records):
    services.case_publish(actor=officers.a, case=decided_case)
    page = client.get(reverse("enforcement:public_decisions")).content.decode()
    assert records.enterprise.name in page and records.enterprise.credit_code in page
    person_case = Case.objects.get(pk=decided_case.pk)
    person_case.party_kind, person_case.party_name = "person", "贺文静"
    person_case.save()
    page = client.get(reverse("enforcement:public_decisions")).content.decode()
    assert "贺文静" not in page and "依法不公开姓名" in page


def test_statistics_add_up(login, decided_case, officers):
    response = login(officers.leader).get(reverse("enforcement:statistics"))
    stats = response.context["stats"]
    assert stats["total"] == 1 and stats["fines_imposed"] == Decimal(15000)
    # A case has two officers: it still counts once in every breakdown.
    assert [r["n"] for r in stats["by_violation"]] == [1]
    assert sum(r["n"] for r in stats["by_division"]) == 1
    officer_view = login(officers.a).get(reverse("enforcement:statistics")).context["stats"]
    assert officer_view["fines_imposed"] == Decimal(15000)
    assert stats["decided_on_time"] == (1, 1)


def test_a_serious_inspection_finding_becomes_a_case_lead(officers, records, body):
    from longcheng.inspections import hooks

    evidence = hooks.TransferEvidence(
        rectification=None,
        party=records.site1,
        finding="夜间使用未核准车辆运输建筑垃圾",
        legal_basis="",
        reason="严重问题移送",
    )
    reference = hooks.transfer_to_enforcement(actor=officers.leader, evidence=evidence)
    case = Case.objects.get()
    assert reference.endswith(str(case.pk))
    assert case.source == "inspection" and case.site == records.site1
    with pytest.raises(services.CaseRefused, match="确定当事人"):
        services.case_file(
            actor=officers.leader, case=case, officers=[officers.a, officers.b], provision=None
        )


def test_the_summary_procedure_page_refuses_a_fine_over_the_limit(
    login, officers, records, waste_rule
):
    client = login(officers.a)
    data = {
        "enterprise": records.enterprise.pk,
        "provision": waste_rule.pk,
        "facts": "当场发现遗撒",
        "fine": "5000",
        "partner": officers.b.pk,
        "place": "坞城路与体育路口",
        "party_signature": "signed",
    }
    page = client.post(reverse("enforcement:summary_create"), data).content.decode()
    assert "3000" in page and not Case.objects.exists()
    client.post(reverse("enforcement:summary_create"), {**data, "fine": "", "warning": "on"})
    case = Case.objects.get()
    assert case.summary_procedure and case.warning and case.number.startswith("并城管罚字")
