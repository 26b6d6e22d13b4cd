"""The loop's daily work in a real browser (issue 27): the dispatcher finds matters from the
header's search box and dispatches with a unit list narrowed by typing; a clerk on a phone
returns a matter with a preset reason that then leads its page and the 待审批 tab; a leader
assigns a handler, who answers from a phone, and the leader approves the answer."""

import pytest

from longcheng.accounts.models import User
from longcheng.core.models import Unit
from longcheng.loop import services
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.models import AnswerReviewRule, Category
from longcheng.loop.workflow import Channel, Kind, Urgency

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e

BRIGADE = "ty-cg-zfd-1"


def _received(title, description="晚上十一点后还在施工，影响休息。"):
    return services.matter_receive(
        MatterDraft(
            title=title,
            description=description,
            channel=Channel.HOTLINE,
            kind=Kind.COMPLAINT,
            urgency=Urgency.NORMAL,
            category=Category.objects.get(code="urban-noise"),
            reporter_phone="13912345678",
        ),
        actor=User.objects.get(username="dispatcher"),
    )


def _dispatched(title):
    return services.matter_dispatch(
        matter=_received(title),
        actor=User.objects.get(username="dispatcher"),
        lead_unit=Unit.objects.get(code=BRIGADE),
    )


def _fits(page) -> bool:
    # Against the device's width: a phone zooms out on a wide page, and innerWidth grows with it.
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_the_dispatcher_searches_from_the_header_and_dispatches_with_a_narrowed_list(
    page, live_server
):
    matter = _received(
        "长风街人行道被挖开一个月没有恢复", "人行道挖开后一直没有回填，老人走路摔倒。"
    )
    sign_in(page, "dispatcher")
    box = page.get_by_test_id("header-search")
    box.fill("人行道 回填")
    box.press("Enter")
    page.wait_for_url("**/loop/?box=all&q=*")
    rows = page.locator("table tbody tr")
    assert rows.filter(has_text=matter.number).count() == 1
    shot(page, "search-words.png")

    box = page.get_by_test_id("header-search")
    box.fill(matter.number.lower())
    box.press("Enter")
    page.wait_for_url(f"**/loop/matters/{matter.pk}/")

    page.get_by_test_id("act-dispatch").click()
    picker = page.get_by_test_id("filter-dispatch-lead_unit")
    picker.fill("二大队")
    shown = page.evaluate(
        "[...document.querySelector('#act-dispatch select[name=dispatch-lead_unit]').options]"
        ".filter(o => !o.hidden).map(o => [o.value, o.textContent.trim()])"
    )
    assert len(shown) <= 3  # what matches
    value = next(v for v, name in shown if "二大队" in name)
    page.select_option("#act-dispatch select[name=dispatch-lead_unit]", value=value)
    page.get_by_test_id("submit-dispatch").click()
    page.wait_for_load_state()
    assert "二大队" in page.locator("dl.record").inner_text()


def test_a_return_on_a_phone_leads_the_page_and_waits_in_the_approvals_tab(
    browser, live_server, demo
):
    matter = _dispatched("富力壹品工地夜间施工扰民（退单）")
    with device_page(browser, live_server, "phone") as phone:
        sign_in(phone, "cg_clerk1")
        phone.goto(f"{phone.base}/loop/matters/{matter.pk}/")
        phone.get_by_test_id("act-return").click()
        phone.get_by_label("信息不全，无法办理").check()
        phone.fill("#act-return textarea", "未写明工地名称和具体位置")
        assert _fits(phone)
        shot(phone, "return-reasons-phone.png", full_page=True)
        phone.get_by_test_id("submit-return").click()
        phone.wait_for_load_state()
        assert "已退单" in phone.locator("[data-testid=status]").inner_text()

    with device_page(browser, live_server, "desk") as desk:
        sign_in(desk, "dispatcher")
        desk.goto(f"{desk.base}/loop/?box=approvals")
        row = desk.locator("table tbody tr", has_text=matter.number)
        assert row.count() == 1
        row.locator("a").first.click()
        banner = desk.get_by_test_id("return-reason").inner_text()
        assert "信息不全，无法办理：未写明工地名称和具体位置" in banner


def test_a_leader_assigns_the_handler_answers_from_a_phone_and_the_leader_approves(
    browser, live_server, demo
):
    AnswerReviewRule.objects.create(unit=Unit.objects.get(code=BRIGADE))
    matter = _dispatched("坞城路工地渣土车夜间遗撒")
    services.matter_sign(matter=matter, actor=User.objects.get(username="cg_clerk1"))

    with device_page(browser, live_server, "desk") as desk:
        sign_in(desk, "cg_leader")
        desk.goto(f"{desk.base}/loop/matters/{matter.pk}/")
        desk.get_by_test_id("act-assign").click()
        desk.select_option("#act-assign select", label="孟浩（执法队员）")
        desk.get_by_test_id("submit-assign").click()
        desk.wait_for_load_state()
        assert "孟浩" in desk.get_by_test_id("handler").inner_text()
        assert "派给 孟浩" in desk.get_by_test_id("timeline").inner_text()

    with device_page(browser, live_server, "phone") as phone:
        sign_in(phone, "cg_clerk1")
        phone.goto(f"{phone.base}/loop/?box=mine")
        assert _fits(phone)
        phone.locator("a", has_text=matter.number).first.click()
        phone.get_by_test_id("act-answer").click()
        phone.fill("#act-answer textarea", "已责令运输企业清扫路面，并对车辆苫盖不严立案调查。")
        phone.get_by_test_id("submit-answer").click()
        phone.wait_for_load_state()
        assert "负责人审核" in phone.locator(".alert-success").inner_text()
        assert phone.get_by_test_id("pending-review").count() == 1

    with device_page(browser, live_server, "desk") as desk:
        sign_in(desk, "cg_leader")
        desk.goto(f"{desk.base}/loop/?box=approvals")
        desk.locator("table tbody tr", has_text=matter.number).locator("a").first.click()
        desk.get_by_test_id("act-review_answer").click()
        shot(desk, "answer-review.png")
        desk.get_by_test_id("submit-review_answer").click()
        desk.wait_for_load_state()
        assert "已办结待回访" in desk.locator("[data-testid=status]").inner_text()
        timeline = desk.get_by_test_id("timeline").inner_text()
        assert "提交答复审核" in timeline and "办结答复" in timeline
