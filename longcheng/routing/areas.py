"""Hot spots drawn as areas: the ground a hot spot's matters cover, for the hot spot page and
as a layer of the matters map (registered with loop.map_views).

The area is the convex hull of the matters' points widened by BUFFER_METRES (one matter is a
circle, two a rounded strip), computed in a local metric plane (degrees of longitude shrink
by cos(latitude)) so the margin is as wide north-south as east-west. Only the matters the
viewer may see count: a unit's area is drawn from its own matters, as its hot spot counts
them (hotspots.clusters_visible_to)."""

from __future__ import annotations

import math

from django.urls import reverse
from django.utils.translation import gettext as _

from longcheng.loop.selectors import matters_visible_to

from .hotspots import clusters_visible_to
from .models import HotSpotReport

BUFFER_METRES = 150.0
_METRES_PER_DEGREE = 111_320.0


def hull_area(points: list[tuple[float, float]], buffer_metres: float = BUFFER_METRES):
    """The buffered convex hull of (lat, lng) points as a GeoJSON Polygon (WGS-84), or None."""
    from shapely import affinity
    from shapely.geometry import MultiPoint, mapping

    points = [(lat, lng) for lat, lng in points if math.isfinite(lat) and math.isfinite(lng)]
    if not points:
        return None
    lat0 = sum(lat for lat, _lng in points) / len(points)
    scale_x = _METRES_PER_DEGREE * math.cos(math.radians(lat0))
    plane = MultiPoint([(lng * scale_x, lat * _METRES_PER_DEGREE) for lat, lng in points])
    area = plane.convex_hull.buffer(buffer_metres, quad_segs=8)
    back = affinity.scale(
        area, xfact=1 / scale_x, yfact=1 / _METRES_PER_DEGREE, origin=(0, 0)
    ).simplify(1e-6)
    shape = mapping(back)
    return {
        "type": shape["type"],
        "coordinates": [
            [[round(x, 6), round(y, 6)] for x, y in ring] for ring in shape["coordinates"]
        ],
    }


def hotspot_areas(user, report: HotSpotReport | None = None) -> dict:
    """The latest (or given) report's hot spots as a GeoJSON FeatureCollection of areas, each
    with the hot spot's category, count, how many of its matters have a point, and its link."""
    report = report or HotSpotReport.objects.first()
    features: list[dict] = []
    if report is None:
        return {"type": "FeatureCollection", "features": features}
    clusters = clusters_visible_to(user, report)
    numbers = {n for c in clusters for n in c.get("numbers", [])}
    points = {
        number: (float(lat), float(lng))
        for number, lat, lng in matters_visible_to(user)
        .filter(number__in=numbers, latitude__isnull=False, longitude__isnull=False)
        .values_list("number", "latitude", "longitude")
    }
    for cluster in clusters:
        placed = [points[n] for n in cluster.get("numbers", []) if n in points]
        geometry = hull_area(placed)
        if geometry is None:
            continue
        count = cluster.get("mine") or cluster["count"]
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "index": cluster["index"],
                    "category": cluster["category"],
                    "count": count,
                    "placed": len(placed),
                    "label": _("热点：%(c)s（%(n)s 件，%(p)s 件有位置）")
                    % {"c": cluster["category"], "n": count, "p": len(placed)},
                    "url": reverse("routing:hotspot_matters", args=[report.pk, cluster["index"]]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def hotspot_map_layer(user):
    """The matters map's layer (loop.map_views.register_map_layer): for whoever sees hot spots."""
    from longcheng.accounts.roles import Role

    if getattr(user, "role", None) not in (Role.LEADER, Role.DISPATCHER):
        return None
    from longcheng.loop.map_views import MapLayer

    areas = hotspot_areas(user)
    if not areas["features"]:
        return None
    return MapLayer(key="hotspots", label=_("热点区域"), features=areas)
