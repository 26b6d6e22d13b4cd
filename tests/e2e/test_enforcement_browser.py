"""From a night-patrol finding to a closed case, in a real browser, by the officers and the
leader each doing their own steps."""

import pytest

from longcheng.enforcement.models import Case, LegalProvision, Patrol

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    page.base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def switch(page, username):
    page.context.clear_cookies()
    sign_in(page, username)


def step(page, case, action):
    page.goto(f"{page.base}/enforcement/{case.pk}/")
    form = page.locator(f"form[action$='/step/{action}/']")
    return form


def test_patrol_finding_to_closed_case(desk):
    page = desk
    patrol = Patrol.objects.get()
    switch(page, "cg_clerk1")
    page.goto(f"{page.base}/enforcement/patrols/{patrol.pk}/")
    page.select_option("#id_site", label="福利悦禧城项目")
    page.select_option("#id_enterprise", label="山西建设投资集团有限公司")
    page.fill("#id_description", "夜间使用未核准车辆运输建筑垃圾，道路遗撒")
    page.select_option("#id_outcome", "case")
    page.select_option("#id_provision", index=3)
    page.click("#record-finding")
    case = Case.objects.get(finding__description__startswith="夜间使用未核准车辆")

    switch(page, "cg_leader")
    form = step(page, case, "file")
    form.locator("select[name=officers]").select_option(
        label=["孟浩（140100230017）", "侯建军（140100230031）"]
    )
    waste = LegalProvision.objects.get(code="waste-transport-permit")
    form.locator("select[name=provision]").select_option(str(waste.pk))
    form.locator("button").click()
    case.refresh_from_db()
    assert case.status == "filed" and case.number.startswith("并城管立字〔")

    switch(page, "cg_clerk1")
    form = step(page, case, "evidence")
    form.locator("textarea[name=description]").fill(
        "现场检查笔录：渣土车无核准证，道路遗撒约 30 米"
    )
    form.locator("input[name=credentials_shown]").check()
    form.locator("button").click()
    form = step(page, case, "notify")
    form.locator("input[name=fine]").fill("80000")
    form.locator("button").click()
    assert "超出" in page.locator(".alert-danger").inner_text()
    form = step(page, case, "notify")
    form.locator("input[name=fine]").fill("15000")
    form.locator("button").click()
    form = step(page, case, "statement")
    form.locator("input[name=statement]").fill("对事实无异议，请求从轻处罚")
    form.locator("button").click()

    switch(page, "cg_leader")
    step(page, case, "decide").locator("button").click()
    case.refresh_from_db()
    assert case.status == "decided"

    switch(page, "cg_clerk1")
    step(page, case, "serve").locator("button").click()
    form = step(page, case, "payment")
    form.locator("input[name=amount]").fill("15000")
    form.locator("button").click()

    switch(page, "cg_leader")
    step(page, case, "close").locator("button").click()
    assert page.get_by_test_id("case-status").inner_text() == "已结案"
    kinds = set(case.documents.values_list("kind", flat=True))
    assert {
        "filing",
        "inspection_record",
        "notice",
        "penalty_decision",
        "service",
        "closing",
    } <= kinds
    shot(page, "enforcement-case.png", full_page=True)
