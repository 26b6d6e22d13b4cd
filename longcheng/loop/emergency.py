"""应急模式, the reads: whether an emergency is on, its categories (those chosen and the ones
below them), which emergency a received matter belongs to, how the intake forms narrow their
category list, and the surge the cockpit shows. The writes are `services.emergency_start` and
`services.emergency_end`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.core import clock

from .models import Category, EmergencyMode, Matter
from .workflow import Status

SURGE_HOURS = 72  # the cockpit's chart: at most the emergency's last 72 hours


def emergency_on() -> EmergencyMode | None:
    """The emergency that is on (at most one: `EmergencyMode.on` is unique)."""
    return EmergencyMode.objects.filter(on=True).prefetch_related("categories").first()


def _subtree(categories) -> Q:
    condition = Q(pk__in=[])
    for category in categories:
        condition |= Q(path__startswith=category.path)
    return condition


def emergency_categories(emergency: EmergencyMode) -> QuerySet[Category]:
    """What the public form and the intake offer while it is on: the chosen categories and
    the active ones below them, in catalogue order."""
    return Category.objects.filter(_subtree(emergency.categories.all()), is_active=True).order_by(
        "path"
    )


def emergency_for(category: Category | None) -> EmergencyMode | None:
    """The emergency a matter of `category` received now belongs to, if any."""
    if category is None:
        return None
    emergency = emergency_on()
    if emergency is None:
        return None
    if any(category.path.startswith(c.path) for c in emergency.categories.all()):
        return emergency
    return None


def limit_category_field(field, emergency: EmergencyMode) -> None:
    """Narrow an intake form's category field to the emergency's list: a category must be
    chosen, and another one (a stale page, a hand-made post) is refused in plain words."""
    allowed = emergency_categories(emergency)
    names = "、".join(c.name for c in emergency.categories.all())
    field.queryset = allowed
    field.required = True
    field.empty_label = _("请选择应急诉求类别")
    field.error_messages = {
        **field.error_messages,
        "required": _("应急期间请选择诉求类别（%(n)s）。") % {"n": names},
        "invalid_choice": _(
            "应急期间只受理以下类别的诉求：%(n)s。其他问题请在应急结束后反映，紧急情况请拨打12345。"
        )
        % {"n": names},
    }


def emergency_history() -> QuerySet[EmergencyMode]:
    return EmergencyMode.objects.select_related("started_by", "ended_by").prefetch_related(
        "categories"
    )


def emergency_queue(emergency: EmergencyMode | None = None) -> QuerySet[Matter]:
    """The priority queue: the emergency's matters not yet finished, urgent and oldest first."""
    emergency = emergency or emergency_on()
    if emergency is None:
        return Matter.objects.none()
    return Matter.objects.filter(emergency=emergency).exclude(
        status__in=[Status.CLOSED, Status.ARCHIVED]
    )


@dataclass
class Surge:
    emergency: EmergencyMode
    labels: list[str]
    during: list[int]
    week_before: list[int]
    emergency_matters: list[int]
    cut: bool  # the emergency is longer than the chart: its last SURGE_HOURS hours are shown

    @property
    def total(self) -> int:
        return sum(self.during)

    @property
    def total_week_before(self) -> int:
        return sum(self.week_before)

    @property
    def ratio(self) -> float | None:
        if not self.total_week_before:
            return None
        return round(self.total / self.total_week_before, 1)

    def chart(self) -> dict:
        return {
            "labels": self.labels,
            "series": [
                {"name": _("应急期间受理"), "data": self.during, "colour": "#9b1c1c"},
                {
                    "name": _("上周同时段"),
                    "data": self.week_before,
                    "colour": "#64748b",
                    "type": "line",
                },
            ],
        }


def emergency_surge(emergency: EmergencyMode, now: datetime.datetime | None = None) -> Surge:
    """Matters received per hour since the emergency began (all channels, all categories)
    against the same hours of the week before; and how many of them were emergency matters.
    Hours are whole clock hours in local time, the running one included."""
    now = now or clock.now()
    end = emergency.ended_at or now
    first = timezone.localtime(emergency.started_at).replace(minute=0, second=0, microsecond=0)
    hours = max(1, int((end - first).total_seconds() // 3600) + 1)
    cut = hours > SURGE_HOURS
    if cut:
        first += datetime.timedelta(hours=hours - SURGE_HOURS)
        hours = SURGE_HOURS
    last = first + datetime.timedelta(hours=hours)
    week = datetime.timedelta(days=7)
    during = [0] * hours
    flagged = [0] * hours
    before = [0] * hours
    rows = Matter.objects.filter(
        Q(received_at__gte=first, received_at__lt=last, received_at__lte=end)
        | Q(received_at__gte=first - week, received_at__lt=last - week, received_at__lte=end - week)
    ).values_list("received_at", "emergency_id")
    for received, emergency_id in rows:
        if received >= first:
            index = int((received - first).total_seconds() // 3600)
            during[index] += 1
            if emergency_id == emergency.pk:
                flagged[index] += 1
        else:
            before[int((received - first + week).total_seconds() // 3600)] += 1
    labels = [
        timezone.localtime(first + datetime.timedelta(hours=h)).strftime("%m-%d %H时")
        for h in range(hours)
    ]
    return Surge(emergency, labels, during, before, flagged, cut)


def latest_emergency() -> EmergencyMode | None:
    """The emergency that is on, or the last one (the cockpit's panel)."""
    return emergency_on() or EmergencyMode.objects.first()
