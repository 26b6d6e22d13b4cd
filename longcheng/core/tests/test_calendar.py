import datetime as dt

import pytest

from longcheng.core.calendar import (
    CalendarNotCovered,
    add_working_days,
    is_workday,
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


def test_year_not_covered_is_refused_with_a_clear_message():
    with pytest.raises(CalendarNotCovered) as refused:
        add_working_days(dt.date(2031, 3, 2), 5)
    assert "2031" in refused.value.message
    assert "节假日" in refused.value.message


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
