import pytest
from playwright.sync_api import expect

from longcheng.audit.models import Action, AuditRecord

from .conftest import DEMO_PASSWORD, current_code, shot, sign_in

pytestmark = pytest.mark.e2e


def test_password_then_code_then_home(page):
    page.goto(page.base + "/loop/")
    page.fill("#id_username", "wj_clerk")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("双因素认证")
    assert page.locator("nav#sidebar").count() == 0  # no doors before the second factor
    shot(page, "two-factor.png")
    page.fill("#id_code", "000000" if current_code("wj_clerk") != "000000" else "111111")
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=otp-error]")).to_be_visible()
    page.wait_for_timeout(1100)  # django-otp's one-second wait after a wrong code
    page.fill("#id_code", current_code("wj_clerk"))
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith("/loop/")
    assert AuditRecord.objects.filter(action=Action.OTP_FAILED).count() == 1


def test_the_security_administrator_resets_an_authenticator(page):
    sign_in(page, "secadmin")
    page.get_by_role("link", name="账号安全").click()
    table = page.locator("[data-testid=account-security]")
    expect(table).to_contain_text("高静")
    shot(page, "account-security.png")
    row = page.locator("[data-testid=account-wj_clerk]")
    with page.expect_navigation():
        row.get_by_role("button", name="重置验证器").click()
    expect(page.locator(".alert-success")).to_contain_text("已重置")
    expect(row).to_contain_text("未绑定")
