"""The funds pages' posts go through forms and action tables: a bad value is a message naming
the field (never a server error), and every write is an audited service."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook
from stdnum.cn import uscc

from longcheng.audit.models import AuditRecord
from longcheng.funds import services
from longcheng.funds.models import CashFlow, Deal, InvestmentMeeting, InvestmentVote, NavReport
from longcheng.funds.services import FundRefused
from tests.factories import DealFactory

D = Decimal


def _code(body="91140100MA0K2XQ30"):
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def deal(fund, users):
    return DealFactory(
        actor=users.clerk1, fund=fund, company="太原某半导体", credit_code=_code(), industry="c3973"
    )


@pytest.fixture
def meeting(deal, users, members):
    deal.stage = "committee"
    deal.save()
    return services.meeting_schedule(
        actor=users.clerk1, deal=deal, held_on=datetime.date(2023, 9, 25), members=members
    )


def page_after(client, url, data):
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


# — The fund page —


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"action": "flow", "kind": "call", "on": "2021-07-01", "amount": "abc"}, "金额"),
        ({"action": "flow", "kind": "call", "on": "2021-07-01", "amount": "1e400"}, "金额"),
        ({"action": "flow", "kind": "call", "on": "2021-13-45", "amount": "10"}, "日期"),
        ({"action": "flow", "kind": "gift", "on": "2021-07-01", "amount": "10"}, "类型"),
        (
            {"action": "flow", "kind": "call", "on": "2021-07-01", "amount": "1", "partner": "x"},
            "出资人",
        ),
        ({"action": "nav", "quarter_end": "2023-06-30", "nav": "十万"}, "净值"),
        ({"action": "nav", "quarter_end": "9999-06-30", "nav": "10"}, "季度末"),
        ({"action": "partner", "name": "某公司", "kind": "social", "commitment": ""}, "认缴"),
        ({"action": "partner", "name": "某" * 101, "kind": "social", "commitment": "1"}, "出资人"),
    ],
)
def test_a_bad_value_on_the_fund_page_is_a_message_naming_the_field(
    login, fund, partners, users, data, field
):
    page = page_after(login(users.clerk1), fund.get_absolute_url(), data)
    assert "填写有误" in page and f"{field}：" in page
    assert not CashFlow.objects.exists() and not NavReport.objects.exists()


def test_an_unknown_action_is_not_found(login, fund, users):
    client = login(users.clerk1)
    assert client.post(fund.get_absolute_url(), {"action": "drop"}).status_code == 404
    assert client.post(fund.get_absolute_url(), {}).status_code == 404


def test_the_fund_page_records_a_nav_and_a_partner(login, fund, users):
    client = login(users.clerk1)
    page = page_after(
        client,
        fund.get_absolute_url(),
        {"action": "nav", "quarter_end": "2023-06-30", "nav": "12,000.50"},
    )
    assert "季度净值已记录" in page and NavReport.objects.get().nav == D("12000.50")
    page_after(
        client,
        fund.get_absolute_url(),
        {"action": "partner", "name": "某上市公司", "kind": "social", "commitment": "100"},
    )
    assert fund.partners.get().commitment == D(100)


def test_another_unit_cannot_write_through_the_page(login, fund, users):
    # clerk2 cannot even see the fund: the page is a 404 before any form is read.
    response = login(users.clerk2).post(
        fund.get_absolute_url(), {"action": "nav", "quarter_end": "2023-06-30", "nav": "1"}
    )
    assert response.status_code == 404 and not NavReport.objects.exists()


def _sheet(rows):
    book = Workbook()
    book.active.append(services.FLOW_HEADERS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "flows.xlsx"
    return out


def test_the_import_checks_first_and_writes_on_commit(login, fund, partners, users):
    client = login(users.clerk1)
    page = page_after(client, fund.get_absolute_url(), {"action": "import", "commit": "1"})
    assert "请选择要导入的 xlsx 文件" in page
    rows = [["2021-07-01", "实缴", "某上市公司", 30000, "首期"]]
    page = page_after(
        client,
        fund.get_absolute_url(),
        {"action": "import", "commit": "0", "file": _sheet(rows)},
    )
    assert "检查通过：1 行可以导入" in page and not CashFlow.objects.exists()
    page = page_after(
        client,
        fund.get_absolute_url(),
        {"action": "import", "commit": "1", "file": _sheet(rows)},
    )
    assert "已导入 1 条现金流" in page and CashFlow.objects.count() == 1


# — The deal pipeline —


def _deal_data(fund, changes=None):
    data = {
        "fund": fund.pk,
        "company": "太原某芯片",
        "credit_code": _code(),
        "industry": "C39",
        "division": "140105",
        "amount": "5000",
    }
    data.update(changes or {})
    return data


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "五千"}, "拟投金额"),
        ({"amount": ""}, "拟投金额"),
        ({"company": ""}, "企业名称"),
        ({"division": "1401050"}, "区划"),
        ({"fund": "abc"}, "拟投基金"),
        ({"fund": str(2**70)}, "拟投基金"),
    ],
)
def test_a_bad_deal_is_a_message_naming_the_field(login, fund, users, changes, field):
    page = page_after(login(users.clerk1), reverse("funds:deals"), _deal_data(fund, changes))
    assert f"{field}：" in page and not Deal.objects.exists()


def test_a_deal_is_audited_and_refused_to_a_unit_that_does_not_manage_the_fund(login, fund, users):
    page = page_after(login(users.clerk1), reverse("funds:deals"), _deal_data(fund))
    deal = Deal.objects.get()
    assert "项目已登记为线索" in page and deal.owner == users.clerk1
    assert AuditRecord.objects.filter(
        action="create", object_type="funds.deal", object_id=str(deal.pk)
    ).exists()
    with pytest.raises(services.PermissionRefused, match="只有基金管理单位可以登记项目"):
        services.deal_create(
            actor=users.clerk2,
            fund=fund,
            company="某企业",
            credit_code=_code(),
            industry="C39",
            division="140105",
            amount=D(1),
        )
    with pytest.raises(FundRefused, match="大于零"):
        services.deal_create(
            actor=users.clerk1,
            fund=fund,
            company="某企业",
            credit_code=_code(),
            industry="C39",
            division="140105",
            amount=D(0),
        )


def test_a_bad_score_is_a_message_naming_the_field(login, deal, users):
    deal.stage = "due_diligence"
    deal.save()
    page = page_after(
        login(users.clerk1),
        deal.get_absolute_url(),
        {"action": "dd", "area": "legal", "findings": "股权清晰无诉讼", "score": "101"},
    )
    assert "评分：" in page and not deal.diligence.exists()


def test_a_meeting_is_scheduled_through_the_page_and_audited(login, deal, users, members):
    client = login(users.clerk1)
    url = deal.get_absolute_url()
    data = {"action": "meeting", "held_on": "2023-09-25", "members": [m.pk for m in members]}
    page = page_after(client, url, data)
    assert "项目进入投决阶段后才能安排投决会" in page and not InvestmentMeeting.objects.exists()
    deal.stage = "committee"
    deal.save()
    page = page_after(client, url, {**data, "members": [members[0].pk, members[1].pk]})
    assert "投决会委员不少于 3 人" in page and not InvestmentMeeting.objects.exists()
    page = page_after(client, url, {**data, "held_on": "开会那天"})
    assert "会议日期：" in page and not InvestmentMeeting.objects.exists()
    page_after(client, url, data)
    meeting = InvestmentMeeting.objects.get()
    assert set(meeting.members.all()) == set(members) and list(meeting.deals.all()) == [deal]
    assert AuditRecord.objects.filter(
        actor=users.clerk1, object_type="funds.investmentmeeting", object_id=str(meeting.pk)
    ).exists()


def test_only_the_managing_unit_schedules_a_meeting(deal, users, members):
    deal.stage = "committee"
    deal.save()
    with pytest.raises(services.PermissionRefused, match="安排投决会"):
        services.meeting_schedule(
            actor=users.clerk2, deal=deal, held_on=datetime.date(2023, 9, 25), members=members
        )
    assert not InvestmentMeeting.objects.exists()


def test_a_non_member_cannot_vote_and_sees_no_vote_button(login, meeting, deal, users, members):
    # clerk1 manages the fund but is not on this committee.
    client = login(users.clerk1)
    assert 'id="cast-vote"' not in client.get(deal.get_absolute_url()).content.decode()
    page = page_after(
        client, deal.get_absolute_url(), {"action": "vote", "meeting": meeting.pk, "vote": "for"}
    )
    assert "只有本次会议的投决委员可以表决" in page and not InvestmentVote.objects.exists()
    member = login(members[0])
    assert 'id="cast-vote"' in member.get(deal.get_absolute_url()).content.decode()
    page = page_after(
        member, deal.get_absolute_url(), {"action": "vote", "meeting": meeting.pk, "vote": "maybe"}
    )
    assert "表决：" in page and not InvestmentVote.objects.exists()
    page_after(
        member, deal.get_absolute_url(), {"action": "vote", "meeting": meeting.pk, "vote": "for"}
    )
    assert InvestmentVote.objects.get().member == members[0]


def test_a_meeting_of_another_deal_is_refused_as_a_field(login, meeting, fund, users, members):
    other = services.deal_create(
        actor=users.clerk1,
        fund=fund,
        company="另一企业",
        credit_code=_code("91140100MA0K2XQ31"),
        industry="C39",
        division="140105",
        amount=D(1),
    )
    other.stage = "committee"
    other.save()
    page = page_after(
        login(members[0]),
        other.get_absolute_url(),
        {"action": "vote", "meeting": meeting.pk, "vote": "for"},
    )
    assert "投决会：" in page and not InvestmentVote.objects.exists()


def test_a_meeting_decides_a_deal_once(login, meeting, deal, users, members):
    for member in members:
        services.vote_cast(member=member, meeting=meeting, deal=deal, vote="for")
    client = login(users.clerk1)
    data = {"action": "decide", "meeting": meeting.pk, "conditions": "分两期出资"}
    assert "投决结果：通过（同意 3 / 委员 3）" in page_after(client, deal.get_absolute_url(), data)
    # Pressing the button again used to break the unique constraint: now it is a message.
    assert "已对该项目作出决议" in page_after(client, deal.get_absolute_url(), data)
    assert deal.decisions.count() == 1


GARBAGE = {
    "amount": "1e999999",
    "nav": "NaN",
    "commitment": "-1e999999",
    "on": "0001-01-01",
    "quarter_end": "99999-01-01",
    "held_on": "3000-13-01",
    "score": "1e3",
    "partner": "99999999999999999999999",
    "meeting": "-1",
    "members": ["x", "99999999999999999999999"],
    "fund": "Infinity",
    "kind": "__class__",
    "stage": "x",
    "area": "x",
    "vote": "x",
    "commit": "2",
    "name": "x" * 20000,
    "note": "x" * 20000,
    "findings": "x" * 20000,
    "comment": "x" * 20000,
    "conditions": "x" * 20000,
    "company": "x" * 20000,
    "credit_code": "x" * 20000,
    "reason": "x" * 20000,
    "flow": "99999999999999999999999",
    "pass_numerator": "1e9",
    "pass_denominator": "0",
    "quorum_numerator": "-1",
    "quorum_denominator": "x",
    "due": "2023-02-30",
    "industry": "x" * 20000,
    "division": "<script>",
}


@pytest.mark.parametrize("action", ["partner", "flow", "correct", "nav", "import", "rule", "x"])
def test_garbage_on_the_fund_page_is_never_a_server_error(login, fund, users, action):
    client = login(users.clerk1)
    client.raise_request_exception = False
    response = client.post(fund.get_absolute_url(), {**GARBAGE, "action": action})
    assert response.status_code < 500


@pytest.mark.parametrize("action", ["move", "dd", "meeting", "vote", "decide", "reconsider", "x"])
def test_garbage_on_the_deal_pages_is_never_a_server_error(login, meeting, deal, members, action):
    client = login(members[0])
    client.raise_request_exception = False
    response = client.post(deal.get_absolute_url(), {**GARBAGE, "action": action})
    assert response.status_code < 500
    assert client.post(reverse("funds:deals"), GARBAGE).status_code < 500


def test_garbage_in_a_call_notice_is_never_a_server_error(login, fund, users):
    client = login(users.clerk1)
    client.raise_request_exception = False
    url = reverse("funds:call_notice", args=[fund.pk])
    assert client.get(url, GARBAGE).status_code < 500
    assert client.get(url).status_code < 500
    assert client.get(reverse("funds:queue"), GARBAGE).status_code == 200
