"""Where a citizen's problem is: the point a phone sends (WGS-84, as phones report it), the
divisions it lies in, and the public map of open problems. Reads only.

What the public may see on the map is what Open311 publishes (`open311.public_appeals`: appeals
filed through a public channel), still open, with the position Open311 gives; the map adds no
other field than the category, the plain status and the age."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Avg, Count, F, FloatField
from django.db.models.functions import Cast, Floor
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from longcheng.core import clock, geo
from longcheng.core.models import Division

from .progress import PLAIN_STATUS

# The columns' precision (DecimalField(9, 6)): about a tenth of a metre.
_STEP = Decimal("0.000001")


# — A point from a phone —


def parse_point(lat_raw: str, lng_raw: str) -> tuple[Decimal | None, Decimal | None, str | None]:
    """(latitude, longitude, error): both empty is no point; the error is a plain sentence."""
    lat_raw, lng_raw = (lat_raw or "").strip(), (lng_raw or "").strip()
    if not lat_raw and not lng_raw:
        return None, None, None
    if not lat_raw or not lng_raw:
        return None, None, _("位置不完整，请在地图上重新点选。")
    try:
        lat, lng = Decimal(lat_raw), Decimal(lng_raw)
        if not (lat.is_finite() and lng.is_finite()):
            raise ValueError
    except (InvalidOperation, ValueError):
        return None, None, _("位置格式不正确，请在地图上重新点选。")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None, None, _("位置超出经纬度范围，请在地图上重新点选。")
    lat, lng = lat.quantize(_STEP), lng.quantize(_STEP)
    error = point_outside_error(float(lat), float(lng))
    if error:
        return None, None, error
    return lat, lng, None


def point_outside_error(lat: float, lng: float) -> str | None:
    """Why the point is not a place this city handles, or None. With boundaries imported, a
    point in none of them is outside the city; without any, a point in China is accepted."""
    if geo.outside_china(lat, lng):
        return _("所选位置不在中国境内，请在地图上重新点选问题所在的地点。")
    if geo.place_point(lat, lng).division_ids:
        return None
    if Division.objects.exclude(boundary=None).exists():
        return _("所选位置不在本市范围内，请在地图上重新点选问题所在的地点。")
    return None


@dataclass(frozen=True)
class PlaceNames:
    """The divisions a point lies in, largest first (district, street, grid), named."""

    names: tuple[tuple[str, str, str], ...]  # (level, level label, name)

    def named(self, *levels: str) -> str:
        for level, _label, name in self.names:
            if level in levels:
                return name
        return ""

    @property
    def district(self) -> str:
        return self.named(
            Division.Level.DISTRICT, Division.Level.COUNTY, Division.Level.COUNTY_CITY
        )

    @property
    def street(self) -> str:
        return self.named(Division.Level.STREET, Division.Level.TOWNSHIP)

    @property
    def text(self) -> str:
        return " · ".join(
            name for level, _label, name in self.names if level != Division.Level.GRID
        )


def place_names(lat: float, lng: float) -> PlaceNames:
    ids = geo.place_point(lat, lng).division_ids
    found = {d.pk: d for d in Division.objects.filter(pk__in=ids).only("name", "level")}
    ordered = [found[i] for i in reversed(ids) if i in found]
    ordered = [d for d in ordered if d.level not in (Division.Level.PROVINCE, Division.Level.CITY)]
    return PlaceNames(tuple((d.level, str(d.get_level_display()), d.name) for d in ordered))


# — The public map of open problems —

# More open problems than this in the view are drawn as counted clusters.
MAX_POINTS = 200
# The view is cut into about this many cells across (and down) when clustering.
CLUSTER_CELLS = 8


@dataclass(frozen=True)
class Box:
    """A map's view in WGS-84: west, south, east, north."""

    west: float
    south: float
    east: float
    north: float


def age_text(received_at: datetime.datetime, today: datetime.date | None = None) -> str:
    today = today or timezone.localtime(clock.now()).date()
    days = (today - timezone.localtime(received_at).date()).days
    if days <= 0:
        return _("今天")
    if days == 1:
        return _("昨天")
    return ngettext("%(n)d 天前", "%(n)d 天前", days) % {"n": days}


def open_public_problems():
    """The one rule of what the map shows: Open311's public appeals, still open, placed."""
    from .open311 import CLOSED, public_appeals  # open311 imports the forms, which import this

    return (
        public_appeals()
        .exclude(matter__status__in=list(CLOSED))
        .exclude(matter__latitude=None)
        .exclude(matter__longitude=None)
    )


def _cell(box: Box) -> float:
    """A cell's side in degrees: a power of two, so that panning keeps the same grid."""
    span = max(box.east - box.west, box.north - box.south, 1e-6)
    return float(2.0 ** math.ceil(math.log2(span / CLUSTER_CELLS)))


PUBLIC_DECIMALS = 3


def public_degrees(value) -> float | None:
    """A position as the public reads it (the map, Open311): about 100 m, for a phone's fix can
    be the reporter's own door."""
    return None if value is None else round(float(value), PUBLIC_DECIMALS)


def open_problems_in(box: Box) -> dict:
    """The JSON of the public map for one view: each open problem (category, plain status,
    age, position) when there are few, else counted clusters."""
    problems = open_public_problems().filter(
        matter__latitude__gte=Decimal(str(box.south)).quantize(_STEP),
        matter__latitude__lte=Decimal(str(box.north)).quantize(_STEP),
        matter__longitude__gte=Decimal(str(box.west)).quantize(_STEP),
        matter__longitude__lte=Decimal(str(box.east)).quantize(_STEP),
    )
    # Few enough to draw one by one? At most one row more than the cap tells (no count, no
    # sort: the page orders them by distance itself).
    rows = list(
        problems.order_by().values_list(
            "matter__latitude",
            "matter__longitude",
            "matter__category__name",
            "matter__status",
            "matter__received_at",
        )[: MAX_POINTS + 1]
    )
    if len(rows) <= MAX_POINTS:
        today = timezone.localtime(clock.now()).date()
        return {
            "total": len(rows),
            "clustered": False,
            "points": [
                {
                    "lat": public_degrees(lat),
                    "lng": public_degrees(lng),
                    "category": category or _("未分类"),
                    "status": str(PLAIN_STATUS.get(status, "")),
                    "age": age_text(received_at, today),
                }
                for lat, lng, category, status, received_at in rows
            ],
            "clusters": [],
        }
    cell = _cell(box)
    cells = (
        problems.annotate(
            row=Floor(Cast(F("matter__latitude"), FloatField()) / cell),
            column=Floor(Cast(F("matter__longitude"), FloatField()) / cell),
        )
        .values("row", "column")
        .annotate(
            count=Count("pk"),
            lat=Avg(Cast(F("matter__latitude"), FloatField())),
            lng=Avg(Cast(F("matter__longitude"), FloatField())),
        )
        .order_by()
    )
    # A view holds at most (CLUSTER_CELLS + 1)² cells: every cell comes back, and the counts
    # add up to the total.
    clusters = list(cells)
    return {
        "total": sum(c["count"] for c in clusters),
        "clustered": True,
        "points": [],
        "clusters": [
            {"lat": round(c["lat"], 6), "lng": round(c["lng"], 6), "count": c["count"]}
            for c in clusters
        ],
    }
