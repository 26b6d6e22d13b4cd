"""Where a photo was taken: the position a phone sends with it, checked before it is stored
(inspection photos, enforcement evidence)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def photo_position(latitude, longitude, accuracy) -> tuple[Decimal, Decimal, int | None] | None:
    """The position the phone sent with a photo, rounded to the columns (about 0.1 m), or None
    when the phone sent none or one that cannot be a place on Earth (the photo is still kept:
    it then says 未获取位置)."""
    try:
        lat = Decimal(str(latitude)).quantize(Decimal("0.000001"))
        lon = Decimal(str(longitude)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not (lat.is_finite() and lon.is_finite() and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    metres: int | None
    try:
        metres = round(float(accuracy))
    except (ValueError, TypeError, OverflowError):
        metres = None
    if metres is not None and not 0 <= metres <= 100_000:
        metres = None
    return lat, lon, metres
