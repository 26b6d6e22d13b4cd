import datetime
from decimal import Decimal

from django.urls import reverse

from longcheng.funds import services
from longcheng.funds.models import Deal


def test_only_the_management_unit_sees_its_funds(login, fund, partners, users):
    assert login(users.clerk1).get(fund.get_absolute_url()).status_code == 200
    assert login(users.committee_clerk).get(fund.get_absolute_url()).status_code == 404
    assert login(users.sysadmin).get(reverse("funds:forest")).status_code == 403


def test_the_fund_page_records_flows_and_refuses_bad_ones(login, fund, partners, users):
    client = login(users.clerk1)
    page = client.post(
        fund.get_absolute_url(),
        {
            "action": "flow",
            "kind": "distribution",
            "on": "2021-07-01",
            "amount": "10",
            "partner": partners[2].pk,
        },
        follow=True,
    ).content.decode()
    assert "尚无任何出资" in page
    client.post(
        fund.get_absolute_url(),
        {
            "action": "flow",
            "kind": "call",
            "on": "2021-07-01",
            "amount": "20000",
            "partner": partners[0].pk,
        },
    )
    assert fund.flows.count() == 1
    report = client.get(reverse("funds:fund_report", args=[fund.pk]))
    assert report["Content-Type"] == "application/pdf"


def test_a_fund_without_sign_change_shows_not_computable(login, fund, partners, users):
    services.flow_record(
        actor=users.clerk1,
        fund=fund,
        kind="call",
        on=datetime.date(2021, 7, 1),
        amount=Decimal(20000),
        partner=partners[0],
    )
    page = login(users.clerk1).get(fund.get_absolute_url()).content.decode()
    assert "不可计算" in page and "没有正负变化" in page


def test_a_deal_is_registered_with_a_checked_credit_code(login, fund, users):
    client = login(users.clerk1)
    data = {
        "fund": fund.pk,
        "company": "太原某芯片",
        "credit_code": "91140100MA0K2XQ301",
        "industry": "C39",
        "division": "140105",
        "amount": "5000",
    }
    page = client.post(reverse("funds:deals"), data, follow=True).content.decode()
    assert not Deal.objects.exists() and "校验位不符" in page
    from stdnum.cn import uscc

    body = "91140100MA0K2XQ30"
    data["credit_code"] = body + uscc.calc_check_digit(body)
    client.post(reverse("funds:deals"), data)
    assert Deal.objects.get().stage == "lead"
