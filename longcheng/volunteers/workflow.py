"""Application states and language levels, as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已报名")
    SCREENED_OUT = "screened_out", _("资料审核未通过")
    SCREENED_IN = "screened_in", _("资料审核通过")
    INTERVIEWED = "interviewed", _("已面试")
    SELECTED = "selected", _("拟录用")
    WAITLISTED = "waitlisted", _("候补")
    NOT_SELECTED = "not_selected", _("未录用")
    WITHDRAWN = "withdrawn", _("已退出")


# CEFR levels as numbers, so "at least B2" is a comparison.
LEVELS = [(1, "A1"), (2, "A2"), (3, "B1"), (4, "B2"), (5, "C1"), (6, "C2")]
LEVEL_NAMES = dict(LEVELS)
