"""Reporters' names and phones are kept for handling and the callback; once a matter has been
archived for the retention period they are cleared (the matter and its figures stay)."""

from django.utils.translation import gettext_lazy as _

from longcheng.core.data_retention import Category
from longcheng.core.fields import with_blind_indexes

from .models import Matter
from .workflow import Status


def _purge_reporter_contacts(before, dry_run: bool) -> int:
    expired = Matter.objects.filter(status=Status.ARCHIVED, archived_at__lt=before).exclude(
        reporter_name="", reporter_phone=""
    )
    if dry_run:
        return expired.count()
    # A bulk update on purpose: no version bump or event, the matter itself does not change.
    return expired.update(**with_blind_indexes(Matter, reporter_name="", reporter_phone=""))


CATEGORIES = [
    Category(
        _("诉求人联系方式（已归档事项）"),
        "LONGCHENG_RETENTION_REPORTER_CONTACT_DAYS",
        _purge_reporter_contacts,
    )
]
