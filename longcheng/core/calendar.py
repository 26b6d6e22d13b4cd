"""Chinese working-day arithmetic.

The national schedule (public holidays and 调休 make-up workdays) comes from the maintained
`chinesecalendar` package; local decisions come from `CalendarOverride`. A year neither covers
is refused with `CalendarNotCovered` — a deadline is never computed from a guess."""

import datetime
import functools

import chinese_calendar
from django.utils.translation import gettext as _

from .errors import LongchengError

# Guards against runaway loops when a caller passes an absurd day count.
_MAX_SPAN_DAYS = 366 * 5


class CalendarNotCovered(LongchengError):
    pass


def _overrides_and_local_years(first: datetime.date, last: datetime.date):
    from .models import CalendarOverride, LocalCalendarYear

    overrides = dict(
        CalendarOverride.objects.filter(date__range=(first, last)).values_list("date", "is_workday")
    )
    local_years = set(
        LocalCalendarYear.objects.filter(year__range=(first.year, last.year)).values_list(
            "year", flat=True
        )
    )
    return overrides, local_years


@functools.lru_cache(maxsize=16384)
def _national_workday(day: datetime.date) -> bool:
    # The package checks its year range by scanning its holiday tables on every call (≈ 17 µs);
    # a page of long-overdue deadlines walks years of days, so each date is asked once.
    return chinese_calendar.is_workday(day)


class WorkdayWindow:
    """Answers is-workday for a window of dates with two queries in all (use it when many
    dates are checked at once, e.g. the days left on every row of a page)."""

    def __init__(self, first: datetime.date, last: datetime.date):
        self.first, self.last = first, last
        self._prefix: dict[datetime.date, int] | None = None
        self.overrides, self.local_years = _overrides_and_local_years(first, last)

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.local_years:
            return day.weekday() < 5
        try:
            return _national_workday(day)
        except NotImplementedError:
            raise CalendarNotCovered(
                _(
                    "%(y)d 年的节假日安排尚未收录，无法计算工作日。请升级节假日日历，或由管理员按"
                    "国务院办公厅通知录入该年度的调整安排。"
                )
                % {"y": day.year}
            ) from None

    def between(self, a: datetime.date, b: datetime.date) -> int:
        """Working days d with a < d <= b (negative when b < a)."""
        if b < a:
            return -self.between(b, a)
        if self.first <= a and b <= self.last:
            return self._count_to(b) - self._count_to(a)
        count, day = 0, a
        while day < b:
            day += datetime.timedelta(days=1)
            count += self.is_workday(day)
        return count

    def _count_to(self, day: datetime.date) -> int:
        """Working days in (first, day]; the window is walked once, so a page of deadlines
        costs one pass, not one per row."""
        if self._prefix is None:
            self._prefix, total, cursor = {self.first: 0}, 0, self.first
            while cursor < self.last:
                cursor += datetime.timedelta(days=1)
                total += self.is_workday(cursor)
                self._prefix[cursor] = total
        return self._prefix[day]


def is_workday(day: datetime.date) -> bool:
    return WorkdayWindow(day, day).is_workday(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The date that is `n` working days after `start` (start itself not counted).
    With n == 0, `start` if it is a working day, else the next working day."""
    if n < 0:
        raise ValueError("n must be >= 0")
    # Overrides are read a window at a time: two queries for any ordinary deadline.
    window = datetime.timedelta(days=2 * n + 60)
    window_end = start + window
    calendar = WorkdayWindow(start, window_end)
    day = start if n == 0 else start + datetime.timedelta(days=1)
    counted = 0
    for _step in range(_MAX_SPAN_DAYS):
        if day > window_end:
            window_end = day + window
            calendar = WorkdayWindow(day, window_end)
        if calendar.is_workday(day):
            if n == 0:
                return day
            counted += 1
            if counted == n:
                return day
        day += datetime.timedelta(days=1)
    raise ValueError("span too long")


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """Working days d with a < d <= b; negative when b is before a.
    So working_days_between(d, add_working_days(d, n)) == n."""
    if b < a:
        return -working_days_between(b, a)
    if (b - a).days > _MAX_SPAN_DAYS:
        raise ValueError("span too long")
    return WorkdayWindow(a, b).between(a, b)


# Office hours used for deadlines counted in working hours and for "end of day" deadlines.
OFFICE_OPEN = datetime.time(8, 30)
OFFICE_CLOSE = datetime.time(17, 30)


def _local(moment: datetime.datetime) -> datetime.datetime:
    from django.utils import timezone

    return timezone.localtime(moment)


def _at(day: datetime.date, time: datetime.time, tzinfo) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=tzinfo)


def deadline_after_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """Close of office on the working day `days` working days after `start`; with 0, the close
    of the day `start` falls on (or of the next working day)."""
    local = _local(start)
    day = add_working_days(local.date(), days)
    return _at(day, OFFICE_CLOSE, local.tzinfo)


def add_working_hours(start: datetime.datetime, hours: float) -> datetime.datetime:
    """The moment `hours` office hours after `start`, skipping nights, weekends and holidays."""
    local = _local(start)
    tz = local.tzinfo
    remaining = datetime.timedelta(hours=hours)
    day = local.date()
    cursor = local
    for _step in range(_MAX_SPAN_DAYS):
        opening, closing = _at(day, OFFICE_OPEN, tz), _at(day, OFFICE_CLOSE, tz)
        if is_workday(day) and cursor < closing:
            cursor = max(cursor, opening)
            available = closing - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
        day += datetime.timedelta(days=1)
        cursor = _at(day, OFFICE_OPEN, tz)
    raise ValueError("span too long")
