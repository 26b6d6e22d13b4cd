"""Industries and divisions are chosen from the code lists and shown by name; the code is what
is stored, and an unknown code is shown as itself, marked, never a failure."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from longcheng.funds.codelists import (
    division_choices,
    division_label,
    industry_choices,
    industry_label,
)
from longcheng.funds.models import Deal, Investment


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("C", "制造业"),
        ("C38", "电气机械和器材制造业"),
        ("c3825", "电气机械和器材制造业"),
        ("K70", "房地产业"),
        ("K7010", "房地产业"),
        ("I65", "软件和信息技术服务业"),
        ("T97", "国际组织"),
    ],
)
def test_an_industry_code_has_its_name(code, name):
    label = industry_label(code)
    assert label.known and label.name == name and label.code == code.upper()


@pytest.mark.parametrize("code", ["", None, "Z99", "C99", "A38", "C3", "38", "C38251", "<b>"])
def test_an_unknown_industry_is_the_code_marked(code):
    label = industry_label(code)
    assert not label.known and str(label).endswith("（未知代码）")


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("140000", "山西省"),
        ("140100", "太原市"),
        ("140105", "太原市小店区"),
        ("140181", "太原市古交市"),
        ("140902", "忻州市忻府区"),
        ("141182", "吕梁市汾阳市"),
        ("110000", "北京市"),
        ("1401", "太原市"),  # a prefix, as a fund's “local” area is set
        ("14", "山西省"),
    ],
)
def test_a_division_code_has_its_name(code, name):
    assert division_label(code).name == name


@pytest.mark.parametrize("code", ["", None, "140199", "999999", "1499", "130102", "14010"])
def test_an_unknown_division_is_the_code_marked(code):
    assert not division_label(code).known


def test_the_lists_cover_every_major_group_and_taiyuans_ten_counties():
    industries = [code for _g, options in industry_choices() for code, _l in options]
    assert len([c for c in industries if len(c) == 3]) == 97
    assert len([c for c in industries if len(c) == 1]) == 20
    taiyuan = dict(division_choices())["太原市"]
    assert len(taiyuan) == 11  # the city and its ten districts, counties and county-level city
    assert sum(len(options) - 1 for _city, options in division_choices()) == 117


def test_the_filters_show_a_name_or_mark_an_unknown_code():
    html = Template("{% load funds_codes %}{{ a|industry }} | {{ b|division }} | {{ c|industry }}")
    out = html.render(Context({"a": "C38", "b": "140902", "c": "<x>"}))
    assert "电气机械和器材制造业" in out and "忻州市忻府区" in out
    assert "&lt;X&gt;" in out and "code-unknown" in out


def test_pages_show_names_not_codes(login, fund, users):
    deal = Deal.objects.create(
        fund=fund,
        company="太原某储能",
        credit_code="91140100MA0K2XQ30X",
        industry="C3841",
        division="140105",
        amount=Decimal(100),
        owner=users.clerk1,
    )
    Investment.objects.create(
        fund=fund,
        company="某软件",
        industry="X99",
        division="140902",
        amount=Decimal(10),
        on=datetime.date(2023, 1, 1),
    )
    client = login(users.clerk1)
    page = client.get(deal.get_absolute_url()).content.decode()
    assert "电气机械和器材制造业" in page and "太原市小店区" in page
    page = client.get(fund.get_absolute_url()).content.decode()
    assert "忻州市忻府区" in page and "code-unknown" in page  # X99 marked, the page still shows
    scope = page.split('data-testid="fund-scope"')[1].split("</p>")[0]
    assert "计算机、通信和其他电子设备制造业" in scope and "太原市" in scope
    forest = client.get(reverse("funds:forest")).content.decode()
    assert "忻州市忻府区" in forest


def test_a_deal_is_registered_from_the_lists_and_an_unknown_code_is_refused(login, fund, users):
    from stdnum.cn import uscc

    body = "91140100MA0K2XQ30"
    data = {
        "fund": fund.pk,
        "company": "太原某芯片",
        "credit_code": body + uscc.calc_check_digit(body),
        "industry": "C99",
        "division": "140105",
        "amount": "5000",
    }
    client = login(users.clerk1)
    page = client.post(reverse("funds:deals"), data, follow=True).content.decode()
    assert "行业" in page and not Deal.objects.exists()
    page = client.get(reverse("funds:deals")).content.decode()
    assert 'data-searchable="搜索行业名称或代码"' in page and "小店区" in page
    data["industry"] = "C39"
    client.post(reverse("funds:deals"), data)
    assert Deal.objects.get().industry == "C39"
