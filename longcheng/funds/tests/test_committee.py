"""The investment committee's rule, stated and set per fund; reconsideration (复议) of a failed
vote; and the committee members' and managers' work queues."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import UserFactory
from longcheng.funds import rules, services
from longcheng.funds.models import Deal, InvestmentMeeting, InvestmentVote
from longcheng.funds.selectors import (
    decisions_awaiting,
    funds_nav_items,
    votes_awaiting,
)
from longcheng.funds.services import FundRefused
from longcheng.web.queues import user_work_queues

DAY = datetime.date(2023, 9, 25)


@pytest.fixture
def deal(fund, users):
    return Deal.objects.create(
        fund=fund,
        company="太原某半导体",
        credit_code="91140100MA0K2XQ30X",
        industry="C3973",
        division="140105",
        amount=Decimal(5000),
        owner=users.clerk1,
        stage="committee",
    )


def _meeting(deal, users, members):
    return services.meeting_schedule(actor=users.clerk1, deal=deal, held_on=DAY, members=members)


def _votes(meeting, deal, members, votes):
    for member, vote in zip(members, votes, strict=False):
        services.vote_cast(member=member, meeting=meeting, deal=deal, vote=vote)


# — The rule —


@pytest.mark.parametrize(
    ("votes_for", "members", "passes"),
    [(2, 3, True), (1, 3, False), (3, 4, True), (2, 4, False), (4, 5, True), (3, 5, False)],
)
def test_two_thirds_counts_the_number_itself(votes_for, members, passes):
    assert rules.CommitteeRule().passes(votes_for, members) is passes


def test_the_rule_is_stated_in_words():
    assert rules.CommitteeRule().pass_words == "经全体委员三分之二以上（含本数）同意"
    assert rules.CommitteeRule(3, 4, 1, 1).pass_words == "经全体委员四分之三以上（含本数）同意"
    assert "全体委员均参加表决" in str(rules.CommitteeRule(3, 4, 1, 1))
    assert rules.CommitteeRule(1, 1).pass_words == "经全体委员一致同意"


def test_a_fund_sets_its_own_rule_and_the_decision_keeps_the_rule_it_was_made_under(
    fund, deal, users, members
):
    meeting = _meeting(deal, users, members)
    _votes(meeting, deal, members, ["for", "for", "against"])
    first = services.decision_record(actor=users.clerk1, meeting=meeting, deal=deal)
    assert first.approved and first.rule == "经全体委员三分之二以上（含本数）同意"
    services.fund_committee_rule_set(
        actor=users.clerk1,
        fund=fund,
        pass_numerator=3,
        pass_denominator=4,
        quorum_numerator=1,
        quorum_denominator=1,
    )
    other = Deal.objects.create(
        fund=fund,
        company="太原某电池",
        credit_code="91140100MA0K2XQ30X",
        industry="C38",
        division="140105",
        amount=Decimal(1000),
        owner=users.clerk1,
        stage="committee",
    )
    second_meeting = _meeting(other, users, members)
    _votes(second_meeting, other, members, ["for", "for"])
    # The fund's quorum is now every member: two of three may not decide.
    with pytest.raises(FundRefused, match="还有 1 名委员未表决"):
        services.decision_record(actor=users.clerk1, meeting=second_meeting, deal=other)
    _votes(second_meeting, other, members[2:], ["for"])
    assert services.decision_record(actor=users.clerk1, meeting=second_meeting, deal=other).rule
    first.refresh_from_db()
    assert first.rule == "经全体委员三分之二以上（含本数）同意"


@pytest.mark.parametrize(
    ("numbers", "message"),
    [
        ((1, 2, 2, 3), "超过全体委员的二分之一"),
        ((4, 3, 2, 3), "通过比例"),
        ((2, 3, 0, 3), "表决人数"),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused(fund, users, numbers, message):
    with pytest.raises(FundRefused, match=message):
        services.fund_committee_rule_set(
            actor=users.clerk1,
            fund=fund,
            pass_numerator=numbers[0],
            pass_denominator=numbers[1],
            quorum_numerator=numbers[2],
            quorum_denominator=numbers[3],
        )


def test_only_the_managing_unit_sets_the_rule(fund, users):
    with pytest.raises(services.PermissionRefused):
        services.fund_committee_rule_set(
            actor=users.clerk2,
            fund=fund,
            pass_numerator=3,
            pass_denominator=4,
            quorum_numerator=2,
            quorum_denominator=3,
        )


def test_a_quorum_of_two_thirds_decides_with_absence_counting_against(deal, users, members):
    fourth = UserFactory(username="ic3", role="clerk", unit=members[0].unit)
    meeting = _meeting(deal, users, [*members, fourth])
    _votes(meeting, deal, members, ["for", "for"])
    with pytest.raises(FundRefused, match="已表决 2 人，不足 3 人"):
        services.decision_record(actor=users.clerk1, meeting=meeting, deal=deal)
    _votes(meeting, deal, members[2:], ["for"])
    decision = services.decision_record(actor=users.clerk1, meeting=meeting, deal=deal)
    # 3 of 4 voted for, the fourth did not vote: 3 × 3 ≥ 4 × 2, passed.
    assert decision.approved and (decision.votes_for, decision.members) == (3, 4)


def test_the_deal_page_states_the_rule_and_the_decision_in_words(login, deal, users, members):
    meeting = _meeting(deal, users, members)
    _votes(meeting, deal, members, ["for", "against", "abstain"])
    services.decision_record(actor=users.clerk1, meeting=meeting, deal=deal)
    page = login(users.clerk1).get(deal.get_absolute_url()).content.decode()
    assert "议事规则：经全体委员三分之二以上（含本数）同意为通过" in page
    assert "未经全体委员三分之二以上（含本数）同意（同意 1 票，全体委员 3 人），未通过" in page


# — Reconsideration —


def test_a_failed_vote_is_reconsidered_by_a_new_meeting_keeping_the_earlier_result(
    login, deal, users, members
):
    meeting = _meeting(deal, users, members)
    _votes(meeting, deal, members, ["for", "against", "against"])
    failed = services.decision_record(actor=users.clerk1, meeting=meeting, deal=deal)
    deal.refresh_from_db()
    assert deal.stage == "declined" and not failed.approved
    with pytest.raises(FundRefused, match="复议理由"):
        services.meeting_reconsider(
            actor=users.clerk1, deal=deal, held_on=DAY, members=members, reason="再议"
        )
    again = services.meeting_reconsider(
        actor=users.clerk1,
        deal=deal,
        held_on=datetime.date(2023, 10, 9),
        members=members,
        reason="补充了技术尽调并调整为分两期出资",
    )
    deal.refresh_from_db()
    assert deal.stage == "committee" and again.reconsiders == failed
    # The earlier meeting's decision stands: no vote there any more.
    with pytest.raises(FundRefused, match="表决不能再更改"):
        services.vote_cast(member=members[1], meeting=meeting, deal=deal, vote="for")
    # A second reconsideration while this one is open is refused.
    with pytest.raises(FundRefused, match="只有投决会未通过的项目"):
        services.meeting_reconsider(
            actor=users.clerk1, deal=deal, held_on=DAY, members=members, reason="再次提请复议理由"
        )
    _votes(again, deal, members, ["for", "for", "against"])
    # Changing one's mind before the decision keeps one vote per member in the meeting.
    services.vote_cast(member=members[2], meeting=again, deal=deal, vote="for")
    assert InvestmentVote.objects.filter(meeting=again, member=members[2]).count() == 1
    assert services.decision_record(actor=users.clerk1, meeting=again, deal=deal).approved
    assert [d.approved for d in deal.decisions.order_by("decided_at", "pk")] == [False, True]
    page = login(users.clerk1).get(deal.get_absolute_url()).content.decode()
    assert "复议 2023-09-25 投决会未通过的决议" in page
    assert page.count('data-testid="decision"') == 2


def test_only_a_deal_the_committee_did_not_pass_is_reconsidered(deal, users, members):
    with pytest.raises(FundRefused, match="只有投决会未通过的项目"):
        services.meeting_reconsider(
            actor=users.clerk1, deal=deal, held_on=DAY, members=members, reason="没有决议的项目"
        )
    deal.stage = "declined"
    deal.save()  # declined by hand, never voted on
    with pytest.raises(FundRefused, match="只有投决会未通过的项目"):
        services.meeting_reconsider(
            actor=users.clerk1, deal=deal, held_on=DAY, members=members, reason="没有决议的项目"
        )


def test_a_second_meeting_is_not_scheduled_while_one_is_open(login, deal, users, members):
    client = login(users.clerk1)
    assert 'id="schedule-meeting"' in client.get(deal.get_absolute_url()).content.decode()
    _meeting(deal, users, members)
    with pytest.raises(FundRefused, match="尚未对该项目作出决议"):
        _meeting(deal, users, members)
    assert 'id="schedule-meeting"' not in client.get(deal.get_absolute_url()).content.decode()


# — Work queues —


def test_the_vote_tile_counts_exactly_the_deals_awaiting_the_members_vote(
    login, deal, users, members
):
    meeting = _meeting(deal, users, members)
    assert [item.deal for item in votes_awaiting(members[0])] == [deal]
    assert votes_awaiting(users.clerk2) == []
    queue = next(q for q in user_work_queues(members[0]) if q.label == "待表决")
    assert queue.count == 1 and queue.more_url.startswith(reverse("funds:queue"))
    assert [row.url for row in queue.rows()] == [deal.get_absolute_url()]
    assert "funds-vote" in [q.key for q in login(members[0]).get("/").context["queues"]]
    assert any(i.label == "投决待办" and i.badge == 1 for i in funds_nav_items(members[0]))
    page = login(members[0]).get(reverse("funds:queue")).content.decode()
    assert "太原某半导体" in page
    services.vote_cast(member=members[0], meeting=meeting, deal=deal, vote="for")
    assert votes_awaiting(members[0]) == []
    assert {q.label: q.count for q in user_work_queues(members[0])}["待表决"] == 0
    assert "没有待您表决的项目" in login(members[0]).get(reverse("funds:queue")).content.decode()
    # Two of three have voted: the managers see it is ready to decide.
    assert decisions_awaiting(users.clerk1) == []
    services.vote_cast(member=members[1], meeting=meeting, deal=deal, vote="for")
    assert [i.deal for i in decisions_awaiting(users.clerk1)] == [deal]
    assert decisions_awaiting(users.clerk2) == []
    services.decision_record(actor=users.clerk1, meeting=meeting, deal=deal)
    assert votes_awaiting(members[2]) == [] and decisions_awaiting(users.clerk1) == []


def test_a_member_of_another_unit_opens_the_deal_to_vote(login, deal, users, org):
    outsiders = [UserFactory(username=f"ext{i}", role="clerk", unit=org.brigade2) for i in range(3)]
    meeting = _meeting(deal, users, outsiders)
    client = login(outsiders[0])
    assert client.get(reverse("funds:queue")).content.decode().count("太原某半导体") == 1
    page = client.post(
        deal.get_absolute_url(),
        {"action": "vote", "meeting": meeting.pk, "vote": "for"},
        follow=True,
    ).content.decode()
    assert "已保存" in page and meeting.votes.filter(member=outsiders[0]).exists()
    assert InvestmentMeeting.objects.count() == 1
