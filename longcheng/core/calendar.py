"""Chinese working-day arithmetic that never stops the loop.

Where a day's status comes from, first match wins:

1. `CalendarOverride` — a local decision (a snow day) or a day of an official schedule that an
   administrator entered;
2. a year in `LocalCalendarYear` — the official schedule entered by hand: weekdays plus its
   overrides;
3. the maintained `chinesecalendar` package — the State Council's published schedule;
4. otherwise the **provisional** calendar: the statutory holidays of 全国年节及纪念日放假办法
   (as amended in 2024) with their lunar dates and the Art. 6 substitute days, from the
   maintained `holidays` package, plus weekends; no 调休 make-up workdays (unknown until
   published). A deadline that counted such a day is marked 按推定节假日计算 (see
   `is_provisional`), and is recomputed when the official schedule arrives (loop.schedule)."""

import datetime
import functools
import time
from calendar import monthrange

import chinese_calendar
import holidays
from django.utils.translation import gettext_lazy as _

# Guards against runaway loops when a caller passes an absurd day count.
_MAX_SPAN_DAYS = 366 * 5


PROVISIONAL_LABEL = _("按推定节假日计算")


@functools.lru_cache(maxsize=256)
def package_covers(year: int) -> bool:
    """Whether `chinesecalendar` carries the State Council's schedule for `year`."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.lru_cache(maxsize=64)
def provisional_rest_days(year: int) -> dict[datetime.date, str]:
    """The statutory public holidays of `year` and their Art. 6 substitute days (补假), with
    names, as the `holidays` package computes them from the lunar calendar and solar terms."""
    return dict(holidays.China(years=year, language="zh_CN"))


def provisional_is_workday(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in provisional_rest_days(day.year)


# Entered years change rarely (a few times a year); each process re-reads them every minute
# and at once after its own change, so a page of deadlines asks the database at most once.
_ENTERED_TTL_SECONDS = 60
_entered: tuple[float, frozenset[int]] = (0.0, frozenset())


def entered_years() -> frozenset[int]:
    global _entered
    read_at, years = _entered
    if time.monotonic() - read_at > _ENTERED_TTL_SECONDS:
        from .models import LocalCalendarYear

        years = frozenset(LocalCalendarYear.objects.values_list("year", flat=True))
        _entered = (time.monotonic(), years)
    return years


def forget_entered_years() -> None:
    global _entered
    _entered = (0.0, frozenset())


class Source:
    ENTERED = "entered"
    PACKAGE = "package"
    PROVISIONAL = "provisional"


SOURCE_LABELS = {
    Source.ENTERED: _("正式安排（管理员录入）"),
    Source.PACKAGE: _("正式安排（节假日日历包）"),
    Source.PROVISIONAL: _("推定安排（法定节日规则，无调休）"),
}


def year_source(year: int) -> str:
    if year in entered_years():
        return Source.ENTERED
    if package_covers(year):
        return Source.PACKAGE
    return Source.PROVISIONAL


def is_provisional(day: datetime.date | datetime.datetime | None) -> bool:
    """Whether a deadline on `day` was counted over provisional days. Official years come
    before provisional ones, so a deadline counted a provisional day exactly when its own
    year is provisional."""
    if day is None:
        return False
    if isinstance(day, datetime.datetime):
        day = _local(day).date()
    return year_source(day.year) == Source.PROVISIONAL


def next_year_missing(today: datetime.date) -> int | None:
    """From 1 November, next year when its official schedule is not in yet (the State Council
    publishes it in the autumn); the system administrator is told to enter it."""
    year = today.year + 1
    if today.month >= 11 and year_source(year) == Source.PROVISIONAL:
        return year
    return None


def _overrides_and_local_years(first: datetime.date, last: datetime.date):
    from .models import CalendarOverride

    overrides = dict(
        CalendarOverride.objects.filter(date__range=(first, last)).values_list("date", "is_workday")
    )
    local_years = {y for y in entered_years() if first.year <= y <= last.year}
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
        if package_covers(day.year):
            return _national_workday(day)
        return provisional_is_workday(day)

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


def period_end_calendar_days(start: datetime.date, days: int) -> datetime.date:
    """The last day of a period of `days` calendar days counted from the day after `start`;
    when it falls on a rest day, the period ends on the next working day (民事诉讼法 Art. 85,
    which 行政诉讼法 Art. 101 and 行政复议法 Art. 88 apply to their periods)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    return add_working_days(start + datetime.timedelta(days=days), 0)


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later; a day the month lacks becomes its last
    day (31 August + 6 months = 28/29 February)."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    return datetime.date(year, month + 1, min(start.day, monthrange(year, month + 1)[1]))


def period_end_months(start: datetime.date, months: int) -> datetime.date:
    """The last day of a period of `months` months counted from `start` (the corresponding
    day), moved to the next working day when it is a rest day (民事诉讼法 Art. 85)."""
    return add_working_days(add_months(start, months), 0)
