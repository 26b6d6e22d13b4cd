"""Register lists on a phone: each row is a card of "label: value" lines, overdue rows stand
out, and no list scrolls sideways at 390 px."""

import pytest

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e

LISTS = ["/loop/?box=to_dispatch", "/loop/?box=handling", "/loop/?box=all", "/enforcement/"]
# The first few elements reaching past the right edge, to name what pushes the page wider.
TOO_WIDE = (
    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
    ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
)


def test_lists_become_cards_on_a_phone(phone):
    page = phone
    sign_in(page, "dispatcher")
    for path in LISTS:
        page.goto(page.base + path)
        wide = page.evaluate(TOO_WIDE)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, (path, wide)
        first = page.locator("table.table-cards tbody tr").first
        # A card: the cells stack (the second cell starts below the first, not beside it).
        boxes = [first.locator("td").nth(i).bounding_box() for i in (0, 1)]
        assert boxes[1]["y"] > boxes[0]["y"], path
    page.goto(page.base + "/loop/?box=handling")
    shot(page, "inbox-phone.png")
