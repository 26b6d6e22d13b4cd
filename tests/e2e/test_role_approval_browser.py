"""三权分立 as the two administrators see it: the system administrator creates an account, it
waits on the security administrator's 角色审批 page, and works only after approval."""

import pytest
from playwright.sync_api import expect

from longcheng.accounts.models import User

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def test_a_new_account_waits_for_the_security_administrator(page):
    sign_in(page, "sysadmin")
    page.goto(page.base + "/org/staff/new/")
    page.fill("#id_username", "new_inspector")
    page.fill("#id_full_name", "新来的监督员")
    page.select_option("#id_role", "clerk")
    page.select_option("#id_unit", label=page.locator("#id_unit option").nth(3).inner_text())
    page.fill("#id_password", "Xy7-long-enough")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("待安全管理员审批角色后方可登录")
    assert User.objects.get(username="new_inspector").awaiting_approval

    page.context.clear_cookies()
    sign_in(page, "secadmin")
    expect(page.locator(".alert").filter(has_text="等待您审批")).to_be_visible()
    page.get_by_role("link", name="角色审批").first.click()
    row = page.locator("[data-testid=role-request-new_inspector]")
    expect(row).to_contain_text("新来的监督员")
    with page.expect_navigation():
        row.get_by_role("button", name="批准").click()
    expect(page.locator("[data-testid=role-requests-decided]")).to_contain_text("已批准")
    assert not User.objects.get(username="new_inspector").awaiting_approval
