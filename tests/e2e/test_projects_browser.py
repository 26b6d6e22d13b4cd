"""From a task's 6W1H card to its red project to the supervision matter in the loop."""

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
    page.get_by_test_id("supervisions").get_by_role("link", name=supervision.matter.number).click()
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
