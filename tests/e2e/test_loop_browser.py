"""One matter walked from receipt to archive through the hall, two brigades and the dispatch
centre, in a real browser."""

import pytest

from longcheng.loop.models import Matter
from longcheng.loop.workflow import Status

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def _as(browser, base, username):
    # Reduced motion switches Bootstrap's collapse animation off: no clicks on moving targets.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    page.base = base
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, username)
    return page


def _act(page, action, fields=None):
    page.click(f"[data-testid=act-{action}]")
    page.wait_for_selector(f"#act-{action}.show")
    for selector, value in (fields or {}).items():
        if selector.endswith(":radio"):
            page.check(selector.removesuffix(":radio"))
        elif selector.endswith(":select"):
            page.select_option(selector.removesuffix(":select"), label=value)
        else:
            page.fill(selector, value)
    with page.expect_navigation():
        page.click(f"[data-testid=submit-{action}]")


def test_a_matter_from_receipt_to_archive_through_two_units(browser, live_server, demo):
    base = live_server.url
    # 1. The service-hall window receives a noise complaint.
    hall = _as(browser, base, "xd_hall")
    hall.goto(base + "/loop/receive/")
    hall.fill("#id_title", "浏览器测试：工地夜间施工噪音")
    hall.fill("#id_description", "凌晨一点仍在浇筑混凝土。")
    hall.select_option("#id_channel", "window")
    hall.select_option("#id_category", label="　夜间施工噪音")
    hall.fill("#id_reporter_name", "王先生")
    hall.fill("#id_reporter_phone", "13912345678")
    with hall.expect_navigation():
        hall.click("button[type=submit]")
    assert "已受理，事项编号" in hall.content()
    matter = Matter.objects.get(title="浏览器测试：工地夜间施工噪音")
    url = f"{base}/loop/matters/{matter.pk}/"

    # 2. The dispatch centre dispatches it to brigade 1 (the catalogue's default).
    dispatcher = _as(browser, base, "dispatcher")
    dispatcher.goto(url)
    _act(dispatcher, "dispatch")
    assert dispatcher.locator("[data-testid=status]").inner_text() == "待签收"

    # 3. Brigade 1 returns it: not its area.
    brigade1 = _as(browser, base, "cg_clerk1")
    brigade1.goto(base + "/loop/?box=to_sign")
    with brigade1.expect_navigation():
        brigade1.get_by_role("link", name=matter.number).click()
    _act(
        brigade1,
        "return",
        {
            "input[name=return-reason_kind][value=wrong_area]:radio": "",
            "#id_return-text": "该工地属二大队辖区",
        },
    )
    assert brigade1.locator("[data-testid=status]").inner_text() == "已退单"

    # 4. Re-dispatched to brigade 2, which signs, reports progress and answers.
    dispatcher.goto(url)
    _act(
        dispatcher,
        "redispatch",
        {"#id_redispatch-lead_unit:select": "　　　　市城管执法队直属二大队"},
    )
    brigade2 = _as(browser, base, "cg_clerk2")
    brigade2.goto(url)
    _act(brigade2, "sign")
    _act(brigade2, "progress", {"#id_progress-text": "已夜查，责令停止夜间施工。"})
    _act(brigade2, "answer", {"#id_answer-text": "已立案查处，工地已停止夜间施工。"})
    assert brigade2.locator("[data-testid=status]").inner_text() == "已办结待回访"
    # Brigade 1 no longer leads it and sees no actions.
    brigade1.goto(url)
    assert brigade1.locator("[data-testid=actions]").count() == 0

    # 5. The callback: satisfied and resolved; then archived.
    dispatcher.goto(url)
    _act(dispatcher, "rate", {"#id_rate-rating_0:radio": "", "#id_rate-resolved_0:radio": ""})
    assert dispatcher.locator("[data-testid=status]").inner_text() == "已回访"
    _act(dispatcher, "archive")
    assert dispatcher.locator("[data-testid=status]").inner_text() == "已归档"

    timeline = dispatcher.locator("[data-testid=timeline]").inner_text()
    for step in (
        "受理",
        "派单",
        "退单",
        "改派",
        "签收",
        "办理进展",
        "办结答复",
        "回访评价",
        "归档",
    ):
        assert step in timeline
    matter.refresh_from_db()
    assert matter.status == Status.ARCHIVED
    assert matter.lead_unit.code == "ty-cg-zfd-2"
