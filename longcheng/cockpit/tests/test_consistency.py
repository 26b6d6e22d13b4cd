"""One number everywhere: on the demo, every figure the cockpit, the monthly bulletin, the
metrics page, the public figures page and the home cards publish equals an independent recount
from the raw rows (plain Python over events and matters, loop/tests/recount.py)."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from longcheng.accounts.models import User
from longcheng.cockpit import bulletin, panels
from longcheng.inspections.selectors import overdue_publication_count
from longcheng.loop.metrics import rank_units, received_count, unit_metrics
from longcheng.loop.models import Matter, MatterEvent
from longcheng.loop.tests.recount import published, recount, recounted
from longcheng.loop.workflow import CITIZEN_CHANNELS, Channel
from longcheng.web.home import home_cards

pytestmark = pytest.mark.django_db


def _months_back(n: int) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    first = today.replace(day=1)
    for _i in range(n):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first, today


def test_the_demo_publishes_one_number_for_each_fact(db, client, settings):
    call_command("seed_demo", stdout=io.StringIO())
    settings.LONGCHENG_RANKING_MIN_RATED = 1
    dispatcher = User.objects.get(username="dispatcher")
    first, last = _months_back(3)
    # Whole months: a deadline met early counts on its own (possibly later) day.
    period = panels.period_of_months(first, last.replace(day=1))
    figures = recount(period.first, period.last)

    # The league (cockpit, bulletin, metrics page, export) against the recount.
    league = panels.league_panel(dispatcher, period)
    assert league
    for row in league:
        assert published(row.metrics) == recounted(figures, row.metrics.unit.pk), row.metrics.unit
    client.force_login(dispatcher)
    page = client.get("/loop/metrics/", {"start": f"{period.first}", "end": f"{period.last}"})
    assert [(r.unit.pk, published(r)) for r in page.context["rows"] if r.dispatched] == [
        (r.metrics.unit.pk, published(r.metrics))
        for r in sorted(league, key=lambda r: (r.metrics.rank is None, r.metrics.rank or 0))
        if r.metrics.dispatched
    ]

    # 受理: the public figures page, the cockpit's channel panel and a plain count agree.
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        period.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    plain = sum(
        1
        for at, channel in Matter.objects.values_list("received_at", "channel")
        if start <= at < end and channel in CITIZEN_CHANNELS
    )
    assert received_count(first=period.first, last=period.last) == plain
    citizen_labels = {str(Channel(c).label) for c in CITIZEN_CHANNELS}
    by_channel = panels.matters_panel(dispatcher, period).by_channel
    assert sum(s.count for s in by_channel if s.label in citizen_labels) == plain
    public = client.get("/open/figures/", {"start": f"{period.first}", "end": f"{period.last}"})
    assert public.context["received"] == plain
    for row in public.context["rows"]:
        assert published(row) == recounted(figures, row.unit.pk)

    # The monthly bulletin: its text, its lists and its table tell the same overdue story.
    month = bulletin.previous_month(timezone.localdate())
    data = bulletin.bulletin_data(month)
    month_first, month_last = data.period.first, data.period.last
    overdue_events = [
        (matter, timezone.localtime(at).date())
        for matter, at in MatterEvent.objects.filter(
            kind=MatterEvent.Kind.OVERDUE, matter__channel__in=CITIZEN_CHANNELS
        ).values_list("matter_id", "at")
    ]
    in_month = [m for m, day in overdue_events if month_first <= day <= month_last]
    assert sorted(m.pk for m in data.overdue) == sorted(set(in_month))
    assert sum(r.overdue for r in data.league) == len(in_month)
    # The demo's timers ran day by day: each deadline was marked overdue on its own day, not
    # all on the day the demo was made (which left last month's bulletin at 0).
    for data_ in MatterEvent.objects.filter(kind=MatterEvent.Kind.OVERDUE).values_list(
        "data", flat=True
    ):
        assert data_["due_day"]
    lateness = [
        (timezone.localtime(at).date() - datetime.date.fromisoformat(d["due_day"])).days
        for at, d in MatterEvent.objects.filter(kind=MatterEvent.Kind.OVERDUE).values_list(
            "at", "data"
        )
    ]
    assert lateness and max(lateness) <= 1  # the sweep at the close of the deadline's day
    ranked = [r.metrics for r in data.league]
    recount_month = recount(month_first, month_last)
    for row in ranked:
        assert published(row) == recounted(recount_month, row.unit.pk)

    # Home card and cockpit: the same overdue-publication figure.
    wj_leader = User.objects.get(username="wj_leader")
    late = overdue_publication_count(wj_leader)
    rows = panels.inspections_panel(wj_leader, panels.period_from_request({}))
    assert sum(r.unpublished_overdue for r in rows) == late
    cards = {c.label: c.count for c in home_cards(wj_leader)}
    assert cards.get("检查结果逾期未公示", 0) == late

    # Ranking: every ranked unit has enough ratings, in the chosen measure's order.
    rows = rank_units(
        unit_metrics(units=[r.metrics.unit for r in league], first=period.first, last=period.last)
    )
    values = [r.satisfaction_rate for r in rows if r.rank is not None]
    assert values == sorted(values, reverse=True)
    assert Counter(r.rank is None for r in rows)[False] >= 1
