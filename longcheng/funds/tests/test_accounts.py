"""LP capital accounts, NAV/TVPI history, pro-rata capital call notices, cash-flow
corrections with reasons, and the forest's leverage basis."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from longcheng.funds import metrics, rules, services
from longcheng.funds.models import CashFlowCorrection, Fund
from longcheng.funds.selectors import (
    call_notices,
    capital_accounts,
    forest,
    fund_figures,
    nav_history,
)
from longcheng.funds.services import FundRefused

D = Decimal


@pytest.fixture
def books(fund, partners, users):
    guidance, province, social = partners
    for partner, amount in ((guidance, 4000), (province, 2000), (social, 14000)):
        services.flow_record(
            actor=users.clerk1,
            fund=fund,
            kind="call",
            on=datetime.date(2021, 7, 1),
            amount=D(amount),
            partner=partner,
        )
    services.nav_record(
        actor=users.clerk1, fund=fund, quarter_end=datetime.date(2021, 12, 31), nav=D(19000)
    )
    services.flow_record(
        actor=users.clerk1,
        fund=fund,
        kind="distribution",
        on=datetime.date(2022, 10, 1),
        amount=D(1000),
        partner=social,
    )
    services.nav_record(
        actor=users.clerk1, fund=fund, quarter_end=datetime.date(2022, 12, 31), nav=D(30000)
    )
    return fund


def test_each_partner_has_a_capital_account_that_adds_up(books, partners):
    rows, total = capital_accounts(books)
    by_name = {r.partner.name: r for r in rows}
    social = by_name["某上市公司"]
    assert (social.committed, social.called, social.unfunded, social.distributed) == (
        D(70000),
        D(14000),
        D(56000),
        D(1000),
    )
    # NAV 30,000 shared by paid-in money: 14,000 of 20,000 is 70 %.
    assert social.nav_share == D("21000.00")
    assert by_name["太原市政府引导基金"].nav_share == D("6000.00")
    assert (total.committed, total.called, total.unfunded) == (D(100000), D(20000), D(80000))
    assert total.nav_share == D(30000)


def test_the_fund_page_shows_and_exports_the_capital_accounts(login, books, users):
    client = login(users.clerk1)
    page = client.get(books.get_absolute_url()).content.decode()
    assert 'data-testid="capital-accounts"' in page and "56000.00" in page.replace(",", "")
    response = client.get(books.get_absolute_url() + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "出资人")
    assert rows[header][4] == "认缴未缴（万元）"
    social = next(row for row in rows if row and row[0] == "某上市公司")
    assert D(str(social[4])) == D(56000) and D(str(social[6])) == D(21000)


def test_nav_and_tvpi_history_as_at_each_quarter_end(books):
    points = nav_history(books)
    assert [p.quarter_end for p in points] == [
        datetime.date(2021, 12, 31),
        datetime.date(2022, 12, 31),
    ]
    # 2021: (0 + 19,000) ÷ 20,000; 2022: (1,000 + 30,000) ÷ 20,000.
    assert [p.tvpi.value for p in points] == [D("0.95"), D("1.55")]


def test_the_fund_page_draws_the_history_chart_from_a_local_script(login, books, users):
    page = login(users.clerk1).get(books.get_absolute_url()).content.decode()
    assert 'id="history-data"' in page and "/static/funds/fund.js" in page
    assert "/static/vendor/echarts/echarts.min.js" in page
    assert '"tvpi": [0.95, 1.55]' in page


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        (D(100), [D(1), D(1), D(1)], [D("33.34"), D("33.33"), D("33.33")]),
        (D(10000), [D(20000), D(10000), D(70000)], [D(2000), D(1000), D(7000)]),
        (D("0.05"), [D(1), D(1)], [D("0.03"), D("0.02")]),
    ],
)
def test_pro_rata_shares_add_up_to_the_call(total, weights, shares):
    assert rules.pro_rata(total, weights) == shares and sum(shares) == total


def test_call_notices_split_the_call_by_commitment(books):
    notices = call_notices(books, D(10000), datetime.date(2023, 10, 31))
    assert [n.amount for n in notices] == [D(2000), D(1000), D(7000)]
    assert not any(n.problem for n in notices)
    too_much = call_notices(books, D(90000), datetime.date(2023, 10, 31))
    assert "超过其认缴未缴" in too_much[0].problem


def test_a_call_notice_is_a_pdf_per_partner(login, books, partners, users):
    client = login(users.clerk1)
    url = reverse("funds:call_notice", args=[books.pk])
    response = client.get(url, {"amount": "10000", "due": "2023-10-31", "partner": partners[2].pk})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 2000
    bad = client.get(url, {"amount": "-1", "due": "2023-10-31", "partner": partners[2].pk})
    assert bad.status_code == 302
    page = client.get(
        url, {"amount": "90000", "due": "2023-10-31", "partner": partners[2].pk}, follow=True
    ).content.decode()
    assert "超过其认缴未缴" in page
    assert login(users.clerk2).get(url, {"amount": "1"}).status_code in (302, 404)


def test_a_correction_keeps_who_when_before_after_and_why_and_the_figures_follow(
    books, partners, users
):
    flow = books.flows.get(kind="call", partner=partners[2])
    assert fund_figures(books).paid_in == D(20000)
    with pytest.raises(FundRefused, match="更正原因"):
        services.flow_correct(
            actor=users.clerk1,
            flow=flow,
            on=flow.on,
            amount=D(15000),
            partner=partners[2],
            reason="",
        )
    with pytest.raises(FundRefused, match="无需更正"):
        services.flow_correct(
            actor=users.clerk1,
            flow=flow,
            on=flow.on,
            amount=flow.amount,
            partner=partners[2],
            reason="核对银行回单",
        )
    with pytest.raises(FundRefused, match="超过其认缴"):
        services.flow_correct(
            actor=users.clerk1,
            flow=flow,
            on=flow.on,
            amount=D(80000),
            partner=partners[2],
            reason="核对银行回单",
        )
    with pytest.raises(services.PermissionRefused):
        services.flow_correct(
            actor=users.clerk2,
            flow=flow,
            on=flow.on,
            amount=D(15000),
            partner=partners[2],
            reason="核对银行回单",
        )
    correction = services.flow_correct(
        actor=users.clerk1,
        flow=flow,
        on=flow.on,
        amount=D(15000),
        partner=partners[2],
        reason="核对银行回单，原录入少记 1000 万元",
    )
    assert correction.corrected_by == users.clerk1 and correction.corrected_at
    assert correction.before["amount"] == "14000.00" and correction.after["amount"] == "15000.00"
    assert fund_figures(books).paid_in == D(21000)
    social = next(r for r in capital_accounts(books)[0] if r.partner == partners[2])
    assert social.called == D(15000)
    assert CashFlowCorrection.objects.count() == 1


def test_a_correction_through_the_page_is_shown_with_its_reason(login, books, partners, users):
    flow = books.flows.get(kind="call", partner=partners[2])
    client = login(users.clerk1)
    data = {
        "action": "correct",
        "flow": flow.pk,
        "on": "2021-07-01",
        "amount": "15000",
        "partner": partners[2].pk,
        "reason": "核对银行回单",
    }
    page = client.post(books.get_absolute_url(), data, follow=True).content.decode()
    assert "现金流已更正" in page and "已更正" in page and "原因：核对银行回单" in page
    data["reason"] = ""
    page = client.post(books.get_absolute_url(), data, follow=True).content.decode()
    assert "请写明更正原因" in page


def test_the_forest_leverage_says_its_basis(login, books, users):
    overview = forest(Fund.objects.all())
    assert overview.leverage.value == D("3.3333")  # (30,000 + 70,000) ÷ 30,000
    assert overview.leverage.basis == metrics.FOREST_LEVERAGE_BASIS
    page = login(users.clerk1).get(reverse("funds:forest")).content.decode()
    assert "口径：（政府 + 社会资本）认缴合计 ÷ 政府认缴" in page
