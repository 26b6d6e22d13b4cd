"""Reads of the matters map (loop.map_views): the matters a user may see and the inbox's filters
would show, counted per grid cell of the viewport on the database server.

Clustering happens in SQL: the matters are grouped by a cell of about 64 screen pixels at the
map's zoom (loop.map_cells: anchored to the globe, so panning does not move the clusters), one
row per cell with its count, its overdue count and its centroid, so a million matters cost the
browser a few hundred circles. A view counts the whole cells it touches. A cell holding one
matter, or a view holding few, is sent as that matter's point (number, title, status, overdue
flag, link — nothing about the person who raised it).

Two ways to count, the same answer:
- the dispatch centre's open (or all) matters at a city's or a district's zoom add up
  `MapCellTally` rows (ADR 0025); the two edges the tally cannot know — matters whose deadline
  falls today (late or not by the hour) and the first, partial day of the period — are counted
  live;
- every other view counts its matters, on PostgreSQL from the indexes of migration 0019 alone.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, Floor
from django.urls import reverse
from django.utils import timezone

from longcheng.accounts.scoping import Scope, user_scope
from longcheng.core.counting import capped_count
from longcheng.core.pii import mask_personal_data

from .map_cells import BAND_HANDLING, MICRO, OPEN_BANDS, cell_range, cell_size, level_for
from .map_tally import Micro, cell_expressions
from .models import MapCellTally, Matter
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

    def bounds(self) -> tuple[int, int, int, int]:
        """The first and last row and column of the cells the view touches."""
        height, width = cell_size(self.zoom)
        return (
            *cell_range(self.min_lat, self.max_lat, height),
            *cell_range(self.min_lng, self.max_lng, width),
        )

    def cells(self) -> int:
        first_row, last_row, first_col, last_col = self.bounds()
        return (last_row - first_row + 1) * (last_col - first_col + 1)


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


def _edge(first_cell: int, size: float) -> Decimal:
    """The smallest coordinate (whole millionths of a degree) inside the cell `first_cell`."""
    return Decimal(math.ceil(first_cell * size)).scaleb(-6)


def in_cells(zoom: int, rows: tuple[int, int], cols: tuple[int, int]) -> Q:
    """Matters in the cells rows × cols (inclusive ranges) at `zoom`."""
    height, width = cell_size(zoom)
    return Q(
        latitude__gte=_edge(rows[0], height),
        latitude__lt=_edge(rows[1] + 1, height),
        longitude__gte=_edge(cols[0], width),
        longitude__lt=_edge(cols[1] + 1, width),
    )


def in_viewport(matters: QuerySet[Matter], viewport: Viewport) -> QuerySet[Matter]:
    """The matters of the whole cells the view touches."""
    first_row, last_row, first_col, last_col = viewport.bounds()
    return matters.filter(in_cells(viewport.zoom, (first_row, last_row), (first_col, last_col)))


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


@dataclass
class _Cell:
    """A cell's matters as counted so far, from the tally and live parts."""

    count: int = 0
    late: int = 0
    lat_sum: int = 0  # millionths of a degree
    lng_sum: int = 0
    only: int | None = None  # the matter, when the cell holds one and a live count named it


Cells = dict[tuple[int, int], _Cell]


def _add(cells: Cells, rows) -> None:
    for r in rows:
        cell = cells.setdefault((r["row"], r["col"]), _Cell())
        cell.count += r["count"]
        cell.late += r["late"] or 0
        cell.lat_sum += int(r["lat"])
        cell.lng_sum += int(r["lng"])
        cell.only = r.get("first") if cell.count == r["count"] else None


def _live_cells(cells: Cells, matters: QuerySet[Matter], zoom: int, now) -> None:
    """Count `matters` per cell at `zoom`."""
    expressions = cell_expressions(zoom)
    _add(
        cells,
        matters.order_by()
        .annotate(row=expressions["cell_row"], col=expressions["cell_col"])
        .values("row", "col")
        .annotate(
            count=Count("pk"),
            late=Count("pk", filter=_overdue(now)),
            lat=Sum(Micro("latitude")),
            lng=Sum(Micro("longitude")),
            first=Min("pk"),
        ),
    )


def tally_level(user, filters: MapFilters, viewport: Viewport) -> int | None:
    """The tally level that answers this view, if one does: every matter's open ones or all of
    them (the dispatch centre's map as it opens, or 全部可见事项), overdue only or not, any
    period, at a district's zoom or coarser. A unit's scope, an inbox tab or a status, channel,
    urgency or category counts matters."""
    narrowed = filters.status or filters.channel or filters.urgency or filters.category
    every_matter = user_scope(user) == Scope.ALL
    if filters.scope not in (OPEN_SCOPE, ALL_SCOPE) or narrowed or not every_matter:
        return None
    return level_for(viewport.zoom)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _tally_cells(
    cells: Cells, matters: QuerySet[Matter], filters: MapFilters, viewport: Viewport, level, now
) -> None:
    """Add the tally's rows for the view, then count live what the rows cannot say: matters
    whose deadline is today (late by the hour) and the period's first day (partly inside)."""
    first_row, last_row, first_col, last_col = viewport.bounds()
    scale = 2 ** (level - viewport.zoom)  # tally cells across a view's cell
    today = timezone.localdate(now)
    rows = MapCellTally.objects.filter(
        level=level,
        cell_row__gte=first_row * scale,
        cell_row__lt=(last_row + 1) * scale,
        cell_col__gte=first_col * scale,
        cell_col__lt=(last_col + 1) * scale,
    ).exclude(band=BAND_HANDLING, deadline_day=today)
    if filters.scope == OPEN_SCOPE:
        rows = rows.filter(band__in=OPEN_BANDS)
    late = Q(band=BAND_HANDLING, deadline_day__lt=today)
    if filters.overdue:
        rows = rows.filter(late)
    edge = matters.filter(status__in=list(HANDLING), handle_deadline__gte=_day_start(today))
    edge = edge.filter(handle_deadline__lt=_day_start(today + datetime.timedelta(days=1)))
    if filters.days:
        first_day = timezone.localdate(now - datetime.timedelta(days=filters.days))
        whole_days = _day_start(first_day + datetime.timedelta(days=1))
        rows = rows.filter(received_day__gt=first_day)
        _live_cells(cells, matters.filter(received_at__lt=whole_days), viewport.zoom, now)
        edge = edge.filter(received_at__gte=whole_days)
    _live_cells(cells, edge, viewport.zoom, now)
    _add(
        cells,
        rows.annotate(
            row=Cast(Floor(F("cell_row") / Value(float(scale))), IntegerField()),
            col=Cast(Floor(F("cell_col") / Value(float(scale))), IntegerField()),
        )
        .values("row", "col")
        .annotate(
            count=Sum("n"),
            late=Coalesce(Sum("n", filter=late), 0),
            lat=Sum("lat_sum"),
            lng=Sum("lng_sum"),
        ),
    )


def _singles(matters: QuerySet[Matter], zoom: int, cells: list[tuple[int, int]]) -> list[int]:
    """The one matter of each of these cells (a tally knows how many, not which)."""
    found = []
    for start in range(0, len(cells), 100):
        where = Q()
        for row, col in cells[start : start + 100]:
            where |= in_cells(zoom, (row, row), (col, col))
        found += matters.filter(where).values_list("pk", flat=True)
    return found


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
    cells: Cells = {}
    level = tally_level(user, filters, viewport)
    if level is None:
        _live_cells(cells, shown, viewport.zoom, now)
    else:
        _tally_cells(cells, shown, filters, viewport, level, now)
    cells = {key: cell for key, cell in cells.items() if cell.count}
    data = MapData(in_view=sum(cell.count for cell in cells.values()))
    statuses = dict(Status.choices)
    fields = ("pk", "number", "title", "status", "handle_deadline", "latitude", "longitude")
    if data.in_view <= POINTS_BELOW or viewport.zoom >= POINTS_ZOOM:
        rows = list(shown.order_by("-received_at", "-pk").values(*fields)[: POINTS_MAX + 1])
        data.truncated = len(rows) > POINTS_MAX
        data.points = [_point(r, statuses, now) for r in rows[:POINTS_MAX]]
        return _with_totals(data, matters, totals)
    singles = [cell.only for cell in cells.values() if cell.count == 1 and cell.only is not None]
    unknown = [key for key, cell in cells.items() if cell.count == 1 and cell.only is None]
    singles += _singles(shown, viewport.zoom, unknown) if unknown else []
    rows = list(Matter.objects.filter(pk__in=singles).values(*fields)) if singles else []
    data.points = [_point(r, statuses, now) for r in rows]
    data.clusters = [
        {
            "count": cell.count,
            "overdue": cell.late,
            "lat": round(cell.lat_sum / cell.count / MICRO, 6),
            "lng": round(cell.lng_sum / cell.count / MICRO, 6),
        }
        for cell in cells.values()
        if cell.count > 1
    ]
    return _with_totals(data, matters, totals)


def _with_totals(data: MapData, matters: QuerySet[Matter], totals: bool) -> MapData:
    if totals:
        data.totals = {
            "matching": capped_count(matters),
            "unplaced": capped_count(matters.filter(latitude__isnull=True)),
        }
    return data
