"""Unit metrics against hand-computed figures."""

import pytest

from longcheng.loop import services
from longcheng.loop.metrics import unit_metrics
from longcheng.loop.workflow import Rating

from .conftest import at

pytestmark = pytest.mark.django_db


def test_metrics_match_a_hand_computed_month(dispatched, users, org, clock):
    # Four matters for 直属一大队 in October 2023 (dispatched 25 Sep, counted by event time).
    m1, m2, m3, m4 = (dispatched() for _ in range(4))
    clock.to(at(2023, 9, 25, 10, 0))  # within the 2-hour sign limit
    m1 = services.matter_sign(matter=m1, actor=users.clerk1)
    m2 = services.matter_sign(matter=m2, actor=users.clerk1)
    clock.to(at(2023, 9, 26, 9, 0))  # late
    m3 = services.matter_sign(matter=m3, actor=users.clerk1)
    services.matter_return(matter=m4, actor=users.clerk1, reason="非本大队辖区")

    clock.to(at(2023, 10, 9, 10, 0))  # 26,27,28 Sep + 7,8,9 Oct = 6 working days; on time
    m1 = services.matter_answer(matter=m1, actor=users.clerk1, text="已处理完毕。")
    m2 = services.matter_answer(matter=m2, actor=users.clerk1, text="已处理完毕。")
    clock.to(at(2023, 10, 20, 10, 0))  # 18 Oct deadline passed: 15 working days, late
    m3 = services.matter_answer(matter=m3, actor=users.clerk1, text="已处理完毕。")
    clock.to(at(2023, 10, 23, 10, 0))
    services.matter_rate(matter=m1, actor=users.dispatcher, rating=Rating.SATISFIED, resolved=True)
    services.matter_rate(matter=m2, actor=users.dispatcher, rating=Rating.BASICALLY, resolved=True)
    services.matter_rate(
        matter=m3, actor=users.dispatcher, rating=Rating.DISSATISFIED, resolved=False
    )

    [row] = unit_metrics(units=[org.brigade1], start=at(2023, 9, 1), end=at(2023, 11, 1))
    assert (row.dispatched, row.signed, row.returned, row.answered, row.rated) == (4, 3, 1, 3, 3)
    assert row.on_time_sign_rate == pytest.approx(2 / 3)
    assert row.on_time_answer_rate == pytest.approx(2 / 3)
    assert row.satisfaction_rate == pytest.approx(2 / 3)
    assert row.resolved_rate == pytest.approx(2 / 3)
    assert row.return_rate == pytest.approx(1 / 4)
    assert row.reopen_rate == pytest.approx(1 / 3)
    assert row.average_working_days == pytest.approx((6 + 6 + 15) / 3)

    # October alone: only the answers and ratings fall in it.
    [october] = unit_metrics(units=[org.brigade1], start=at(2023, 10, 1), end=at(2023, 11, 1))
    assert (october.dispatched, october.signed, october.answered) == (0, 0, 3)
    assert october.on_time_sign_rate is None


def test_a_unit_with_nothing_shows_no_rate_rather_than_zero(org):
    [row] = unit_metrics(units=[org.brigade2], start=at(2023, 9, 1), end=at(2023, 11, 1))
    assert row.satisfaction_rate is None and row.dispatched == 0
