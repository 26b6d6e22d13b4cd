"""Forms that fit each action (退单 with preset reasons, 并单 from the suggested duplicates,
searchable unit pickers), the approvals tab, and work inside a unit: 派发到人 and the leader's
review (审核) of answers."""

import pytest

from conftest import UserFactory
from longcheng.accounts.roles import Role
from longcheng.core.errors import LongchengError
from longcheng.loop import services
from longcheng.loop.models import AnswerReview, AnswerReviewRule, Matter, Notification
from longcheng.loop.workflow import ReturnReason, Status

pytestmark = pytest.mark.django_db


def act(client, matter, action, data, prefix=True):
    matter.refresh_from_db()
    posted = {"version": matter.version, **data}
    if prefix:
        posted = {f"{action}-{k}": v for k, v in posted.items()}
    return client.post(f"/loop/matters/{matter.pk}/act/{action}/", posted, follow=True)


def page_of(client, matter) -> str:
    return client.get(f"/loop/matters/{matter.pk}/").content.decode()


# — 退单 —


def test_a_return_picks_a_preset_reason_and_the_matter_shows_it_at_the_top(
    login, dispatched, users
):
    matter = dispatched()
    clerk = login(users.clerk1)
    form = page_of(clerk, matter)
    assert "非本单位职责" in form and "信息不全" in form and "重复诉求" in form

    response = act(clerk, matter, "return", {"reason_kind": "other", "text": ""})
    assert "选择“其他”时请写明退单理由" in response.content.decode()
    matter.refresh_from_db()
    assert matter.status == Status.DISPATCHED

    act(clerk, matter, "return", {"reason_kind": "not_ours", "text": "属于供水公司管网"})
    matter.refresh_from_db()
    assert matter.status == Status.RETURNED
    event = matter.events.get(kind="returned")
    assert event.note == "非本单位职责：属于供水公司管网"
    assert event.data["reason"] == ReturnReason.NOT_OURS

    top = page_of(login(users.dispatcher), matter)
    banner = top.split('data-testid="return-reason"')[1].split("</div>\n</div>")[0]
    assert "非本单位职责：属于供水公司管网" in banner and "退单" in banner
    assert top.index('data-testid="return-reason"') < top.index("可办理的操作")


def test_a_preset_reason_alone_is_enough_but_an_unknown_one_is_refused(dispatched, users):
    matter = dispatched()
    with pytest.raises(LongchengError):
        services.matter_return(matter=matter, actor=users.clerk1, reason="", reason_kind="x")
    services.matter_return(matter=matter, actor=users.clerk1, reason="", reason_kind="duplicate")
    assert matter.events.get(kind="returned").note == "重复诉求"


# — 派单 and 并单 —


def test_dispatch_offers_searchable_unit_pickers(login, receive, users):
    page = page_of(login(users.dispatcher), receive())
    assert page.count('data-searchable="输入单位名称筛选"') == 2


def test_merge_offers_the_suggested_duplicates(login, receive, users):
    first = receive(title="富力壹品工地夜间施工噪音扰民", address="坞城路 1 号")
    second = receive(title="富力壹品工地夜间施工噪音扰民", address="坞城路 1 号")
    client = login(users.dispatcher)
    page = page_of(client, second)
    merge_form = page.split('class="collapse" id="act-merge"')[1].split("</form>")[0]
    assert f'value="{first.number}"' in merge_form  # a radio button, no number to type

    response = act(client, second, "merge", {"master": first.number}, prefix=True)
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.status == Status.MERGED and second.master_id == first.pk


def test_merge_without_a_choice_says_what_to_do(login, receive, users):
    matter = receive()
    response = act(login(users.dispatcher), matter, "merge", {"master": "", "master_number": ""})
    assert "请选择一件疑似重复的事项，或输入主单编号" in response.content.decode()


# — 待审批 —


def test_the_dispatch_centre_finds_requests_waiting_for_it_in_one_tab(login, dispatched, users):
    extended = dispatched()
    services.matter_sign(matter=extended, actor=users.clerk1)
    services.matter_request_extension(
        matter=extended, actor=users.clerk1, days=5, reason="需要等待检测报告"
    )
    returned = dispatched()
    services.matter_return(matter=returned, actor=users.clerk1, reason="不归我们管")
    quiet = dispatched()
    page = login(users.dispatcher).get("/loop/?box=approvals").content.decode()
    assert extended.number in page and returned.number in page
    assert quiet.number not in page
    assert "待审批" in page


# — 派发到人 —


def test_the_leader_assigns_a_handler_who_finds_it_under_mine(login, dispatched, users):
    matter = dispatched()
    services.matter_sign(matter=matter, actor=users.clerk1)
    colleague = UserFactory(
        username="clerk1b", full_name="王晓东", role=Role.CLERK, unit=users.clerk1.unit
    )
    # A clerk may not assign; the page does not offer it.
    assert 'data-testid="act-assign"' not in page_of(login(users.clerk1), matter)
    leader = login(users.leader)
    form = page_of(leader, matter)
    assert 'data-testid="act-assign"' in form and "王晓东" in form
    assert (
        users.clerk2.full_name
        not in form.split('class="collapse" id="act-assign"')[1].split("</form>")[0]
    )

    act(leader, matter, "assign", {"handler": colleague.pk})
    matter.refresh_from_db()
    assert matter.handler == colleague
    page = page_of(leader, matter)
    assert "派给 王晓东" in page  # on the timeline
    mine = login(colleague).get("/loop/?box=mine").content.decode()
    assert matter.number in mine
    assert matter.number not in login(users.clerk1).get("/loop/?box=mine").content.decode()
    assert Notification.objects.filter(recipient=colleague, matter=matter).exists()


def test_a_handler_from_another_unit_is_refused_and_a_new_lead_unit_clears_it(
    dispatched, users, org
):
    matter = dispatched()
    with pytest.raises(LongchengError):
        services.matter_assign(matter=matter, actor=users.leader, handler=users.clerk2)
    services.matter_assign(matter=matter, actor=users.leader, handler=users.clerk1)
    services.matter_dispatch(
        matter=matter, actor=users.dispatcher, lead_unit=org.brigade2, redispatch=True
    )
    matter.refresh_from_db()
    assert matter.handler is None


# — 审核 of answers —


@pytest.fixture
def reviewed_unit(users):
    return AnswerReviewRule.objects.create(unit=users.clerk1.unit)


def test_an_answer_waits_for_the_leader_and_goes_back_with_a_comment(
    login, dispatched, users, reviewed_unit
):
    matter = dispatched()
    services.matter_sign(matter=matter, actor=users.clerk1)
    clerk = login(users.clerk1)
    response = act(clerk, matter, "answer", {"text": "已责令工地停止夜间施工。"})
    assert "审核" in response.content.decode()
    matter.refresh_from_db()
    assert matter.status == Status.IN_PROGRESS and not matter.answered_at
    assert "等待本单位负责人审核" in page_of(clerk, matter)
    assert 'data-testid="act-answer"' not in page_of(clerk, matter)  # one draft at a time

    leader = login(users.leader)
    assert matter.number in leader.get("/loop/?box=approvals").content.decode()
    review = AnswerReview.objects.get(matter=matter)
    response = act(
        leader, matter, "review_answer", {"review": review.pk, "approve": "0", "text": "x"}
    )
    assert "退回修改时请写明审核意见" in response.content.decode()
    act(
        leader,
        matter,
        "review_answer",
        {"review": review.pk, "approve": "0", "text": review.text, "comment": "写明整改期限"},
    )
    review.refresh_from_db()
    assert review.decision == AnswerReview.Decision.SENT_BACK
    assert Notification.objects.filter(
        recipient=users.clerk1, title__contains="退回修改", resolved_at__isnull=True
    ).exists()
    assert "写明整改期限" in page_of(clerk, matter)  # on the timeline


def test_the_leader_approves_and_the_citizen_gets_the_answer(
    login, dispatched, users, reviewed_unit
):
    matter = dispatched()
    services.matter_sign(matter=matter, actor=users.clerk1)
    services.matter_answer(matter=matter, actor=users.clerk1, text="已责令停止夜间施工。")
    review = AnswerReview.objects.get(matter=matter)
    act(
        login(users.leader),
        matter,
        "review_answer",
        {"review": review.pk, "approve": "1", "text": "已责令停止夜间施工，罚款两千元。"},
    )
    matter.refresh_from_db()
    assert matter.status == Status.ANSWERED
    assert matter.answer_text == "已责令停止夜间施工，罚款两千元。"
    answered = matter.events.get(kind="answered")
    assert answered.actor == users.leader and answered.data["drafted_by"] == users.clerk1.pk
    kinds = list(matter.events.values_list("kind", flat=True))
    assert kinds.index("answer_submitted") < kinds.index("answered")
    # The leader's "to review" notice is settled.
    assert not Notification.objects.filter(
        recipient=users.leader, matter=matter, resolved_at__isnull=True, title__contains="待审核"
    ).exists()


def test_a_unit_without_the_rule_answers_directly_and_so_does_the_leader(
    dispatched, users, reviewed_unit
):
    matter = dispatched()
    services.matter_sign(matter=matter, actor=users.clerk1)
    services.matter_answer(matter=matter, actor=users.leader, text="负责人直接答复办理结果。")
    assert Matter.objects.get(pk=matter.pk).status == Status.ANSWERED
    reviewed_unit.delete()
    other = dispatched()
    services.matter_sign(matter=other, actor=users.clerk1)
    services.matter_answer(matter=other, actor=users.clerk1, text="已处理完毕，答复如下。")
    assert Matter.objects.get(pk=other.pk).status == Status.ANSWERED


def test_a_progress_note_may_be_made_public_for_the_reporter(login, dispatched, users):
    matter = dispatched()
    services.matter_sign(matter=matter, actor=users.clerk1)
    clerk = login(users.clerk1)
    assert "向诉求人公开" in page_of(clerk, matter)
    act(clerk, matter, "progress", {"text": "已约谈施工单位，明日复查。", "public": "on"})
    act(clerk, matter, "progress", {"text": "内部：项目经理电话已存档。"})
    notes = dict(matter.events.filter(kind="progress").values_list("note", "data"))
    assert notes["已约谈施工单位，明日复查。"] == {"public": True}
    assert notes["内部：项目经理电话已存档。"] == {}
