"""The daily run of every app's retention categories (core.data_retention), audited."""

import datetime

from django.db import transaction
from django.utils import timezone

from longcheng.audit.models import Action
from longcheng.audit.services import audit_record
from longcheng.core.data_retention import categories


def retention_purge(*, dry_run: bool = False, now: datetime.datetime | None = None) -> dict:
    """{category name: records cleared (or that would be)}."""
    now = now or timezone.now()
    counts = {}
    for category in categories():
        before = now - datetime.timedelta(days=category.days)
        with transaction.atomic():
            count = category.purge(before, dry_run)
            if count and not dry_run:
                audit_record(
                    actor=None,
                    actor_repr="retention",
                    action=Action.RETENTION_PURGE,
                    object_type="retention",
                    object_repr=str(category.name),
                    detail={"cleared": count, "before": before.isoformat()},
                )
        counts[str(category.name)] = count
    return counts
