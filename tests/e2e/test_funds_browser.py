"""From a deal lead to an investment decision, in a real browser."""

import datetime

import pytest
from stdnum.cn import uscc

from longcheng.funds.models import Deal

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


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
    # Industry and place are chosen from searchable lists, shown by name afterwards.
    form.locator("input[data-search-for=industry]").fill("计算机、通信")
    assert "C39" in form.locator("select[name=industry]").input_value()
    form.locator("input[data-search-for=division]").fill("小店")
    assert form.locator("select[name=division]").input_value() == "140105"
    form.locator("input[name=amount]").fill("6000")
    form.locator("button").click()
    deal = Deal.objects.get(company="太原某氮化镓器件有限公司")
    assert page.get_by_test_id("deal-stage").inner_text() == "线索"
    assert page.get_by_test_id("deal-industry").inner_text() == "计算机、通信和其他电子设备制造业"
    assert page.get_by_test_id("deal-division").inner_text() == "太原市小店区"
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


def _vote_from_the_tile(page, vote):
    """From the home page's 待表决 tile to the deal, and vote."""
    page.goto(page.base + "/")
    tile = page.locator("[data-queue=funds-vote]")
    assert "待表决" in tile.inner_text() and tile.locator(".display-6").inner_text() == "1"
    tile.click()
    page.locator("[data-testid=todo-rows] a").first.click()
    assert (
        "经全体委员三分之二以上（含本数）同意为通过"
        in page.get_by_test_id("committee-rule").inner_text()
    )
    form = page.get_by_test_id("vote-form")
    assert form.count() == 1  # one meeting open for this member, one vote
    form.locator("select[name=vote]").select_option(vote)
    with page.expect_navigation():
        form.locator("button").click()
    assert "已保存" in page.content()
    labels = {"for": "同意", "against": "反对", "abstain": "弃权"}
    assert f"您已表决：{labels[vote]}" in page.get_by_test_id("my-vote").inner_text()
    page.goto(page.base + "/")
    assert page.locator("[data-queue=funds-vote]").count() == 0


def test_members_vote_from_their_tile_and_a_failed_vote_is_reconsidered(desk):
    page = desk
    deal = Deal.objects.get(company="太原某碳化硅衬底有限公司（演示）")
    for username, vote in (("ic_member1", "against"), ("ic_member2", "against")):
        switch(page, username)
        _vote_from_the_tile(page, vote)
    switch(page, "invest_clerk")
    _vote_from_the_tile(page, "for")
    page.goto(page.base + "/")
    page.locator("[data-queue=funds-decide]").click()
    page.locator("[data-testid=todo-rows] a").first.click()
    page.click("#record-decision")
    decision = page.get_by_test_id("decision")
    assert "未经全体委员三分之二以上（含本数）同意（同意 1 票，全体委员 3 人），未通过" in (
        decision.inner_text()
    )
    assert page.get_by_test_id("deal-stage").inner_text() == "终止"
    # 复议: back on the agenda of a new meeting, the earlier result kept.
    form = page.locator("#reconsider-form")
    form.locator("input[name=held_on]").fill(datetime.date.today().isoformat())
    form.locator("select[name=members]").select_option(
        label=["乔振华（市国资运营平台）", "贾晓光（市国资运营平台）", "史永红（市国资运营平台）"]
    )
    form.locator("input[name=reason]").fill("补充第三方技术评估，调整为分两期出资")
    form.locator("button").click()
    assert page.get_by_test_id("deal-stage").inner_text() == "投决"
    assert (
        "复议"
        in page.get_by_test_id("meeting").nth(0).inner_text()
        + page.get_by_test_id("meeting").nth(1).inner_text()
    )
    switch(page, "ic_member1")
    _vote_from_the_tile(page, "for")
    page.goto(page.base + deal.get_absolute_url())
    assert "未通过" in page.get_by_test_id("decision").first.inner_text()
    # One vote per meeting: the first meeting's vote kept, one in the new meeting.
    votes = deal.votes.filter(member__username="ic_member1").order_by("meeting__held_on")
    assert [v.vote for v in votes] == ["against", "for"]
    shot(page, "fund-reconsideration.png", full_page=True)


def test_fund_deal_and_queue_pages_fit_a_phone(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844}, reduced_motion="reduce")
    page = context.new_page()
    page.base = live_server.url
    sign_in(page, "ic_member1")
    fund = Deal.objects.get(company="太原某碳化硅衬底有限公司（演示）").fund
    deal = Deal.objects.get(company="太原某碳化硅衬底有限公司（演示）")
    for url in (fund.get_absolute_url(), deal.get_absolute_url(), "/funds/queue/"):
        page.goto(page.base + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, width)
        if url == fund.get_absolute_url():  # the NAV/TVPI chart drawn by the local echarts
            page.locator("#history-chart svg").first.wait_for()
    shot(page, "fund-queue-phone.png", full_page=True)
    context.close()
