"""Reads of the matters map (loop.map_views): the matters a user may see and the inbox's filters
would show, counted per grid cell of the viewport on the database server.

Clustering happens in SQL: the viewport's matters are grouped by a cell of about 64 screen
pixels at the map's zoom (GROUP BY the cell's row and column), one row per cell with its count,
its overdue count and its centroid, so a million matters cost the browser a few hundred
circles. Cells are anchored to the globe, not to the viewport: panning does not move the
clusters. A cell holding one matter, or a viewport holding few, is sent as that matter's
point (number, title, status, overdue flag, link — nothing about the person who raised it).

On PostgreSQL the viewport is read from the indexes of migration 0019 alone (the open matters by
place; every matter by place and receipt; each with the id); SQLite reads without them.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, BigIntegerField, Count, F, FloatField, Min, Q, QuerySet, Value
from django.db.models.functions import Cast, Floor
from django.urls import reverse
from django.utils import timezone

from longcheng.core.counting import capped_count
from longcheng.core.pii import mask_personal_data

from .models import Matter
from .selectors import Box, _box_condition, inbox_queryset, matters_visible_to
from .workflow import HANDLING, OPEN, Status

# The map's own scopes beside the inbox's tabs: what a dispatcher needs first (every open
# matter), and everything the user may see.
OPEN_SCOPE = "open"
ALL_SCOPE = "all"
# A viewport with at most this many matters shows each of them as a point.
POINTS_BELOW = 200
# From this zoom on (a few streets across) every matter is a point.
POINTS_ZOOM = 17
MICRO = 1_000_000
# Points sent at most (a denser view says so and asks to zoom in or filter).
POINTS_MAX = 500


@dataclass(frozen=True)
class Viewport:
    """A box in WGS-84 degrees and the map's zoom (3–19, Leaflet's)."""

    min_lng: float
    min_lat: float
    max_lng: float
    max_lat: float
    zoom: int

    def cell(self) -> tuple[float, float]:
        """The cell's height and width in degrees: about 64 px on a Web-Mercator map (a 256-px
        tile spans 360 / 2^zoom degrees of longitude; a degree of latitude is longer on the
        screen by 1 / cos(latitude))."""
        width = 360.0 / 2 ** (self.zoom + 2)
        middle = math.radians((self.min_lat + self.max_lat) / 2)
        return width * max(math.cos(middle), 0.05), width

    def cells(self) -> float:
        height, width = self.cell()
        return ((self.max_lat - self.min_lat) / height + 1) * (
            (self.max_lng - self.min_lng) / width + 1
        )


@dataclass(frozen=True)
class MapFilters:
    """What the map shows: an inbox tab (or every open or every visible matter), the inbox's
    filters, overdue only, and matters received in the last `days` (0: any time)."""

    scope: str = OPEN_SCOPE
    status: str = ""
    channel: str = ""
    urgency: str = ""
    category: str = ""
    overdue: bool = False
    days: int = 90


def map_queryset(
    user, filters: MapFilters, now: datetime.datetime | None = None
) -> QuerySet[Matter]:
    """Exactly the matters of the inbox tab with the same filters (loop.views.InboxView: its
    tab through `inbox_queryset`, 全部可见事项 through `matters_visible_to`), narrowed by the
    map's overdue and period filters."""
    now = now or timezone.now()
    if filters.scope in (OPEN_SCOPE, ALL_SCOPE):
        matters = matters_visible_to(user)
        if filters.scope == OPEN_SCOPE:
            matters = matters.filter(status__in=list(OPEN))
    else:
        matters = inbox_queryset(user, filters.scope, now)
    lookups = {
        "status": filters.status,
        "channel": filters.channel,
        "urgency": filters.urgency,
        "category_id": filters.category,
    }
    matters = matters.filter(**{k: v for k, v in lookups.items() if v != ""})
    if filters.overdue:
        matters = matters.filter(_box_condition(Box.OVERDUE, now))
    if filters.days:
        matters = matters.filter(received_at__gte=now - datetime.timedelta(days=filters.days))
    return matters


def _overdue(now: datetime.datetime) -> Q:
    """Late as the inbox's 已超期 tab counts it: being handled past the deadline."""
    condition = _box_condition(Box.OVERDUE, now)
    assert condition is not None
    return condition


def _degrees(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def in_viewport(matters: QuerySet[Matter], viewport: Viewport) -> QuerySet[Matter]:
    return matters.filter(
        latitude__gte=_degrees(viewport.min_lat),
        latitude__lte=_degrees(viewport.max_lat),
        longitude__gte=_degrees(viewport.min_lng),
        longitude__lte=_degrees(viewport.max_lng),
    )


@dataclass
class MapData:
    clusters: list[dict] = field(default_factory=list)
    points: list[dict] = field(default_factory=list)
    in_view: int = 0  # matters in the viewport
    truncated: bool = False  # more points than POINTS_MAX
    totals: dict | None = None  # all the filters' matters, and those without a point

    def as_json(self) -> dict:
        data = {
            "clusters": self.clusters,
            "points": self.points,
            "in_view": self.in_view,
            "truncated": self.truncated,
        }
        if self.totals is not None:
            data["totals"] = self.totals
        return data


def _point(matter: dict, statuses: dict, now: datetime.datetime) -> dict:
    late = (
        matter["status"] in _RUNNING
        and matter["handle_deadline"] is not None
        and matter["handle_deadline"] <= now
    )
    return {
        "id": matter["pk"],
        "number": matter["number"],
        # Titles are the office's words; a phone or ID number typed into one is masked.
        "title": mask_personal_data(matter["title"]),
        "status": str(statuses.get(matter["status"], matter["status"])),
        "overdue": late,
        "lat": round(float(matter["latitude"]), 6),
        "lng": round(float(matter["longitude"]), 6),
        "url": reverse("loop:matter_detail", args=[matter["pk"]]),
    }


# The statuses the inbox's 已超期 tab counts as being handled.
_RUNNING = {str(s) for s in HANDLING}


def map_data(
    user,
    filters: MapFilters,
    viewport: Viewport,
    *,
    totals: bool = False,
    now: datetime.datetime | None = None,
) -> MapData:
    """The viewport's matters as cells (count, overdue count, centroid) and points."""
    now = now or timezone.now()
    matters = map_queryset(user, filters, now)
    shown = in_viewport(matters, viewport)
    height, width = viewport.cell()
    # Millionths of a degree as integers: PostgreSQL turns a numeric into an integer natively,
    # into a float only through its text (several times slower over tens of thousands of rows).
    lat = Cast(F("latitude") * MICRO, BigIntegerField())
    lng = Cast(F("longitude") * MICRO, BigIntegerField())
    cells = list(
        shown.order_by()
        .annotate(
            row=Floor(lat / Value(height * MICRO, FloatField())),
            col=Floor(lng / Value(width * MICRO, FloatField())),
        )
        .values("row", "col")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=_overdue(now)),
            lat=Avg(lat, output_field=FloatField()),
            lng=Avg(lng, output_field=FloatField()),
            first=Min("pk"),
        )
    )
    data = MapData(in_view=sum(c["n"] for c in cells))
    statuses = dict(Status.choices)
    fields = ("pk", "number", "title", "status", "handle_deadline", "latitude", "longitude")
    if data.in_view <= POINTS_BELOW or viewport.zoom >= POINTS_ZOOM:
        rows = list(shown.order_by("-received_at", "-pk").values(*fields)[: POINTS_MAX + 1])
        data.truncated = len(rows) > POINTS_MAX
        data.points = [_point(r, statuses, now) for r in rows[:POINTS_MAX]]
    else:
        singles = [c["first"] for c in cells if c["n"] == 1]
        rows = list(Matter.objects.filter(pk__in=singles).values(*fields)) if singles else []
        data.points = [_point(r, statuses, now) for r in rows]
        data.clusters = [
            {
                "count": c["n"],
                "overdue": c["late"],
                "lat": round(c["lat"] / MICRO, 6),
                "lng": round(c["lng"] / MICRO, 6),
            }
            for c in cells
            if c["n"] > 1
        ]
    if totals:
        data.totals = {
            "matching": capped_count(matters),
            "unplaced": capped_count(matters.filter(latitude__isnull=True)),
        }
    return data
