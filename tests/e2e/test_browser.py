import pytest
from playwright.sync_api import expect

from longcheng.audit.models import Action, AuditRecord
from longcheng.parties.models import Person, Site

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def test_sign_in_lands_on_the_role_home(page):
    sign_in(page, "cg_leader")
    assert page.locator("h1").inner_text() == "杨建军，您好"
    assert "单位领导" in page.content()
    # A leader of the enforcement team counts the sites of both brigades.
    assert page.get_by_role("link", name="场所 9").count() == 1


def test_wrong_password_gets_a_plain_message(page):
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", "cg_leader")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.locator(".alert-danger").inner_text()


def test_switch_language_to_english_and_back(page):
    sign_in(page, "xd_clerk")
    with page.expect_navigation():
        page.select_option("[data-testid=language-switch]", "en")
    assert page.locator("h1").inner_text() == "Hello, 任佳"
    assert page.get_by_role("link", name="Organisation").is_visible()
    with page.expect_navigation():
        page.select_option("[data-testid=language-switch]", "zh-hans")
    assert page.locator("h1").inner_text() == "任佳，您好"


def test_browse_the_unit_tree(page):
    sign_in(page, "wj_clerk")
    page.get_by_role("link", name="组织机构").first.click()
    tree = page.locator("[data-testid=unit-tree]")
    assert tree.get_by_text("太原市卫生健康综合行政执法队").is_visible()
    tree.get_by_role("link", name="太原市城市管理综合行政执法队").click()
    assert page.locator("h1").inner_text().startswith("太原市城市管理综合行政执法队")
    assert page.get_by_role("link", name="市城管执法队直属一大队").is_visible()
    assert "杨建军" in page.content()


def test_masked_id_number_revealed_with_the_permission_and_audited(page):
    person = Person.objects.get(name="贺文静")
    sign_in(page, "xd_clerk")
    page.goto(f"{page.base}/parties/persons/{person.pk}/")
    id_cell = page.locator("[data-testid=id-number]")
    assert id_cell.inner_text() == person.masked_id_number
    page.click("[data-testid=reveal]")
    page.wait_for_selector(f"text={person.id_number}")
    assert id_cell.inner_text() == person.id_number
    assert AuditRecord.objects.filter(action=Action.REVEAL, object_id=str(person.pk)).exists()


def test_without_the_permission_there_is_no_reveal(page):
    person = Person.objects.get(name="贺文静")
    sign_in(page, "xd_hall")
    response = page.goto(f"{page.base}/parties/persons/{person.pk}/")
    # 小店区政务大厅 is another unit: the record does not exist for this clerk.
    assert response.status == 404


def test_another_units_record_is_refused(page):
    other = Site.objects.get(name="龙湖天樾项目")  # 直属二大队
    own = Site.objects.get(name="富力壹品地下车库项目")  # 直属一大队
    sign_in(page, "cg_clerk1")
    assert page.goto(f"{page.base}/parties/sites/{own.pk}/").status == 200
    response = page.goto(f"{page.base}/parties/sites/{other.pk}/")
    assert response.status == 404
    assert "龙湖天樾" not in page.content()
    page.goto(f"{page.base}/parties/sites/")
    assert page.locator("tbody tr").count() == 4


def test_search_filters_the_list_as_you_type(page):
    sign_in(page, "cg_leader")
    page.goto(f"{page.base}/parties/sites/")
    page.fill("main input[name=q]", "富力")  # the list's own box, not the header's
    # Waits through locators: a string predicate would be eval'd, which the CSP refuses.
    expect(page.locator("tbody tr")).to_have_count(2, timeout=30_000)
    assert "q=" in page.url
