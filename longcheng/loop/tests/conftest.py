import pytest


@pytest.fixture(autouse=True)
def frozen_clock(clock):
    """Every loop test runs on a frozen clock, moved by hand: clock.to(at(2023, 9, 25, 9))."""
    return clock
