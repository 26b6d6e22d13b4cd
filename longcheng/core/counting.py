"""Counting rows for lists and tabs at city scale.

A brigade's 已办结 tab holds a million matters after a few years; counting them exactly costs
~100 ms on every page view (measured at 10,000,000 matters), more than the page itself, and
nobody pages that far: search and filters narrow a list. So a list counts up to COUNT_CAP + 1
rows, shows "10,000+" and pages through the first COUNT_CAP."""

from django.db.models import QuerySet

COUNT_CAP = 10_000


def capped_count(queryset: QuerySet, cap: int | None = None) -> int:
    """The number of rows, or cap + 1 where there are more (an index walk that stops); the cap
    is COUNT_CAP unless a list counts less far."""
    cap = COUNT_CAP if cap is None else cap
    return queryset.order_by()[: cap + 1].count()


def shown_count(count: int) -> str:
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"
