"""派单争议 at the desk: the demo's dispute list holds the ruled dug-up pavement (with the words
it added to the catalogue) and the open lift dispute; the dispatcher rules the lift to 市住建局
under 物业管理, adding two keywords, confirms, and sees what changed. On a phone the list is
cards that fit the screen."""

import pytest
from playwright.sync_api import expect

from longcheng.loop.models import Category
from longcheng.routing.models import DispatchDispute

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e


def test_the_dispatcher_rules_a_dispute(page, browser, live_server):
    lift = DispatchDispute.objects.get(status=DispatchDispute.Status.OPEN)
    sign_in(page, "dispatcher")
    page.goto(page.base + "/routing/disputes/")
    rows = page.locator("#list-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("待裁定")  # the open one first
    expect(rows.first).to_contain_text(lift.matter.number)
    expect(rows.nth(1)).to_contain_text("市政设施中心")

    rows.first.locator("a").first.click()
    expect(page.get_by_test_id("returns").get_by_test_id("return")).to_have_count(2)
    expect(page.get_by_test_id("classifier-suggestion")).to_be_visible()
    page.get_by_test_id("filter-responsible_unit").fill("住房和城乡建设局")
    page.get_by_test_id("filter-category").fill("物业管理")
    page.fill("#id_reasons", "电梯维修由物业企业负责，住建局督促物业履行维修义务。")
    page.select_option("#id_change", "keywords")
    page.fill("#id_keywords", "停运，困人")
    with page.expect_navigation():
        page.get_by_test_id("rule").click()  # the confirmation is accepted

    expect(page.get_by_test_id("dispute-status")).to_have_text("已裁定")
    expect(page.get_by_test_id("responsible-unit")).to_contain_text("太原市住房和城乡建设局")
    change = page.get_by_test_id("change")
    expect(change.get_by_test_id("after")).to_contain_text("停运,困人")
    expect(change.get_by_test_id("before")).not_to_contain_text("困人")
    shot(page, "dispute-ruled.png")
    assert "困人" in Category.objects.get(code="property").keywords
    lift.matter.refresh_from_db()
    assert lift.matter.lead_unit.code == "ty-zjj" and lift.matter.status == "dispatched"

    with device_page(browser, live_server, "phone") as phone:
        sign_in(phone, "dispatcher")
        phone.goto(phone.base + "/routing/disputes/")
        expect(phone.locator("#list-table tbody tr")).to_have_count(2)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
