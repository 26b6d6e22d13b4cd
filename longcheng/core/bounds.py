"""No number or date that cannot be read back is ever stored.

A decimal like 1e999999 fits no column: SQLite keeps it, then every page that reads it fails
for every user. Forms bound what they parse, but a value can reach a model by other paths (an
API, an import, a service called from a task), so the last guard is at the save itself: every
model of the platform refuses a non-finite decimal, one with more digits than its column, or a
date outside 1900–2100, with a message that names the field."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

from .errors import LongchengError

FIRST_YEAR, LAST_YEAR = 1900, 2100


class ValueOutOfBounds(LongchengError):
    pass


def decimal_problem(value, max_digits: int, decimal_places: int) -> str | None:
    """Why `value` cannot be stored in a DECIMAL(max_digits, decimal_places), or None."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return _("不是有效数字")
    if not number.is_finite():
        return _("不是有限的数字")
    whole_digits = max_digits - decimal_places
    if abs(number) >= Decimal(10) ** whole_digits:
        return _("超出范围（整数部分最多 %(n)d 位）") % {"n": whole_digits}
    return None


def date_problem(value) -> str | None:
    if isinstance(value, datetime.date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        return _("日期须在 %(a)d 年至 %(b)d 年之间") % {"a": FIRST_YEAR, "b": LAST_YEAR}
    return None


def check_bounds(instance: models.Model) -> None:
    problems = []
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if value is None or value == "":
            continue
        if isinstance(field, models.DecimalField):
            problem = decimal_problem(value, field.max_digits, field.decimal_places)
        elif isinstance(field, models.DateField):  # DateTimeField is a DateField too
            problem = date_problem(value)
        else:
            continue
        if problem:
            problems.append(f"“{field.verbose_name}”{problem}")
    if problems:
        raise ValueOutOfBounds("；".join(problems) + "。")


def _guard(sender, instance, raw=False, **kwargs):
    if not raw and sender.__module__.startswith("longcheng."):
        check_bounds(instance)


def connect() -> None:
    pre_save.connect(_guard, dispatch_uid="longcheng.core.bounds")
