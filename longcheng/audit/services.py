"""Writing the audit trail. Call `audit_record` inside the transaction of the change it
describes, so the change and its record commit or roll back together."""

from django.db import connection, transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone

from .chain import GENESIS, digest, record_hash
from .context import current_ip
from .models import Action, AuditRecord

# Arbitrary constant naming the PostgreSQL advisory lock that serialises chain appends.
_CHAIN_LOCK_KEY = 0x4C4F4E47  # "LONG"


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions begin IMMEDIATE (see settings), so writers are already serialised.


def audit_record(
    *,
    actor,
    action: Action | str,
    target: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    detail: dict | None = None,
    ip: str | None = None,
    actor_repr: str = "",
) -> AuditRecord:
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        object_repr = object_repr or str(target)[:200]
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        _lock_chain()
        last = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first()
        record = AuditRecord(
            at=timezone.now(),
            actor=actor if is_user else None,
            actor_repr=actor_repr or (actor.username if is_user else "anonymous"),
            ip=ip if ip is not None else current_ip.get(),
            action=str(action),
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:200],
            before_digest=digest(before),
            after_digest=digest(after),
            detail=detail or {},
            prev_hash=last or GENESIS,
        )
        # Microsecond precision survives every backend, so the hash recomputes identically.
        record.hash = record_hash(record.prev_hash, record)
        record.save()
    return record


def changed_fields(before: dict, after: dict) -> list[str]:
    return sorted(k for k in after if before.get(k) != after.get(k))


def model_snapshot(instance: Model) -> dict:
    """The editable fields of a record as strings, for before/after digests."""
    return {k: (None if v is None else str(v)) for k, v in model_to_dict(instance).items()}
