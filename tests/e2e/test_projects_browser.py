"""From a task's 6W1H card to its red project to the supervision matter in the loop."""

import re

import pytest

from longcheng.projects.models import KeyProject, TrafficLightSupervision

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def test_task_card_to_red_project_to_supervision_matter(page):
    sign_in(page, "fgw_clerk")
    page.goto(page.base + "/projects/")
    page.get_by_role("link", name="建设碳纤维及复合材料产业园").click()
    card = page.get_by_test_id("card-6w1h")
    assert "中北高新区" in card.inner_text() and "王建国" in card.inner_text()
    project = KeyProject.objects.get(code="XM-2023-003")
    assert project.colour == "red"
    page.get_by_test_id("project-link").first.click()
    assert page.get_by_test_id("colour").first.inner_text() == "红色"
    supervision = TrafficLightSupervision.objects.get(project=project)
    link = page.get_by_test_id("supervisions").get_by_role("link", name=supervision.matter.number)
    with page.expect_navigation():  # content() while the next page loads reads an empty one
        link.click()
    assert "三色督办（红色）" in page.content()
    assert "时间表、路线图、责任人" in page.content()
    shot(page, "projects-supervision.png")


def test_the_indicator_chart_renders(page):
    sign_in(page, "fgw_clerk")
    page.goto(page.base + "/projects/indicators/")
    page.get_by_role("link", name="太钢双相不锈钢月销量").click()
    page.locator("#indicator-chart svg").wait_for()
    assert "12000" in page.get_by_test_id("series").inner_text()
    shot(page, "indicator.png")


def _reporting_month() -> tuple[int, int]:
    from django.utils import timezone

    from longcheng.projects.rules import reporting_month

    return reporting_month(timezone.localdate())


def test_the_clerk_reads_who_has_not_reported_and_the_roadmap(page):
    """发改委 on the desktop: every unit's missing projects with the deadline; the colour badge
    and its text agree; the Gantt's tooltip names a milestone's dates and status, and zooms."""
    sign_in(page, "fgw_clerk")
    page.goto(page.base + "/projects/pending/")
    rows = page.get_by_test_id("unit-row")
    xiaodian = rows.filter(has_text="小店区")
    assert "山西建投·祥溪国际" in xiaodian.inner_text()
    assert "前报送" in xiaodian.inner_text()
    assert "中北高新区碳纤维复合材料产业园（演示）" in rows.filter(has_text="发改").inner_text()
    shot(page, "projects-pending.png")

    page.goto(page.base + "/projects/key/")
    for badge in page.get_by_test_id("colour").all():
        colour = badge.get_attribute("data-colour")
        expected = {
            "red": ("红色", "text-bg-danger"),
            "yellow": ("黄色", "text-bg-warning"),
            "green": ("绿色", "text-bg-success"),
        }[colour]
        assert badge.inner_text() == expected[0] and expected[1] in badge.get_attribute("class")

    page.goto(page.base + "/projects/sponsor/")  # the clerk sponsors nothing: zero late
    assert page.get_by_test_id("late-milestones").inner_text() == "0"

    page.goto(page.base + "/projects/roadmap/")
    chart = page.get_by_test_id("gantt-chart")
    page.locator("#gantt-chart[data-ready='1'] svg").first.wait_for()
    box = chart.bounding_box()
    x, y = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.getElementById('gantt-chart'));
          const data = JSON.parse(document.getElementById('gantt-data').textContent);
          const named = (m) => m.name === '一期主厂房封顶';
          const i = data.rows.findIndex((r) => r.milestones.some(named));
          const m = data.rows[i].milestones.find(named);
          const x = new Date(m.planned + 'T00:00:00').getTime();
          return chart.convertToPixel({seriesIndex: 1}, [x, i]);
        }"""
    )
    page.mouse.move(box["x"] + x, box["y"] + y)
    tip = page.get_by_text("一期主厂房封顶", exact=False).last
    tip.wait_for()
    text = chart.inner_text()
    assert "2023-12-31" in text and "已逾期（未填实际日期）" in text
    shot(page, "projects-roadmap.png")
    page.get_by_role("button", name="年", exact=True).click()
    assert chart.get_attribute("data-zoom") == "year"
    window = chart.get_attribute("data-window")
    first, last = window.split("/")
    assert first > "2023-12-31" or last < "2026-12-31"


def test_a_project_unit_reports_from_pending_on_the_phone(browser, live_server, demo):
    from longcheng.projects.models import MonthlyReport

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        reduced_motion="reduce",
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.base = live_server.url
    try:
        sign_in(page, "xd_xmb")
        page.goto(page.base + "/")
        page.locator("[data-queue=projects-report]").click()  # the home tile
        page.wait_for_url("**/todo/?queue=projects-report")
        page.locator("[data-testid=todo-rows] a").first.click()
        page.wait_for_url(re.compile(r"/projects/pending/#project-"))
        year, month = _reporting_month()
        card = page.get_by_test_id("pending-project")
        assert card.count() == 1 and "山西建投·祥溪国际" in card.inner_text()
        assert page.get_by_test_id("units").count() == 0  # a district is not the 发改委
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "projects-pending-phone.png")
        card.get_by_label("本月完成投资（万元）").fill("2600")
        card.get_by_label("形象进度").fill("商业部分幕墙施工")
        card.get_by_role("button", name=f"报送 {month} 月进度").click()
        page.get_by_text("调度情况已报送").wait_for()
        assert page.get_by_test_id("nothing-pending").is_visible()
        report = MonthlyReport.objects.get(project__code="XM-2023-002", year=year, month=month)
        assert report.investment == 2600 and report.reported_by.username == "xd_xmb"
        page.goto(page.base + "/")
        assert page.locator("[data-queue=projects-report]").count() == 0
    finally:
        context.close()
