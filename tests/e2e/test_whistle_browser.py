"""吹哨报到 in a real browser (issue 28): a street office handling a matter whistles two city
departments at its desk; one reports from a phone in time; the other's two working hours pass,
the timers escalate it, and its late report is recorded as late; the metrics page shows each
department's 报到及时率."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from longcheng.accounts import services as account_services
from longcheng.accounts.demo import DEMO_PASSWORD, ready_for_sign_in
from longcheng.accounts.models import User
from longcheng.core.calendar import add_working_days
from longcheng.core.models import Unit
from longcheng.loop import services
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.models import Category, Notification, WhistleSummons
from longcheng.loop.timers import loop_sweep
from longcheng.loop.workflow import Channel, Kind, Urgency

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e

MARKET, HOUSING = "ty-scjg", "ty-zjj"


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def _street_with_a_clerk() -> Unit:
    """The test's own street office (亲贤街道) under 小店区政府, and its clerk."""
    district = Unit.objects.get(code="xd-gov")
    street = Unit.objects.add_child(
        district,
        {
            "code": "test-qinxian",
            "name": "小店区亲贤街道办事处",
            "short_name": "亲贤街道",
            "kind": Unit.Kind.GOVERNMENT,
            "division": district.division,
        },
    )
    account_services.user_create(
        actor=User.objects.get(username="sysadmin"),
        username="qx_clerk",
        full_name="刘晓芳",
        role="clerk",
        unit=street,
        position="城市管理办公室干事",
        password=DEMO_PASSWORD,
    )
    ready_for_sign_in(lambda *_args: None)
    return Unit.objects.get(pk=street.pk)


def _signed_by_the_street(street: Unit):
    dispatcher = User.objects.get(username="dispatcher")
    matter = services.matter_receive(
        MatterDraft(
            title="亲贤北街底商违规搭建门头、占道经营",
            description="沿街几家商户搭建彩钢门头，货物摆上人行道，行人只能走机动车道。",
            channel=Channel.HOTLINE,
            kind=Kind.COMPLAINT,
            urgency=Urgency.NORMAL,
            category=Category.objects.get(code="urban-noise"),
            reporter_phone="13912345678",
        ),
        actor=dispatcher,
    )
    matter = services.matter_dispatch(matter=matter, actor=dispatcher, lead_unit=street)
    return services.matter_sign(matter=matter, actor=User.objects.get(username="qx_clerk"))


def _report(page, matter, opinion: str, part: str = "") -> str:
    page.goto(f"{page.base}/loop/?box=to_report")
    page.locator("a", has_text=matter.number).first.click()
    page.get_by_test_id("act-report").click()
    page.fill("#act-report textarea[name=report-opinion]", opinion)
    if part:
        page.fill("#act-report textarea[name=report-took_part]", part)
    page.get_by_test_id("submit-report").click()
    page.wait_for_load_state()
    return page.locator(".alert-success").inner_text()


def test_a_street_whistles_two_departments_one_reports_late_and_is_escalated(
    browser, live_server, demo
):
    # A working Monday-to-Friday morning after the demo's today, so that the clock only
    # moves forward (the sign-in codes follow it).
    day = add_working_days(timezone.localdate(), 2)
    street = _street_with_a_clerk()
    market, housing = Unit.objects.get(code=MARKET), Unit.objects.get(code=HOUSING)

    with time_machine.travel(_at(day, 9), tick=True):
        matter = _signed_by_the_street(street)
        with device_page(browser, live_server, "desk") as desk:
            sign_in(desk, "qx_clerk")
            desk.goto(f"{desk.base}/loop/matters/{matter.pk}/")
            desk.get_by_test_id("act-whistle").click()
            desk.select_option(
                "#act-whistle select[name=whistle-units]", value=[str(market.pk), str(housing.pk)]
            )
            desk.fill(
                "#act-whistle textarea[name=whistle-reason]",
                "商户证照和门头搭建是否违法街道无权认定，请市场监管局核查经营范围，"
                "住建局认定违法建设。",
            )
            desk.fill("#act-whistle input[name=whistle-hours]", "2")
            shot(desk, "whistle-form-desk.png", full_page=True)
            desk.get_by_test_id("submit-whistle").click()
            desk.wait_for_load_state()
            assert "已吹哨" in desk.locator(".alert-success").inner_text()
            panel = desk.get_by_test_id("whistles")
            assert f"截至 {day:%Y-%m-%d} 11:00" in panel.inner_text()
            assert panel.get_by_test_id("summons").count() == 2
            assert panel.locator("[data-status=pending]").count() == 2
            assert "吹哨" in desk.get_by_test_id("timeline").inner_text()

        with device_page(browser, live_server, "phone") as phone:
            sign_in(phone, "scjg_clerk")
            phone.goto(f"{phone.base}/loop/?box=to_report")
            assert _fits(phone)
            shot(phone, "whistle-to-report-phone.png", full_page=True)
            said = _report(
                phone,
                matter,
                "经核查，商户营业执照经营范围不含室外经营，属本局查处范围。",
                "明日上午派员到现场，对超范围经营立案调查。",
            )
            assert "已报到" in said
            summons = phone.get_by_test_id("whistles").locator("[data-status=reported]")
            assert "市市场监管局" in summons.inner_text() and "按时报到" in summons.inner_text()
            assert _fits(phone)
            shot(phone, "whistle-reported-phone.png", full_page=True)

    # 14:00: the housing bureau's two working hours have passed; the timers run.
    with time_machine.travel(_at(day, 14), tick=True):
        assert loop_sweep(now=timezone.now()).late_reports == 1
        assert loop_sweep(now=timezone.now()).late_reports == 0  # once
        late = WhistleSummons.objects.get(matter=matter, unit=housing)
        assert late.status == WhistleSummons.Status.LATE
        told = Notification.objects.filter(matter=matter, title__startswith="超时未报到")
        assert {"qx_clerk", "dispatcher"} <= set(told.values_list("recipient__username", flat=True))

        with device_page(browser, live_server, "desk") as desk:
            sign_in(desk, "qx_clerk")
            desk.goto(f"{desk.base}/loop/matters/{matter.pk}/")
            panel = desk.get_by_test_id("whistles")
            assert "超时未报到" in panel.locator("[data-status=late]").inner_text()
            assert "超时未报到" in desk.get_by_test_id("timeline").inner_text()

        with device_page(browser, live_server, "phone") as phone:
            sign_in(phone, "zj_clerk")
            said = _report(phone, matter, "门头未取得规划许可，符合违法建设认定条件。")
            assert "记为超时报到" in said
            row = phone.get_by_test_id("whistles").locator("[data-status=reported_late]")
            assert "市住建局" in row.inner_text() and "超时报到" in row.inner_text()
            assert _fits(phone)
            shot(phone, "whistle-late-phone.png", full_page=True)

        with device_page(browser, live_server, "desk") as desk:
            sign_in(desk, "qx_clerk")
            desk.goto(f"{desk.base}/loop/matters/{matter.pk}/")
            panel = desk.get_by_test_id("whistles").inner_text()
            assert "按时报到" in panel and "超时报到" in panel and "已督办" in panel
            shot(desk, "whistle-panel-desk.png", full_page=True)

            desk.context.clear_cookies()
            sign_in(desk, "dispatcher")
            period = f"start={day:%Y-%m-%d}&end={day:%Y-%m-%d}&scope=all"
            desk.goto(f"{desk.base}/loop/metrics/?{period}&sort=-on_time_report_rate")
            table = desk.get_by_test_id("metrics")
            assert "报到及时率" in table.locator("thead").inner_text()
            rates = {}
            for row in table.get_by_test_id("metrics-row").all():
                name = row.get_by_test_id("unit").inner_text().strip()
                rates[name] = row.get_by_test_id("report-rate").inner_text().strip()
            assert rates["市市场监管局"].startswith("100%")
            assert rates["市住建局"].startswith("0%")
            assert re.search(r"（1/1）", rates["市市场监管局"])
            shot(desk, "whistle-metrics-desk.png")

        with device_page(browser, live_server, "phone") as phone:
            sign_in(phone, "dispatcher")
            phone.goto(f"{phone.base}/loop/metrics/?{period}&sort=-on_time_report_rate")
            assert _fits(phone)
            card = phone.get_by_test_id("metrics-row").filter(has_text="市住建局")
            cell = card.get_by_test_id("report-rate")
            assert cell.get_attribute("data-label") == "报到及时率"  # the card's label
            assert cell.inner_text().startswith("0%（0/1）")
            shot(phone, "whistle-metrics-phone.png", full_page=True)
