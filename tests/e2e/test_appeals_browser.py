"""Appeals in a real browser: a citizen on a phone, a special supervisor, the committee."""

import pytest

from longcheng.appeals.models import Appeal, CommitteeMeeting, MonitoringPoint
from longcheng.appeals.tokens import point_token
from longcheng.loop import services as loop
from longcheng.loop.workflow import Status

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def test_scan_submit_track_and_rate_on_a_phone(phone):
    point = MonitoringPoint.objects.get(code="xd-hall")
    phone.goto(f"{phone.base}/a/p/{point_token(point)}/")
    assert "小店政务大厅" in phone.locator("header").inner_text()
    phone.fill("#id_description", "不动产登记窗口说系统故障，让下周再来，已经第三次了。")
    phone.fill("#id_reporter_name", "赵女士")
    phone.fill("#id_reporter_phone", "13700001234")
    phone.check("#id_consent")
    with phone.expect_navigation():
        phone.click("#submit-appeal")
    code = phone.locator("[data-testid=tracking-code]").inner_text()
    appeal = Appeal.objects.get(tracking_code=code)
    assert appeal.point == point and appeal.fallback_window

    # Staff handle it (through the services, as the loop's own browser test covers the pages).
    from longcheng.accounts.models import User

    dispatcher = User.objects.get(username="dispatcher")
    hall = User.objects.get(username="xd_hall")
    matter = loop.matter_dispatch(matter=appeal.matter, actor=dispatcher, lead_unit=hall.unit)
    matter = loop.matter_sign(matter=matter, actor=hall)
    loop.matter_answer(matter=matter, actor=hall, text="已现场协调，当日办结不动产登记。")

    # Later, on another phone session: track with the code and the last four digits, then rate.
    phone.context.clear_cookies()
    phone.goto(f"{phone.base}/a/track/")
    phone.fill("#id_code", code.lower())
    phone.fill("#id_phone_last4", "1234")
    with phone.expect_navigation():
        phone.click("button[type=submit]")
    assert "已现场协调" in phone.locator("[data-testid=public-answer]").inner_text()
    phone.check("#id_rating_0")
    phone.check("#id_resolved_0")
    with phone.expect_navigation():
        phone.click("#submit-rating")
    assert "感谢您的评价" in phone.content()
    assert Appeal.objects.get(pk=appeal.pk).matter.status == Status.CLOSED


def test_the_supervisors_view(desk):
    sign_in(desk, "supervisor01")
    desk.goto(desk.base + "/appeals/mine/")
    before = desk.locator("[data-testid=my-report]").count()
    desk.click("[data-testid=new-report]")
    desk.select_option("#id_category", label="　办不成事兜底")
    desk.fill("#id_address", "小店区政务服务中心一楼综合窗口")
    desk.fill("#id_description", "园区企业反映水电气报装要分别跑三个部门，希望一站式办理。")
    with desk.expect_navigation():
        desk.click("[data-testid=submit-report]")
    rows = desk.locator("[data-testid=my-report]")
    assert rows.count() == before + 1
    assert "园区企业反映水电气报装" in rows.first.inner_text()
    assert desk.goto(desk.base + "/loop/").status == 403


def test_the_committee_meeting_flow(desk):
    sign_in(desk, "xd_clerk")
    desk.goto(desk.base + "/appeals/meetings/")
    desk.fill("#id_title", "第四次全体会议")
    desk.fill("#id_held_on", "2026-12-01")
    with desk.expect_navigation():
        desk.click("[data-testid=create-meeting]")
    meeting = CommitteeMeeting.objects.get(title="第四次全体会议")
    add = desk.locator("button[data-testid^=add-]").first
    with desk.expect_navigation():
        add.click()
    item = desk.locator("[data-testid=agenda-item]").first
    item.locator("select").select_option(label="小店区政务大厅")
    item.locator("input[type=date]").fill("2026-12-10")
    item.locator("textarea").fill("由区政务服务中心牵头现场办公解决。")
    with desk.expect_navigation():
        item.locator("[data-testid=decide]").click()
    assert "决定：由小店区政务大厅主办" in desk.locator("[data-testid=decision]").first.inner_text()
    decided = meeting.items.get()
    assert decided.matter.status == Status.DISPATCHED
    assert decided.matter.lead_unit.code == "xd-zwfw"
    with desk.expect_popup() as popup:
        desk.click("[data-testid=minutes]")
    assert popup.value.url.endswith("minutes.pdf")
