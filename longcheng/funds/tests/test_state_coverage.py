"""Nothing gets stuck: for every stage of a deal, someone finds it in a work queue and its page
offers them an action: the fund's managers move it on (待推进的项目) or record the decision
once the quorum has voted (待形成投资决议); the committee's members vote (待表决). A held
investment (投后) is followed in the portfolio until its exit. A stage added without a row here
fails the table's test."""

import datetime
from decimal import Decimal

import pytest

from longcheng.funds import services
from longcheng.funds.models import Deal
from longcheng.funds.workflow import DealStage

# stage -> (who acts, their queue); None: finished or held, stays on the fund's pages
TABLE = {
    DealStage.LEAD: ("manager", "funds-pipeline"),
    DealStage.SCREENING: ("manager", "funds-pipeline"),
    DealStage.DUE_DILIGENCE: ("manager", "funds-pipeline"),
    DealStage.COMMITTEE: ("manager", "funds-pipeline"),  # until a meeting is scheduled: below
    DealStage.SIGNED: ("manager", "funds-pipeline"),
    DealStage.CLOSED: ("manager", "funds-pipeline"),
    DealStage.PORTFOLIO: None,
    DealStage.EXITED: None,
    DealStage.DECLINED: None,
}


def test_the_table_names_every_stage():
    assert set(TABLE) == set(DealStage.values)


@pytest.fixture
def deal(fund, users):
    return Deal.objects.create(
        fund=fund,
        company="太原某半导体",
        credit_code="91140100MA0K2XQ30X",
        industry="C39",
        division="140105",
        amount=Decimal(5000),
        owner=users.clerk1,
    )


def _urls(client, key):
    return [row.url for row in client.get("/todo/", {"queue": key}).context["rows"]]


@pytest.mark.parametrize("stage", [s for s, who in TABLE.items() if who])
def test_the_managers_find_the_deal_and_can_act(stage, deal, users, login):
    Deal.objects.filter(pk=deal.pk).update(stage=stage)
    client = login(users.clerk1)
    assert _urls(client, "funds-pipeline") == [deal.get_absolute_url()]
    assert '<form method="post"' in client.get(deal.get_absolute_url()).content.decode()


def test_at_the_committee_the_members_then_the_managers_act(deal, users, members, login):
    Deal.objects.filter(pk=deal.pk).update(stage=DealStage.COMMITTEE)
    deal.refresh_from_db()
    meeting = services.meeting_schedule(
        actor=users.clerk1, deal=deal, held_on=datetime.date(2023, 9, 25), members=members
    )
    manager = login(users.clerk1)
    assert _urls(manager, "funds-pipeline") == []  # a meeting is open: the members' turn
    for member in members[:2]:
        assert _urls(login(member), "funds-vote") == [deal.get_absolute_url()]
        services.vote_cast(member=member, meeting=meeting, deal=deal, vote="for")
    manager = login(users.clerk1)
    assert _urls(manager, "funds-decide") == [deal.get_absolute_url()]
    assert 'id="record-decision"' in manager.get(deal.get_absolute_url()).content.decode()
