"""Place: coordinate systems, boundaries and which division a point lies in.

One system is stored: WGS-84, what phones report (GPS). Conversion happens at the edges:
- GCJ-02 (国测局坐标, "Mars coordinates") is what most Chinese map services and many packaged
  boundaries use; by law a published map of China carries this offset. The forward formula is
  public; the inverse has no closed form and is found by iteration (to ~1e-7°, about a
  centimetre).
- CGCS2000, the system of 天地图, differs from WGS-84 by centimetres: identical for a city map.

Outside China there is no offset (GCJ-02 equals WGS-84 there), as every implementation agrees.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

WGS84, GCJ02, CGCS2000 = "wgs84", "gcj02", "cgcs2000"
SYSTEMS = (WGS84, GCJ02, CGCS2000)

# The Krasovsky 1940 ellipsoid the GCJ-02 formula uses.
_A = 6378245.0
_EE = 0.00669342162296594323


def outside_china(lat: float, lng: float) -> bool:
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _shift(lat: float, lng: float) -> tuple[float, float]:
    x, y = lng - 105.0, lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2 / 3
    d_lng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lng += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    d_lng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    d_lng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return d_lat, d_lng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if outside_china(lat, lng):
        return lat, lng
    d_lat, d_lng = _shift(lat, lng)
    return lat + d_lat, lng + d_lng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """The WGS-84 point whose GCJ-02 image is (lat, lng), by fixed-point iteration."""
    if outside_china(lat, lng):
        return lat, lng
    w_lat, w_lng = lat, lng
    for _ in range(30):
        g_lat, g_lng = wgs84_to_gcj02(w_lat, w_lng)
        e_lat, e_lng = g_lat - lat, g_lng - lng
        w_lat, w_lng = w_lat - e_lat, w_lng - e_lng
        if abs(e_lat) < 1e-10 and abs(e_lng) < 1e-10:
            break
    return w_lat, w_lng


def to_wgs84(lat: float, lng: float, system: str) -> tuple[float, float]:
    """A point given in `system`, as stored."""
    if system == GCJ02:
        return gcj02_to_wgs84(lat, lng)
    return lat, lng  # WGS-84 itself, or CGCS2000 (centimetres apart)


def from_wgs84(lat: float, lng: float, system: str) -> tuple[float, float]:
    """A stored point, for a map drawn in `system`."""
    if system == GCJ02:
        return wgs84_to_gcj02(lat, lng)
    return lat, lng


def geometry_to_wgs84(geometry: dict[str, Any], system: str) -> dict[str, Any]:
    """A GeoJSON Polygon or MultiPolygon given in `system`, in WGS-84 (coordinates are
    [lng, lat] in GeoJSON)."""
    if system not in (GCJ02,):
        return geometry

    def ring(points: Iterable) -> list[list[float]]:
        out = []
        for lng, lat, *_ in points:
            w_lat, w_lng = gcj02_to_wgs84(lat, lng)
            out.append([round(w_lng, 7), round(w_lat, 7)])
        return out

    if geometry["type"] == "Polygon":
        coordinates: Any = [ring(r) for r in geometry["coordinates"]]
    else:
        coordinates = [[ring(r) for r in polygon] for polygon in geometry["coordinates"]]
    return {"type": geometry["type"], "coordinates": coordinates}


@dataclass(frozen=True)
class Outline:
    """What a division stores besides its boundary: its box and a point for the label."""

    min_lng: float
    min_lat: float
    max_lng: float
    max_lat: float
    label_lng: float
    label_lat: float


def outline_of(geometry: dict[str, Any]) -> Outline:
    from shapely.geometry import shape

    shaped = shape(geometry)
    min_lng, min_lat, max_lng, max_lat = shaped.bounds
    label = shaped.representative_point()
    return Outline(min_lng, min_lat, max_lng, max_lat, label.x, label.y)


def valid_geometry_error(geometry: Any) -> str | None:
    """Why a GeoJSON geometry cannot be a boundary, in plain words, or None."""
    from shapely.errors import GEOSException
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return "边界须为面（Polygon 或 MultiPolygon）"
    try:
        shaped = shape(geometry)
    except (GEOSException, ValueError, TypeError, IndexError, KeyError):
        return "边界坐标格式不正确"
    if shaped.is_empty:
        return "边界为空"
    if not shaped.is_valid:
        return f"边界不是有效的面：{explain_validity(shaped)}"
    min_lng, min_lat, max_lng, max_lat = shaped.bounds
    if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
        return "边界坐标超出经纬度范围"
    return None


# ---- Which division a point lies in -----------------------------------------------------

# The index is built from the boundaries in the database and kept for a while: boundaries
# change by import, rarely; an import clears this process's copy at once (forget_boundaries)
# and other processes pick it up within the TTL.
_INDEX_TTL = 300.0
_index_lock = threading.Lock()
_index: dict[str, Any] = {}


@dataclass(frozen=True)
class Placed:
    """The divisions a point lies in, smallest first (grid, street, district …)."""

    division_ids: tuple[int, ...]

    @property
    def smallest(self) -> int | None:
        return self.division_ids[0] if self.division_ids else None


def forget_boundaries() -> None:
    with _index_lock:
        _index.clear()


def _built(alias: str) -> tuple[Any, list[tuple[int, int, Any]]]:
    from shapely import STRtree
    from shapely.geometry import shape
    from shapely.prepared import prep

    from .models import Division

    with _index_lock:
        cached = _index.get(alias)
        if cached and time.monotonic() - cached[0] < _INDEX_TTL:
            return cached[1], cached[2]
        rows = (
            Division.objects.using(alias)
            .exclude(boundary=None)
            .values_list("pk", "level", "boundary")
        )
        shapes, entries = [], []
        for pk, level, boundary in rows:
            shaped = shape(boundary)
            shapes.append(shaped)
            entries.append((pk, LEVEL_RANK.get(level, 0), prep(shaped)))
        tree = STRtree(shapes) if shapes else None
        _index[alias] = (time.monotonic(), tree, entries)
        return tree, entries


# Smaller divisions rank higher: a point's smallest division is the one it is placed in.
LEVEL_RANK = {
    "province": 1,
    "city": 2,
    "district": 3,
    "county": 3,
    "county_city": 3,
    "street": 4,
    "township": 4,
    "grid": 5,
}


def place_point(lat: float, lng: float, alias: str = "default") -> Placed:
    """The divisions whose boundaries hold the point (WGS-84), smallest first."""
    from shapely.geometry import Point

    tree, entries = _built(alias)
    if tree is None or not (math.isfinite(lat) and math.isfinite(lng)):
        return Placed(())
    point = Point(lng, lat)
    hits = [entries[i] for i in tree.query(point)]
    inside = sorted(
        ((rank, pk) for pk, rank, prepared in hits if prepared.covers(point)), reverse=True
    )
    return Placed(tuple(pk for _, pk in inside))
