import re

import pytest
from playwright.sync_api import expect

from longcheng.loop.models import Matter
from longcheng.privacy.models import DataRequest

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def test_a_clerk_receives_and_answers_a_request_about_personal_data(page):
    sign_in(page, "xd_clerk")
    page.get_by_role("link", name="个人信息请求").click()
    expect(page.locator("h1")).to_contain_text("个人信息权利请求")
    page.goto(page.base + "/privacy/new/")
    page.select_option("#id_kind", "copy")
    page.fill("#id_requester_name", "贺文静")
    reporter = Matter.objects.exclude(reporter_phone="").order_by("id").first()
    page.fill("#id_requester_phone", reporter.reporter_phone)
    page.fill("#id_detail", "请提供平台保存的我的个人信息副本。")
    with page.expect_navigation():
        page.click("button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("请于")
    # Counts only until the requester is verified and a second person approved
    # (test_privacy_disclosure_browser.py); a reasoned refusal needs neither.
    expect(page.locator("[data-testid=counts]")).to_contain_text("件诉求")
    expect(page.locator("[data-testid=holdings]")).to_have_count(0)
    shot(page, "privacy-request.png")
    page.select_option("#id_outcome", "refused")
    page.fill("#id_answer", "请求人未能核验身份，不予提供副本。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交答复").click()
    expect(page.locator("[data-testid=answer]")).to_contain_text("不予提供副本")
    assert DataRequest.objects.filter(status="answered").count() == 2


def test_a_deletion_request_clears_the_data_and_drafts_the_answer(page):
    request = DataRequest.objects.get(kind="delete")
    phone = request.requester_phone
    sign_in(page, "xd_clerk")
    page.goto(page.base + f"/privacy/{request.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("erase").click()
    expect(page.locator(".alert-success")).to_contain_text("已清除")
    expect(page.get_by_test_id("erasure")).to_contain_text("已清除")
    expect(page.locator("#id_answer")).to_have_value(re.compile("已清除您在以下记录中的个人信息"))
    shot(page, "privacy-erasure.png", full_page=True)
    assert not Matter.objects.filter(reporter_phone=phone, status="archived").exists()


def test_a_dispatcher_places_a_legal_hold_on_a_matter(page):
    matter = Matter.objects.filter(status="archived").exclude(reporter_phone="").first()
    sign_in(page, "dispatcher")
    page.goto(page.base + matter.get_absolute_url())
    hold = page.get_by_test_id("legal-hold")
    hold.locator("input[name=reason]").fill("行政复议中")
    with page.expect_navigation():
        hold.get_by_test_id("set-hold").click()
    expect(page.get_by_test_id("legal-hold")).to_contain_text("保全中：行政复议中")
    expect(page.get_by_test_id("timeline")).to_contain_text("设置保全：行政复议中")
    shot(page, "legal-hold.png")
    matter.refresh_from_db()
    assert matter.legal_hold == "行政复议中"
