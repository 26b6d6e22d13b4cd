"""An inspection on a phone: answers and photos survive a dropped network and land once."""

import pytest
from playwright.sync_api import expect

from longcheng.accounts.models import User
from longcheng.inspections import rules, selectors, services
from longcheng.inspections.models import Answer, Campaign, InspectionVisit, VisitPhoto
from longcheng.inspections.workflow import Mode, VisitStatus

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def sign(page, selector):
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 18, box["y"] + 40 + (step % 3) * 20)
    page.mouse.up()


def until(page, condition, timeout_ms: int = 30_000) -> None:
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("the condition did not hold in time")


def test_a_visit_goes_offline_and_lands_once_when_back(phone):
    page = phone
    campaign = Campaign.objects.get(mode=Mode.FULL_COVERAGE)
    target = campaign.targets.filter(visits__isnull=True, selected=True).first()
    inspector = User.objects.get(username="wj_clerk")
    visit = services.visit_start(
        actor=inspector, target=target, partners=[User.objects.get(username="wj_clerk2")]
    )
    items = selectors.visit_items(visit)
    sign_in(page, "wj_clerk")
    page.goto(f"{page.base}/inspections/visits/{visit.pk}/form/")
    status = page.get_by_test_id("sync-status")

    # Online: the first three answers reach the server at once.
    for item in items[:3]:
        page.click(f"label[for=v-{item.pk}-pass]")
    # Polled from here: the outbox's counter may still read 0 before the last tap is queued,
    # and a predicate evaluated in the page would need eval, which the CSP refuses.
    until(page, lambda: Answer.objects.filter(visit=visit).count() == 3)
    expect(status).to_have_attribute("data-pending", "0", timeout=30_000)

    # The network drops in the middle of the visit.
    page.context.set_offline(True)
    for item in items[3:]:
        verdict = "fail" if item.text == "病历管理" else "pass"
        page.click(f"label[for=v-{item.pk}-{verdict}]")
        if verdict == "fail":
            page.fill(f"#item-{item.pk} textarea[name=note]", "3 份运行病历未按时完成")
            page.locator(f"#item-{item.pk} textarea[name=note]").blur()
        if item.photo_required:
            page.set_input_files(
                f"#item-{item.pk} input[name=photo]",
                files=[{"name": "scene.png", "mimeType": "image/png", "buffer": PNG}],
            )
    page.fill("#representative", "王院长")
    sign(page, "#sig-inspector")
    sign(page, "#sig-party")
    page.check("#credentials-shown")
    page.click("#submit-visit")
    assert "离线" in status.inner_text() or "网络恢复后" in status.inner_text()
    shot(page, "inspection-offline.png")
    visit.refresh_from_db()
    assert visit.status != VisitStatus.SUBMITTED
    assert Answer.objects.filter(visit=visit).count() == 3

    # Back online: the outbox empties in order and the visit is submitted once.
    page.context.set_offline(False)
    page.wait_for_url(f"**/inspections/visits/{visit.pk}/", timeout=20000)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED
    assert Answer.objects.filter(visit=visit).count() == len(items)
    photo_items = [i for i in items if i.photo_required]
    assert VisitPhoto.objects.filter(visit=visit).count() == len(photo_items)
    assert [r.item.text for r in visit.rectifications.all()] == ["病历管理"]
    assert page.get_by_test_id("visit-result").is_visible()
    assert InspectionVisit.objects.filter(target=target).count() == 1


def test_the_party_reports_its_fix_on_a_phone(phone):
    page = phone
    visit = InspectionVisit.objects.filter(
        rectifications__status="open", parent__isnull=True
    ).first()
    page.goto(page.base + f"/p/r/{rules.party_token(visit)}/")
    assert "身份证" not in page.content()
    rectification = visit.rectifications.filter(status="open").first()
    form = page.locator(f"form:has(input[value='{rectification.pk}'])")
    form.locator("textarea").fill("已按要求整改完毕，补齐登记。")
    form.locator("button").click()
    page.get_by_test_id("sent").wait_for()
    rectification.refresh_from_db()
    assert rectification.status == "evidence"
    shot(page, "inspection-party.png")


def test_public_results_name_no_person(phone):
    page = phone
    campaign = Campaign.objects.get(mode=Mode.FULL_COVERAGE)
    page.goto(page.base + f"/p/inspections/{campaign.pk}/")
    table = page.get_by_test_id("public-results")
    assert table.locator("tbody tr").count() == 6
    text = page.content()
    for name in ("高静", "王磊", "刘芳", "王院长", "李主任"):
        assert name not in text


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 140, 90)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()
