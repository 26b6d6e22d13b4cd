"""应急模式 in a real browser: a rainstorm floods the streets; the dispatcher starts the
emergency at the desk (its categories, a confirmation); a citizen on a phone (390 × 844) sees the
banner and only the emergency's categories, sends a flooded underpass, and the dispatcher finds
it in the first tab, 应急; when the dispatcher ends the emergency the public form offers every
category again."""

import pytest

from longcheng.appeals.models import Appeal
from longcheng.loop.models import Category, EmergencyMode
from longcheng.loop.workflow import Urgency

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e

EMERGENCY = ("municipal-drain", "water-outage")  # 排水, 停水与水压


def _fits(page) -> None:
    """Nothing scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def _categories_offered(page) -> list[str]:
    """The public form's category list as the citizen reads it (the empty choice left out)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#id_category option')]
            .filter(o => o.value).map(o => o.textContent.trim())"""
    )


def test_the_dispatcher_starts_an_emergency_and_the_public_form_narrows(browser, live_server, demo):
    chosen = [Category.objects.get(code=code) for code in EMERGENCY]
    with (
        device_page(browser, live_server, "desk") as desk,
        device_page(browser, live_server, "phone") as phone,
    ):
        phone.goto(f"{phone.base}/a/")
        every = _categories_offered(phone)
        assert "夜间施工噪音" in every and len(every) > 20
        assert phone.locator("[data-testid=emergency-banner]").count() == 0

        # The dispatcher starts it: a title, two categories, and the confirmation.
        sign_in(desk, "dispatcher")
        desk.goto(f"{desk.base}/loop/emergency/")
        desk.fill("#id_title", "11·20 暴雨内涝")
        desk.fill("#id_note", "市气象台发布暴雨红色预警，多处下穿通道积水。")
        for category in chosen:
            desk.check(f"input[name=categories][value='{category.pk}']")
        with desk.expect_navigation():
            desk.get_by_test_id("emergency-start-submit").click()
        # Not confirmed: refused in plain words, nothing started.
        assert "请勾选确认后再启动" in desk.content()
        assert not EmergencyMode.objects.filter(on=True).exists()
        for category in chosen:  # the choices are kept on the refused form
            assert desk.is_checked(f"input[name=categories][value='{category.pk}']")
        desk.check("#id_confirm")
        with desk.expect_navigation():
            desk.get_by_test_id("emergency-start-submit").click()
        assert "应急模式已启动" in desk.locator(".alert-success").inner_text()
        assert "11·20 暴雨内涝" in desk.get_by_test_id("emergency-banner").inner_text()

        # A citizen on a phone: the banner, only the emergency's categories, nothing sideways.
        phone.goto(f"{phone.base}/a/")
        assert "11·20 暴雨内涝" in phone.get_by_test_id("emergency-banner").inner_text()
        assert _categories_offered(phone) == ["排水", "停水与水压"]
        _fits(phone)
        shot(phone, "emergency-public-form-phone.png")
        value = phone.evaluate(
            """() => [...document.querySelectorAll('#id_category option')]
                .find(o => o.textContent.trim() === '排水').value"""
        )
        phone.select_option("#id_category", value)
        phone.fill(
            "#id_description", "坞城路下穿铁路桥积水已经没过车轮，有车熄火被困，请尽快抽水。"
        )
        phone.fill("#id_reporter_name", "郭先生")
        phone.fill("#id_reporter_phone", "13703512468")
        phone.check("#id_consent")
        with phone.expect_navigation():
            phone.click("#submit-appeal")
        if phone.locator("[data-testid=confirm-new]").count():  # a similar matter was offered
            with phone.expect_navigation():
                phone.click("[data-testid=confirm-new]")
        code = phone.get_by_test_id("tracking-code").inner_text()
        matter = Appeal.objects.select_related("matter").get(tracking_code=code).matter
        assert matter.urgency == Urgency.URGENT and matter.emergency is not None

        # The dispatcher's inbox opens on 应急, its first tab, with the citizen's matter.
        desk.goto(f"{desk.base}/loop/")
        first_tab = desk.locator("[data-testid=inbox-tabs] .nav-link").first
        assert first_tab.inner_text().startswith("应急")
        assert "active" in (first_tab.get_attribute("class") or "")
        assert desk.locator("a", has_text=matter.number).count() >= 1

        # The dispatcher ends it: the public form has every category again, and no banner.
        desk.goto(f"{desk.base}/loop/emergency/")
        desk.fill("#id_note", "积水已排除，道路恢复通行。")
        desk.check("#id_confirm")
        with desk.expect_navigation():
            desk.locator("[data-testid=emergency-end] button[type=submit]").click()
        assert "应急模式已结束" in desk.locator(".alert-success").inner_text()
        assert not EmergencyMode.objects.filter(on=True).exists()
        phone.goto(f"{phone.base}/a/")
        assert phone.locator("[data-testid=emergency-banner]").count() == 0
        assert _categories_offered(phone) == every
