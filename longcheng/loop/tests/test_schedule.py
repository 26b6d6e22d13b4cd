"""A fresh install in December 2026: deadlines reach 2027 on the provisional calendar, marked;
the official 2027 schedule comes in and the open deadlines follow it."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from longcheng.audit.models import AuditRecord
from longcheng.core import calendar
from longcheng.core.models import CalendarYearSource
from longcheng.loop import schedule
from longcheng.loop.models import DeadlineReview, MatterEvent, Notification, TimeLimit
from longcheng.loop.workflow import Kind, Urgency
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db

# An example of the State Council's notice for 2027 (the real one is entered when published):
# the statutory days as the provisional calendar has them, but the Spring Festival runs
# 5-13 Feb, and Saturday 20 Feb is worked.
REST = set(calendar.provisional_rest_days(2027)) | {
    dt.date(2027, 2, 5) + dt.timedelta(days=i) for i in range(9)
}
WORK = {dt.date(2027, 2, 20)}
BASIS = "国务院办公厅关于2027年部分节假日安排的通知（示例）"


@pytest.fixture
def december(clock, catalogue):
    clock.to(at(2026, 12, 21, 9, 0))  # Monday; chinesecalendar 1.11.0 stops at 2026


@pytest.fixture
def long_limit(december):
    TimeLimit.objects.filter(kind=Kind.COMPLAINT, urgency=Urgency.NORMAL).update(handle_days=40)


def _day(moment):
    return timezone.localtime(moment).date()


def test_a_fresh_install_gives_deadlines_into_2027_marked_provisional(
    december, dispatched, client, users
):
    matter = dispatched()
    # 13 working days: 22-31 Dec (8), 1 Jan is 元旦, 4-8 Jan (5).
    assert _day(matter.handle_deadline) == dt.date(2027, 1, 8)
    client.force_login(users.clerk1)
    page = client.get(matter.get_absolute_url()).content.decode()
    assert "按推定节假日计算" in page
    inbox = client.get(reverse("loop:inbox") + "?box=to_sign").content.decode()
    assert "按推定节假日计算" in inbox


def test_the_provisional_spring_festival_is_not_working_time(long_limit, dispatched):
    matter = dispatched()
    # 40 working days from 21 Dec 2026: 除夕 5 Feb to 初三 8 Feb and the substitute days
    # 9-10 Feb are rest, so the count reaches Mon 22 Feb.
    assert _day(matter.handle_deadline) == dt.date(2027, 2, 22)


def test_entering_the_official_schedule_moves_open_deadlines_on_the_record(
    long_limit, dispatched, receive, users, org, catalogue
):
    short = dispatched(kind=Kind.HELP)  # 13 working days: 8 Jan
    long = dispatched(title="工地凌晨打桩影响休息")
    result = schedule.calendar_schedule_enter(
        year=2027, basis=BASIS, rest_days=REST, workdays=WORK, actor=users.sysadmin
    )
    long.refresh_from_db()
    short.refresh_from_db()
    # 11-12 Feb become rest, Saturday 20 Feb a working day: one working day later in all.
    assert _day(long.handle_deadline) == dt.date(2027, 2, 23)
    assert timezone.localtime(long.handle_deadline).time() == dt.time(17, 30)  # close of office
    event = long.events.get(kind=MatterEvent.Kind.DEADLINE_RECALCULATED)
    assert "2027-02-22" in event.note and "2027-02-23" in event.note and BASIS in event.note
    assert AuditRecord.objects.filter(
        object_id=str(long.pk), detail__reason="holiday_schedule"
    ).exists()
    # The deadline before the first changed day stays, with no entry on its timeline.
    assert _day(short.handle_deadline) == dt.date(2027, 1, 8)
    assert not short.events.filter(kind=MatterEvent.Kind.DEADLINE_RECALCULATED).exists()
    assert [number for number, _old, _new in result.moved] == [long.number]
    assert Notification.objects.filter(
        recipient=users.clerk1, title__contains="办理时限已重算"
    ).exists()
    # 2027 is official now: no mark.
    assert not calendar.is_provisional(long.handle_deadline)
    assert CalendarYearSource.objects.get(year=2027).source == calendar.Source.ENTERED


def test_a_dry_run_says_what_would_change_and_keeps_nothing(long_limit, dispatched, users):
    matter = dispatched()
    result = schedule.calendar_schedule_enter(
        year=2027, basis=BASIS, rest_days=REST, workdays=WORK, actor=users.sysadmin, dry_run=True
    )
    assert [number for number, _o, _n in result.moved] == [matter.number]
    assert {day for day, _was, _now in result.changed_days} == {
        dt.date(2027, 2, 11),
        dt.date(2027, 2, 12),
        dt.date(2027, 2, 20),
    }
    matter.refresh_from_db()
    assert _day(matter.handle_deadline) == dt.date(2027, 2, 22)
    assert calendar.is_provisional(matter.handle_deadline)
    assert not matter.events.filter(kind=MatterEvent.Kind.DEADLINE_RECALCULATED).exists()


def test_a_passed_deadline_is_not_moved_but_waits_for_the_dispatch_centre(
    long_limit, dispatched, users, clock, client
):
    matter = dispatched()
    clock.to(at(2027, 2, 24, 10, 0))  # the schedule is entered late: 22 Feb has passed
    result = schedule.calendar_schedule_enter(
        year=2027, basis=BASIS, rest_days=REST, workdays=WORK, actor=users.sysadmin
    )
    assert result.moved == [] and len(result.for_review) == 1
    matter.refresh_from_db()
    assert _day(matter.handle_deadline) == dt.date(2027, 2, 22)
    review = DeadlineReview.objects.get(matter=matter)
    assert _day(review.new_deadline) == dt.date(2027, 2, 23)

    client.force_login(users.dispatcher)
    assert "待定时限" in client.get(reverse("web:home")).content.decode()
    page = client.get(reverse("loop:deadline_reviews")).content.decode()
    assert matter.number in page
    response = client.post(
        reverse("loop:deadline_reviews"),
        {"review": review.pk, "apply": "1", "note": "春节延长假期，单位无法办理"},
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert _day(matter.handle_deadline) == dt.date(2027, 2, 23)
    event = matter.events.get(kind=MatterEvent.Kind.DEADLINE_RECALCULATED)
    assert "调度中心决定" in event.note and "春节延长假期" in event.note
    review.refresh_from_db()
    assert review.decision == DeadlineReview.Decision.APPLIED
    # Deciding twice is refused in plain words.
    with pytest.raises(schedule.ScheduleRefused, match="已有决定"):
        schedule.deadline_review_decide(
            review=review, apply=False, note="x", actor=users.dispatcher
        )


@pytest.mark.parametrize(
    ("rest", "work", "basis", "message"),
    [
        (REST, WORK, "", "依据文件"),
        (set(), WORK, BASIS, "至少录入一个放假日期"),
        (REST | {dt.date(2026, 12, 31)}, WORK, BASIS, "不在 2027 年内"),
        (REST, {dt.date(2027, 2, 6)}, BASIS, "既列为放假又列为上班"),
    ],
)
def test_a_wrong_schedule_is_refused_with_what_is_wrong(
    december, users, rest, work, basis, message
):
    with pytest.raises(schedule.ScheduleRefused, match=message):
        schedule.calendar_schedule_enter(
            year=2027, basis=basis, rest_days=rest, workdays=work, actor=users.sysadmin
        )


def test_only_the_system_administrator_enters_a_schedule(december, users, client):
    from longcheng.core.errors import LongchengError

    with pytest.raises(LongchengError, match="系统管理员"):
        schedule.calendar_schedule_enter(
            year=2027, basis=BASIS, rest_days=REST, workdays=WORK, actor=users.dispatcher
        )
    client.force_login(users.clerk1)
    assert client.get(reverse("loop:calendar")).status_code == 403


def test_the_package_bringing_the_schedule_recomputes_provisional_deadlines(
    long_limit, dispatched, monkeypatch
):
    matter = dispatched()
    schedule.calendar_sync(today=dt.date(2026, 12, 21))
    assert CalendarYearSource.objects.get(year=2027).source == calendar.Source.PROVISIONAL

    # An upgraded chinesecalendar that carries the example schedule for 2027.
    real = calendar._national_workday
    monkeypatch.setattr(calendar, "package_covers", lambda year: year <= 2027)
    monkeypatch.setattr(
        calendar,
        "_national_workday",
        lambda day: (
            (day in WORK or (day.weekday() < 5 and day not in REST))
            if day.year == 2027
            else real(day)
        ),
    )
    results = schedule.calendar_sync(today=dt.date(2026, 12, 22))
    assert [number for r in results for number, _o, _n in r.moved] == [matter.number]
    matter.refresh_from_db()
    assert _day(matter.handle_deadline) == dt.date(2027, 2, 23)
    assert CalendarYearSource.objects.get(year=2027).source == calendar.Source.PACKAGE
    # Idempotent: the next sweep finds nothing to do.
    assert schedule.calendar_sync(today=dt.date(2026, 12, 22)) == []


def _workbook(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "类型", "说明"])
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "2027.xlsx"
    return data


def test_the_schedule_page_previews_then_enters_an_uploaded_workbook(
    long_limit, dispatched, users, client
):
    matter = dispatched()
    client.force_login(users.sysadmin)
    page = client.get(reverse("loop:calendar")).content.decode()
    assert "2027 年的国务院办公厅节假日安排尚未录入" in page
    assert "农历除夕" in page  # the provisional days are listed

    bad = _workbook([[dt.date(2027, 1, 1), "放假"], ["2027-02-30", "放假"], ["2027-02-20", "加班"]])
    page = client.post(
        reverse("loop:calendar"), {"year": 2027, "basis": BASIS, "workbook": bad}
    ).content.decode()
    assert "第 3 行" in page and "第 4 行" in page and "放假”或“上班" in page
    assert not DeadlineReview.objects.exists()

    rows = [[day, "放假"] for day in sorted(REST)] + [[day, "上班"] for day in sorted(WORK)]
    preview = client.post(
        reverse("loop:calendar"), {"year": 2027, "basis": BASIS, "workbook": _workbook(rows)}
    ).content.decode()
    assert "确认录入" in preview and matter.number in preview
    matter.refresh_from_db()
    assert _day(matter.handle_deadline) == dt.date(2027, 2, 22)  # not yet

    rest_text = "\n".join(f"{d:%Y-%m-%d}" for d in sorted(REST))
    response = client.post(
        reverse("loop:calendar"),
        {
            "year": 2027,
            "basis": BASIS,
            "rest_days": rest_text,
            "workdays": "2027-02-20",
            "confirm": "True",
        },
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert _day(matter.handle_deadline) == dt.date(2027, 2, 23)
    assert "尚未录入" not in client.get(reverse("loop:calendar")).content.decode()


def test_the_day_list_accepts_ranges_and_names_a_bad_token():
    from django import forms as django_forms

    from longcheng.loop.forms import parse_day_list

    days = parse_day_list("2027-02-05~2027-02-07，2027/1/1\n2027年10月1日", "放假日期")
    assert days == {
        dt.date(2027, 2, 5),
        dt.date(2027, 2, 6),
        dt.date(2027, 2, 7),
        dt.date(2027, 1, 1),
        dt.date(2027, 10, 1),
    }
    with pytest.raises(django_forms.ValidationError, match="2027-13-01"):
        parse_day_list("2027-01-01 2027-13-01", "放假日期")
    with pytest.raises(django_forms.ValidationError, match="起止日期不对"):
        parse_day_list("2027-02-07~2027-02-05", "放假日期")
