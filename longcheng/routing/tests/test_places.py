"""Routing by place: a matter with a point lands in its street; the area rules give the lead
unit, the most specific one speaking; the suggestion names its rule; only the dispatch centre
edits the rules."""

import pytest

from conftest import UserFactory
from longcheng.accounts.roles import Role
from longcheng.appeals.services import AppealDraft, appeal_submit
from longcheng.audit.models import AuditRecord
from longcheng.core import demo as core_demo
from longcheng.core import geo
from longcheng.core.errors import ConcurrentEditError, PermissionRefused
from longcheng.core.models import Division, Unit
from longcheng.loop import demo as loop_demo
from longcheng.loop.models import Category, Matter
from longcheng.loop.workflow import Status
from longcheng.routing import demo as routing_demo
from longcheng.routing import places, services, suggesting
from longcheng.routing.models import AreaRule

pytestmark = pytest.mark.django_db


def square(min_lng, min_lat, max_lng, max_lat):
    ring = [
        [min_lng, min_lat],
        [max_lng, min_lat],
        [max_lng, max_lat],
        [min_lng, max_lat],
        [min_lng, min_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


# Points (lat, lng) used below.
IN_WUCHENG = (37.80, 112.575)
IN_YINGPAN = (37.80, 112.625)
IN_XIAODIAN_ONLY = (37.70, 112.60)
NOWHERE = (38.50, 111.00)


@pytest.fixture(autouse=True)
def fresh_index():
    geo.forget_boundaries()
    yield
    geo.forget_boundaries()


@pytest.fixture
def streets(org):
    """小店区 as a square with two streets inside it, and each street's office."""
    org.xiaodian.set_boundary(square(112.50, 37.60, 112.70, 37.85), source="测试", approximate=True)
    org.xiaodian.save()

    class Streets:
        pass

    s = Streets()
    for attr, code, name, box, unit_code in (
        ("wucheng", "140105002", "坞城街道", (112.55, 37.78, 112.60, 37.82), "xd-wucheng"),
        ("yingpan", "140105003", "营盘街道", (112.60, 37.78, 112.65, 37.82), "xd-yingpan"),
    ):
        division = Division(code=code, name=name, level="street", parent=org.xiaodian)
        division.set_boundary(square(*box), source="测试", approximate=True)
        division.save()
        office = Unit.objects.add_child(
            Unit.objects.get(pk=org.gov.pk),
            {
                "code": unit_code,
                "name": f"{name}办事处",
                "kind": Unit.Kind.STREET_OFFICE,
                "division": division,
            },
        )
        setattr(s, attr, division)
        setattr(s, f"{attr}_office", office)
    geo.forget_boundaries()
    return s


def _appeal(point, text="渣土车没有苫盖，扬尘很大"):
    lat, lng = point
    appeal, _created = appeal_submit(
        draft=AppealDraft(description=text, anonymous=True, latitude=lat, longitude=lng)
    )
    return appeal.matter


def test_a_matter_with_a_point_lands_in_its_street_else_its_district(catalogue, streets, org):
    assert _appeal(IN_WUCHENG).division == streets.wucheng
    assert _appeal(IN_YINGPAN).division == streets.yingpan
    assert _appeal(IN_XIAODIAN_ONLY).division == org.xiaodian
    assert _appeal(NOWHERE).division is None
    assert places.division_at(*IN_WUCHENG) == streets.wucheng
    assert places.division_at("not a number", 1) is None


def test_the_smallest_area_then_the_deepest_category_speaks(catalogue, streets, org, users):
    root, noise = catalogue["root"], catalogue["noise"]
    rule = services.area_rule_create
    d = users.dispatcher
    rule(actor=d, category=root, division=org.xiaodian, lead_unit=org.brigade2)
    street_rule = rule(
        actor=d, category=root, division=streets.wucheng, lead_unit=streets.wucheng_office
    )
    district_noise = rule(actor=d, category=noise, division=org.xiaodian, lead_unit=org.committee)

    # In 坞城街道: the street's rule on the parent category beats the district's deeper one.
    assert places.rule_for_matter(_appeal(IN_WUCHENG), noise) == street_rule
    # In 营盘街道 (no rule of its own): the district's rules, the deeper category first.
    in_yingpan = _appeal(IN_YINGPAN)
    assert places.rule_for_matter(in_yingpan, noise) == district_noise
    assert places.rule_for_matter(in_yingpan, root).lead_unit == org.brigade2
    # Elsewhere no rule speaks.
    assert places.rule_for_matter(_appeal(NOWHERE), noise) is None
    # A matter without a point is judged by its recorded division and those above it.
    without_point = _appeal(IN_WUCHENG)
    without_point.latitude = without_point.longitude = None
    assert places.rule_for_matter(without_point, noise) == street_rule


def test_the_suggestion_names_the_rule_that_spoke(login, catalogue, streets, org, users):
    dust = Category.objects.add_child(
        catalogue["root"],
        {"code": "dust", "name": "渣土扬尘", "default_lead_unit": org.brigade2, "keywords": "渣土"},
    )
    services.area_rule_create(
        actor=users.dispatcher,
        category=catalogue["root"],
        division=streets.wucheng,
        lead_unit=streets.wucheng_office,
    )
    matter = _appeal(IN_WUCHENG)
    item = suggesting.suggest(matter).items[0]
    assert (item.category, item.lead_unit) == (dust, streets.wucheng_office)
    assert item.rule_text == "按区域规则：小店区坞城街道 × 城市管理 → 坞城街道办事处"
    # Without a matching rule the suggestion is the catalogue's, as before.
    elsewhere = suggesting.suggest(_appeal(IN_YINGPAN)).items[0]
    assert (elsewhere.lead_unit, elsewhere.rule, elsewhere.rule_text) == (org.brigade2, None, "")

    client = login(users.dispatcher)
    page = client.get(matter.get_absolute_url()).content.decode()
    assert "按区域规则：小店区坞城街道 × 城市管理 → 坞城街道办事处" in page
    client.post(f"/routing/matters/{matter.pk}/take/", {"category": dust.pk, "version": 1})
    matter.refresh_from_db()
    assert (matter.status, matter.lead_unit) == (Status.DISPATCHED, streets.wucheng_office)
    assert "按区域规则" in matter.events.filter(kind="dispatched").get().note


def test_only_the_dispatch_centre_edits_the_rules(login, catalogue, streets, org, users):
    for other in (users.clerk1, users.leader, users.sysadmin):
        assert login(other).get("/routing/area-rules/").status_code == 403
        with pytest.raises(PermissionRefused):
            services.area_rule_create(
                actor=other, category=catalogue["root"], division=org.xiaodian, lead_unit=org.gov
            )
    client = login(users.dispatcher)
    assert client.get("/routing/area-rules/").status_code == 200
    form = {
        "category": catalogue["root"].pk,
        "division": streets.wucheng.pk,
        "lead_unit": streets.wucheng_office.pk,
        "note": "街面问题属地办理",
    }
    response = client.post("/routing/area-rules/new/", form)
    assert response.status_code == 302
    rule = AreaRule.objects.get()
    listing = client.get("/routing/area-rules/").content.decode()
    assert "小店区坞城街道" in listing and "坞城街道办事处" in listing

    # The same area and category twice: refused, saying which rule to change.
    again = client.post("/routing/area-rules/new/", form).content.decode()
    assert "“坞城街道 × 城市管理”已有规则" in again and AreaRule.objects.count() == 1
    # A forged unit id is a form error, not a server error.
    bad = client.post("/routing/area-rules/new/", {**form, "lead_unit": 999999})
    assert bad.status_code == 200 and AreaRule.objects.count() == 1

    # Edit with the version read; a stale version is refused.
    edit = {**form, "lead_unit": streets.yingpan_office.pk, "version": 1}
    assert client.post(f"/routing/area-rules/{rule.pk}/", edit).status_code == 302
    rule.refresh_from_db()
    assert (rule.lead_unit, rule.version) == (streets.yingpan_office, 2)
    stale = client.post(f"/routing/area-rules/{rule.pk}/", edit).content.decode()
    assert "已被他人修改" in stale
    with pytest.raises(ConcurrentEditError):
        services.area_rule_delete(actor=users.dispatcher, rule=rule, expected_version=1)

    client.post(f"/routing/area-rules/{rule.pk}/delete/", {"version": 2})
    assert not AreaRule.objects.exists()
    actions = list(
        AuditRecord.objects.filter(object_type="routing.arearule")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]
    update = AuditRecord.objects.get(object_type="routing.arearule", action="update")
    changed = (update.detail["before"]["lead_unit"], update.detail["after"]["lead_unit"])
    assert changed == ("xd-wucheng", "xd-yingpan")


def test_the_demo_streets_have_offices_and_rules_to_them(db):
    core_demo.seed(lambda _line: None)
    loop_demo._catalogue()
    UserFactory(username="dispatcher", role=Role.DISPATCHER, unit=Unit.objects.get(code="ty-12345"))
    routing_demo._area_rules(lambda _line: None)
    geo.forget_boundaries()
    wucheng = Division.objects.get(code="140105002")
    assert wucheng.boundary_approximate and wucheng.boundary_source == "演示用示意边界"
    office = Unit.objects.get(division=wucheng)
    assert (office.name, office.kind) == ("坞城街道办事处", Unit.Kind.STREET_OFFICE)
    assert office.get_parent().code == "xd-gov"
    streets = Division.objects.filter(level__in=["street", "township"])
    assert streets.filter(parent__code="140105").count() >= 10
    assert streets.filter(parent__code="140106").count() >= 8

    road = Category.objects.get(code="municipal-road")
    at_wucheng = Matter(latitude=wucheng.label_lat, longitude=wucheng.label_lng)
    rule = places.rule_for_matter(at_wucheng, road)
    assert places.describe(rule) == "按区域规则：小店区坞城街道 × 市政设施 → 坞城街道办事处"
    # In 晋源区 (no streets in the demo) the catalogue's lead unit stands.
    jinyuan = Division.objects.get(code="140110")
    elsewhere = Matter(latitude=jinyuan.label_lat, longitude=jinyuan.label_lng)
    assert places.rule_for_matter(elsewhere, road) is None
