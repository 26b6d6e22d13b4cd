"""Reads and signatures around the appeals' public doors: the monitoring point's signed QR
code and the Open311 API keys (only their hash is stored)."""

from __future__ import annotations

import base64
import hashlib

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from longcheng.loop.models import Matter

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


# — The reporter's own link (告知诉求人) —
# Every matter, with or without an appeal (a hotline call has no tracking code), gets a short
# link in its messages: the matter's id in base 36 after a 10-character keyed MAC (60 bits).
# Only the reporter's phone receives it; it opens the progress, the rating and the opt-out.

_MATTER_SALT = "longcheng.appeals.matter-link"
_MAC_LENGTH = 10
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _BASE36[rest] + digits
        if not number:
            return digits


def _mac(pk: int) -> str:
    digest = salted_hmac(_MATTER_SALT, str(pk), algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:_MAC_LENGTH]


def matter_token(matter) -> str:
    return _mac(matter.pk) + _base36(matter.pk)


def matter_from_token(token: str):
    """The matter a link names, or None for a damaged or forged link."""
    if not (_MAC_LENGTH < len(token) <= _MAC_LENGTH + 13):
        return None
    mac, digits = token[:_MAC_LENGTH], token[_MAC_LENGTH:]
    if any(c not in _BASE36 for c in digits):
        return None
    pk = int(digits, 36)
    if not constant_time_compare(mac, _mac(pk)):
        return None
    return Matter.objects.filter(pk=pk).first()
