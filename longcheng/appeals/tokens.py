"""Reads and signatures around the appeals' public doors: the monitoring point's signed QR
code and the Open311 API keys (only their hash is stored)."""

from __future__ import annotations

import hashlib

from django.core import signing

from .models import ApiKey, MonitoringPoint

_POINT_SALT = "longcheng.appeals.point"


def point_token(point: MonitoringPoint) -> str:
    """The point's code, signed: changing it to another point's code breaks the signature."""
    return signing.Signer(salt=_POINT_SALT).sign(point.code)


def point_from_token(token: str) -> MonitoringPoint | None:
    try:
        code = signing.Signer(salt=_POINT_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return MonitoringPoint.objects.filter(code=code, is_active=True).first()


def api_key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_lookup(raw: str) -> ApiKey | None:
    if not raw:
        return None
    return ApiKey.objects.filter(key_hash=api_key_hash(raw), revoked_at__isnull=True).first()
