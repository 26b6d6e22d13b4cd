"""The cockpit's roll-ups stay equal to the matters and events they count, through every kind
of change, and the metrics read from them equal the metrics scanned from the events."""

import pytest

from longcheng.loop import rollups, services, timers
from longcheng.loop.metrics import unit_metrics
from longcheng.loop.models import MatterTally, UnitDayTally
from longcheng.loop.workflow import Rating
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db


def _a_month_of_work(dispatched, receive, users, org, clock):
    m1, m2, m3, m4 = (dispatched() for _ in range(4))
    untouched = receive(title="仍待派单的事项")
    clock.to(at(2023, 9, 25, 10, 0))
    m1 = services.matter_sign(matter=m1, actor=users.clerk1)
    m2 = services.matter_sign(matter=m2, actor=users.clerk1)
    clock.to(at(2023, 9, 26, 9, 0))
    m3 = services.matter_sign(matter=m3, actor=users.clerk1)
    m4 = services.matter_return(matter=m4, actor=users.clerk1, reason="非本大队辖区")
    m4 = services.matter_dispatch(
        matter=m4, actor=users.dispatcher, lead_unit=org.brigade2, redispatch=True
    )
    clock.to(at(2023, 10, 9, 10, 0))
    m1 = services.matter_answer(matter=m1, actor=users.clerk1, text="已处理完毕。")
    clock.to(at(2023, 10, 20, 10, 0))
    # m2 and m3 are overdue by now (overdue and supervision events); m1's rating defaults.
    timers.loop_sweep()
    m3 = services.matter_answer(matter=m3, actor=users.clerk1, text="已处理完毕。")
    clock.to(at(2023, 10, 23, 10, 0))
    services.matter_rate(
        matter=m3, actor=users.dispatcher, rating=Rating.DISSATISFIED, resolved=False
    )
    return untouched


def test_tallies_follow_every_change_and_equal_a_rebuild(dispatched, receive, users, org, clock):
    _a_month_of_work(dispatched, receive, users, org, clock)

    assert rollups.differences() == []
    by_status = {t.key: t.n for t in MatterTally.objects.filter(dimension="status") if t.n}
    # m1 closed after rating, m3 reopened after 不满意, m2 still running, m4 with brigade 2.
    assert sum(by_status.values()) == 5
    assert by_status["received"] == 1 and by_status["dispatched"] == 1

    columns = ("day", "unit", "scope", *rollups.UNIT_MEASURES)
    incremental = sorted(UnitDayTally.objects.values_list(*columns))
    rollups.rebuild()
    assert sorted(UnitDayTally.objects.values_list(*columns)) == incremental
    overdue = columns.index("overdue")
    assert sum(row[overdue] for row in incremental) >= 1  # the sweep's overdue events count


def test_metrics_read_the_rollup_by_whole_days(dispatched, receive, users, org, clock):
    _a_month_of_work(dispatched, receive, users, org, clock)
    [brigade1] = unit_metrics(
        units=[org.brigade1], first=at(2023, 9, 1).date(), last=at(2023, 10, 31).date()
    )
    assert (brigade1.dispatched, brigade1.signed, brigade1.returned, brigade1.answered) == (
        4,
        3,
        1,
        2,
    )
    [one_day] = unit_metrics(
        units=[org.brigade1], first=at(2023, 9, 26).date(), last=at(2023, 9, 26).date()
    )
    assert (one_day.signed, one_day.returned, one_day.dispatched) == (1, 1, 0)


def test_the_check_reports_a_tally_that_drifted(dispatched, users, org):
    dispatched()
    MatterTally.objects.filter(dimension="status").update(n=7)
    assert rollups.differences()
    rollups.rebuild()
    assert rollups.differences() == []
