"""Each metric on a case worked by hand."""

import datetime
from decimal import Decimal

import pytest

from longcheng.funds import metrics

D = Decimal


def test_leverage_on_both_bases():
    # A 10 亿 fund with 2 亿 guidance and 1 亿 provincial money: 10 ÷ 3 = 3.3333.
    subscribed = metrics.leverage(
        basis="subscribed",
        size=D(100000),
        government_commitments=D(30000),
        paid_in=D(0),
        government_paid_in=D(0),
    )
    assert subscribed.value == D("3.3333")
    # Paid in so far 4 亿, of which government 1.5 亿: 4 ÷ 1.5 = 2.6667.
    paid = metrics.leverage(
        basis="paid_in",
        size=D(100000),
        government_commitments=D(30000),
        paid_in=D(40000),
        government_paid_in=D(15000),
    )
    assert paid.value == D("2.6667")
    assert metrics.leverage(
        basis="subscribed",
        size=D(100),
        government_commitments=D(0),
        paid_in=D(0),
        government_paid_in=D(0),
    ).reason


def test_dpi_rvpi_tvpi():
    # Paid in 800, distributed 200, NAV 900: DPI 0.25, RVPI 1.125, TVPI 1.375.
    assert metrics.dpi(D(200), D(800)).value == D("0.25")
    assert metrics.rvpi(D(900), D(800)).value == D("1.125")
    assert metrics.tvpi(D(200), D(900), D(800)).value == D("1.375")
    assert metrics.dpi(D(0), D(0)).value is None


def test_reinvestment():
    assert metrics.reinvestment(
        local_investments=D(45000), government_commitments=D(30000)
    ).value == D("1.5")


def test_irr_on_a_whole_year():
    # -100 on 1 Jan 2021, +110 on 1 Jan 2022 (365 days): exactly 10 %.
    irr = metrics.net_irr(
        [(datetime.date(2021, 1, 1), D(-100)), (datetime.date(2022, 1, 1), D(110))]
    )
    assert irr.value == pytest.approx(0.10, abs=1e-9)


def _independent_xirr(flows):
    """Bisection on the XIRR equation Σ a / (1 + r)^(days/365) = 0, written here, not pyxirr."""
    start = flows[0][0]

    def npv(rate):
        return sum(float(a) / (1 + rate) ** ((d - start).days / 365) for d, a in flows)

    low, high = -0.99, 10.0
    for _ in range(200):
        middle = (low + high) / 2
        if npv(low) * npv(middle) <= 0:
            high = middle
        else:
            low = middle
    return (low + high) / 2


def test_irr_with_irregular_dates_matches_an_independent_computation():
    flows = [
        (datetime.date(2019, 3, 18), D(-3000)),
        (datetime.date(2019, 11, 2), D(-1500)),
        (datetime.date(2020, 7, 30), D(-2500)),
        (datetime.date(2021, 12, 15), D(1200)),
        (datetime.date(2022, 9, 9), D(800)),
        (datetime.date(2023, 6, 30), D(8100)),  # the final NAV
    ]
    assert metrics.net_irr(flows).value == pytest.approx(_independent_xirr(flows), abs=1e-6)


@pytest.mark.parametrize(
    "flows",
    [
        [],
        [(datetime.date(2021, 1, 1), D(-100)), (datetime.date(2022, 1, 1), D(-50))],
        [(datetime.date(2021, 1, 1), D(100))],
    ],
)
def test_no_sign_change_is_not_computable_with_a_reason(flows):
    irr = metrics.net_irr(flows)
    assert irr.value is None and irr.reason and str(irr) == "不可计算"
