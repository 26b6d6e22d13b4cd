"""A citizen and a special supervisor on their phones (390 × 844): the citizen submits through
/a/, learns when to expect the answer, copies the tracking link and follows the progress; the
supervisor reports a problem with its category and place and finds it in their list."""

import pytest
from django.utils import formats, timezone
from playwright.sync_api import expect

from longcheng.appeals.models import Appeal
from longcheng.core.calendar import deadline_after_working_days
from longcheng.loop import services as loop
from longcheng.loop.rules import time_limit_for

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e


def _fits(page) -> None:
    """Nothing scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def _day(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


@pytest.fixture
def citizen_phone(browser, live_server, demo):
    with device_page(
        browser, live_server, "phone", permissions=["clipboard-read", "clipboard-write"]
    ) as page:
        yield page


def test_a_citizen_submits_copies_the_link_and_follows_the_progress(citizen_phone):
    phone = citizen_phone
    phone.goto(phone.base + "/a/")
    phone.select_option("#id_category", label="　道路与人行道")
    phone.fill("#id_description", "亲贤北街人行道被挖开一个多月没有恢复，老人推车只能走机动车道。")
    phone.fill("#id_reporter_name", "刘女士")
    phone.fill("#id_reporter_phone", "13700005678")
    phone.check("#id_consent")
    with phone.expect_navigation():
        phone.click("#submit-appeal")
    if phone.locator("[data-testid=confirm-new]").count():  # a similar matter was offered
        with phone.expect_navigation():
            phone.click("[data-testid=confirm-new]")
    code = phone.locator("[data-testid=tracking-code]").inner_text()
    appeal = Appeal.objects.select_related("matter__category").get(tracking_code=code)

    # When to expect the answer: the kind's time limit in working days, as dispatch counts it.
    matter = appeal.matter
    days = time_limit_for(matter.category, matter.kind, matter.urgency).handle_days
    due = deadline_after_working_days(timezone.now(), days)
    expected = phone.locator("[data-testid=expected-answer]").inner_text()
    assert f"预计 {days} 个工作日内答复（{_day(due)}前）" in expected
    _fits(phone)
    shot(phone, "citizen-done-phone.png", full_page=True)

    # 复制 puts the tracking link on the clipboard and says so.
    phone.click("[data-testid=copy-link]")
    expect(phone.locator("[data-testid=copy-status]")).to_have_text("已复制")  # once written
    copied = phone.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(f"/a/track/?code={code}")
    assert phone.locator("[data-testid=tracking-qr]").is_visible()

    # The unit handles it and writes a note for the reporter besides an internal one.
    from longcheng.accounts.models import User

    dispatcher = User.objects.get(username="dispatcher")
    clerk = User.objects.get(username="szss_clerk")
    matter = loop.matter_dispatch(matter=matter, actor=dispatcher, lead_unit=clerk.unit)
    matter = loop.matter_sign(matter=matter, actor=clerk)
    internal = "内部：燃气公司管线施工未报备"
    matter = loop.matter_add_progress(matter=matter, actor=clerk, text=internal)
    matter = loop.matter_add_progress(  # 向诉求人公开, as the unit's progress form marks it
        matter=matter, actor=clerk, text="已通知施工单位，本周五前完成人行道恢复", public=True
    )

    # The kept link opens the progress in this browser.
    phone.goto(phone.base + copied[copied.index("/a/track/") :])
    steps = phone.locator("[data-testid=public-steps]").inner_text()
    assert "已通知施工单位，本周五前完成人行道恢复" in steps
    assert "太原市市政设施管理中心已签收" in steps
    assert "未报备" not in phone.content() and clerk.full_name not in phone.content()
    assert (
        f"{_day(matter.handle_deadline)}前答复"
        in phone.locator("[data-testid=expected-answer]").inner_text()
    )
    _fits(phone)
    shot(phone, "citizen-tracking-phone.png", full_page=True)


def test_a_supervisor_reports_with_category_and_place_on_a_phone(phone):
    sign_in(phone, "supervisor02")
    phone.goto(phone.base + "/appeals/mine/")
    before = phone.locator("[data-testid=my-report]").count()
    _fits(phone)
    phone.click("[data-testid=new-report]")
    phone.select_option("#id_category", label="　办不成事兜底")
    phone.fill("#id_address", "小店区政务服务中心二楼不动产登记窗口")
    phone.fill("#id_description", "企业办理不动产抵押登记，窗口要求重复提交已上传的材料。")
    submit = phone.locator("[data-testid=submit-report]")
    assert submit.inner_text() == "提交"
    _fits(phone)
    shot(phone, "supervisor-report-phone.png", full_page=True)
    with phone.expect_navigation():
        submit.click()

    reports = phone.locator("[data-testid=my-report]")
    assert reports.count() == before + 1
    first = reports.first.inner_text()
    assert "企业办理不动产抵押登记" in first and "已收到，等待分派" in first
    assert "前答复" in first  # the date the answer is due by
    _fits(phone)
    shot(phone, "supervisor-home-phone.png", full_page=True)

    mine = Appeal.objects.filter(supervisor__user__username="supervisor02")
    assert reports.count() == min(mine.count(), 20)  # theirs only (20 to a page)
    with phone.expect_navigation():
        reports.first.click()
    assert "小店区政务服务中心二楼不动产登记窗口" in phone.content()
    assert phone.locator("[data-testid=public-steps]").inner_text().startswith("诉求已受理")
    _fits(phone)
