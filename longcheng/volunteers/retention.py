"""Applicants who did not serve: their identity and contacts were needed for selection only.
Once the campaign's service ended more than the retention period ago they are cleared; age,
gender and the funnel's figures stay. Volunteers who served keep theirs (hours certificates)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from longcheng.core.data_retention import Category
from longcheng.core.fields import with_blind_indexes

from .models import Application
from .workflow import Status

CLEARED_NAME = "（已清除）"


def clearable(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Of these applications, those whose identity may go: not selected, not yet cleared."""
    return applications.exclude(status=Status.SELECTED).exclude(full_name=CLEARED_NAME)


def clear_applicants(applications: QuerySet[Application]) -> int:
    count = 0
    for application in clearable(applications).iterator():
        if application.photo:
            application.photo.delete(save=False)
        # The ID number is unique per campaign: a placeholder per record keeps it so.
        Application.objects.filter(pk=application.pk).update(
            **with_blind_indexes(
                Application,
                full_name=CLEARED_NAME,
                id_number=f"X{application.pk}",
                phone="",
                photo="",
            )
        )
        count += 1
    return count


def _purge_unselected(before, dry_run: bool) -> int:
    expired = Application.objects.filter(campaign__service_until__lt=before.date())
    if dry_run:
        return clearable(expired).count()
    return clear_applicants(expired)


CATEGORIES = [
    Category(
        _("未录用志愿者的报名信息（活动结束后）"),
        "LONGCHENG_RETENTION_UNSELECTED_APPLICANT_DAYS",
        _purge_unselected,
    )
]
