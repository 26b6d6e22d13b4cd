"""Work queues (待办): what a role must act on, one queue per kind of work.

Each app registers a provider in its AppConfig.ready() that returns the queues a user has; the
home page shows each as a tile and the 待办 page as a tab with its rows. Tile and tab read the
same `WorkQueue`, so the two figures can never disagree. Like `home.py`, this lower layer
names no model of the apps above it: a queue carries a queryset and a function that turns one
of its records into a row.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import QuerySet

from longcheng.accounts.roles import EXTERNAL_ROLES
from longcheng.accounts.scoping import reads_business_records


@dataclass
class QueueRow:
    """One item of work: what it is, where to act on it, and by when."""

    title: str
    url: str
    detail: str = ""
    due: datetime.date | None = None
    late: bool = False


@dataclass
class WorkQueue:
    key: str  # stable, used in the address: /todo/?queue=<key>
    label: str
    icon: str
    # The records waiting, in the order to work them: a queryset, or a list where a rule
    # that is not a query decides (a committee's quorum).
    items: QuerySet | list
    row: Callable[[Any], QueueRow]
    more_url: str = ""  # the app's own list of the same records, if it has one
    hint: str = ""  # who acts and what to do, shown above the rows

    @cached_property
    def count(self) -> int:
        return len(self.items) if isinstance(self.items, list) else self.items.count()

    def rows(self, start: int = 0, stop: int | None = None) -> list[QueueRow]:
        return [self.row(record) for record in self.items[start:stop]]


# (order, provider, external): lower order first; `external` providers are also asked for
# people from outside the administration (a judge's queue).
_providers: list[tuple[int, Callable[[Any], list[WorkQueue]], bool]] = []


def register_work_queues(
    provider: Callable[[Any], list[WorkQueue]], order: int = 100, external: bool = False
) -> None:
    if all(p is not provider for _o, p, _e in _providers):
        _providers.append((order, provider, external))
        _providers.sort(key=lambda entry: entry[0])


def work_queues(user, *, external_user: bool = False) -> list[WorkQueue]:
    """Every queue the user has, empty ones included (the 待办 page says "nothing waiting")."""
    return [
        queue
        for _order, provider, external in _providers
        if external or not external_user
        for queue in provider(user)
    ]


def user_work_queues(user) -> list[WorkQueue]:
    """The queues of a member of staff, or of a judge or supervisor from outside."""
    if reads_business_records(user):
        return work_queues(user)
    if getattr(user, "role", None) in EXTERNAL_ROLES:
        return work_queues(user, external_user=True)
    return []
