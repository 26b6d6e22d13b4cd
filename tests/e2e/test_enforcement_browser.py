"""From a night-patrol finding to a closed case, and a heard case from the notice to payment,
in a real browser, by the officers, the hearing's chair, the legal reviewer and the leader each
doing their own steps."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from longcheng.core.calendar import add_working_days, is_workday
from longcheng.enforcement.models import Case, LegalProvision, Patrol

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(browser, live_server, demo):
    """The procedure at the desk, one browser for all the users, without the field app's
    service worker (its own tests cover it): the test signs users in and out faster than the
    worker's background refresh of the patrol page ends."""
    with device_page(browser, live_server, "desk", service_workers="block") as page:
        yield page


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
    form = step(page, case, "statement_review")
    form.locator("select[name=result]").select_option("rejected")
    form.locator("input[name=opinion]").fill("当事人对事实无异议，未提出新的事实和证据，维持拟处罚")
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


def _travel(day: datetime.date, hour: int):
    moment = datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )
    return time_machine.travel(moment, tick=True)


def test_a_heard_case_from_the_notice_to_payment(desk):
    """Arts. 63–67: the receipt of the notice recorded, the hearing asked on the fourth working
    day, held in public and signed, reviewed after it, decided, served, and paid on the first
    working day after a period that ended on a rest day."""
    page = desk
    case = Case.objects.get(status="notified", stop_work=True)
    noticed = timezone.localtime(case.notice_at).date()
    received = noticed
    asked = add_working_days(received, 4)
    with _travel(asked, 9):
        switch(page, "cg_clerk1")
        form = step(page, case, "notice_receipt")
        form.locator("input[name=received_on]").fill(received.isoformat())
        form.locator("button").click()
        case.refresh_from_db()
        assert case.statement_due == add_working_days(received, 5)
        step(page, case, "request_hearing").locator("button").click()
        case.refresh_from_db()
        assert case.status == "hearing"
        hearing_day = add_working_days(asked, 8)
        form = step(page, case, "schedule_hearing")
        form.locator("select[name=chair]").select_option(label="贾晨")
        form.locator("input[name=hearing_at]").fill(f"{hearing_day.isoformat()}T09:30")
        form.locator("select[name=public]").select_option("1")
        form.locator("button").click()
        case.refresh_from_db()
        assert case.hearing_public and case.documents.filter(kind="hearing_notice").exists()
    with _travel(hearing_day, 11):
        switch(page, "cg_clerk2")
        form = step(page, case, "hold_hearing")
        form.locator("input[name=record]").fill(
            "当事人称已于次日覆盖裸土，调查人员出示监测记录和照片，当事人最后陈述请求不予停工"
        )
        form.locator("select[name=signature]").select_option("signed")
        form.locator("button").click()
        case.refresh_from_db()
        assert case.hearing_signature == "signed" and case.status == "notified"
        switch(page, "cg_clerk1")
        step(page, case, "submit_review").locator("button").click()
        switch(page, "cg_fazhi")
        page.goto(f"{page.base}/")
        form = step(page, case, "review")
        form.locator("input[name=opinion]").fill("听证后事实清楚，证据确凿，程序合法，同意")
        form.locator("button").click()
        case.refresh_from_db()
        assert case.review_passed and case.reviewed_at > case.hearing_at
        switch(page, "cg_leader")
        step(page, case, "decide").locator("button").click()
        case.refresh_from_db()
        assert case.status == "decided" and case.decision_number.startswith("并城管罚字")
    decided = timezone.localtime(case.decided_at).date()
    # Serve on a day whose fifteenth day after is a rest day.
    served = next(
        decided + datetime.timedelta(days=n)
        for n in range(1, 9)
        if not is_workday(decided + datetime.timedelta(days=n + 15))
        and is_workday(decided + datetime.timedelta(days=n))
    )
    with _travel(served, 10):
        switch(page, "cg_clerk1")
        form = step(page, case, "serve")
        form.locator("input[name=served_on]").fill(served.isoformat())
        form.locator("button").click()
        case.refresh_from_db()
        last_day = served + datetime.timedelta(days=15)
        assert case.payment_due == add_working_days(last_day, 0) > last_day
    with _travel(case.payment_due, 10):
        switch(page, "cg_clerk1")
        form = step(page, case, "payment")
        form.locator("input[name=amount]").fill(str(case.fine))
        form.locator("input[name=paid_on]").fill(case.payment_due.isoformat())
        form.locator("button").click()
        case.refresh_from_db()
        assert case.paid_amount == Decimal(60000) and case.paid_at is not None
        shot(page, "enforcement-heard-case.png", full_page=True)
