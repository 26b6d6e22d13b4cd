"""Pure arithmetic of the funds rules (财预〔2015〕210号): no database, so each is tested with
plain numbers and shared by the services that act on it and the selectors that show it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

IDLE_DAYS = 365  # 财预〔2015〕210号: money paid in and not used for a year
SETUP_DAYS = 365  # a fund approved and not set up within a year


def idle_amount(
    calls: Iterable[tuple[datetime.date, Decimal]],
    uses: Iterable[tuple[datetime.date, Decimal]],
    today: datetime.date,
) -> Decimal:
    """Paid-in money (`calls`) not used (`uses`: invested, or spent on fees) for more than
    `IDLE_DAYS`, first in first out."""
    ordered_calls = sorted(calls)
    left = [amount for _on, amount in ordered_calls]  # unspent money of each call, oldest first
    for _on, amount in sorted(uses):
        for index, unspent in enumerate(left):
            take = min(unspent, amount)
            left[index] -= take
            amount -= take
            if not amount:
                break
    limit = today - datetime.timedelta(days=IDLE_DAYS)
    return sum((left[i] for i, (on, _a) in enumerate(ordered_calls) if on < limit), Decimal(0))


def not_set_up(
    approved_on: datetime.date, established_on: datetime.date | None, today: datetime.date
) -> bool:
    """Approved more than `SETUP_DAYS` ago and still not established."""
    return established_on is None and today > approved_on + datetime.timedelta(days=SETUP_DAYS)
