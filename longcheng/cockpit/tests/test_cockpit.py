"""The cockpit's figures equal what each module reports itself, on the demo's generated data,
for a city-wide user and for a unit leader; every figure drills down to its matters."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from longcheng.accounts.models import User
from longcheng.accounts.scoping import scope_queryset, visible_units
from longcheng.audit.models import AuditRecord
from longcheng.cockpit import panels
from longcheng.enforcement.models import Case
from longcheng.enforcement.workflow import Outcome
from longcheng.funds.selectors import forest, funds_visible_to
from longcheng.inspections.models import InspectionVisit
from longcheng.loop import rollups
from longcheng.loop.models import Matter, MatterEvent
from longcheng.projects.models import MonthlyProblem
from longcheng.projects.selectors import problem_volume
from longcheng.volunteers.models import Application
from longcheng.volunteers.selectors import campaigns_managed_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def _period(first="2023-01"):
    today = timezone.localdate()
    return panels.period_of_months(datetime.date.fromisoformat(f"{first}-01"), today.replace(day=1))


def _bounds(period):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(period.first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(
            period.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        ),
    )


def test_every_panel_equals_the_modules_own_figures(demo, client):
    # The whole demo — receipts, dispatches, timers, ratings, inspections' and enforcement's
    # matters — went through the loop's services: the roll-ups are exact.
    assert rollups.differences() == []
    period = _period()
    start, end = _bounds(period)

    for username in ("dispatcher", "cg_leader", "wj_leader"):
        user = User.objects.get(username=username)
        matters = panels.matters_panel(user, period)
        own = scope_queryset(Matter.objects.all(), user, "lead_unit").filter(
            received_at__gte=start, received_at__lt=end
        )
        assert matters.total == own.count() > 0
        assert {s.label: s.count for s in matters.by_status} == {
            str(label): n
            for label, n in (
                (Matter(status=k).get_status_display(), v)
                for k, v in Counter(own.values_list("status", flat=True)).items()
            )
        }
        assert sum(s.count for s in matters.by_channel) == matters.total

        league = panels.league_panel(user, period)
        # Recounted from the events in the database, independently of the roll-up.
        recount: dict = {}
        for (day, unit, scope), m in rollups.unit_day_counts(
            MatterEvent.objects.filter(unit__in=visible_units(user))
        ).items():
            if scope == "citizen" and period.first <= day <= period.last:
                recount.setdefault(unit, Counter()).update(m)
        assert league, username
        for row in league:
            r, want = row.metrics, recount.get(row.metrics.unit.pk, Counter())
            got = [r.dispatched, r.signed, r.answered, r.due, r.rated, r.response_due]
            names = ["dispatched", "signed", "answered", "due", "rated", "response_due"]
            assert got == [want[n] for n in names]

    dispatcher = User.objects.get(username="dispatcher")
    wj_leader = User.objects.get(username="wj_leader")

    # Inspections: visits submitted per campaign, as the campaign page counts them.
    rows = panels.inspections_panel(wj_leader, period)
    assert rows
    for row in rows:
        firsts = InspectionVisit.objects.filter(
            campaign__name=row.name, parent__isnull=True, status="submitted"
        )
        assert row.visited == firsts.count()
        assert row.passed == firsts.filter(result="pass").count()

    # Enforcement: fines imposed and collected over the visible cases.
    cg_leader = User.objects.get(username="cg_leader")
    figures = panels.enforcement_panel(cg_leader, period)
    penalties = Case.objects.filter(
        unit__path__startswith=cg_leader.unit.path, outcome=Outcome.PENALTY
    )
    assert figures["fines_imposed"] == (penalties.aggregate(s=Sum("fine"))["s"] or 0) > 0
    assert figures["fines_collected"] == penalties.aggregate(s=Sum("paid_amount"))["s"]

    # Volunteers: the funnel starts with every application.
    tw_clerk = User.objects.get(username="tw_clerk")
    [funnel, *_rest] = panels.volunteers_panel(tw_clerk, period)
    campaign = campaigns_managed_by(tw_clerk).order_by("-pk").first()
    assert funnel.steps[0][1] == Application.objects.filter(campaign=campaign).count() > 0

    # Funds: the forest's leverage, as the funds page shows it.
    invest = User.objects.get(username="invest_clerk")
    assert panels.funds_panel(invest, period).leverage == forest(funds_visible_to(invest)).leverage

    # And the page shows the same numbers.
    client.force_login(dispatcher)
    page = client.get("/cockpit/", {"from": "2023-01", "to": f"{timezone.localdate():%Y-%m}"})
    assert page.status_code == 200
    assert page.context["matters"].total == panels.matters_panel(dispatcher, period).total
    assert f'data-testid="kpi-total">{page.context["matters"].total}<' in page.text

    # The demo's 每月一题 tells its story: the night-construction complaints that made it the
    # month's problem came more often a week before it was set than since, on the cockpit's
    # panel and on its own page alike (one selector, `problem_volume`).
    problem = MonthlyProblem.objects.get(title="施工噪音扰民")
    volume = problem_volume(problem)
    assert volume.before_weekly >= 10 and volume.after_weekly is not None
    assert volume.before_weekly > volume.after_weekly and volume.change_pct < 0
    for url, testid in ((page.request["PATH_INFO"], "cockpit-"), (problem.get_absolute_url(), "")):
        shown = client.get(url).text
        assert f'data-testid="{testid}before-weekly">{volume.before_weekly}<' in shown
        assert f'data-testid="{testid}after-weekly">{volume.after_weekly}<' in shown


def test_a_figure_drills_down_to_exactly_its_matters(demo, client):
    period = _period()
    leader = User.objects.get(username="cg_leader")
    client.force_login(leader)
    matters = panels.matters_panel(leader, period)
    for slice_ in matters.by_status + matters.by_channel + matters.by_division:
        listing = client.get(slice_.url)
        assert listing.status_code == 200
        assert listing.context["paginator"].count == slice_.count, slice_.label

    league = panels.league_panel(leader, period)
    row = next(r for r in league if r.metrics.dispatched)
    listing = client.get(row.links["dispatched"])
    assert 0 < listing.context["paginator"].count <= row.metrics.dispatched
    assert row.metrics.unit.name in listing.context["title"]

    export = client.get(row.links["dispatched"] + "&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditRecord.objects.filter(action="export", object_type="loop.matter").exists()


def test_who_may_see_the_cockpit(demo, client):
    for username, status in (("sysadmin", 403), ("auditor", 403), ("supervisor01", 403)):
        client.force_login(User.objects.get(username=username))
        assert client.get("/cockpit/").status_code == status, username

    # A clerk of 卫健执法队 cannot open another unit's league row.
    client.force_login(User.objects.get(username="wj_clerk"))
    other = User.objects.get(username="cg_clerk1").unit
    period = _period()
    url = "/cockpit/matters/?" + period.query(unit=other.pk, measure="dispatched")
    assert client.get(url).status_code == 404
    # …and its status panel counts only its own unit's matters.
    wj_clerk = User.objects.get(username="wj_clerk")
    total = panels.matters_panel(wj_clerk, period).total
    assert (
        total
        == Matter.objects.filter(lead_unit=wj_clerk.unit)
        .filter(received_at__gte=_bounds(period)[0])
        .count()
    )


def test_the_large_screen_mode(demo, client):
    client.force_login(User.objects.get(username="dispatcher"))
    page = client.get("/cockpit/", {"screen": "1"})
    assert "cockpit/screen.html" in [t.name for t in page.templates]
    assert 'class="cockpit-screen"' in page.text
    assert "<script>" not in page.text  # charts come from a static file


def test_the_monthly_chart_splits_by_any_dimension(receive, dispatched, users, org, clock):
    from tests.fixtures.loop import at

    receive(channel="hotline", division=org.xiaodian)
    dispatched(channel="hotline", division=org.jinyuan)
    clock.to(at(2023, 10, 9, 10, 0))
    receive(channel="window", division=org.xiaodian)
    period = panels.period_of_months(datetime.date(2023, 9, 1), datetime.date(2023, 10, 1))
    by = {
        over: dict(panels.monthly_series(users.dispatcher, period, over))
        for over in panels.OVER_TIME
    }
    assert by["channel"] == {"12345热线": [2, 0], "政务大厅窗口": [0, 1]}
    assert by["division"] == {"小店区": [1, 1], "晋源区": [1, 0]}
    assert by["status"] == {"已受理": [1, 1], "待签收": [1, 0]}
    for series in by.values():
        assert [sum(month) for month in zip(*series.values(), strict=True)] == [2, 1]
    # Beyond the top series the rest is summed as 其他.
    assert dict(panels.monthly_series(users.dispatcher, period, "status", top=1)) == {
        "已受理": [1, 1],
        "其他": [1, 0],
    }
