"""Issue 29's two calls, end to end in a browser (the demo, console SMS backend).

A known caller rings about heating: the workbench recognises the number, the knowledge base
suggests the heating article while the operator types, one click inserts its answer, and the
consultation is closed on the call. Another caller complains about night construction: the
operator receives it, the dispatcher dispatches it, and the reporter is told. The brigade
returns it twice (not its duty), a dispute is raised; the dispatcher rules it to the second
brigade and makes that brigade the category's lead unit, so the catalogue changes; the second
brigade answers, and the reporter is told again."""

import time

import pytest
from playwright.sync_api import expect

from longcheng.accounts.models import User
from longcheng.loop import services
from longcheng.loop.models import Category, Matter, ReporterMessage
from longcheng.loop.workflow import ReturnReason, Status
from longcheng.routing.models import DispatchDispute

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e

KNOWN_CALLER = "13903510021"  # rang before (hotline.demo): three earlier matters
NEW_CALLER = "13835120457"


def _until(page, script: str, timeout: float = 15) -> None:
    """Poll (the CSP refuses wait_for_function's eval)."""
    end = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < end, script
        page.wait_for_timeout(100)


def _told(matter: Matter) -> list[str]:
    return list(
        ReporterMessage.objects.filter(matter=matter, outcome=ReporterMessage.Outcome.SENT)
        .order_by("at", "pk")
        .values_list("template", flat=True)
    )


def test_an_operator_takes_two_calls_and_a_dispute_teaches_the_catalogue(
    browser, live_server, demo
):
    noise = Category.objects.get(code="urban-noise")
    first_brigade = noise.default_lead_unit
    assert first_brigade is not None and first_brigade.code == "ty-cg-zfd-1"
    with device_page(browser, live_server, "desk") as page:
        sign_in(page, "dispatcher")

        # Call 1: a known caller asks when the heating starts; answered on the call.
        page.goto(page.base + "/hotline/")
        page.fill("#id_reporter_phone", KNOWN_CALLER)
        _until(page, "document.querySelectorAll('[data-testid=history-item]').length > 0")
        assert "139****0021" in page.get_by_test_id("caller-history").inner_text()
        page.fill("#id_title", "咨询今年供暖时间")
        page.fill("#id_description", "想问一下太原今年什么时候开始供暖，室温标准是多少度。")
        page.select_option("#id_kind", "consultation")
        suggestions = page.get_by_test_id("knowledge-suggest")
        expect(suggestions).to_contain_text("太原市供暖期和室温标准", timeout=15_000)
        suggestions.locator("li", has_text="太原市供暖期和室温标准").locator(
            "[data-role=insert]"
        ).click()
        assert "11月1日至次年3月31日" in page.input_value("#id_answer_text")
        expect(page.get_by_test_id("knowledge-used")).to_be_visible()
        for field in page.locator("#intake-questions [data-question]").all():
            if not field.input_value():
                field.fill("2单元301")
        with page.expect_navigation():
            page.get_by_test_id("answer-on-call").click()
        consultation = Matter.objects.get(title="咨询今年供暖时间")
        assert consultation.answered_on_call and consultation.status == Status.ANSWERED
        assert "11月1日至次年3月31日" in consultation.answer_text

        # Call 2: a new caller complains about night construction; received, then dispatched.
        page.goto(page.base + "/hotline/")
        page.fill("#id_reporter_phone", NEW_CALLER)
        page.fill("#id_reporter_name", "郝女士")
        page.fill("#id_title", "龙城大街工地凌晨施工噪音")
        page.fill("#id_description", "龙城大街与坞城路口工地每天凌晨一两点还在打桩，孩子无法入睡。")
        page.select_option("#id_category", str(noise.pk))
        for field in page.locator("#intake-questions [data-question]").all():
            if not field.input_value():
                field.fill("龙城大街与坞城路口")
        with page.expect_navigation():
            page.get_by_test_id("receive").click()
        complaint = Matter.objects.get(title="龙城大街工地凌晨施工噪音")
        assert complaint.status == Status.RECEIVED and not complaint.answered_on_call
        page.goto(f"{page.base}/loop/matters/{complaint.pk}/")
        page.click("[data-testid=act-dispatch]")
        page.wait_for_selector("#act-dispatch.show")
        with page.expect_navigation():
            page.click("[data-testid=submit-dispatch]")
        expect(page.locator("[data-testid=status]")).to_have_text("待签收")
        complaint.refresh_from_db()
        assert complaint.lead_unit == first_brigade
        assert _told(complaint) == ["received", "dispatched"]

        # The first brigade returns it twice: not its duty. A dispute is raised.
        clerk = User.objects.get(username="cg_clerk1")
        dispatcher = User.objects.get(username="dispatcher")
        for attempt in range(2):
            complaint = services.matter_return(
                matter=Matter.objects.get(pk=complaint.pk),
                actor=clerk,
                reason="该工地为市政道路工程，夜间施工归直属二大队管辖。",
                reason_kind=ReturnReason.NOT_OURS,
            )
            if attempt == 0:
                services.matter_dispatch(
                    matter=complaint, actor=dispatcher, lead_unit=first_brigade, redispatch=True
                )
        dispute = DispatchDispute.objects.get(matter=complaint)
        assert dispute.status == DispatchDispute.Status.OPEN

        # The dispatcher rules: the second brigade, and it becomes the category's lead unit.
        page.goto(f"{page.base}/routing/disputes/{dispute.pk}/")
        expect(page.get_by_test_id("returns").get_by_test_id("return")).to_have_count(2)
        page.get_by_test_id("filter-responsible_unit").fill("直属二大队")
        page.get_by_test_id("filter-category").fill("夜间施工噪音")
        page.fill("#id_reasons", "市政道路工地的夜间施工由直属二大队巡查，此类诉求今后派二大队。")
        page.select_option("#id_change", "lead_unit")
        with page.expect_navigation():
            page.get_by_test_id("rule").click()
        expect(page.get_by_test_id("dispute-status")).to_have_text("已裁定")
        expect(page.get_by_test_id("change").get_by_test_id("after")).to_contain_text("二大队")
        shot(page, "operator-dispute-ruled.png")

    noise.refresh_from_db()
    assert noise.default_lead_unit.code == "ty-cg-zfd-2"  # the catalogue changed
    complaint.refresh_from_db()
    assert complaint.lead_unit.code == "ty-cg-zfd-2" and complaint.status == Status.DISPATCHED

    # The second brigade signs and answers: the reporter is told again, with the link.
    second = User.objects.get(username="cg_clerk2")
    complaint = services.matter_sign(matter=complaint, actor=second)
    services.matter_answer(
        matter=complaint,
        actor=second,
        text="已责令工地停止夜间打桩，夜间施工须办理许可并公示，队员将连续三晚夜查。",
    )
    assert _told(complaint)[-1] == "answered"
    assert _told(complaint).count("dispatched") >= 2  # each dispatch, the ruling's included
    answered = ReporterMessage.objects.filter(matter=complaint, template="answered").get()
    assert "/a/m/" in answered.text
