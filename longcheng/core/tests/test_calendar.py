import datetime as dt

import pytest

from longcheng.core.calendar import (
    add_months,
    add_working_days,
    is_provisional,
    is_workday,
    next_year_missing,
    period_end_calendar_days,
    period_end_months,
    working_days_between,
)
from longcheng.core.models import CalendarOverride, LocalCalendarYear

pytestmark = pytest.mark.django_db


def test_one_working_day_after_28_september_2023_is_the_make_up_saturday():
    # 29 Sep - 6 Oct 2023: Mid-Autumn + National Day; Sat 7 Oct was a 调休 workday.
    assert add_working_days(dt.date(2023, 9, 28), 1) == dt.date(2023, 10, 7)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2023, 10, 1), False),  # National Day
        (dt.date(2023, 10, 6), False),  # holiday Friday
        (dt.date(2023, 10, 7), True),  # make-up Saturday
        (dt.date(2023, 10, 8), True),  # make-up Sunday
        (dt.date(2023, 10, 14), False),  # ordinary Saturday
        (dt.date(2023, 9, 28), True),  # ordinary Thursday
    ],
)
def test_national_day_2023_holidays_and_make_up_days(day, expected):
    assert is_workday(day) is expected


def test_thirteen_working_days_across_national_day():
    # A complaint received on 25 Sep 2023 (Mon): 25-28 Sep none counted (start excluded):
    # 26, 27, 28 = 3; 7, 8, 9, 10, 11, 12, 13 = 10; 16, 17, 18 = 13.
    assert add_working_days(dt.date(2023, 9, 25), 13) == dt.date(2023, 10, 18)


def test_working_days_between_is_the_inverse_of_add():
    start = dt.date(2023, 9, 20)
    for n in range(0, 30):
        assert working_days_between(start, add_working_days(start, n)) == (n if n else 0)


def test_working_days_between_counts_across_the_holiday_and_is_signed():
    assert working_days_between(dt.date(2023, 9, 28), dt.date(2023, 10, 9)) == 3
    assert working_days_between(dt.date(2023, 10, 9), dt.date(2023, 9, 28)) == -3
    assert working_days_between(dt.date(2023, 9, 28), dt.date(2023, 9, 28)) == 0


def test_zero_days_from_a_holiday_rolls_to_the_next_working_day():
    assert add_working_days(dt.date(2023, 10, 1), 0) == dt.date(2023, 10, 7)
    assert add_working_days(dt.date(2023, 10, 9), 0) == dt.date(2023, 10, 9)


def test_local_override_makes_a_workday_a_day_off():
    CalendarOverride.objects.create(
        date=dt.date(2023, 10, 9), is_workday=False, reason="暴雪停工（示例）"
    )
    assert add_working_days(dt.date(2023, 9, 28), 3) == dt.date(2023, 10, 10)


def test_a_year_without_official_schedule_keeps_the_spring_festival_as_rest():
    # 2027 is not in chinesecalendar 1.11.0. Statutory rules: 除夕 Fri 5 Feb to 初三 Mon 8 Feb;
    # 初一 and 初二 fall on the weekend, so Tue 9 and Wed 10 Feb are substitute days (Art. 6).
    for day in (5, 8, 9, 10):
        assert is_workday(dt.date(2027, 2, day)) is False
    assert add_working_days(dt.date(2027, 2, 4), 1) == dt.date(2027, 2, 11)
    assert is_workday(dt.date(2027, 9, 15)) is False  # 中秋 (lunar 8/15)
    assert is_workday(dt.date(2027, 1, 1)) is False  # 元旦


def test_the_provisional_calendar_has_no_make_up_workdays():
    saturdays = [dt.date(2027, 1, 2) + dt.timedelta(weeks=w) for w in range(52)]
    assert not any(is_workday(day) for day in saturdays)


def test_a_far_year_is_never_refused():
    assert add_working_days(dt.date(2031, 3, 3), 5) == dt.date(2031, 3, 10)


def test_deadlines_say_when_they_counted_a_provisional_day():
    assert is_provisional(dt.date(2027, 1, 8)) is True
    assert is_provisional(dt.date(2026, 12, 31)) is False
    assert is_provisional(None) is False
    LocalCalendarYear.objects.create(year=2027, basis="国办发明电〔2026〕X号（示例）")
    assert is_provisional(dt.date(2027, 1, 8)) is False


def test_from_november_the_missing_next_year_is_announced_until_entered():
    assert next_year_missing(dt.date(2026, 10, 31)) is None
    assert next_year_missing(dt.date(2026, 11, 1)) == 2027
    assert next_year_missing(dt.date(2025, 11, 20)) is None  # 2026 is in the package
    LocalCalendarYear.objects.create(year=2027, basis="国办发明电〔2026〕X号（示例）")
    assert next_year_missing(dt.date(2026, 12, 6)) is None


def test_a_calendar_day_period_ending_on_a_rest_day_ends_on_the_next_working_day():
    # 15 days after 20 Sep 2026 is Mon 5 Oct, inside the National Day holiday (1-7 Oct).
    assert period_end_calendar_days(dt.date(2026, 9, 20), 15) == dt.date(2026, 10, 8)
    # Ending on a working day: that day.
    assert period_end_calendar_days(dt.date(2026, 9, 1), 15) == dt.date(2026, 9, 16)


def test_a_year_entered_locally_is_weekdays_plus_overrides():
    LocalCalendarYear.objects.create(year=2031, basis="国办发明电〔2030〕X号（示例）")
    CalendarOverride.objects.create(date=dt.date(2031, 1, 1), is_workday=False, reason="元旦")
    # Tue 31 Dec 2030 is in the package's range? No: 2030 is not covered either, so start in 2031.
    assert add_working_days(dt.date(2031, 1, 1), 1) == dt.date(2031, 1, 2)
    assert add_working_days(dt.date(2031, 1, 2), 2) == dt.date(2031, 1, 6)  # Thu -> Mon


def test_long_spans_reload_the_override_window():
    CalendarOverride.objects.create(date=dt.date(2023, 12, 29), is_workday=False, reason="测试")
    plain = add_working_days(dt.date(2023, 1, 3), 240)
    assert working_days_between(dt.date(2023, 1, 3), plain) == 240


def _sh(*args):
    from zoneinfo import ZoneInfo

    return dt.datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_working_hours_skip_the_night_and_the_holiday():
    from longcheng.core.calendar import add_working_hours

    # Thu 28 Sep 2023 16:30 + 4 office hours: 1 h that day, 3 h on Sat 7 Oct (make-up day).
    assert add_working_hours(_sh(2023, 9, 28, 16, 30), 4) == _sh(2023, 10, 7, 11, 30)
    # Received at night: the clock starts at the next opening.
    assert add_working_hours(_sh(2023, 10, 9, 22, 0), 2) == _sh(2023, 10, 10, 10, 30)


def test_deadline_in_working_days_is_the_close_of_office():
    from longcheng.core.calendar import deadline_after_working_days

    assert deadline_after_working_days(_sh(2023, 9, 25, 10, 0), 13) == _sh(2023, 10, 18, 17, 30)
    # Urgent, same day: a matter received on a holiday is due at the close of the next workday.
    assert deadline_after_working_days(_sh(2023, 10, 2, 9, 0), 0) == _sh(2023, 10, 7, 17, 30)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),  # leap year
        (dt.date(2024, 8, 31), 6, dt.date(2025, 2, 28)),
        (dt.date(2023, 12, 15), 1, dt.date(2024, 1, 15)),  # across the year
        (dt.date(2023, 3, 31), -1, dt.date(2023, 2, 28)),  # backwards
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
    ],
)
def test_a_month_period_ends_on_the_corresponding_day_or_the_months_last(start, months, expected):
    assert add_months(start, months) == expected


def test_a_month_period_ending_on_a_rest_day_ends_on_the_next_working_day():
    # Six months to sue from 1 April 2023 end on Sunday 1 October, in the National Day
    # holiday: the period ends on the first working day after it, Saturday 7 October.
    assert period_end_months(dt.date(2023, 4, 1), 6) == dt.date(2023, 10, 7)
