"""A personal-data request is not a lookup tool: the clerk sees counts until the requester's
document is checked in person and a second person approves; then the contents."""

import datetime

import pytest
from playwright.sync_api import expect

from longcheng.loop.models import Matter
from longcheng.parties.demo import demo_id_number
from longcheng.privacy.models import DataRequest

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def test_counts_then_an_in_person_check_then_a_second_person_approves(page, browser):
    reporter = Matter.objects.exclude(reporter_phone="").order_by("id").first()
    id_number = demo_id_number("140105", datetime.date(1969, 1, 30), 35)  # a demo supervisor
    sign_in(page, "xd_clerk")
    page.goto(page.base + "/privacy/new/")
    page.select_option("#id_kind", "access")
    page.fill("#id_requester_name", "段宏伟")
    page.fill("#id_requester_phone", reporter.reporter_phone)
    page.fill("#id_requester_id_number", id_number)
    page.fill("#id_detail", "想查阅平台保存的我的个人信息。")
    with page.expect_navigation():
        page.click("button[type=submit]")
    request = DataRequest.objects.order_by("-id").first()

    expect(page.get_by_test_id("counts")).to_contain_text("件诉求、1 条人员登记")
    expect(page.get_by_test_id("missing")).to_have_text("待核验身份")
    expect(page.get_by_test_id("holdings")).to_have_count(0)
    expect(page.get_by_test_id("copy")).to_have_count(0)

    check = page.get_by_test_id("document-check")
    check.locator("#id_doc-document_type").select_option("id_card")
    check.locator("#id_doc-document_number").fill(id_number)
    check.locator("#id_doc-confirmed").check()
    with page.expect_navigation():
        page.get_by_test_id("check-document").click()
    expect(page.get_by_test_id("missing")).to_have_text("待第二人审批")
    expect(page.get_by_test_id("approval-waiting")).to_contain_text("不能审批自己完成的身份核验")
    expect(page.get_by_test_id("holdings")).to_have_count(0)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    second = context.new_page()
    second.base = page.base
    sign_in(second, "xd_leader")
    second.goto(second.base + f"/privacy/{request.pk}/")
    expect(second.get_by_test_id("checks")).to_contain_text("当面查验证件（居民身份证）")
    second.fill("#id_approval-reason", "证件原件核对无误。")
    with second.expect_navigation():
        second.get_by_test_id("approve").click()
    expect(second.locator(".alert-success")).to_contain_text("已同意")
    context.close()

    page.reload()
    expect(page.get_by_test_id("holdings")).to_contain_text(reporter.number)
    expect(page.get_by_test_id("holdings")).to_contain_text("自然人登记")
    expect(page.get_by_test_id("copy")).to_be_visible()
