"""The field app on a phone: installable with a worker that keeps only the signed-in user's
pages, photos with where and when they were taken, the partner inspector named, thumbnails,
and 发现时间 (when a problem was seen, not when it was typed)."""

import io
import json

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from longcheng.core.thumbnails import thumbnail_name
from longcheng.inspections import rules, selectors, services
from longcheng.inspections.field import FIELD_USER_HEADER, SHELL_FILES
from longcheng.inspections.models import Answer, VisitPhoto
from tests.fixtures.loop import at

from .conftest import answer_all, photo, png_bytes, submit
from .test_views import pdf_text


@pytest.fixture
def visit(campaign, inspectors, records):
    target = campaign.targets.get(site=records.site1)
    return services.visit_start(actor=inspectors.a, target=target, partners=[inspectors.b])


def sync(client, visit, op_id, kind, payload, **files):
    return client.post(
        reverse("inspections:visit_sync", args=[visit.pk]),
        {"op_id": op_id, "kind": kind, "payload": json.dumps(payload), **files},
    )


# — 1. The installable app —


def test_the_worker_is_served_from_the_root_with_the_shell_it_keeps(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    for path in SHELL_FILES:
        assert finders.find(path), path  # every file of the shell exists
        assert f"/static/{path}" in body
    assert reverse("inspections:field_offline") in body
    assert reverse("enforcement:patrols_offline") in body
    assert "__VERSION__" not in body and "{{" not in body


def test_the_manifest_names_the_app_and_its_local_icons(client):
    response = client.get("/manifest.webmanifest")
    manifest = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert manifest["name"] == "龙城执法" and manifest["lang"] == "zh-Hans"
    assert manifest["start_url"] == reverse("inspections:mine")
    sizes = {}
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/")  # served by the app, nothing external
        with Image.open(finders.find(icon["src"].removeprefix("/static/"))) as image:
            assert image.format == "PNG"
            sizes[icon["sizes"]] = image.size
    assert sizes == {"192x192": (192, 192), "512x512": (512, 512)}


def test_field_pages_say_whose_they_are_and_other_pages_do_not(login, visit, inspectors):
    client = login(inspectors.a)
    mine = client.get(reverse("inspections:mine"))
    form = client.get(reverse("inspections:visit_form", args=[visit.pk]))
    assert mine[FIELD_USER_HEADER] == form[FIELD_USER_HEADER]
    assert "field.js" in form.content.decode()
    assert FIELD_USER_HEADER not in client.get(visit.get_absolute_url())
    other = login(inspectors.b).get(reverse("inspections:mine"))
    assert other[FIELD_USER_HEADER] != mine[FIELD_USER_HEADER]


def test_the_phone_keeps_only_the_inspectors_own_open_visits(login, visit, inspectors):
    kept = login(inspectors.a).get(reverse("inspections:field_offline")).json()
    assert reverse("inspections:visit_form", args=[visit.pk]) in kept["pages"]
    assert reverse("inspections:mine") in kept["pages"]
    not_on_team = login(inspectors.c).get(reverse("inspections:field_offline")).json()
    assert reverse("inspections:visit_form", args=[visit.pk]) not in not_on_team["pages"]
    assert not_on_team["user"] != kept["user"]
    answer_all(visit, inspectors.a)
    submit(visit, inspectors.a)
    after = login(inspectors.a).get(reverse("inspections:field_offline")).json()
    assert reverse("inspections:visit_form", args=[visit.pk]) not in after["pages"]


def test_a_signed_out_phone_gets_no_list(client):
    response = client.get(reverse("inspections:field_offline"))
    assert response.status_code == 302  # the worker then throws the kept pages away


# — 2. Photos with position and time —


def test_a_photo_keeps_where_and_when_it_was_taken(login, visit, inspectors, clock):
    item = selectors.visit_items(visit)[1]
    clock.to(at(2023, 9, 25, 9, 40))
    client = login(inspectors.a)
    payload = {
        "item": item.pk,
        "taken_at": "2023-09-25T01:20:00.000Z",  # 09:20 in Taiyuan, sent when back online
        "latitude": 37.8527431,
        "longitude": 112.5601847,
        "accuracy": 14.6,
    }
    assert sync(client, visit, "p-1", "photo", payload, file=photo()).status_code == 200
    stored = VisitPhoto.objects.get(visit=visit)
    assert (str(stored.latitude), str(stored.longitude), stored.accuracy) == (
        "37.852743",
        "112.560185",
        15,
    )
    assert stored.taken_at == at(2023, 9, 25, 9, 20)
    page = client.get(reverse("inspections:visit_form", args=[visit.pk])).content.decode()
    assert "37.85274, 112.56019 ±15m" in page and "09-25 09:20" in page


@pytest.mark.parametrize(
    "position",
    [
        {},  # the inspector refused the position
        {"latitude": 91, "longitude": 112.5},
        {"latitude": "NaN", "longitude": "x"},
        {"latitude": [1], "longitude": {"a": 1}},
    ],
)
def test_a_photo_without_a_usable_position_is_kept_and_says_so(login, visit, inspectors, position):
    item = selectors.visit_items(visit)[1]
    client = login(inspectors.a)
    response = sync(client, visit, "p-2", "photo", {"item": item.pk, **position}, file=photo())
    assert response.status_code == 200
    stored = VisitPhoto.objects.get(visit=visit)
    assert stored.latitude is None and not stored.located
    assert "未获取位置" in client.get(visit.get_absolute_url()).content.decode()


def test_a_photo_time_in_the_future_or_before_the_visit_is_the_arrival_time(
    login, visit, inspectors, clock
):
    item = selectors.visit_items(visit)[1]
    client = login(inspectors.a)
    sync(
        client,
        visit,
        "p-3",
        "photo",
        {"item": item.pk, "taken_at": "2030-01-01T00:00:00Z"},
        file=photo(),
    )
    sync(
        client,
        visit,
        "p-4",
        "photo",
        {"item": item.pk, "taken_at": "2020-01-01T00:00:00Z"},
        file=photo(),
    )
    assert set(VisitPhoto.objects.values_list("taken_at", flat=True)) == {at(2023, 9, 25, 9)}


# — 3. The partner inspector —


def test_the_partner_inspector_is_named_on_the_visit_and_in_the_document(login, visit, inspectors):
    client = login(inspectors.a)
    form = client.get(reverse("inspections:visit_form", args=[visit.pk]))
    team = form.context["team"]
    assert [(u.username, partner) for u, partner in team] == [
        (inspectors.a.username, False),
        (inspectors.b.username, True),
    ]
    assert "同行检查人员" in form.content.decode()
    answer_all(visit, inspectors.a, fail={"裸露土方覆盖"}, note="东侧裸土未覆盖")
    submit(visit, inspectors.a)
    text = pdf_text(client.get(reverse("inspections:order", args=[visit.pk])).content)
    b = inspectors.b.full_name or inspectors.b.username
    a = inspectors.a.full_name or inspectors.a.username
    assert f"{b}（同行检查人员）" in text
    assert f"{a}（同行检查人员）" not in text


def test_on_a_drawn_visit_whoever_begins_it_leads_and_the_other_is_the_partner(
    sampling_campaign, inspectors
):
    services.campaign_draw(
        actor=inspectors.leader, campaign=sampling_campaign, reason="第三季度双随机抽查"
    )
    visit = sampling_campaign.visits.first()
    lead, partner = sorted(visit.inspectors.all(), key=lambda u: u.pk, reverse=True)
    assert not any(is_partner for _u, is_partner in visit.team())  # nobody has begun
    item = selectors.visit_items(visit)[0]
    services.visit_answer(actor=lead, visit=visit, item=item, verdict="pass")
    visit.refresh_from_db()
    assert [(u.pk, is_partner) for u, is_partner in visit.team()] == [
        (lead.pk, False),
        (partner.pk, True),
    ]


# — 4. Thumbnails —


def test_a_photo_thumbnail_is_made_once_and_kept(login, visit, inspectors):
    item = selectors.visit_items(visit)[1]
    big = png_bytes(size=(1600, 1200))

    services.visit_add_photo(
        actor=inspectors.a,
        visit=visit,
        upload=SimpleUploadedFile("big.png", big, content_type="image/png"),
        client_id="big",
        item=item,
    )
    stored = VisitPhoto.objects.get(visit=visit)
    client = login(inspectors.a)
    response = client.get(reverse("inspections:photo_thumb", args=[stored.pk]))
    assert response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as thumb:
        assert max(thumb.size) == 320
    assert default_storage.exists(thumbnail_name(stored.file.name))
    again = client.get(reverse("inspections:photo_thumb", args=[stored.pk]))
    assert again.content == response.content
    detail = client.get(visit.get_absolute_url()).content.decode()
    assert reverse("inspections:photo_thumb", args=[stored.pk]) in detail
    # Someone off the team sees neither the photo nor its thumbnail.
    outsider = login(inspectors.c)
    assert outsider.get(reverse("inspections:photo_thumb", args=[stored.pk])).status_code == 404


def test_the_order_shows_the_photos_of_a_finding(login, visit, inspectors):
    answer_all(visit, inspectors.a, fail={"出入口车辆冲洗"}, note="出口无冲洗设施")
    submit(visit, inspectors.a)
    reader = PdfReader(
        io.BytesIO(login(inspectors.a).get(reverse("inspections:order", args=[visit.pk])).content)
    )
    sizes = [image.image.size for page in reader.pages for image in page.images]
    assert (40, 30) in sizes  # the thumbnail of the 40×30 photo, beside the signatures and QR
    assert "未获取位置" in pdf_text(
        login(inspectors.a).get(reverse("inspections:order", args=[visit.pk])).content
    )


def test_the_partys_rectification_photos_show_as_thumbnails(login, visit, inspectors):
    answer_all(visit, inspectors.a, fail={"裸露土方覆盖"}, note="东侧裸土未覆盖")
    submit(visit, inspectors.a)
    rectification = visit.rectifications.get()
    services.rectification_report(
        rectification=rectification, note="已全部覆盖防尘网", photos=[photo()]
    )
    evidence = rectification.evidence_photos.get()
    client = login(inspectors.a)
    assert (
        reverse("inspections:evidence_photo_thumb", args=[evidence.pk])
        in client.get(visit.get_absolute_url()).content.decode()
    )
    thumb = client.get(reverse("inspections:evidence_photo_thumb", args=[evidence.pk]))
    assert thumb["Content-Type"] == "image/jpeg"
    outsider = login(inspectors.c)
    assert (
        outsider.get(reverse("inspections:evidence_photo_thumb", args=[evidence.pk])).status_code
        == 404
    )


# — 5. 发现时间 —


def test_a_finding_keeps_when_it_was_seen_and_the_order_prints_it(login, visit, inspectors, clock):
    item = selectors.visit_items(visit)[0]
    clock.to(at(2023, 9, 25, 10, 30))  # typed an hour and a half after it was seen
    client = login(inspectors.a)
    response = sync(
        client,
        visit,
        "a-1",
        "answer",
        {
            "item": item.pk,
            "verdict": "fail",
            "note": "东侧裸土未覆盖",
            "found_at": "2023-09-25T01:05:00.000Z",
        },
    )
    assert response.status_code == 200, response.content
    answer = Answer.objects.get(visit=visit, item=item)
    assert answer.found_at == at(2023, 9, 25, 9, 5)
    assert answer.answered_at == at(2023, 9, 25, 10, 30)
    answer_all_but(visit, inspectors.a, item)
    submit(visit, inspectors.a)
    assert visit.rectifications.get().found_at == at(2023, 9, 25, 9, 5)
    text = pdf_text(client.get(reverse("inspections:order", args=[visit.pk])).content)
    assert "发现时间：2023年09月25日 09:05" in text
    assert "发现时间 2023-09-25 09:05" in client.get(visit.get_absolute_url()).content.decode()


def answer_all_but(visit, actor, skip):
    for item in selectors.visit_items(visit):
        if item.pk == skip.pk:
            continue
        if item.answer_type == "number":
            services.visit_answer(actor=actor, visit=visit, item=item, number=3)
            continue
        services.visit_answer(actor=actor, visit=visit, item=item, verdict="pass")
        if item.photo_required:
            services.visit_add_photo(
                actor=actor, visit=visit, upload=photo(), client_id=f"x{item.pk}", item=item
            )


def test_a_noted_problem_is_seen_now_by_default_and_keeps_its_first_time(visit, inspectors, clock):
    item = selectors.visit_items(visit)[0]
    clock.to(at(2023, 9, 25, 9, 10))
    services.visit_answer(actor=inspectors.a, visit=visit, item=item, verdict="fail", note="裸土")
    clock.to(at(2023, 9, 25, 9, 50))
    services.visit_answer(
        actor=inspectors.a, visit=visit, item=item, verdict="fail", note="裸土未覆盖，约 200 平方米"
    )
    assert Answer.objects.get(visit=visit, item=item).found_at == at(2023, 9, 25, 9, 10)


@pytest.mark.parametrize(
    ("found_at", "message"),
    [
        ("2023-09-25T02:30:00Z", "晚于现在"),  # 10:30, the clock says 09:00
        ("2023-09-24T23:00:00Z", "早于检查开始时间"),  # 07:00, the visit began at 09:00
        ("yesterday", "格式有误"),
    ],
)
def test_a_seen_time_in_the_future_or_before_the_visit_is_refused(
    login, visit, inspectors, found_at, message
):
    item = selectors.visit_items(visit)[0]
    response = sync(
        login(inspectors.a),
        visit,
        "a-2",
        "answer",
        {"item": item.pk, "verdict": "fail", "note": "东侧裸土未覆盖", "found_at": found_at},
    )
    assert response.status_code == 400
    assert message in response.json()["error"] and item.text in response.json()["error"]
    assert not Answer.objects.filter(visit=visit).exists()


def test_the_seen_time_rule_allows_a_phone_clock_slightly_ahead():
    began, now = at(2023, 9, 25, 9), at(2023, 9, 25, 10)
    assert rules.seen_time_problem(at(2023, 9, 25, 10, 1), began_at=began, now=now) == ""
    assert rules.seen_time_problem(at(2023, 9, 25, 10, 5), began_at=began, now=now)
    assert rules.seen_time_problem(at(2023, 9, 25, 8, 30), began_at=began, now=now)
    assert rules.seen_time_problem(at(2023, 9, 25, 8, 30), began_at=None, now=now) == ""
