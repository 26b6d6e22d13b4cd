"""Unit metrics against a hand-computed month that holds every case docs/metrics.md names:
on-time and late signing, a return, a response in time and a late one, a deadline met, one
missed and answered late, one missed and never answered, a suspension, a defaulted rating, a
rating withdrawn by 不合理诉求认定, and an inspection rectification the unit opened itself."""

import datetime as dt

import pytest

from longcheng.loop import rollups, services, timers
from longcheng.loop.metrics import rank_units, unit_metrics
from longcheng.loop.models import UnreasonableClaim
from longcheng.loop.workflow import Channel, MetricScope, Rating, UnreasonableGround
from tests.fixtures.loop import at

from .recount import published, recount, recounted

pytestmark = pytest.mark.django_db

SEP_OCT = {"first": dt.date(2023, 9, 1), "last": dt.date(2023, 10, 31)}


@pytest.fixture
def month(dispatched, users, org, clock):
    """Seven matters for 直属一大队, dispatched Mon 25 Sep 2023 09:00 (deadline Wed 18 Oct
    17:30: 13 working days across the National Day holiday and its make-up weekend)."""
    m1, m2, m3, m4, m5, m6 = (dispatched() for _ in range(6))
    clock.to(at(2023, 9, 25, 10, 0))  # within the 2-hour sign limit
    m1, m2, m5, m6 = (services.matter_sign(matter=m, actor=users.clerk1) for m in (m1, m2, m5, m6))
    clock.to(at(2023, 9, 25, 11, 0))  # within the 8-office-hour response window (17:00)
    services.matter_contact(matter=m1, actor=users.clerk1, note="电话联系诉求人，说明处理安排")
    services.matter_return(matter=m4, actor=users.clerk1, reason="非本大队辖区")
    services.matter_dispatch(
        matter=m4, actor=users.dispatcher, lead_unit=org.brigade2, redispatch=True
    )
    clock.to(at(2023, 9, 26, 9, 0))  # late
    m3 = services.matter_sign(matter=m3, actor=users.clerk1)
    clock.to(at(2023, 9, 26, 10, 0))  # after the window
    services.matter_contact(matter=m2, actor=users.clerk1, note="电话联系诉求人")
    clock.to(at(2023, 9, 27, 9, 0))
    m3 = services.matter_suspend(matter=m3, actor=users.dispatcher, reason="等待法院裁定")
    clock.to(at(2023, 10, 9, 10, 0))
    # 28 Sep, 7, 8, 9 Oct: 4 working days suspended; m3's deadline moves to Tue 24 Oct.
    m3 = services.matter_resume(matter=m3, actor=users.dispatcher)
    m1 = services.matter_answer(matter=m1, actor=users.clerk1, text="已处理完毕。")
    m6 = services.matter_answer(matter=m6, actor=users.clerk1, text="已依法答复。")
    # An inspection rectification the brigade opened for itself: internal, not dispatched.
    m7 = services.matter_open_for_unit(
        actor=users.clerk1,
        title="消防通道堵塞整改",
        description="检查发现消防通道堆放杂物",
        channel=Channel.INSPECTION,
        deadline=dt.date(2023, 10, 13),
    )
    clock.to(at(2023, 10, 10, 10, 0))
    services.matter_rate(matter=m1, actor=users.dispatcher, rating=Rating.SATISFIED, resolved=True)
    m6 = services.matter_rate(
        matter=m6, actor=users.dispatcher, rating=Rating.DISSATISFIED, resolved=False
    )
    claim = services.matter_request_unreasonable(
        matter=m6,
        actor=users.clerk1,
        ground=UnreasonableGround.REPEATED,
        reasons="诉求人要求拆除合法审批的建筑，已依法答复两次仍重复反映",
        evidence="LC2023080100001 答复；规划许可证号",
    )
    clock.to(at(2023, 10, 11, 10, 0))
    services.matter_decide_unreasonable(
        claim=claim, actor=users.dispatcher, certify=True, reason="经核实，属已依法答复后重复反映"
    )
    clock.to(at(2023, 10, 12, 10, 0))
    services.matter_answer(matter=m7, actor=users.clerk1, text="已清理完毕，现场复查合格。")
    clock.to(at(2023, 10, 19, 10, 0))
    timers.loop_sweep()  # m2 and m5 passed 18 Oct unanswered: counted as missed deadlines
    clock.to(at(2023, 10, 20, 10, 0))
    m2 = services.matter_answer(matter=m2, actor=users.clerk1, text="已处理完毕。")
    m3 = services.matter_answer(matter=m3, actor=users.clerk1, text="已处理完毕。")
    clock.to(at(2023, 10, 23, 10, 0))
    services.matter_rate(matter=m2, actor=users.dispatcher, rating=Rating.BASICALLY, resolved=True)
    clock.to(at(2023, 10, 25, 10, 0))
    timers.loop_sweep()  # m3 unrated for 3 working days: the default rating
    return {"m3": m3, "m6": m6}


def test_citizen_figures_match_the_hand_computed_month(month, org):
    [row] = unit_metrics(units=[org.brigade1], **SEP_OCT)
    # m1-m6 dispatched (m7 was opened by the brigade itself, so not a dispatch).
    assert (row.dispatched, row.returned) == (6, 1)
    assert row.return_rate == pytest.approx(1 / 6)
    # Signed: m1, m2, m5, m6 in time; m3 late.
    assert (row.signed, row.signed_on_time) == (5, 4)
    # Response: six citizens with phones; only m1 contacted within the window.
    assert (row.response_due, row.responded_on_time) == (6, 1)
    assert row.response_rate == pytest.approx(1 / 6)
    # Deadlines in the period: m1, m6 (18 Oct) and m3 (24 Oct) met; m2 missed and answered
    # late; m5 missed and never answered. Four answers, but five deadlines.
    assert row.answered == 4
    assert (row.due, row.due_on_time) == (5, 3)
    assert row.on_time_answer_rate == pytest.approx(3 / 5)
    # Ratings: m1 满意 and m2 基本满意 by citizens; m3 defaulted (apart); m6's 不满意
    # withdrawn when certified unreasonable.
    assert (row.rated, row.satisfied, row.resolved) == (2, 2, 2)
    assert (row.rated_default, row.unreasonable) == (1, 1)
    assert row.satisfaction_rate == 1.0 and row.resolved_rate == 1.0
    assert row.reopened == 1 and row.reopen_rate == pytest.approx(1 / 4)
    # Handling time: m1 6, m6 6, m2 15, m3 15 less 4 suspended = 11 working days.
    assert row.working_days_total == 6 + 6 + 15 + 11
    assert row.average_working_days == pytest.approx(38 / 4)


def test_internal_matters_have_their_own_scope(month, org):
    [internal] = unit_metrics(units=[org.brigade1], scope=MetricScope.INTERNAL, **SEP_OCT)
    assert (internal.dispatched, internal.signed, internal.answered) == (0, 0, 1)
    assert (internal.due, internal.due_on_time) == (1, 1)
    assert internal.on_time_sign_rate is None
    [everything] = unit_metrics(units=[org.brigade1], scope=MetricScope.ALL, **SEP_OCT)
    assert (everything.answered, everything.due) == (5, 6)


def test_the_rollup_equals_a_recount_from_the_events(month):
    problems = rollups.differences()
    assert problems == [], "\n".join(problems)


def test_a_deadline_counts_in_the_month_it_fell_due(month, org):
    [september] = unit_metrics(
        units=[org.brigade1], first=dt.date(2023, 9, 1), last=dt.date(2023, 9, 30)
    )
    assert september.due == 0 and september.on_time_answer_rate is None
    assert september.dispatched == 6  # responses count on the dispatch's day
    assert september.responded_on_time == 1


def test_certification_is_audited_and_shown_on_the_matter(month, users, login):
    claim = UnreasonableClaim.objects.get(matter=month["m6"])
    assert claim.decision == UnreasonableClaim.Decision.CERTIFIED
    page = login(users.clerk1).get(month["m6"].get_absolute_url()).content.decode()
    assert "不合理诉求认定" in page and "已认定" in page
    from longcheng.audit.models import AuditRecord

    assert AuditRecord.objects.filter(
        object_id=str(month["m6"].pk), detail__action="decide_unreasonable"
    ).exists()
    with pytest.raises(services.TransitionRefused, match="已认定"):
        services.matter_request_unreasonable(
            matter=month["m6"],
            actor=users.clerk1,
            ground=UnreasonableGround.REPEATED,
            reasons="再次申请认定不合理诉求，理由同前次申请",
            evidence="前次申请的证据",
        )


def test_a_unit_with_too_few_ratings_is_shown_but_not_ranked(month, org, settings):
    rows = unit_metrics(units=[org.brigade1, org.brigade2], **SEP_OCT)
    assert [r.rank for r in rank_units(rows)] == [None, None]  # 2 ratings < 10
    settings.LONGCHENG_RANKING_MIN_RATED = 2
    ranked = rank_units(unit_metrics(units=[org.brigade1, org.brigade2], **SEP_OCT))
    assert [(r.unit, r.rank) for r in ranked] == [(org.brigade1, 1), (org.brigade2, None)]


def test_a_unit_with_nothing_shows_no_rate_rather_than_zero(org):
    [row] = unit_metrics(units=[org.brigade2], **SEP_OCT)
    assert row.satisfaction_rate is None and row.dispatched == 0


def test_the_metrics_page_ranks_by_the_chosen_measure_and_scope(month, users, login, settings):
    settings.LONGCHENG_RANKING_MIN_RATED = 2
    client = login(users.dispatcher)
    page = client.get(
        "/loop/metrics/?start=2023-09-01&end=2023-10-31&scope=citizen&by=response_rate"
    ).content.decode()
    assert "按响应率排名" in page and "少于 2 件" in page
    # Any bad parameter falls back to the defaults rather than failing.
    assert client.get("/loop/metrics/?start=99999-01-01&scope=x&by=__class__").status_code == 200


def test_every_figure_equals_an_independent_recount_of_the_events(month, org):
    units = [org.brigade1, org.brigade2, org.committee]
    for scope, citizen in ((MetricScope.CITIZEN, True), (MetricScope.INTERNAL, False)):
        figures = recount(citizen=citizen, **SEP_OCT)
        for row in unit_metrics(units=units, scope=scope, **SEP_OCT):
            assert published(row) == recounted(figures, row.unit.pk), (scope, row.unit)


def _units_in_order(page: str) -> list[str]:
    import re

    return re.findall(r'data-testid="unit">([^<]+)<', page)


def test_a_click_on_a_header_sorts_the_table_and_the_export_follows(month, users, login):
    """直属一大队 had six dispatches, 直属二大队 one (m4, redispatched): sorting by 派单
    puts one or the other first, and the xlsx lists the units in the order the page shows."""
    import io

    from openpyxl import load_workbook

    client = login(users.leader)
    base = "/loop/metrics/?start=2023-09-01&end=2023-10-31"
    page = client.get(base).content.decode()
    assert _units_in_order(page) == ["直属一大队", "直属二大队"]  # neither ranked: by the org
    # The header offers the busiest first, then the other way.
    assert "sort=-dispatched" in page
    most = client.get(base + "&sort=-dispatched").content.decode()
    assert _units_in_order(most) == ["直属一大队", "直属二大队"]
    assert "sort=dispatched" in most and "bi-caret-down-fill" in most
    fewest = client.get(base + "&sort=dispatched").content.decode()
    assert _units_in_order(fewest) == ["直属二大队", "直属一大队"]
    # 退单率: 1/6 for the first brigade, 0/1 for the second.
    fewer_returns = client.get(base + "&sort=return_rate").content.decode()
    assert _units_in_order(fewer_returns) == ["直属二大队", "直属一大队"]
    # 满意率: 100% for the first, none for the second (no rating): a unit without the figure
    # goes last whichever way the column sorts.
    for sort in ("satisfaction_rate", "-satisfaction_rate"):
        page = client.get(base + f"&sort={sort}").content.decode()
        assert _units_in_order(page) == ["直属一大队", "直属二大队"], sort
    response = client.get(base + "&sort=dispatched&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    listed = [r[1] for r in rows if r[1] in ("直属一大队", "直属二大队")]
    assert listed == ["直属二大队", "直属一大队"]
    # A sort the page does not offer reads as the ranking.
    assert client.get(base + "&sort=__class__").status_code == 200


def test_equal_figures_keep_the_ranking_order():
    from types import SimpleNamespace

    from longcheng.loop.metrics import UnitMetrics, sort_rows

    def row(path, dispatched):
        return UnitMetrics(unit=SimpleNamespace(path=path), dispatched=dispatched)

    rows = [row("0003", 5), row("0001", 5), row("0002", 9), row("0004", 5)]
    assert [r.unit.path for r in sort_rows(rows, "-dispatched")] == [
        "0002",
        "0003",
        "0001",
        "0004",
    ]
    assert [r.unit.path for r in sort_rows(rows, "dispatched")] == [
        "0003",
        "0001",
        "0004",
        "0002",
    ]


def test_the_trend_shows_each_months_figure_of_the_matters(month, org, users, login):
    from longcheng.loop.metrics import unit_trends

    trends = unit_trends(units=[org.brigade1, org.brigade2], last=dt.date(2023, 10, 31))
    months = [m for m, _row in trends[org.brigade1.pk]]
    assert months[0] == dt.date(2023, 5, 1) and months[-1] == dt.date(2023, 10, 1)
    for first, row in trends[org.brigade1.pk]:
        # Each month's figures equal a recount of that month's events.
        last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        figures = recount(citizen=True, first=first, last=last)
        assert published(row) == recounted(figures, org.brigade1.pk), first
    september = dict(trends[org.brigade1.pk])[dt.date(2023, 9, 1)]
    assert september.dispatched == 6 and september.returned == 1
    page = login(users.leader).get("/loop/metrics/?start=2023-10-01&end=2023-10-31&by=return_rate")
    text = page.content.decode()
    # The trend follows the ranking measure; September's returns show though the period is
    # October's.
    assert "近6月退单率" in text
    assert "2023-09 17%" in text and "2023-10 —" in text and "2023-05 —" in text


def test_the_trend_is_one_query_for_all_units(month, org, django_assert_num_queries):
    from longcheng.loop.metrics import unit_trends

    with django_assert_num_queries(1):
        unit_trends(units=[org.brigade1, org.brigade2, org.committee], last=dt.date(2023, 10, 31))
