"""Which division a point lies in, as a record (a helper on top of `core.geo.place_point`, for
the apps that create matters with a point)."""

from __future__ import annotations

import math
from typing import Any

from . import geo
from .models import Division


def division_at(lat: Any, lng: Any, system: str = geo.WGS84) -> Division | None:
    """The smallest division (grid, street, district …) whose boundary holds the point, or
    None: outside every boundary, or no usable point (None, not a number)."""
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lng)):
        return None
    lat, lng = geo.to_wgs84(lat, lng, system)
    smallest = geo.place_point(lat, lng).smallest
    if not smallest:
        return None
    # The boundary itself (thousands of points for a district) is not needed by the caller.
    return Division.objects.defer("boundary").filter(pk=smallest).first()
