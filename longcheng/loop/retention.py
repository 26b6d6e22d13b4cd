"""Reporters' names and phones are kept for handling and the callback; once a matter has been
archived for the retention period they are cleared (the matter and its figures stay). A matter
under 保全 (legal hold) keeps them, whatever the period or a deletion request says."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from longcheng.core.data_retention import Category
from longcheng.core.fields import with_blind_indexes

from .models import Matter
from .workflow import Status


def clearable(matters: QuerySet[Matter]) -> QuerySet[Matter]:
    """Of these matters, those whose reporter data may go: archived, not held, not yet cleared."""
    return matters.filter(status=Status.ARCHIVED, legal_hold="").exclude(
        reporter_name="", reporter_phone=""
    )


def clear_reporter_contacts(matters: QuerySet[Matter]) -> int:
    # A bulk update on purpose: no version bump or event, the matter itself does not change.
    return clearable(matters).update(
        **with_blind_indexes(Matter, reporter_name="", reporter_phone="")
    )


def _purge_reporter_contacts(before, dry_run: bool) -> int:
    expired = Matter.objects.filter(archived_at__lt=before)
    if dry_run:
        return clearable(expired).count()
    return clear_reporter_contacts(expired)


CATEGORIES = [
    Category(
        _("诉求人联系方式（已归档事项）"),
        "LONGCHENG_RETENTION_REPORTER_CONTACT_DAYS",
        _purge_reporter_contacts,
    )
]
