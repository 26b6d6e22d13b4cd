"""The three-colour rule at its boundaries, and the progress arithmetic behind it."""

import datetime
from decimal import Decimal

import pytest

from longcheng.projects.rules import add_months, project_colour
from longcheng.projects.workflow import Colour

JUNE = {
    "month": 6,
    "annual_plan": Decimal(100),
    "planned_start": datetime.date(2023, 1, 1),
    "actual_start": datetime.date(2023, 1, 1),
    "as_of": datetime.date(2023, 7, 5),
}


@pytest.mark.parametrize(
    ("done", "colour"),
    [
        (Decimal("50"), Colour.GREEN),  # exactly on schedule (6/12)
        (Decimal("40.01"), Colour.GREEN),  # 9.99 points behind
        (Decimal("40"), Colour.YELLOW),  # 10 points: yellow begins
        (Decimal("20"), Colour.YELLOW),  # 30 points: still yellow
        (Decimal("19.99"), Colour.RED),  # 30.01 points: red
        (Decimal("0"), Colour.RED),
        (Decimal("80"), Colour.GREEN),  # ahead of schedule
    ],
)
def test_colour_boundaries(done, colour):
    result = project_colour(done_this_year=done, **JUNE)
    assert result.colour == colour


def test_the_arithmetic_is_shown():
    result = project_colour(done_this_year=Decimal("35"), **JUNE)
    assert (result.expected_pct, result.actual_pct, result.gap_points) == (
        Decimal("50.0"),
        Decimal("35.0"),
        Decimal("15.0"),
    )


@pytest.mark.parametrize(
    ("as_of", "colour"),
    [
        (datetime.date(2023, 5, 31), Colour.GREEN),  # 2 months 30 days after 1 March
        (datetime.date(2023, 6, 1), Colour.RED),  # three months after the planned start
    ],
)
def test_not_started_three_months_after_plan_is_red(as_of, colour):
    result = project_colour(
        month=2,
        annual_plan=Decimal(100),
        done_this_year=Decimal(20),
        planned_start=datetime.date(2023, 3, 1),
        actual_start=None,
        as_of=as_of,
    )
    assert result.colour == colour


def test_add_months_keeps_the_end_of_the_month():
    assert add_months(datetime.date(2023, 11, 30), 3) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2023, 1, 31), 1) == datetime.date(2023, 2, 28)
