"""The platform's notion of "now". Normally the real time; `frozen_at` lets the demo seeder
replay weeks of history through the real services (tests use time-machine instead)."""

import contextlib
import contextvars
import datetime

from django.utils import timezone

_override: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "clock_override", default=None
)


def now() -> datetime.datetime:
    return _override.get() or timezone.now()


@contextlib.contextmanager
def frozen_at(moment: datetime.datetime):
    token = _override.set(moment)
    try:
        yield
    finally:
        _override.reset(token)
