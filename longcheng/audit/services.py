"""Writing the audit trail. Call `audit_record` inside the transaction of the change it
describes, so the change and its record commit or roll back together."""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.core.errors import LongchengError
from longcheng.core.transactions import keep_if_rolled_back, service

from .chain import (
    GENESIS,
    current_key_id,
    digest,
    record_hash,
    verify_stored_chain,
)
from .context import current_ip
from .models import Action, AuditAlert, AuditAnchor, AuditRecord
from .snapshots import retention_floor, retention_months, scrub_personal_data

logger = logging.getLogger("longcheng.audit")
# Who is mailed when the chain breaks: the audit and security administrators. The audit log
# sits below the accounts app, so it names the role codes (accounts.roles.Role) as text; a test
# keeps the two in step.
ALERT_ROLES = ("auditor", "secadmin")

# Arbitrary constant naming the PostgreSQL advisory lock that serialises chain appends.
_CHAIN_LOCK_KEY = 0x4C4F4E47  # "LONG"


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions begin IMMEDIATE (see settings), so writers are already serialised.


@service
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
            detail=scrub_personal_data(detail or {}),
            prev_hash=last or GENESIS,
            key_id=current_key_id(),
        )
        # Microsecond precision survives every backend, so the hash recomputes identically.
        record.hash = record_hash(record.prev_hash, record)
        record.save()
    return record


@service
def audit_refusal(*, actor, what: str, target: Model | None = None, detail: dict | None = None):
    """A refused reveal, export or forbidden action is a security event: who tried what. The
    service that refuses rolls back; this record is written again after it (core.transactions)."""

    def write():
        return audit_record(
            actor=actor,
            action=Action.REFUSED,
            target=target,
            object_type="" if target is not None else "request",
            object_repr=what[:200] if target is None else "",
            detail={"refused": what[:200], **(detail or {})},
        )

    record = write()
    keep_if_rolled_back(write)
    return record


@service
def audit_purge(*, before: datetime.datetime, actor_repr: str) -> AuditAnchor:
    """Remove the records older than `before` — never younger than the retention period,
    never a broken chain (that is evidence) — and leave an anchor the verification starts
    from. On PostgreSQL the trigger lets a DELETE through only inside this function's
    transaction and only for records older than six calendar months (migration 0008).
    网络安全法 Art. 21(3): network logs are kept for no less than six months."""
    now = timezone.now()
    floor = retention_floor(now)
    if before > floor:
        raise LongchengError(
            _(
                "审计记录至少保存 %(n)d 个月（《网络安全法》第二十一条）："
                "只能清理 %(d)s 之前的记录。"
            )
            % {"n": retention_months(), "d": floor.strftime("%Y-%m-%d %H:%M")}
        )
    with transaction.atomic():
        _lock_chain()
        _count, broken = verify_stored_chain()
        if broken is not None:
            raise LongchengError(
                _("审计链在记录 %(id)s 处断裂：断裂处是证据，查明原因之前不能清理。")
                % {"id": broken.record_id}
            )
        first_kept = (
            AuditRecord.objects.filter(at__gte=before)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        doomed = AuditRecord.objects.filter(at__lt=before)
        if first_kept is not None:
            doomed = doomed.filter(id__lt=first_kept)  # only a prefix of the chain goes
        last = doomed.order_by("-id").first()
        if last is None:
            raise LongchengError(
                _("%(d)s 之前没有可清理的审计记录。") % {"d": f"{before:%Y-%m-%d}"}
            )
        count = doomed.count()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL longcheng.audit_purge = 'on'")
        doomed.delete()
        anchor = AuditAnchor.objects.create(
            purged_through_id=last.pk,
            anchor_hash=last.hash,
            count=count,
            before=before,
            at=now,
            actor_repr=actor_repr,
        )
        audit_record(
            actor=None,
            actor_repr=actor_repr,
            action=Action.PURGE,
            object_type="audit.auditrecord",
            object_repr=f"≤ #{last.pk}",
            detail={"count": count, "through_id": last.pk, "anchor": last.hash},
        )
    return anchor


@service
def audit_alert_raise(*, record_id: int, checked: int, reason: str) -> AuditAlert:
    """One open alert per broken record, logged as critical and mailed (after the commit) to
    the audit and security administrators."""
    alert, created = AuditAlert.objects.get_or_create(
        record_id=record_id, handled_at=None, defaults={"checked": checked, "reason": reason}
    )
    if created:
        message = f"审计链在第 {checked} 条记录（id={record_id}）处断裂：{reason}"
        logger.critical(message)
        recipients = list(
            get_user_model()
            .objects.filter(role__in=ALERT_ROLES, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if recipients:
            transaction.on_commit(
                lambda: send_mail(
                    "【龙城】审计链断裂告警", message, None, recipients, fail_silently=True
                )
            )
    return alert
