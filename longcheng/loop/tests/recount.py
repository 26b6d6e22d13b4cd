"""An independent recount of the published unit figures, in plain Python over the event rows,
written from docs/metrics.md without the roll-up's code. The consistency tests compare what
the pages publish with it."""

import datetime
from collections import Counter, defaultdict

from django.utils import timezone

from longcheng.loop.models import Matter, MatterEvent
from longcheng.loop.workflow import CITIZEN_CHANNELS

COMPARED = [
    "dispatched",
    "signed",
    "signed_on_time",
    "returned",
    "answered",
    "due",
    "due_on_time",
    "rated",
    "satisfied",
    "resolved",
    "rated_default",
    "reopened",
    "overdue",
    "response_due",
    "responded_on_time",
    "unreasonable",
]


def _day(value) -> datetime.date:
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return timezone.localtime(value).date()


def recount(first: datetime.date, last: datetime.date, citizen: bool = True) -> dict[int, Counter]:
    """unit id -> figures for the local days first..last, citizen appeals (or internal)."""
    channel = dict(Matter.objects.values_list("pk", "channel"))
    events = list(
        MatterEvent.objects.filter(unit__isnull=False).values_list(
            "matter_id", "unit_id", "kind", "at", "data"
        )
    )
    certified = {m for m, _u, kind, _a, _d in events if kind == "unreasonable_yes"}
    out: dict[int, Counter] = defaultdict(Counter)

    def count(unit, day, name, n=1):
        if first <= day <= last:
            out[unit][name] += n

    for matter, unit, kind, at, data in events:
        if (channel[matter] in CITIZEN_CHANNELS) != citizen:
            continue
        data = data or {}
        day = _day(at)
        own = bool(data.get("self_assigned"))
        if kind in ("dispatched", "redispatched") and not own:
            count(unit, day, "dispatched")
            count(unit, day, "response_due", int(bool(data.get("response_due"))))
        elif kind == "signed" and not own:
            count(unit, day, "signed")
            count(unit, day, "signed_on_time", int(data.get("late") is False))
        elif kind == "returned":
            count(unit, day, "returned")
        elif kind == "answered":
            count(unit, day, "answered")
        elif kind == "rated" and not data.get("unreasonable") and matter not in certified:
            if data.get("defaulted"):
                count(unit, day, "rated_default")
            else:
                count(unit, day, "rated")
                count(unit, day, "satisfied", int(data.get("rating") in ("satisfied", "basically")))
                count(unit, day, "resolved", int(data.get("resolved") is True))
        elif kind == "reopened":
            count(unit, day, "reopened")
        elif kind == "overdue":
            count(unit, day, "overdue")
        elif kind == "unreasonable_yes":
            count(unit, day, "unreasonable")
        if data.get("due_day"):
            count(unit, _day(data["due_day"]), "due")
            count(unit, _day(data["due_day"]), "due_on_time", int(bool(data.get("due_on_time"))))
        if data.get("response_day") and data.get("responded_on_time"):
            count(unit, _day(data["response_day"]), "responded_on_time")
    return out


def published(row) -> list[int]:
    return [getattr(row, name) for name in COMPARED]


def recounted(figures: dict[int, Counter], unit_id: int) -> list[int]:
    counter = figures.get(unit_id, Counter())
    return [counter[name] for name in COMPARED]
