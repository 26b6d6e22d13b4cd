"""Counting rows for lists and tabs at city scale.

A brigade's 已办结 tab holds a million matters after a few years; counting them exactly costs
~100 ms on every page view (measured at 10,000,000 matters), more than the page itself, and
nobody pages that far: search and filters narrow a list. So a list counts up to COUNT_CAP + 1
rows, shows "10,000+" and pages through the first COUNT_CAP."""

from django.db.models import QuerySet

COUNT_CAP = 10_000


def capped_count(queryset: QuerySet) -> int:
    """The number of rows, or COUNT_CAP + 1 where there are more (an index walk that stops)."""
    return queryset.order_by()[: COUNT_CAP + 1].count()


def shown_count(count: int) -> str:
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"
