"""These tests run on the loop's frozen clock (tests/fixtures/loop.py; moved by hand)."""

import pytest


@pytest.fixture(autouse=True)
def frozen_clock(clock):
    return clock
