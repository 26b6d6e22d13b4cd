"""Register lists on a phone: each row is a card of "label: value" lines, overdue rows stand
out, and no list scrolls sideways at 390 px."""

import pytest

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e

LISTS = ["/loop/?box=to_dispatch", "/loop/?box=handling", "/loop/?box=all", "/enforcement/"]


def test_lists_become_cards_on_a_phone(browser, live_server, demo):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.base = live_server.url
    sign_in(page, "dispatcher")
    for path in LISTS:
        page.goto(page.base + path)
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
            " > 391).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' +"
            " (e.innerText || '').slice(0, 30))"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, (path, wide)
        first = page.locator("table.table-cards tbody tr").first
        # A card: the cells stack (the second cell starts below the first, not beside it).
        boxes = [first.locator("td").nth(i).bounding_box() for i in (0, 1)]
        assert boxes[1]["y"] > boxes[0]["y"], path
    page.goto(page.base + "/loop/?box=handling")
    shot(page, "inbox-phone.png", full_page=False)
    context.close()
