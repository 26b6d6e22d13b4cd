"""龙城执法 on an inspector's phone with no signal: the visit page, opened once with signal, opens
again from the phone with none; an answer and a photo taken there wait on the phone and land,
with the photo's position, once the signal is back."""

import datetime
import io

import pytest
from PIL import Image
from playwright.sync_api import Error as BrowserError
from playwright.sync_api import expect

from longcheng.accounts.models import User
from longcheng.inspections import selectors, services
from longcheng.inspections.models import Answer, Campaign, VisitPhoto
from longcheng.inspections.workflow import Mode

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e

TAIYUAN = {"latitude": 37.852743, "longitude": 112.560185, "accuracy": 12}


@pytest.fixture
def phone(browser, live_server, demo):
    with device_page(browser, live_server, "phone", service_workers="allow") as page:
        page.context.grant_permissions(["geolocation"])
        page.context.set_geolocation(TAIYUAN)
        yield page


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (90, 120, 150)).save(out, format="JPEG")
    return out.getvalue()


def until(page, condition, timeout_ms: int = 30_000) -> None:
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("the condition did not hold in time")


def test_the_visit_page_opens_with_no_signal_and_sends_when_back(phone):
    page = phone
    campaign = Campaign.objects.get(mode=Mode.FULL_COVERAGE)
    target = campaign.targets.filter(visits__isnull=True, selected=True).first()
    inspector = User.objects.get(username="wj_clerk")
    partner = User.objects.get(username="wj_clerk2")
    visit = services.visit_start(actor=inspector, target=target, partners=[partner])
    items = selectors.visit_items(visit)
    photo_item = next(i for i in items if i.photo_required)
    form_url = f"{page.base}/inspections/visits/{visit.pk}/form/"

    sign_in(page, "wj_clerk")
    page.goto(form_url)
    # The partner inspector is named as such on the page.
    expect(page.get_by_test_id("team")).to_contain_text(partner.full_name)
    expect(page.get_by_test_id("partner")).to_have_count(1)
    # The phone keeps the page (and the app's shell) while it has signal.
    badge = page.get_by_test_id("field-offline")
    expect(badge).to_have_attribute("data-ready", "1", timeout=30_000)
    expect(badge).to_contain_text("无信号时也能打开")
    expect(page.locator("head link[rel=manifest]")).to_have_attribute(
        "href", "/manifest.webmanifest"
    )

    # No signal: the page opens again, from the phone.
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(visit.party))
    status = page.get_by_test_id("sync-status")
    expect(status).to_contain_text("离线")
    expect(badge).to_contain_text("本机保存", timeout=10_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sideways

    # An answer and a photo, taken with no signal, wait on the phone.
    first = items[0]
    page.click(f"label[for=v-{first.pk}-pass]")
    page.set_input_files(
        f"#item-{photo_item.pk} input[name=photo]",
        files=[{"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}],
    )
    expect(page.locator(f"#item-{photo_item.pk} .photo-local")).to_have_text(
        "已记录位置", timeout=15_000
    )
    expect(status).to_have_attribute("data-pending", "2", timeout=10_000)
    shot(page, "field-offline.png")
    assert not Answer.objects.filter(visit=visit).exists()
    assert not VisitPhoto.objects.filter(visit=visit).exists()

    # Signal again: both land, the photo with where it was taken.
    page.context.set_offline(False)
    until(
        page,
        lambda: (
            Answer.objects.filter(visit=visit, item=first).exists()
            and VisitPhoto.objects.filter(visit=visit).exists()
        ),
    )
    expect(status).to_have_attribute("data-pending", "0", timeout=30_000)
    stored = VisitPhoto.objects.get(visit=visit)
    assert (float(stored.latitude), float(stored.longitude), stored.accuracy) == (
        37.852743,
        112.560185,
        12,
    )
    page.goto(f"{page.base}/inspections/visits/{visit.pk}/")
    position = page.get_by_test_id("photo-position")
    expect(position).to_contain_text("37.85274, 112.56019")
    thumb = page.locator("[data-testid=photo] img")
    expect(thumb).to_have_js_property("naturalWidth", 320)
    expect(page.get_by_test_id("partner")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "field-visit-record.png", full_page=True)


def test_signing_out_forgets_the_kept_pages(phone):
    page = phone
    sign_in(page, "wj_clerk")
    page.goto(page.base + "/inspections/mine/")
    expect(page.get_by_test_id("field-offline")).to_have_attribute(
        "data-ready", "1", timeout=30_000
    )
    kept = page.evaluate("caches.keys()")
    assert "lc-field-pages" in kept
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/**")
    until(page, lambda: "lc-field-pages" not in page.evaluate("caches.keys()"))
    # With no signal, the signed-out phone shows no one's visit list (the worker has none).
    page.context.set_offline(True)
    with pytest.raises(BrowserError, match="net::ERR_FAILED"):
        page.goto(page.base + "/inspections/mine/")


def test_the_patrol_page_opens_with_no_signal_on_a_night_patrol(phone):
    from longcheng.core import clock
    from longcheng.enforcement import services as enforcement

    page = phone
    officer = User.objects.get(username="cg_clerk1")
    patrol = enforcement.patrol_record(
        actor=officer,
        shift="night",
        started_at=clock.now(),
        ended_at=None,
        officers=[User.objects.get(username="cg_clerk3")],
    )
    sign_in(page, "cg_clerk1")
    page.goto(page.base + patrol.get_absolute_url())
    badge = page.get_by_test_id("field-offline")
    expect(badge).to_have_attribute("data-ready", "1", timeout=30_000)

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("夜间巡查")
    expect(page.locator("#id_found_at")).to_be_visible()
    page.fill("#id_description", "工地夜间施工，未见夜间施工许可公示")
    page.click("#record-finding")
    # With no signal the finding is not lost to an error page: the page says to send it later.
    expect(badge).to_contain_text("无法提交")
    expect(page.locator("#id_description")).to_have_value("工地夜间施工，未见夜间施工许可公示")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_officer_photographs_evidence_and_its_position_is_kept(phone):
    from longcheng.enforcement import services as enforcement
    from longcheng.enforcement.models import LegalProvision
    from longcheng.parties.models import Enterprise, Site
    from tests.factories import CaseFactory

    page = phone
    lead = CaseFactory(
        actor=User.objects.get(username="cg_clerk1"),
        site=Site.objects.get(name="福利悦禧城项目"),
        enterprise=Enterprise.objects.get(name="山西建设投资集团有限公司"),
        provision=LegalProvision.objects.get(code="waste-transport-permit"),
        facts="工地出入口车辆未冲洗，带泥上路",
        occurred_on=datetime.date.today(),
    )
    case = enforcement.case_file(
        actor=User.objects.get(username="cg_leader"),
        case=lead,
        officers=list(User.objects.filter(username__in=["cg_clerk1", "cg_clerk3"])),
    )
    sign_in(page, "cg_clerk1")
    page.goto(f"{page.base}/enforcement/{case.pk}/")
    form = page.locator("form[data-locate]")
    form.locator("select[name=kind]").select_option("photo")
    form.locator("textarea[name=description]").fill("工地出入口渣土车未冲洗驶出")
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 90, 90)).save(picture, format="JPEG")
    form.locator("input[name=file]").set_input_files(
        {"name": "gate.jpg", "mimeType": "image/jpeg", "buffer": picture.getvalue()}
    )
    expect(form.locator("[data-locate-status]")).to_have_text("已记录位置")
    form.locator("button[type=submit]").click()
    page.get_by_test_id("evidence-photos").locator("img").first.wait_for()
    evidence = case.evidence.get(description="工地出入口渣土车未冲洗驶出")
    assert float(evidence.latitude) == pytest.approx(TAIYUAN["latitude"], abs=1e-6)
    assert "37.85274, 112.56019" in page.get_by_test_id("evidence-photos").inner_text()
