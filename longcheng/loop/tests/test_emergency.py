"""应急模式: the dispatch centre starts and ends it; while it is on the public form and the
intake offer only its categories, what they receive is urgent and queued first; the page and
the cockpit show the surge."""

import re

import pytest
from django.urls import reverse

from longcheng.audit.models import AuditRecord
from longcheng.core.errors import PermissionRefused
from longcheng.loop import services
from longcheng.loop.emergency import emergency_on, emergency_surge
from longcheng.loop.models import Category, Matter, Notification
from longcheng.loop.selectors import Box, inbox_boxes
from longcheng.loop.services import EmergencyRefused
from longcheng.loop.workflow import Urgency
from tests.factories import MatterFactory
from tests.fixtures.loop import at


@pytest.fixture
def flood(catalogue, org):
    root = Category.objects.add_root({"code": "flood", "name": "防汛排涝"})
    child = Category.objects.add_child(
        root, {"code": "waterlog", "name": "道路积水", "default_lead_unit": org.brigade1}
    )
    for category in catalogue.values():
        category.refresh_from_db()  # the catalogue is kept sorted: its paths moved
    return {"root": Category.objects.get(pk=root.pk), "waterlog": Category.objects.get(pk=child.pk)}


def start(users, flood, **overrides):
    data = {
        "actor": users.dispatcher,
        "title": "7·30 暴雨内涝",
        "note": "全市启动防汛IV级应急响应",
        "categories": [flood["root"]],
    }
    return services.emergency_start(**{**data, **overrides})


def _public_key(client) -> tuple[str, str]:
    page = client.get("/a/").content.decode()
    return page, re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def _public_post(client, key, category):
    return client.post(
        "/a/",
        {
            "description": "迎泽大街下穿隧道积水没过车轮，车辆被困。",
            "category": category.pk,
            "reporter_name": "王先生",
            "reporter_phone": "13912345678",
            "consent": "on",
            "submission_key": key,
        },
    )


def test_the_dispatch_centre_starts_and_ends_it_and_people_are_told(users, flood):
    emergency = start(users, flood)
    assert emergency_on() == emergency
    told = Notification.objects.filter(kind=Notification.Kind.EMERGENCY)
    assert {n.recipient for n in told} == {users.dispatcher, users.leader}
    with pytest.raises(EmergencyRefused, match="正在运行，须先结束"):
        start(users, flood, title="另一次")
    services.emergency_end(actor=users.dispatcher, emergency=emergency, note="雨停水退")
    emergency.refresh_from_db()
    assert (
        emergency_on() is None and emergency.on is None and emergency.ended_by == users.dispatcher
    )
    with pytest.raises(EmergencyRefused, match="已经结束"):
        services.emergency_end(actor=users.dispatcher, emergency=emergency)
    notices = Notification.objects.filter(kind=Notification.Kind.EMERGENCY)
    assert notices.count() == 4  # started and ended, to both
    assert AuditRecord.objects.filter(object_type="loop.emergencymode").count() == 2


def test_only_the_dispatch_centre_switches_it(users, flood, login):
    with pytest.raises(PermissionRefused):
        start(users, flood, actor=users.leader)
    assert login(users.clerk1).get(reverse("loop:emergency")).status_code == 403
    page = login(users.dispatcher)
    refused = page.post(
        reverse("loop:emergency"), {"title": "暴雨", "categories": [flood["root"].pk]}
    )
    assert refused.status_code == 400 and "请勾选确认后再启动" in refused.content.decode()
    assert emergency_on() is None
    page.post(
        reverse("loop:emergency"),
        {"title": "暴雨", "categories": [flood["root"].pk], "confirm": "on"},
    )
    current = emergency_on()
    assert current is not None and current.title == "暴雨"
    ended = page.post(reverse("loop:emergency_end", args=[current.pk]), {"confirm": "on"})
    assert ended.status_code == 302 and emergency_on() is None
    history = page.get(reverse("loop:emergency")).content.decode()
    assert "暴雨" in history and "启动应急模式" in history


def test_the_public_form_offers_only_the_emergency_categories(client, users, flood, catalogue):
    start(users, flood)
    page, key = _public_key(client)
    assert 'data-testid="emergency-banner"' in page and "7·30 暴雨内涝" in page
    assert "道路积水" in page and "夜间施工噪音" not in page
    refused = _public_post(client, key, catalogue["noise"])
    assert refused.status_code == 400
    assert "应急期间只受理以下类别的诉求：防汛排涝" in refused.content.decode()
    assert not Matter.objects.exists()
    _page, key = _public_key(client)
    _public_post(client, key, flood["waterlog"])
    matter = Matter.objects.get()
    assert matter.emergency == emergency_on() and matter.urgency == Urgency.URGENT


def test_after_the_emergency_the_whole_catalogue_is_back(client, users, flood, catalogue):
    emergency = start(users, flood)
    services.emergency_end(actor=users.dispatcher, emergency=emergency)
    page, key = _public_key(client)
    assert "emergency-banner" not in page and "夜间施工噪音" in page
    _public_post(client, key, catalogue["noise"])
    matter = Matter.objects.get()
    assert matter.emergency is None and matter.urgency == Urgency.NORMAL


def test_the_staff_intake_is_narrowed_too(users, flood, catalogue, login):
    start(users, flood)
    client = login(users.committee_clerk)
    page = client.get(reverse("loop:receive")).content.decode()
    assert 'data-testid="emergency-banner"' in page and "夜间施工噪音" not in page
    data = {
        "title": "小店区某小区地下车库进水",
        "description": "车库进水深约半米",
        "channel": "hotline",
        "kind": "complaint",
        "urgency": "normal",
        "category": catalogue["noise"].pk,
        "reporter_phone": "13912345678",
    }
    refused = client.post(reverse("loop:receive"), data).content.decode()
    assert "应急期间只受理以下类别的诉求" in refused and not Matter.objects.exists()
    client.post(reverse("loop:receive"), {**data, "category": flood["waterlog"].pk})
    assert Matter.objects.get().urgency == Urgency.URGENT


def test_the_dispatcher_sees_the_emergency_queue_first(users, flood, catalogue, login, clock):
    ordinary = MatterFactory(category=catalogue["noise"], title="富力壹品工地噪音")
    emergency = start(users, flood)
    clock.to(at(2023, 9, 25, 10))
    later = MatterFactory(category=flood["waterlog"], title="隧道积水（二）")
    clock.to(at(2023, 9, 25, 9, 30))
    earlier = MatterFactory(category=flood["waterlog"], title="隧道积水（一）")
    assert inbox_boxes(users.dispatcher)[0] == Box.EMERGENCY
    assert Box.EMERGENCY not in inbox_boxes(users.leader)
    page = login(users.dispatcher).get(reverse("loop:inbox")).content.decode()
    assert page.index("隧道积水（一）") < page.index("隧道积水（二）")
    assert ordinary.title not in page  # the priority tab lists only the emergency's matters
    assert {earlier.pk, later.pk} == set(
        Matter.objects.filter(emergency=emergency).values_list("pk", flat=True)
    )
    services.emergency_end(actor=users.dispatcher, emergency=emergency)
    assert Box.EMERGENCY not in inbox_boxes(users.dispatcher)


def test_the_surge_compares_each_hour_with_the_week_before(users, flood, catalogue, clock, login):
    MatterFactory(category=catalogue["noise"], at=at(2023, 9, 18, 9, 10))  # a week before
    emergency = start(users, flood)
    for minute in (5, 20, 40):
        MatterFactory(category=flood["waterlog"], at=at(2023, 9, 25, 9, minute))
    MatterFactory(category=catalogue["noise"], at=at(2023, 9, 25, 9, 30))
    clock.to(at(2023, 9, 25, 10, 30))
    MatterFactory(category=flood["waterlog"])
    surge = emergency_surge(emergency)
    assert surge.labels == ["09-25 09时", "09-25 10时"]
    assert surge.during == [4, 1] and surge.week_before == [1, 0]
    assert surge.emergency_matters == [3, 1]  # the noise complaint is not the emergency's
    assert surge.ratio == 5.0
    cockpit = login(users.dispatcher).get(reverse("cockpit:index")).content.decode()
    assert "应急期间共 5 件，上周同时段 1 件" in cockpit and "（5.0 倍）" in cockpit
