"""Check-in at the venue: random links with a printable QR code, masked names, the hours rule,
and a check-in after the shift's end that waits for a staff member's review."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from longcheng.audit.models import AuditRecord
from longcheng.core.errors import PermissionRefused
from longcheng.volunteers import rules, selectors, services
from longcheng.volunteers.models import Assignment, CheckinReview, Venue
from longcheng.volunteers.services import VolunteerRefused
from longcheng.web.queues import user_work_queues

from .conftest import publish_and_confirm
from .test_services import _interviewed


@pytest.fixture
def on_duty(forum, users, clock):
    """张小明 is rostered at the conference centre; the first of his shifts."""
    _interviewed(forum, users, [("张小明", 5, (90, 90, 90), (90, 90, 90), [forum.service])])
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    publish_and_confirm(forum, users, clock)
    services.shifts_generate(actor=users.leader, campaign=forum.campaign)
    services.roster_solve(actor=users.leader, campaign=forum.campaign, seconds=5)
    return (
        Assignment.objects.select_related("shift", "application")
        .order_by("shift__starts_at")
        .first()
    )


def test_venue_links_are_random_and_the_old_words_stop_working(client, forum):
    tokens = {Venue.objects.create(name=f"场馆{i}").token for i in range(5)}
    assert len(tokens) == 5 and all(len(t) >= 20 for t in tokens)
    old = Venue.objects.create(name="太原南站")
    Venue.objects.filter(pk=old.pk).update(token="taiyuan-south")  # as before migration 0008
    migration = importlib.import_module(
        "longcheng.volunteers.migrations.0008_venue_tokens_late_checkin_review"
    )
    migration.random_tokens(django_apps, None)
    old.refresh_from_db()
    assert len(old.token) >= 20
    assert client.get(reverse("volunteers:checkin", args=["taiyuan-south"])).status_code == 404
    assert client.get(reverse("volunteers:checkin", args=[old.token])).status_code == 200


def test_staff_see_each_venues_link_and_print_its_qr_code(login, forum, users):
    client = login(users.leader)
    page = client.get(forum.campaign.get_absolute_url()).content.decode()
    for venue in (forum.hall, forum.airport):
        assert reverse("volunteers:checkin", args=[venue.token]) in page
        assert reverse("volunteers:venue_qr", args=[venue.pk]) in page
    qr = client.get(reverse("volunteers:venue_qr", args=[forum.hall.pk])).content.decode()
    assert "<svg" in qr and forum.hall.name in qr and forum.hall.token in qr
    assert rules.hours_rule() in qr
    # Staff of a unit without a campaign at that venue do not reach its code.
    other = login(users.committee_clerk)
    assert other.get(reverse("volunteers:venue_qr", args=[forum.hall.pk])).status_code in (403, 404)


def test_the_check_in_page_masks_the_name_and_states_the_hours_rule(client, forum, on_duty, clock):
    clock.to(on_duty.shift.starts_at + datetime.timedelta(minutes=5))
    url = reverse("volunteers:checkin", args=[forum.hall.token])
    page = client.post(url, {"code": on_duty.application.code}).content.decode()
    assert "张*明 已于" in page and "张小明" not in page
    assert rules.hours_rule() in page
    wrong = client.post(
        reverse("volunteers:checkin", args=[forum.airport.token]),
        {"code": on_duty.application.code},
    ).content.decode()
    assert "张*明 此时在" in wrong and "张小明" not in wrong


def test_hours_run_from_the_check_in_to_the_shifts_end(forum, on_duty, clock):
    start, end = on_duty.shift.starts_at, on_duty.shift.ends_at
    clock.to(start - datetime.timedelta(minutes=20))  # early: counted from the start
    services.attendance_scan(venue=forum.hall, code=on_duty.application.code)
    clock.to(start + datetime.timedelta(hours=2))
    on_duty.refresh_from_db()
    assert on_duty.hours == 2.0  # under way: up to now
    clock.to(end + datetime.timedelta(minutes=40))  # forgot to check out: to the end
    on_duty.refresh_from_db()
    assert on_duty.hours == on_duty.shift.hours == 5.0
    assert selectors.hours_by_person(forum.campaign)[0][1:] == (5.0, 1)


def test_a_check_in_after_the_shift_waits_for_review(forum, users, on_duty, clock):
    clock.to(on_duty.shift.ends_at + datetime.timedelta(minutes=30))
    scanned = services.attendance_scan(venue=forum.hall, code=on_duty.application.code)
    assert scanned.review == CheckinReview.PENDING and scanned.late
    assert scanned.hours == 0.0
    assert selectors.hours_by_person(forum.campaign)[0][1:] == (0.0, 0)
    assert dict(selectors.funnel(forum.campaign))["已上岗"] == 0
    # A second scan does not check out a check-in under review.
    with pytest.raises(VolunteerRefused, match="正等待工作人员审核"):
        services.attendance_scan(venue=forum.hall, code=on_duty.application.code)
    assert [a.pk for a in selectors.late_checkins_for(users.leader)] == [on_duty.pk]
    assert {q.label: q.count for q in user_work_queues(users.leader)}["待审核迟到签到"] == 1


def test_staff_accept_a_late_check_in_with_a_reason_on_the_audit_log(forum, users, on_duty, clock):
    clock.to(on_duty.shift.ends_at + datetime.timedelta(minutes=30))
    services.attendance_scan(venue=forum.hall, code=on_duty.application.code)
    with pytest.raises(VolunteerRefused, match="审核理由"):
        services.late_checkin_review(
            actor=users.leader, assignment=on_duty, accepted=True, reason=""
        )
    with pytest.raises(PermissionRefused):
        services.late_checkin_review(
            actor=users.committee_clerk, assignment=on_duty, accepted=True, reason="已到岗"
        )
    reviewed = services.late_checkin_review(
        actor=users.leader, assignment=on_duty, accepted=True, reason="现场负责人核实已按时到岗"
    )
    assert reviewed.review == CheckinReview.ACCEPTED and reviewed.reviewed_by == users.leader
    assert reviewed.hours == 5.0 and selectors.hours_by_person(forum.campaign)[0][1:] == (5.0, 1)
    record = AuditRecord.objects.filter(object_type="volunteers.assignment").latest("pk")
    assert record.detail["late_checkin_review"] == "accepted"
    assert record.detail["reason"] == "现场负责人核实已按时到岗"
    with pytest.raises(VolunteerRefused, match="不能重复审核"):
        services.late_checkin_review(
            actor=users.leader, assignment=on_duty, accepted=False, reason="改为不认可"
        )
    assert not selectors.late_checkins_for(users.leader).exists()
    assert {q.label: q.count for q in user_work_queues(users.leader)}["待审核迟到签到"] == 0


def test_the_review_queue_page_refuses_and_names_a_missing_reason(
    login, forum, users, on_duty, clock
):
    clock.to(on_duty.shift.ends_at + datetime.timedelta(minutes=30))
    services.attendance_scan(venue=forum.hall, code=on_duty.application.code)
    client = login(users.leader)
    url = reverse("volunteers:late_checkins")
    page = client.get(url).content.decode()
    assert "张小明" in page and rules.hours_rule() in page
    missing = client.post(url, {"assignment": on_duty.pk, "decision": "refuse"}, follow=True)
    assert "审核理由" in missing.content.decode()
    bad = client.post(url, {"assignment": "x", "decision": "maybe"}, follow=True)
    assert bad.status_code == 200 and "审核结论" in bad.content.decode()
    done = client.post(
        url,
        {"assignment": on_duty.pk, "decision": "refuse", "reason": "当天未到岗"},
        follow=True,
    ).content.decode()
    assert "不予认可" in done and "当天未到岗" in done
    on_duty.refresh_from_db()
    assert on_duty.review == CheckinReview.REFUSED and on_duty.hours == 0.0
    hours = client.get(reverse("volunteers:hours", args=[forum.campaign.pk])).content.decode()
    assert rules.hours_rule() in hours


def test_back_to_back_shifts_each_get_their_own_scans(forum, on_duty, clock):
    """07:00–12:00 and 12:00–17:00 at the same venue: checking out of the first at noon and
    checking in to the second are two scans, each on its own shift."""
    first = on_duty.shift
    second = forum.service.shifts.get(starts_at=first.ends_at)
    Assignment.objects.get_or_create(shift=second, application=on_duty.application)
    code = on_duty.application.code
    clock.to(first.starts_at)
    assert services.attendance_scan(venue=forum.hall, code=code).shift == first
    clock.to(first.ends_at - datetime.timedelta(minutes=5))
    out = services.attendance_scan(venue=forum.hall, code=code)
    assert out.shift == first and out.checked_out_at
    coming = services.attendance_scan(venue=forum.hall, code=code)
    assert coming.shift == second and coming.checked_in_at and not coming.late
    clock.to(second.ends_at)
    services.attendance_scan(venue=forum.hall, code=code)
    with pytest.raises(VolunteerRefused, match="已于 17:00 签退"):
        services.attendance_scan(venue=forum.hall, code=code)
