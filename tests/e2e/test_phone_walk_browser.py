"""Every staff page on a phone: each demo role signs in at 390 × 844, opens every page of its
sidebar, the tabs and toolbar links of those pages and the record behind the first row of each
list. No page may be wider than the screen (a page that scrolls sideways hides its right-hand
side), and no label, button or table cell may be squeezed into a column of single characters."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e

# One account per kind of staff work in the demo.
WALKERS = [
    "dispatcher",  # 12345 派单中心
    "xd_clerk",  # a unit's clerk (小店区营商环境监督委员会)
    "cg_leader",  # a leader over two brigades
    "wj_clerk",  # an inspector (专项检查)
    "cg_clerk1",  # an enforcement officer
    "xd_xmb",  # a project unit reporting its key project
    "tw_clerk",  # the volunteer organiser
    "invest_clerk",  # the fund manager
    "supervisor01",  # a special supervisor
    "sysadmin",
    "secadmin",
    "auditor",
]

# Links that download a file or leave the staff pages rather than show one.
NOT_PAGES = (
    "export=",
    ".pdf",
    ".xlsx",
    ".csv",
    "/pdf",
    "/download",
    "/logout",
    "/qr",
    "/file/",
    "/photo",
    "screen=",
    "page=",
    "copy=",
    ".json",
)
# The citizens' pages (their own test) and Django's admin (its own responsive pages).
NOT_STAFF = ("/a/", "/t/", "/admin/")

LINKS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((a) => a.origin === location.origin).map((a) => a.href)"""
# The first link of the first row of each list or link group on the page: its record.
FIRST_ROWS = """() => [...document.querySelectorAll('main table tbody, main .list-group')]
  .map((group) => group.querySelector('a[href]')).filter((a) => a && a.origin === location.origin)
  .map((a) => a.href)"""
# What sticks out past the right edge (outermost such elements, not inside a scroll box).
CULPRITS = """(screen) => {
  const w = screen + 1;
  const boxed = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim()
       ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  return [...document.querySelectorAll('body *')].filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > w && !(e.parentElement.getBoundingClientRect().right > w)
      && !boxed(e);
  }).slice(0, 4).map(name);
}"""
# Words broken into a column of one or two characters a line: a cell, label or heading of four
# characters or more that is narrower than three of them and taller than three lines, or a
# button or badge on more than one line that is narrower than two characters.
SQUEEZED = """() => [...document.querySelectorAll(
    'main td, main th, main label, main h1, main h2, main .btn, main .badge, header .btn')]
  .filter((e) => {
    const text = e.innerText.trim();
    if (text.length < 2 || !e.offsetParent) return false;
    for (let a = e; a; a = a.parentElement) {
      if (a.getBoundingClientRect().width <= 2) return false;  // visually hidden (a card's head)
    }
    const style = getComputedStyle(e);
    const size = parseFloat(style.fontSize);
    const px = (name) => parseFloat(style[name]) || 0;
    const inner = e.clientWidth - px('paddingLeft') - px('paddingRight');
    const high = e.clientHeight - px('paddingTop') - px('paddingBottom');
    const lines = high / (parseFloat(style.lineHeight) || size * 1.5);
    if (e.matches('.btn, .badge')) return lines >= 1.8 && inner < size * 2;
    return text.length >= 4 && inner < size * 2.6 && lines > 3;
  }).slice(0, 3).map((e) => e.tagName.toLowerCase() + ' ' + e.innerText.trim().slice(0, 12))"""


# Pictures of typical pages at 390 px (conftest.shot), the first time the walk opens each.
SHOTS = {
    "/todo/": "phone-todo.png",
    "/loop/?box=to_dispatch": "phone-inbox.png",
    "/loop/matters/N/": "phone-matter.png",
    "/inspections/N/": "phone-campaign.png",
    "/funds/": "phone-funds.png",
    "/cockpit/": "phone-cockpit.png",
}


def _page_path(href: str) -> str | None:
    parts = urlsplit(href)
    if any(bit in href for bit in NOT_PAGES) or parts.path.startswith(NOT_STAFF):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _shape(path: str) -> str:
    """Pages of one template: /loop/matters/60/ and /loop/matters/57/ are the same page."""
    return re.sub(r"\d+", "N", path)


@dataclass
class Walk:
    visited: list[str] = field(default_factory=list)
    too_wide: list[str] = field(default_factory=list)
    squeezed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def walk(page, base: str, users: list[str], sign_in: Callable) -> Walk:
    """Each user's sidebar pages; the pages they lead to (tabs, toolbar links, first rows)
    once per shape for all users, to keep the walk short."""
    result = Walk()
    shapes: set[str] = set()
    screen = page.viewport_size["width"]
    shots = dict(SHOTS)

    def visit(user: str, path: str) -> bool:
        try:
            response = page.goto(base + path)
        except Exception as error:
            if "Download is starting" not in str(error):  # a file, not a page
                result.errors.append(f"{user} {path}: {str(error).splitlines()[0]}")
            return False
        result.visited.append(f"{user} {path}")
        if response is None or response.status >= 500:
            result.errors.append(f"{user} {path}: {response and response.status}")
            return False
        # Against the screen, not window.innerWidth: a phone zooms out to show a page wider
        # than itself, and innerWidth grows with it.
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > screen + 1:
            culprits = page.evaluate(CULPRITS, screen)
            result.too_wide.append(f"{user} {path}: {width}px {culprits}")
        if squeezed := page.evaluate(SQUEEZED):
            result.squeezed.append(f"{user} {path}: {squeezed}")
        if name := shots.pop(_shape(path), None):
            shot(page, name, full_page=True)
        return True

    for user in users:
        page.context.clear_cookies()
        sign_in(page, user)
        sidebar = [p for h in page.evaluate(LINKS, "#sidebar a") if (p := _page_path(h))]
        assert sidebar, f"{user} has no sidebar"
        # Every sidebar page for each user, and two steps on from it for the first user
        # who reaches a page of that shape.
        todo = [(path, 0) for path in dict.fromkeys(["/", *sidebar])]
        while todo:
            path, depth = todo.pop(0)
            shapes.add(_shape(path))
            if not visit(user, path) or depth == 2:
                continue
            links = page.evaluate(LINKS, "main .nav a, main a.btn") + page.evaluate(FIRST_ROWS)
            for href in links:
                sub = _page_path(href)
                if sub and _shape(sub) not in shapes:
                    shapes.add(_shape(sub))
                    todo.append((sub, depth + 1))
    return result


def test_no_staff_page_scrolls_sideways_on_a_phone(browser, live_server, demo):
    started = time.monotonic()
    with device_page(browser, live_server, "phone", service_workers="block") as page:
        result = walk(page, page.base, WALKERS, sign_in)
    took = time.monotonic() - started
    print(f"phone walk: {len(result.visited)} pages, {len(WALKERS)} users, {took:.0f} s")
    assert len(result.visited) > 100, result.visited
    assert not result.errors, "pages that did not open:\n" + "\n".join(result.errors)
    assert not result.too_wide, "pages wider than a 390 px phone:\n" + "\n".join(result.too_wide)
    assert not result.squeezed, "words in a column of single characters:\n" + "\n".join(
        result.squeezed
    )


def test_list_filters_fold_behind_one_button_on_a_phone(phone):
    page = phone
    sign_in(page, "dispatcher")
    page.goto(page.base + "/enforcement/")
    status = page.locator("select[name=status]")
    assert status.is_hidden()
    toggle = page.get_by_test_id("filters-toggle")
    # The search box, 筛选 and 查询 share one line above the rows.
    boxes = [
        page.locator("main input[name=q]").bounding_box(),
        toggle.bounding_box(),
        page.get_by_role("button", name="查询").bounding_box(),
    ]
    assert len({round(b["y"]) for b in boxes}) == 1
    toggle.click()
    status.wait_for(state="visible")
    status.select_option("closed")
    page.wait_for_url("**status=closed**")
    assert "已结案" in page.locator("table.table-cards tbody").inner_text()
    # Opened again with the filter chosen: the button counts it.
    page.reload()
    assert toggle.inner_text().split() == ["筛选", "1"]
    page.set_viewport_size({"width": 1280, "height": 900})
    assert toggle.is_hidden() and status.is_visible()
