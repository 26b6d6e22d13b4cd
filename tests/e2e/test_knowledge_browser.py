"""知识库 in a real browser, on the demo: the dispatcher types what a caller says into the
答复助手, the heating answer is suggested beside it, and 插入答复 puts its text into the
answer draft (and the article's id into the form); on a phone the page does not scroll
sideways."""

import time

import pytest

from longcheng.knowledge.models import Article

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def _poll(page, script: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not seen in {timeout} s: {script}")


def test_a_typed_complaint_brings_an_article_whose_answer_is_inserted(phone):
    page = phone
    heating = Article.objects.get(title="暖气不热、室温不达标的处理")
    sign_in(page, "dispatcher")
    page.goto(page.base + "/knowledge/assist/")
    page.locator("#assist-complaint").press_sequentially("家里暖气不热，室温只有十五度", delay=20)
    _poll(page, "document.querySelectorAll('[data-knowledge-suggest] li').length > 0")
    first = page.locator("[data-knowledge-suggest] li").first
    assert first.get_attribute("data-article-id") == str(heating.pk)
    assert "暖气不热、室温不达标的处理" in first.inner_text()
    shot(page, "knowledge-suggest-phone.png")
    first.get_by_role("button", name="插入答复").click()
    answer = page.locator("#assist-answer").input_value()
    assert answer.startswith("请您先拨打所在小区供热企业的客服电话报修")
    assert page.locator("input[name=knowledge_article]").input_value() == str(heating.pk)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
