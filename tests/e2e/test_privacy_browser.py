import pytest
from playwright.sync_api import expect

from longcheng.loop.models import Matter
from longcheng.privacy.models import DataRequest

from .conftest import sign_in

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
    expect(page.locator("[data-testid=holdings]")).to_contain_text(reporter.number)
    page.screenshot(path="docs/screenshots/privacy-request.png", full_page=False)
    page.fill("#id_answer", "副本已当面交付本人。")
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="提交答复").click()
    expect(page.locator("[data-testid=answer]")).to_contain_text("副本已当面交付本人")
    assert DataRequest.objects.filter(status="answered").count() == 2
