import io

from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from longcheng.volunteers import services
from longcheng.volunteers.models import Application, Assignment

from .conftest import at, publish_and_confirm
from .test_services import _interviewed


def test_staff_pages_belong_to_the_organising_unit(login, forum, users):
    assert login(users.leader).get(forum.campaign.get_absolute_url()).status_code == 200
    assert login(users.committee_clerk).get(forum.campaign.get_absolute_url()).status_code == 404
    assert login(users.sysadmin).get(reverse("volunteers:campaigns")).status_code == 403


def test_the_list_masks_ids_and_exports_masked(login, forum, users):
    specs = [("甲", 0, (80, 80, 80), (80, 80, 80), [forum.service])]
    app = _interviewed(forum, users, specs)[0]
    client = login(users.leader)
    page = client.get(reverse("volunteers:applications", args=[forum.campaign.pk])).content.decode()
    assert app.masked_id_number in page and app.id_number not in page
    export = client.get(
        reverse("volunteers:applications", args=[forum.campaign.pk]) + "?export=xlsx"
    )
    cells = [
        c
        for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert app.masked_id_number in cells and app.id_number not in cells


def test_bulk_screening_from_the_list(login, forum, users):
    from .conftest import apply

    a, b = apply(forum, "甲"), apply(forum, "乙")
    client = login(users.leader)
    client.post(
        reverse("volunteers:applications", args=[forum.campaign.pk]),
        {"application": [a.pk, b.pk], "decision": "fail", "reason": "报名材料不全"},
    )
    assert set(Application.objects.values_list("status", flat=True)) == {"screened_out"}


def test_the_campaign_page_runs_the_whole_flow(login, forum, users, clock):
    _interviewed(
        forum,
        users,
        [
            (n, 5, (70 + i, 80, 80), (70 + i, 80, 80), [forum.service, forum.liaison])
            for i, n in enumerate("甲乙丙丁")
        ],
    )
    client = login(users.leader)
    for action in ("select", "publish", "confirm", "shifts", "roster"):
        if action == "confirm":
            clock.to(at(2023, 10, 9, 9))  # the five working days ended with 8 October
            client = login(users.leader)  # a new session after the clock's jump
        response = client.post(
            reverse("volunteers:campaign_action", args=[forum.campaign.pk, action]), follow=True
        )
        assert response.status_code == 200
        assert "alert-danger" not in response.content.decode(), action
    assert Application.objects.filter(status="selected").count() == 3
    assert Assignment.objects.exists()
    page = client.get(reverse("volunteers:roster", args=[forum.campaign.pk])).content.decode()
    assert "会议服务" in page


def test_hours_certificate_and_calendar(login, forum, users, clock):
    _interviewed(forum, users, [("甲", 5, (90, 90, 90), (90, 90, 90), [forum.service])])
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    publish_and_confirm(forum, users, clock)
    services.shifts_generate(actor=users.leader, campaign=forum.campaign)
    services.roster_solve(actor=users.leader, campaign=forum.campaign, seconds=5)
    assignment = Assignment.objects.order_by("shift__starts_at").first()
    clock.to(assignment.shift.starts_at)
    services.attendance_scan(venue=forum.hall, code=assignment.application.code)
    clock.to(assignment.shift.ends_at)
    services.attendance_scan(venue=forum.hall, code=assignment.application.code)
    client = login(users.leader)
    pdf = client.get(
        reverse("volunteers:hours", args=[forum.campaign.pk])
        + f"?certificate={assignment.application.pk}"
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace(
        "\x00", ""
    )
    assert "志愿服务记录证明" in text and "5.0 小时" in text
    ics = client.get(
        reverse("volunteers:schedule", args=[assignment.application.code]) + "?format=ics"
    )
    assert (
        ics["Content-Type"].startswith("text/calendar") and "BEGIN:VEVENT" in ics.content.decode()
    )


def test_venue_check_in_page(client, forum, users, clock):
    _interviewed(forum, users, [("甲", 5, (90, 90, 90), (90, 90, 90), [forum.service])])
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    publish_and_confirm(forum, users, clock)
    services.shifts_generate(actor=users.leader, campaign=forum.campaign)
    services.roster_solve(actor=users.leader, campaign=forum.campaign, seconds=5)
    assignment = Assignment.objects.order_by("shift__starts_at").first()
    clock.to(assignment.shift.starts_at)
    page = client.post(
        reverse("volunteers:checkin", args=[forum.hall.token]),
        {"code": assignment.application.code.lower()},
    ).content.decode()
    assert "已于" in page and "签到" in page
    wrong = client.post(
        reverse("volunteers:checkin", args=[forum.airport.token]),
        {"code": assignment.application.code},
    ).content.decode()
    assert "没有班次" in wrong


def test_drop_out_and_replacement_from_the_pages(login, forum, users, clock):
    from .conftest import apply

    _interviewed(
        forum,
        users,
        [(n, 5, (70 + i, 80, 80), (70 + i, 80, 80), [forum.service]) for i, n in enumerate("甲乙")],
    )
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    publish_and_confirm(forum, users, clock)
    services.shifts_generate(actor=users.leader, campaign=forum.campaign)
    services.roster_solve(actor=users.leader, campaign=forum.campaign, seconds=5)
    leaver = Application.objects.filter(status="selected").first()
    client = login(users.leader)
    client.post(leaver.get_absolute_url(), {"action": "drop", "reason": "家中有事"})
    leaver.refresh_from_db()
    assert leaver.status == "withdrawn"
    spare = apply(forum, "丙")
    spare.status, spare.wait_rank = "waitlisted", 1
    spare.save()
    shift = forum.service.shifts.first()
    page = client.post(
        reverse("volunteers:roster_action", args=[forum.campaign.pk]),
        {"shift": shift.pk},
        follow=True,
    )
    assert "已由 丙 递补" in page.content.decode()
