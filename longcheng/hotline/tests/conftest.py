import pytest


@pytest.fixture(autouse=True)
def frozen_clock(clock):
    """As the loop's tests: a frozen clock at 2023-09-25 09:00, moved by hand."""
    return clock
