"""From a deal lead to an investment decision, in a real browser."""

import datetime

import pytest
from stdnum.cn import uscc

from longcheng.funds.models import Deal

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


def test_deal_lead_to_investment_decision(desk):
    page = desk
    switch(page, "invest_clerk")
    page.goto(page.base + "/funds/deals/")
    body = "91140100MA0K2XQ99"
    form = page.locator("#deal-form")
    form.locator("select[name=fund]").select_option(label="太忻创投基金（演示）")
    form.locator("input[name=company]").fill("太原某氮化镓器件有限公司")
    form.locator("input[name=credit_code]").fill(body + uscc.calc_check_digit(body))
    form.locator("input[name=industry]").fill("C3972")
    form.locator("input[name=division]").fill("140105")
    form.locator("input[name=amount]").fill("6000")
    form.locator("button").click()
    deal = Deal.objects.get(company="太原某氮化镓器件有限公司")
    assert page.get_by_test_id("deal-stage").inner_text() == "线索"
    for stage in ("screening", "due_diligence"):
        page.select_option("select[name=stage]", stage)
        page.click("#move-stage")
    for area in ("legal", "financial", "technical", "market"):
        dd = page.locator(f"form:has(input[name=area][value={area}])")
        dd.locator("input[name=findings]").fill("尽调发现：情况良好")
        dd.locator("input[name=score]").fill("80")
        dd.locator("button").click()
    page.select_option("select[name=stage]", "committee")
    page.click("#move-stage")
    assert page.get_by_test_id("deal-stage").inner_text() == "投决"
    page.fill("input[name=held_on]", datetime.date.today().isoformat())
    page.select_option(
        "select[name=members]",
        label=["乔振华（市国资运营平台）", "贾晓光（市国资运营平台）", "史永红（市国资运营平台）"],
    )
    page.click("#schedule-meeting")
    for username in ("invest_clerk", "ic_member1", "ic_member2"):
        switch(page, username)
        page.goto(page.base + deal.get_absolute_url())
        page.select_option("select[name=vote]", "for")
        page.click("#cast-vote")
    page.fill("input[name=conditions]", "分两期出资，第二期以量产为条件")
    page.click("#record-decision")
    assert "通过" in page.get_by_test_id("decision").inner_text()
    page.select_option("select[name=stage]", "signed")
    page.click("#move-stage")
    deal.refresh_from_db()
    assert deal.stage == "signed" and deal.evaluation == 80
    shot(page, "fund-deal.png", full_page=True)
