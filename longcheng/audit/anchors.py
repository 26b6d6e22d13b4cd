"""The audit chain's head, written outside the database.

Once a day (and at every `audit_verify`) one JSON line — time, last record id, its hash, the
number of records, the key id — is appended to ``LONGCHENG_AUDIT_ANCHOR_FILE``, opened
append-only. A database administrator who rewrites records (even recomputing every hash) or
deletes the newest ones cannot make the stored chain agree with the lines already written:
`verify_against_anchors` names the first line it contradicts. The monthly bulletin prints the
latest line, so the head is also on paper.

Where a bucket is named (``LONGCHENG_AUDIT_ANCHOR_BUCKET``, on the S3 API of MinIO or the
city's object store, best with Object Lock in compliance mode), every head is also written
there as its own object that is never overwritten (``If-None-Match: *``), so a copy of the heads
lives on another machine than both the database and the application server."""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import AuditAnchor, AuditRecord


@dataclass
class Head:
    at: str
    last_id: int
    last_hash: str
    count: int
    key_id: str


def current_head() -> Head | None:
    last = AuditRecord.objects.order_by("-id").values_list("id", "hash", "key_id").first()
    if last is None:
        return None
    return Head(
        at=timezone.now().isoformat(),
        last_id=last[0],
        last_hash=last[1],
        count=AuditRecord.objects.count(),
        key_id=last[2],
    )


def _path() -> Path:
    return Path(settings.LONGCHENG_AUDIT_ANCHOR_FILE)


OBJECT_PREFIX = "audit-anchors/"


def _bucket_client():
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=settings.LONGCHENG_AUDIT_ANCHOR_ENDPOINT_URL or None,
        aws_access_key_id=settings.LONGCHENG_AUDIT_ANCHOR_ACCESS_KEY or None,
        aws_secret_access_key=settings.LONGCHENG_AUDIT_ANCHOR_SECRET_KEY or None,
        region_name=settings.LONGCHENG_AUDIT_ANCHOR_REGION,
    )


def _object_key(head: Head) -> str:
    # Sorted by record id, then time: listing the prefix gives the heads in order.
    moment = head.at.replace(":", "").replace("-", "")
    return f"{OBJECT_PREFIX}{head.last_id:015d}-{moment}.json"


def _put_object(head: Head, body: bytes) -> None:
    _bucket_client().put_object(
        Bucket=settings.LONGCHENG_AUDIT_ANCHOR_BUCKET,
        Key=_object_key(head),
        Body=body,
        ContentType="application/json",
        IfNoneMatch="*",  # a head once written is never replaced
    )


def object_heads() -> list[Head]:
    """The heads written to the bucket (empty when none is configured)."""
    if not settings.LONGCHENG_AUDIT_ANCHOR_BUCKET:
        return []
    client = _bucket_client()
    heads = []
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=settings.LONGCHENG_AUDIT_ANCHOR_BUCKET, Prefix=OBJECT_PREFIX
    ):
        for item in page.get("Contents", []):
            body = client.get_object(Bucket=settings.LONGCHENG_AUDIT_ANCHOR_BUCKET, Key=item["Key"])
            heads.append(Head(**json.loads(body["Body"].read())))
    return heads


def anchor_head() -> Head | None:
    """Append the current head to the anchor file (append-only, flushed to disk) and, where a
    bucket is named, write it there as a new object."""
    head = current_head()
    if head is None:
        return None
    if settings.LONGCHENG_AUDIT_ANCHOR_BUCKET:
        _put_object(head, json.dumps(head.__dict__, ensure_ascii=False, sort_keys=True).encode())
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(head.__dict__, ensure_ascii=False, sort_keys=True) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return head


def written_heads() -> list[Head]:
    path = _path()
    if not path.exists():
        return []
    heads = []
    for line in path.read_text().splitlines():
        if line.strip():
            heads.append(Head(**json.loads(line)))
    return heads


def latest_head() -> Head | None:
    heads = written_heads()
    return heads[-1] if heads else None


def verify_against_anchors() -> str | None:
    """None when every written head still stands in the database; else what contradicts it."""
    purged = (
        AuditAnchor.objects.order_by("-purged_through_id")
        .values_list("purged_through_id", flat=True)
        .first()
        or 0
    )
    for head in written_heads() + object_heads():
        if head.last_id <= purged:
            continue  # removed by a lawful retention purge, which left its own anchor
        stored = AuditRecord.objects.filter(id=head.last_id).values_list("hash", flat=True).first()
        if stored is None:
            return f"记录 {head.last_id}（{head.at} 锚定）已不存在：审计记录被截断"
        if stored != head.last_hash:
            return f"记录 {head.last_id} 的哈希与 {head.at} 锚定的不符：审计记录被改写"
    return None
