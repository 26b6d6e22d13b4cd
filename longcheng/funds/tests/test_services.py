import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from longcheng.funds import services
from longcheng.funds.models import CashFlow, Deal, FundAlert, Investment, InvestmentMeeting
from longcheng.funds.selectors import fund_figures, idle_money
from longcheng.funds.services import FundRefused
from longcheng.funds.workflow import DEAL_TRANSITIONS, DealStage
from longcheng.loop.models import Matter

D = Decimal


def record(users, fund, kind, on, amount, partner=None):
    return services.flow_record(
        actor=users.clerk1, fund=fund, kind=kind, on=on, amount=amount, partner=partner
    )


def test_commitments_cannot_exceed_the_fund(fund, partners, users):
    with pytest.raises(FundRefused, match="超过基金规模"):
        services.partner_add(
            actor=users.clerk1, fund=fund, name="另一家", kind="social", commitment=D(1)
        )


def test_flows_are_checked(fund, partners, users):
    guidance, _province, social = partners
    with pytest.raises(FundRefused, match="尚无任何出资"):
        record(users, fund, "distribution", datetime.date(2021, 7, 1), D(10), social)
    record(users, fund, "call", datetime.date(2021, 7, 1), D(20000), guidance)
    with pytest.raises(FundRefused, match="超过其认缴"):
        record(users, fund, "call", datetime.date(2021, 8, 1), D(1), guidance)
    with pytest.raises(services.PermissionRefused):
        services.flow_record(
            actor=users.clerk2,
            fund=fund,
            kind="call",
            on=datetime.date(2021, 8, 1),
            amount=D(1),
            partner=social,
        )


def _sheet(rows):
    book = Workbook()
    book.active.append(services.FLOW_HEADERS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_the_import_takes_all_or_nothing(fund, partners, users):
    rows = [
        ["2021-07-01", "实缴", "某上市公司", 30000, "首期"],
        ["2021-06-01", "分配", "某上市公司", 100, "早于任何出资"],
        ["2021-08-01", "费用", "", "abc", ""],
        ["2021-09-01", "分红", "某上市公司", 10, ""],
    ]
    result = services.flows_import(actor=users.clerk1, fund=fund, upload=_sheet(rows), commit=True)
    assert result.imported == 0 and not CashFlow.objects.exists()
    assert [row for row, _m in result.errors] == [3, 4, 5]
    good = services.flows_import(
        actor=users.clerk1,
        fund=fund,
        upload=_sheet(
            [
                ["2021-07-01", "实缴", "某上市公司", 30000, ""],
                ["2022-07-01", "分配", "某上市公司", 500, ""],
            ]
        ),
        commit=True,
    )
    assert good.imported == 2


def test_fund_figures(fund, partners, users):
    guidance, province, social = partners
    for partner, amount in ((guidance, 10000), (province, 5000), (social, 25000)):
        record(users, fund, "call", datetime.date(2021, 7, 1), D(amount), partner)
    record(users, fund, "distribution", datetime.date(2022, 12, 1), D(4000), social)
    services.nav_record(
        actor=users.clerk1, fund=fund, quarter_end=datetime.date(2023, 6, 30), nav=D(48000)
    )
    Investment.objects.create(
        fund=fund,
        company="太原某新材料",
        industry="C3825",
        division="140105",
        amount=D(30000),
        on=datetime.date(2021, 9, 1),
    )
    figures = fund_figures(fund)
    assert figures.paid_in == D(40000) and figures.government_paid_in == D(15000)
    assert figures.leverage.value == D("3.3333")  # 100,000 ÷ 30,000
    assert figures.reinvestment.value == D("1")  # 30,000 local ÷ 30,000 government
    assert (
        figures.dpi.value == D("0.1")
        and figures.rvpi.value == D("1.2")
        and figures.tvpi.value == D("1.3")
    )
    assert figures.irr.value is not None and figures.irr.value > 0


def test_alerts_become_matters_once(fund, partners, users, org):
    guidance = partners[0]
    record(users, fund, "call", datetime.date(2021, 7, 1), D(20000), guidance)
    Investment.objects.create(
        fund=fund,
        company="某房地产",
        industry="K7010",
        division="140105",
        amount=D(5000),
        on=datetime.date(2021, 9, 1),
    )
    raised = services.alerts_sweep(today=datetime.date(2023, 9, 25))
    rules = set(FundAlert.objects.values_list("rule", flat=True))
    assert rules == {"idle", "out_of_scope"} and raised == 2
    matter = Matter.objects.get(pk=FundAlert.objects.get(rule="out_of_scope").matter_id)
    assert matter.lead_unit == org.brigade1 and "不在政策投向范围内" in matter.description
    assert services.alerts_sweep(today=datetime.date(2023, 9, 26)) == 0
    assert idle_money(fund, datetime.date(2023, 9, 25)) == D(15000)  # 20,000 − 5,000 used


def test_a_fund_not_set_up_within_a_year(fund, users):
    fund.established_on = None
    fund.save()
    assert services.alerts_sweep(today=datetime.date(2022, 3, 2)) == 1
    assert FundAlert.objects.get().rule == "not_set_up"


@pytest.fixture
def deal(fund, users):
    return Deal.objects.create(
        fund=fund,
        company="太原某半导体",
        credit_code="91140100MA0K2XQ30X",
        industry="C3973",
        division="140105",
        amount=D(5000),
        owner=users.clerk1,
    )


@pytest.mark.parametrize("start", list(DealStage))
def test_every_stage_moves_only_along_the_table(deal, users, start):
    deal.stage = start
    deal.save()
    for target in DealStage:
        allowed = target in DEAL_TRANSITIONS[start]
        if allowed:
            continue
        with pytest.raises(FundRefused, match="不能转入"):
            services.deal_move(actor=users.clerk1, deal=deal, stage=target, note="原因说明")


def test_committee_needs_full_diligence_and_a_two_thirds_vote(deal, users, members):
    services.deal_move(actor=users.clerk1, deal=deal, stage="screening")
    services.deal_move(actor=users.clerk1, deal=deal, stage="due_diligence")
    services.diligence_record(
        actor=users.clerk1, deal=deal, area="legal", findings="股权清晰无重大诉讼", score=85
    )
    with pytest.raises(FundRefused, match="财务、技术、市场"):
        services.deal_move(actor=users.clerk1, deal=deal, stage="committee")
    for area, score in (("financial", 75), ("technical", 90), ("market", 70)):
        services.diligence_record(
            actor=users.clerk1, deal=deal, area=area, findings="尽调发现记录", score=score
        )
    deal.refresh_from_db()
    assert deal.evaluation == D(80)
    services.deal_move(actor=users.clerk1, deal=deal, stage="committee")
    with pytest.raises(FundRefused, match="尚未通过"):
        services.deal_move(actor=users.clerk1, deal=deal, stage="signed")
    meeting = InvestmentMeeting.objects.create(fund=deal.fund, held_on=datetime.date(2023, 9, 25))
    meeting.members.set(members)
    meeting.deals.add(deal)
    with pytest.raises(services.PermissionRefused):
        services.vote_cast(member=users.clerk2, meeting=meeting, deal=deal, vote="for")
    services.vote_cast(member=members[0], meeting=meeting, deal=deal, vote="for")
    with pytest.raises(FundRefused, match="未表决"):
        services.decision_record(actor=users.clerk1, meeting=meeting, deal=deal)
    services.vote_cast(member=members[1], meeting=meeting, deal=deal, vote="against")
    services.vote_cast(member=members[2], meeting=meeting, deal=deal, vote="abstain")
    services.vote_cast(member=members[1], meeting=meeting, deal=deal, vote="for")  # changed
    from longcheng.audit.models import AuditRecord

    changed = AuditRecord.objects.filter(actor=members[1], object_id=str(deal.pk)).order_by("-id")[
        0
    ]
    assert changed.detail["changed_from"] == "against" and changed.detail["vote"] == "for"
    decision = services.decision_record(
        actor=users.clerk1, meeting=meeting, deal=deal, conditions="分两期出资"
    )
    # 2 of 3 is “三分之二以上”: 以上 includes the number itself (民法典 Art. 1259).
    assert decision.approved and decision.votes_for == 2
    deal.refresh_from_db()
    assert deal.stage == "committee"
    with pytest.raises(FundRefused, match="表决不能再更改"):
        services.vote_cast(member=members[2], meeting=meeting, deal=deal, vote="against")


def test_one_vote_for_in_three_is_declined(deal, users, members):
    deal.stage = "committee"
    deal.save()
    meeting = InvestmentMeeting.objects.create(fund=deal.fund, held_on=datetime.date(2023, 9, 25))
    meeting.members.set(members)
    meeting.deals.add(deal)
    for member, vote in zip(members, ("for", "against", "abstain"), strict=True):
        services.vote_cast(member=member, meeting=meeting, deal=deal, vote=vote)
    decision = services.decision_record(actor=users.clerk1, meeting=meeting, deal=deal)
    assert not decision.approved
    deal.refresh_from_db()
    assert deal.stage == "declined"


def test_an_approved_deal_signs_and_closes_into_an_investment(deal, users, members):
    deal.stage = "committee"
    deal.save()
    meeting = InvestmentMeeting.objects.create(fund=deal.fund, held_on=datetime.date(2023, 9, 25))
    meeting.members.set(members)
    meeting.deals.add(deal)
    for member in members:
        services.vote_cast(member=member, meeting=meeting, deal=deal, vote="for")
    assert services.decision_record(actor=users.clerk1, meeting=meeting, deal=deal).approved
    services.deal_move(actor=users.clerk1, deal=deal, stage="signed")
    services.deal_move(actor=users.clerk1, deal=deal, stage="closed")
    assert Investment.objects.get(deal=deal).amount == D(5000)


def test_the_forest_counts_outside_money_once(fund, partners, users, org):
    from longcheng.funds.models import Fund
    from longcheng.funds.selectors import forest

    guidance, province, social = partners
    for partner, amount in ((guidance, 20000), (province, 10000), (social, 70000)):
        record(users, fund, "call", datetime.date(2021, 7, 1), D(amount), partner)
    child = Fund.objects.create(
        name="子基金",
        kind="seed",
        parent=fund,
        manager="GP",
        management_unit=org.brigade1,
        size=D(10000),
        approved_on=datetime.date(2021, 3, 1),
        established_on=datetime.date(2021, 6, 1),
    )
    from_parent = services.partner_add(
        actor=users.clerk1, fund=child, name="母基金", kind="parent_fund", commitment=D(4000)
    )
    outside = services.partner_add(
        actor=users.clerk1, fund=child, name="社会资本", kind="social", commitment=D(6000)
    )
    record(users, child, "call", datetime.date(2022, 1, 1), D(4000), from_parent)
    record(users, child, "call", datetime.date(2022, 1, 1), D(6000), outside)
    services.nav_record(
        actor=users.clerk1, fund=fund, quarter_end=datetime.date(2023, 6, 30), nav=D(110000)
    )
    services.nav_record(
        actor=users.clerk1, fund=child, quarter_end=datetime.date(2023, 6, 30), nav=D(12000)
    )
    overview = forest(Fund.objects.all())
    # Government 30,000; social 70,000 + 6,000 (the parent's 4,000 is already inside the fund).
    assert (overview.government_committed, overview.social_committed) == (D(30000), D(76000))
    assert overview.leverage.value == D("3.5333")  # 106,000 ÷ 30,000
    assert overview.paid_in == D(106000)
    # NAV: the fund's 110,000 plus the outside 60 % of the sub-fund's 12,000.
    assert overview.nav == D("117200.00")
