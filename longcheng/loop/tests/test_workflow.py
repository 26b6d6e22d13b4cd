"""The life of a matter, step by step, and every refusal a user would meet."""

import pytest

from longcheng.audit.models import Action as AuditAction
from longcheng.audit.models import AuditRecord
from longcheng.core.errors import ConcurrentEditError
from longcheng.loop import rules, services
from longcheng.loop.models import Matter, MatterEvent
from longcheng.loop.services import TransitionRefused
from longcheng.loop.workflow import ACTIONS, Action, Rating, Status
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db
E = MatterEvent.Kind


def test_numbers_are_unique_readable_and_never_reused(receive, clock):
    first, second = receive(), receive()
    assert first.number == "LC2023092500001"
    assert second.number == "LC2023092500002"
    second.delete()
    assert receive().number == "LC2023092500003"


def test_the_whole_loop_from_receipt_to_archive(dispatched, users, org, clock):
    matter = dispatched()
    assert matter.status == Status.DISPATCHED
    assert matter.lead_unit == org.brigade1
    assert list(matter.assisting_units.all()) == [org.committee]
    # Complaint: 13 working days from Mon 25 Sep 2023 across National Day -> Wed 18 Oct 17:30.
    assert matter.handle_deadline == at(2023, 10, 18, 17, 30)
    assert matter.sign_deadline == at(2023, 9, 25, 11, 0)

    clock.to(at(2023, 9, 25, 10, 0))
    matter = services.matter_sign(
        matter=matter, actor=users.clerk1, expected_version=matter.version
    )
    assert (matter.status, matter.signed_late) == (Status.SIGNED, False)
    services.matter_add_opinion(
        matter=matter, actor=users.committee_clerk, text="该工地未办理夜间施工许可。"
    )
    matter = services.matter_add_progress(
        matter=matter, actor=users.clerk1, text="已夜查，责令停止夜间施工。"
    )
    clock.to(at(2023, 10, 9, 15, 0))
    matter = services.matter_answer(
        matter=matter, actor=users.clerk1, text="已立案查处，工地停止夜间施工。"
    )
    assert (matter.status, matter.answered_late) == (Status.ANSWERED, False)
    matter = services.matter_rate(
        matter=matter, actor=users.dispatcher, rating=Rating.SATISFIED, resolved=True
    )
    assert matter.status == Status.CLOSED
    matter = services.matter_archive(matter=matter, actor=users.dispatcher)
    assert matter.status == Status.ARCHIVED

    kinds = list(matter.events.values_list("kind", flat=True))
    assert kinds == [
        E.RECEIVED,
        E.DISPATCHED,
        E.SIGNED,
        E.OPINION,
        E.PROGRESS,
        E.ANSWERED,
        E.RATED,
        E.ARCHIVED,
    ]
    # Every state change is in the audit trail too.
    assert (
        AuditRecord.objects.filter(
            action=AuditAction.STATE_CHANGE, object_id=str(matter.pk)
        ).count()
        == 7
    )


def test_answering_before_signing_is_refused_in_plain_chinese(dispatched, users):
    matter = dispatched()
    with pytest.raises(TransitionRefused) as refused:
        services.matter_answer(matter=matter, actor=users.clerk1, text="已处理完毕。")
    assert "当前状态为“待签收”，不能办结答复" in refused.value.message
    matter.refresh_from_db()
    assert matter.status == Status.DISPATCHED
    assert not matter.events.filter(kind=E.ANSWERED).exists()


def test_a_clerk_of_another_unit_cannot_act(dispatched, users):
    matter = dispatched()
    with pytest.raises(TransitionRefused) as refused:
        services.matter_sign(matter=matter, actor=users.clerk2)
    assert "只有主办单位可以" in refused.value.message


def test_rating_twice_is_refused(dispatched, users):
    matter = dispatched()
    matter = services.matter_sign(matter=matter, actor=users.clerk1)
    matter = services.matter_answer(matter=matter, actor=users.clerk1, text="已处理完毕。")
    matter = services.matter_rate(
        matter=matter, actor=users.dispatcher, rating=Rating.SATISFIED, resolved=True
    )
    with pytest.raises(TransitionRefused):
        services.matter_rate(
            matter=matter, actor=users.dispatcher, rating=Rating.DISSATISFIED, resolved=False
        )
    matter.refresh_from_db()
    assert matter.rating == Rating.SATISFIED


def test_return_then_redispatch_to_another_unit(dispatched, users, org):
    matter = dispatched()
    with pytest.raises(TransitionRefused):
        services.matter_return(matter=matter, actor=users.clerk1, reason="  ")
    matter = services.matter_return(matter=matter, actor=users.clerk1, reason="不属于本大队辖区")
    assert (matter.status, matter.return_count) == (Status.RETURNED, 1)
    matter = services.matter_dispatch(
        matter=matter, actor=users.dispatcher, lead_unit=org.brigade2, redispatch=True
    )
    assert (matter.status, matter.lead_unit) == (Status.DISPATCHED, org.brigade2)
    services.matter_sign(matter=matter, actor=users.clerk2)


def test_a_stale_version_loses_and_is_told_what_happened(dispatched, users):
    matter = dispatched()
    opened = matter.version
    services.matter_sign(matter=matter, actor=users.clerk1, expected_version=opened)
    with pytest.raises(ConcurrentEditError) as stale:
        services.matter_return(
            matter=matter, actor=users.clerk1, reason="重复", expected_version=opened
        )
    assert "已签收" in stale.value.message


def test_extension_approved_moves_the_deadline(dispatched, users, clock):
    matter = services.matter_sign(matter=dispatched(), actor=users.clerk1)
    extension = services.matter_request_extension(
        matter=matter, actor=users.clerk1, days=5, reason="需等待住建部门联合检查"
    )
    with pytest.raises(TransitionRefused):
        services.matter_request_extension(
            matter=matter, actor=users.clerk1, days=2, reason="再次申请"
        )
    matter = services.matter_decide_extension(
        extension=extension, actor=users.dispatcher, approve=True
    )
    assert matter.handle_deadline == at(2023, 10, 25, 17, 30)  # 18 Oct + 5 working days


def test_extension_refused_needs_a_reason(dispatched, users):
    matter = services.matter_sign(matter=dispatched(), actor=users.clerk1)
    extension = services.matter_request_extension(
        matter=matter, actor=users.clerk1, days=5, reason="理由"
    )
    with pytest.raises(TransitionRefused):
        services.matter_decide_extension(extension=extension, actor=users.dispatcher, approve=False)
    matter = services.matter_decide_extension(
        extension=extension, actor=users.dispatcher, approve=False, reason="理由不充分"
    )
    assert matter.handle_deadline == at(2023, 10, 18, 17, 30)


def test_suspension_stops_the_clock(dispatched, users, clock):
    matter = services.matter_sign(matter=dispatched(), actor=users.clerk1)
    clock.to(at(2023, 9, 26, 9, 0))
    matter = services.matter_suspend(matter=matter, actor=users.dispatcher, reason="等待法院裁定")
    clock.to(at(2023, 10, 10, 9, 0))  # 26 Sep -> 10 Oct: 5 working days (27, 28, 7, 8, 9, 10)
    matter = services.matter_resume(matter=matter, actor=users.dispatcher)
    assert matter.status == Status.IN_PROGRESS
    # 18 Oct + 6 working days = 26 Oct.
    assert matter.handle_deadline == at(2023, 10, 26, 17, 30)


def test_dissatisfied_reopens_for_the_same_unit_with_a_new_deadline(dispatched, users, org, clock):
    matter = services.matter_sign(matter=dispatched(), actor=users.clerk1)
    matter = services.matter_answer(matter=matter, actor=users.clerk1, text="已处理完毕。")
    clock.to(at(2023, 10, 9, 9, 0))
    matter = services.matter_rate(
        matter=matter,
        actor=users.dispatcher,
        rating=Rating.DISSATISFIED,
        resolved=False,
        note="仍在施工",
    )
    assert (matter.status, matter.reopen_count, matter.lead_unit) == (
        Status.REOPENED,
        1,
        org.brigade1,
    )
    assert matter.handle_deadline == at(2023, 10, 26, 17, 30)  # 9 Oct + 13 working days
    matter = services.matter_answer(matter=matter, actor=users.clerk1, text="已再次夜查并处罚。")
    assert matter.status == Status.ANSWERED


def test_merged_followers_get_the_masters_answer(receive, dispatched, users):
    master = dispatched()
    follower = receive(reporter_phone="13912340009")
    follower = services.matter_merge(follower=follower, master=master, actor=users.dispatcher)
    assert follower.status == Status.MERGED
    master = services.matter_sign(matter=master, actor=users.clerk1)
    services.matter_answer(matter=master, actor=users.clerk1, text="已责令停止夜间施工。")
    follower.refresh_from_db()
    assert follower.answer_text == "已责令停止夜间施工。"
    assert follower.events.filter(kind=E.MASTER_UPDATE).count() == 2  # signed, answered


def test_a_leader_acts_for_the_units_below(dispatched, users):
    matter = services.matter_sign(matter=dispatched(), actor=users.leader)
    assert matter.status == Status.SIGNED


# The transition table, tried exhaustively: every action by every role from every state.
ROLES = ["dispatcher", "clerk1", "clerk2", "committee_clerk", "leader", "sysadmin", "auditor"]
RELATION_OF = {
    "dispatcher": {"dispatcher"},
    "clerk1": {"lead"},
    "leader": {"lead", "lead_leader"},
    "committee_clerk": {"assisting", "committee"},
    "clerk2": set(),
    "sysadmin": set(),
    "auditor": set(),
}


def _matter_in(status, dispatched, receive, users):
    if status == Status.RECEIVED:
        return receive()
    matter = dispatched()
    steps = {
        Status.DISPATCHED: [],
        Status.RETURNED: [
            lambda m: services.matter_return(matter=m, actor=users.clerk1, reason="非本单位职责")
        ],
        Status.SIGNED: [lambda m: services.matter_sign(matter=m, actor=users.clerk1)],
    }
    steps[Status.IN_PROGRESS] = [
        *steps[Status.SIGNED],
        lambda m: services.matter_add_progress(matter=m, actor=users.clerk1, text="进展"),
    ]
    steps[Status.SUSPENDED] = [
        *steps[Status.SIGNED],
        lambda m: services.matter_suspend(matter=m, actor=users.dispatcher, reason="外部原因"),
    ]
    steps[Status.ANSWERED] = [
        *steps[Status.SIGNED],
        lambda m: services.matter_answer(matter=m, actor=users.clerk1, text="已处理完毕。"),
    ]
    steps[Status.CLOSED] = [
        *steps[Status.ANSWERED],
        lambda m: services.matter_rate(
            matter=m, actor=users.dispatcher, rating=Rating.SATISFIED, resolved=True
        ),
    ]
    steps[Status.REOPENED] = [
        *steps[Status.ANSWERED],
        lambda m: services.matter_rate(
            matter=m, actor=users.dispatcher, rating=Rating.DISSATISFIED, resolved=False
        ),
    ]
    steps[Status.ARCHIVED] = [
        *steps[Status.CLOSED],
        lambda m: services.matter_archive(matter=m, actor=users.dispatcher),
    ]
    for step in steps[status]:
        matter = step(matter)
    return Matter.objects.get(pk=matter.pk)


STATES = [s for s in Status if s != Status.MERGED]


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_allowed_actions_follow_the_table(status, role, dispatched, receive, users):
    matter = _matter_in(status, dispatched, receive, users)
    assert matter.status == status
    user = getattr(users, role)
    expected = {
        action
        for action, (states, _to, who) in ACTIONS.items()
        if status in states and who in RELATION_OF[role]
    }
    assert set(rules.allowed_actions(user, matter)) == expected


@pytest.mark.parametrize("role", ROLES)
def test_forbidden_sign_changes_nothing(role, dispatched, users):
    matter = dispatched()
    user = getattr(users, role)
    if Action.SIGN in rules.allowed_actions(user, matter):
        services.matter_sign(matter=matter, actor=user)
        assert Matter.objects.get(pk=matter.pk).status == Status.SIGNED
    else:
        with pytest.raises(TransitionRefused):
            services.matter_sign(matter=matter, actor=user)
        assert Matter.objects.get(pk=matter.pk).status == Status.DISPATCHED


def test_a_committee_decides_only_in_its_own_district(receive, users, org):
    """Issue 24: the committee relation is scoped to its district: another district's matter is
    not the committee's to decide (one with no place yet may be taken up by any committee)."""
    from longcheng.core.models import Unit

    inside = receive(division=org.xiaodian)
    elsewhere = receive(division=org.jinyuan)
    nowhere = receive(division=None)
    assert Action.DECIDE in rules.allowed_actions(users.committee_clerk, inside)
    assert Action.DECIDE not in rules.allowed_actions(users.committee_clerk, elsewhere)
    assert Action.DECIDE in rules.allowed_actions(users.committee_clerk, nowhere)
    jinyuan_committee = Unit.objects.add_child(
        Unit.objects.get(pk=org.gov.pk),
        {
            "code": "jy",
            "name": "晋源区营商环境监督委员会",
            "kind": "committee",
            "division": org.jinyuan,
        },
    )
    from conftest import UserFactory

    jy_clerk = UserFactory(username="jyclerk", role="clerk", unit=jinyuan_committee)
    assert Action.DECIDE in rules.allowed_actions(jy_clerk, elsewhere)
    assert Action.DECIDE not in rules.allowed_actions(jy_clerk, inside)


def test_reopening_keeps_an_approved_extension(dispatched, users, clock):
    """The deadline an approved extension granted does not jump back when the citizen is
    dissatisfied: the reopened matter has the later of that date and a fresh window."""
    matter = services.matter_sign(matter=dispatched(), actor=users.clerk1)
    extension = services.matter_request_extension(
        matter=matter, actor=users.clerk1, days=20, reason="需等待供暖季结束后维修管线"
    )
    services.matter_decide_extension(extension=extension, actor=users.dispatcher, approve=True)
    matter = services.matter_answer(
        matter=Matter.objects.get(pk=matter.pk), actor=users.clerk1, text="已临时处置。"
    )
    clock.to(at(2023, 10, 9, 9, 0))
    matter = services.matter_rate(
        matter=matter, actor=users.dispatcher, rating=Rating.DISSATISFIED, resolved=False
    )
    # 18 Oct + 20 working days = 15 Nov, later than the fresh window's 26 Oct.
    assert matter.handle_deadline == at(2023, 11, 15, 17, 30)
    assert matter.handle_window_start == at(2023, 10, 9, 9, 0)
