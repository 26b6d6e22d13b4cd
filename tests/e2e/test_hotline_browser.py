"""The workbench in a browser (the demo): an operator types a known caller's number and sees
the history (masked, the open heating complaint pointed out), answers a consultation from a
template and closes it on the call; on a 390 px phone nothing scrolls sideways."""

import time

import pytest

from longcheng.loop.models import Category, Matter

from .conftest import device_page, sign_in

pytestmark = pytest.mark.e2e


CALLER = "13903510021"


def _until(page, script: str, timeout: float = 10) -> None:
    """Poll (the CSP refuses wait_for_function's eval)."""
    end = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < end, script
        page.wait_for_timeout(100)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_an_operator_recognises_the_caller_and_answers_on_the_call(browser, live_server, demo):
    heating_cold = Category.objects.get(code="heating-cold").pk
    heating_fee = Category.objects.get(code="heating-fee").pk
    with device_page(browser, live_server, "desk") as page:
        sign_in(page, "dispatcher")
        page.goto(page.base + "/hotline/")
        page.fill("#id_reporter_phone", CALLER)
        _until(page, "document.querySelectorAll('[data-testid=history-item]').length === 3")
        history = page.get_by_test_id("caller-history")
        assert "139****0021" in history.inner_text()
        assert CALLER not in page.content()
        page.fill("#id_title", "暖气不热")
        page.select_option("#id_category", str(heating_cold))
        _until(page, "!!document.querySelector('[data-testid=similar-open]')")
        assert "暖气又不热了，卧室十五度" in page.get_by_test_id("similar-open").inner_text()
        _until(page, "!!document.querySelector('#id_q_1, [data-question]')")
        assert "室温（℃）" in page.locator("#intake-questions").inner_text()
        # This time the caller only asks about 报停: a consultation answered on the call.
        page.fill("#id_title", "咨询暖气报停")
        page.fill("#id_description", "想问一下今年暖气报停怎么办理。")
        page.select_option("#id_kind", "consultation")
        page.select_option("#id_category", str(heating_fee))
        _until(page, "!!document.querySelector('[data-testid=template-picker]')")
        picker = page.get_by_test_id("template-picker")
        picker.select_option(label="供暖期与报停说明（全市通用）")
        assert "法定供暖期" in page.input_value("#id_answer_text")
        for field in page.locator("#intake-questions [data-question]").all():
            if not field.input_value():
                field.fill("3单元602")
        with page.expect_navigation():
            page.get_by_test_id("answer-on-call").click()
        assert "即时办结（12345热线通话中直接答复）" in page.content()
        matter = Matter.objects.get(title="咨询暖气报停")
        assert matter.answered_on_call and matter.status == "answered"


def test_the_workbench_fits_a_phone(browser, live_server, demo):
    with device_page(browser, live_server, "phone") as page:
        sign_in(page, "dispatcher")
        page.goto(page.base + "/hotline/")
        _fits(page)
        page.fill("#id_reporter_phone", CALLER)
        _until(page, "document.querySelectorAll('[data-testid=history-item]').length === 3")
        _fits(page)
