"""Retention: applicants not selected are cleared after the period; those who served are not."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from longcheng.ops.purge import retention_purge
from longcheng.volunteers.models import Application
from longcheng.volunteers.workflow import Status

from .conftest import apply

pytestmark = pytest.mark.django_db
CATEGORY = "未录用志愿者的报名信息（活动结束后）"


def test_unselected_applicants_are_cleared_after_the_period(forum, settings):
    settings.LONGCHENG_RETENTION_UNSELECTED_APPLICANT_DAYS = 180
    served = apply(forum, "李明")
    not_selected = apply(forum, "王芳")
    Application.objects.filter(pk=served.pk).update(status=Status.SELECTED)
    Application.objects.filter(pk=not_selected.pk).update(status=Status.NOT_SELECTED)
    service_end = forum.campaign.service_until
    during = timezone.make_aware(datetime.datetime.combine(service_end, datetime.time(12)))
    with time_machine.travel(during + datetime.timedelta(days=100)):
        assert retention_purge()[CATEGORY] == 0
    with time_machine.travel(during + datetime.timedelta(days=182)):
        assert retention_purge()[CATEGORY] == 1
    cleared = Application.objects.get(pk=not_selected.pk)
    assert cleared.full_name == "（已清除）" and cleared.phone == ""
    assert not_selected.id_number not in cleared.id_number
    assert cleared.birth_date == not_selected.birth_date  # the funnel's figures stay
    kept = Application.objects.get(pk=served.pk)
    assert (kept.full_name, kept.id_number) == ("李明", served.id_number)
