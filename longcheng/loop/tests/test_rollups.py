"""The cockpit's roll-ups stay equal to the matters and events they count, through every kind
of change, and the metrics read from them equal the metrics scanned from the events."""

import pytest

from longcheng.loop import rollups, services, timers
from longcheng.loop.metrics import unit_metrics, unit_metrics_by_day
from longcheng.loop.models import MatterTally, UnitDayTally
from longcheng.loop.workflow import Rating

from .conftest import at

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

    incremental = sorted(UnitDayTally.objects.values_list("day", "unit", "answered", "overdue"))
    rollups.rebuild()
    assert sorted(UnitDayTally.objects.values_list("day", "unit", "answered", "overdue")) == (
        incremental
    )
    assert sum(row[3] for row in incremental) >= 1  # the sweep's overdue events are counted


def test_metrics_from_the_rollup_equal_metrics_from_the_events(
    dispatched, receive, users, org, clock
):
    _a_month_of_work(dispatched, receive, users, org, clock)
    units = [org.brigade1, org.brigade2, org.committee]
    for first, last, start, end in (
        (at(2023, 9, 1).date(), at(2023, 10, 31).date(), at(2023, 9, 1), at(2023, 11, 1)),
        (at(2023, 10, 1).date(), at(2023, 10, 31).date(), at(2023, 10, 1), at(2023, 11, 1)),
        (at(2023, 9, 26).date(), at(2023, 9, 26).date(), at(2023, 9, 26), at(2023, 9, 27)),
    ):
        scanned = unit_metrics(units=units, start=start, end=end)
        rolled = unit_metrics_by_day(units=units, first=first, last=last)
        assert [vars(r) for r in rolled] == [vars(r) for r in scanned]
    [brigade1] = unit_metrics_by_day(
        units=[org.brigade1], first=at(2023, 9, 1).date(), last=at(2023, 10, 31).date()
    )
    assert (brigade1.dispatched, brigade1.signed, brigade1.returned, brigade1.answered) == (
        4,
        3,
        1,
        2,
    )


def test_the_check_reports_a_tally_that_drifted(dispatched, users, org):
    dispatched()
    MatterTally.objects.filter(dimension="status").update(n=7)
    assert rollups.differences()
    rollups.rebuild()
    assert rollups.differences() == []
