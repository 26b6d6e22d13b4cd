"""Each role's 待办 in a real browser: a leader at the desk goes from the home tile to the lead
waiting for the filing approval; an officer on a phone finds the same case in 我承办的案件
once it is filed, on a page that does not scroll sideways."""

import datetime

import pytest

from longcheng.accounts.models import User
from longcheng.enforcement import services
from longcheng.enforcement.models import LegalProvision
from longcheng.parties.models import Enterprise, Site
from tests.factories import CaseFactory

from .conftest import device_page, shot, sign_in

pytestmark = pytest.mark.e2e


def _lead():
    officer = User.objects.get(username="cg_clerk1")
    return CaseFactory(
        actor=officer,
        site=Site.objects.get(name="福利悦禧城项目"),
        enterprise=Enterprise.objects.get(name="山西建设投资集团有限公司"),
        provision=LegalProvision.objects.get(code="waste-transport-permit"),
        facts="夜间22时后工地仍在使用未经核准的车辆运输渣土",
        occurred_on=datetime.date.today() - datetime.timedelta(days=1),
    )


def _fits(page) -> bool:
    # Against the device's width: a phone zooms out on a wide page, and innerWidth grows with it.
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_from_the_home_tile_to_the_step_at_the_desk_and_on_a_phone(browser, live_server, demo):
    case = _lead()
    with device_page(browser, live_server, "desk") as page:
        sign_in(page, "cg_leader")
        tile = page.locator("[data-testid=home-queues] [data-queue=enforcement-filing]")
        assert "待立案审批" in tile.inner_text()
        tile.click()
        rows = page.locator("[data-testid=todo-rows] a")
        assert rows.filter(has_text=case.party_name).count() == 1
        assert "负责人决定立案" in page.locator("[data-testid=todo-hint]").inner_text()
        shot(page, "todo-leader.png")
        rows.filter(has_text=case.party_name).click()
        assert page.locator("form[action$='/step/file/']").count() == 1

    with device_page(browser, live_server, "phone") as page:
        sign_in(page, "cg_clerk1")
        page.goto(f"{page.base}/enforcement/{case.pk}/")
        assert "负责人审批立案" in page.locator("[data-testid=next-step]").inner_text()

        officers = list(User.objects.filter(username__in=["cg_clerk1", "cg_clerk3"]))
        case = services.case_file(
            actor=User.objects.get(username="cg_leader"), case=case, officers=officers
        )
        page.goto(f"{page.base}/todo/?queue=enforcement-mine")
        rows = page.locator("[data-testid=todo-rows] a")
        assert rows.filter(has_text=case.number).count() == 1
        assert _fits(page)
        shot(page, "todo-officer-phone.png", full_page=True)
