"""The hash chain: how a record's hash is computed and how the chain is checked."""

import hashlib
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


def record_hash(prev_hash: str, record) -> str:
    payload = prev_hash + canonical(record_content(record))
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class ChainBreak:
    record_id: int
    reason: str


def find_first_break(records: Iterable, start: str = GENESIS) -> tuple[int, ChainBreak | None]:
    """Walk records in id order from `start` (the genesis, or the anchor a retention purge
    left); return (count checked, first break or None)."""
    expected_prev = start
    count = 0
    for record in records:
        count += 1
        if record.prev_hash != expected_prev:
            return count, ChainBreak(record.pk, "prev_hash")
        if record_hash(record.prev_hash, record) != record.hash:
            return count, ChainBreak(record.pk, "hash")
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
