"""The hash chain: how a record's hash is computed and how the chain is checked.

Each record's hash is an HMAC-SHA256 under an audit key kept outside the database
(``LONGCHENG_AUDIT_KEYS``: ``id:base64,...``, the first signs, all verify; rotated like the
field keys), over the previous hash and the record's content. Someone who can rewrite the
database but lacks the key cannot forge a chain that verifies. Records made before keying keep
their plain SHA-256 and verify as such, but once a keyed record appears every later one must be
keyed. The head (id, hash, count) is also written daily outside the database (audit.anchors),
so a rewritten or truncated tail shows against it."""

import base64
import functools
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def digest(value) -> str:
    if value is None:
        return ""
    return hashlib.sha256(canonical(value).encode()).hexdigest()


def record_content(record) -> dict:
    return {
        "at": record.at.isoformat(),
        "actor_id": record.actor_id,
        "actor_repr": record.actor_repr,
        "ip": record.ip,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        "before_digest": record.before_digest,
        "after_digest": record.after_digest,
        "detail": record.detail,
    }


class UnknownAuditKey(Exception):
    pass


@functools.lru_cache(maxsize=8)
def _keyring(setting: str, secret: str) -> tuple[tuple[str, bytes], ...]:
    from django.core.exceptions import ImproperlyConfigured

    if not setting:  # development and the demo: a fixed key derived from SECRET_KEY
        derived = hmac.new(secret.encode(), b"longcheng audit chain", hashlib.sha256).digest()
        return (("dev", derived),)
    keys = []
    for part in setting.split(","):
        key_id, sep, text = part.strip().partition(":")
        if not sep or not key_id or len(key_id) > 16:
            raise ImproperlyConfigured("LONGCHENG_AUDIT_KEYS: each key is written id:base64.")
        try:
            key = base64.b64decode(text, validate=True)
        except ValueError:
            raise ImproperlyConfigured(f"LONGCHENG_AUDIT_KEYS key {key_id}: not base64.") from None
        if len(key) < 32:
            raise ImproperlyConfigured(f"LONGCHENG_AUDIT_KEYS key {key_id}: at least 32 bytes.")
        keys.append((key_id, key))
    return tuple(keys)


def keyring() -> tuple[tuple[str, bytes], ...]:
    from django.conf import settings

    return _keyring(settings.LONGCHENG_AUDIT_KEYS, settings.SECRET_KEY)


def current_key_id() -> str:
    return keyring()[0][0]


def record_hash(prev_hash: str, record) -> str:
    payload = (prev_hash + canonical(record_content(record))).encode()
    key_id = getattr(record, "key_id", "")
    if not key_id:
        return hashlib.sha256(payload).hexdigest()
    key = dict(keyring()).get(key_id)
    if key is None:
        raise UnknownAuditKey(key_id)
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


@dataclass
class ChainBreak:
    record_id: int
    reason: str


def find_first_break(records: Iterable, start: str = GENESIS) -> tuple[int, ChainBreak | None]:
    """Walk records in id order from `start` (the genesis, or the anchor a retention purge
    left); return (count checked, first break or None)."""
    expected_prev = start
    count = 0
    keyed = False
    for record in records:
        count += 1
        if record.prev_hash != expected_prev:
            return count, ChainBreak(record.pk, "prev_hash")
        if keyed and not record.key_id:
            return count, ChainBreak(record.pk, "unkeyed")  # a downgrade after keying began
        keyed = keyed or bool(record.key_id)
        try:
            if not hmac.compare_digest(record_hash(record.prev_hash, record), record.hash):
                return count, ChainBreak(record.pk, "hash")
        except UnknownAuditKey:
            return count, ChainBreak(record.pk, "key")
        expected_prev = record.hash
    return count, None


def verify_stored_chain() -> tuple[int, ChainBreak | None]:
    """Check every stored record, streaming them in id order."""
    from .models import AuditAnchor, AuditRecord

    anchor = AuditAnchor.objects.order_by("-purged_through_id").first()
    records = AuditRecord.objects.order_by("id")
    if anchor is not None:
        records = records.filter(id__gt=anchor.purged_through_id)
    stream = records.iterator(chunk_size=2000)
    try:
        return find_first_break(stream, anchor.anchor_hash if anchor else GENESIS)
    finally:
        # Close the server-side cursor now, not whenever the generator is collected.
        stream.close()  # type: ignore[attr-defined]  # a generator at run time
