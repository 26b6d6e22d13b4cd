"""消息 in a real browser, on the demo: the dispatcher at the desk filters by kind, marks that
kind read, then everything, and the sidebar's badge goes to 0; on a phone, opening a notice
reads it and 全部标为已读 empties the badge in the menu, on pages that do not scroll sideways."""

import pytest

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e

NOTIFICATIONS = "/loop/notifications/"


def _fits(page) -> bool:
    # Against the device's width: a phone zooms out on a wide page, and innerWidth grows with it.
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _unread_total(page) -> int:
    return int(page.locator("[data-testid=unread-total]").inner_text())


def _badge(page):
    return page.locator(f"#sidebar a[href='{NOTIFICATIONS}'] .badge")


def test_the_dispatcher_filters_by_kind_and_marks_all_read_at_the_desk(desk):
    page = desk
    sign_in(page, "dispatcher")
    page.goto(page.base + NOTIFICATIONS)
    total = _unread_total(page)
    assert total > 0
    assert int(_badge(page).inner_text()) == total  # the sidebar says the same
    kinds = page.locator("[data-testid=notification-kinds] a[data-kind]")
    assert kinds.count() >= 2
    shot(page, "notifications-desk.png")

    pill = kinds.first
    kind = pill.get_attribute("data-kind")
    in_kind = int(pill.locator(".badge").inner_text())
    with page.expect_navigation():
        pill.click()
    rows = page.locator("[data-testid=notifications] a")
    assert rows.count() == min(in_kind, 20)
    assert {rows.nth(i).get_attribute("data-kind") for i in range(rows.count())} == {kind}
    with page.expect_navigation():  # confirmed as a user clicks OK
        page.locator("[data-testid=mark-all-read] button").click()
    assert "条消息标为已读" in page.locator(".alert").inner_text()
    assert _unread_total(page) == total - in_kind
    assert page.locator(f"[data-testid=notification-kinds] a[data-kind={kind}]").count() == 1
    assert "没有未读消息" in page.locator("[data-testid=notifications]").inner_text()

    with page.expect_navigation():
        page.get_by_role("link", name="全部类别").click()
    with page.expect_navigation():
        page.locator("[data-testid=mark-all-read] button").click()
    assert _unread_total(page) == 0
    assert _badge(page).count() == 0  # no badge once nothing waits
    with page.expect_navigation():
        page.locator("[data-testid=notification-states] a").nth(1).click()  # 全部
    assert page.locator("[data-testid=notifications] a").count() == 20  # the first page
    assert page.locator("[data-testid=resolved]").count() > 0  # settled ones say 已处理
    assert _fits(page)
    shot(page, "notifications-desk-all.png")


def test_a_notice_opened_on_a_phone_is_read_and_the_badge_empties(phone):
    page = phone
    sign_in(page, "dispatcher")
    page.goto(page.base + NOTIFICATIONS)
    total = _unread_total(page)
    assert _fits(page)
    shot(page, "notifications-phone.png", full_page=True)

    with page.expect_navigation():
        page.locator("[data-testid=notifications] a").first.click()
    # The notice's page: the matter, or the dispatch dispute the newest notice announces.
    assert "/loop/matters/" in page.url or "/routing/disputes/" in page.url, page.url
    page.goto(page.base + NOTIFICATIONS)
    assert _unread_total(page) == total - 1

    with page.expect_navigation():  # the next page's document, not the gap between the two
        page.locator("[data-testid=notification-kinds] a[data-kind]").first.click()
    assert _fits(page)
    with page.expect_navigation():
        page.get_by_role("link", name="全部类别").click()
    with page.expect_navigation():
        page.locator("[data-testid=mark-all-read] button").click()
    assert _unread_total(page) == 0
    page.get_by_role("button", name="菜单").click()
    assert page.locator(f"#sidebar a[href='{NOTIFICATIONS}']").is_visible()
    assert _badge(page).count() == 0
    assert _fits(page)
    shot(page, "notifications-phone-read.png", full_page=True)
