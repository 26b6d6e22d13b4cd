"""Project stages and the three colours (三色督办) as data. The rule that picks a colour, and
the badge each colour is shown as, live in `rules.py` (one pure function each)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PREPARATION = "preparation", _("前期")
    CONSTRUCTION = "construction", _("在建")
    OPERATION = "operation", _("投产")


class Colour(models.TextChoices):
    GREEN = "green", _("绿色")
    YELLOW = "yellow", _("黄色")
    RED = "red", _("红色")
