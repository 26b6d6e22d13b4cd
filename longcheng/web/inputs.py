"""The one home for reading a number, a date or an id typed into a form that has no Django
form of its own yet: each goes through a bounded Django field, and a bad value is refused
with a message that names the field (never a server error)."""

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _

from longcheng.core.bounds import FIRST_YEAR, LAST_YEAR
from longcheng.core.errors import LongchengError


class MoneyField(forms.DecimalField):
    """A finite amount in a DECIMAL column's digits; thousands separators allowed."""

    def __init__(self, *, max_digits: int = 14, decimal_places: int = 2, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("，", "").strip()
        return super().to_python(value)


class DayField(forms.DateField):
    """A date between 1900 and 2100."""

    def validate(self, value):
        super().validate(value)
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("日期须在 %(a)d 年至 %(b)d 年之间。") % {"a": FIRST_YEAR, "b": LAST_YEAR}
            )


# The largest id a column holds (every model's key is a 64-bit BigAutoField).
MAX_ID = 2**63 - 1


class RecordIdField(forms.IntegerField):
    """A primary key: a positive integer that fits the column."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def record_id(value) -> int | None:
    """An id typed or posted by the user, or None when it is not one (so a lookup finds
    nothing and the page answers 404 or its own message, never a database error)."""
    try:
        return RecordIdField().clean(value)
    except forms.ValidationError:
        return None


def record_ids(values) -> list[int]:
    """The ids among posted values (a multiple choice); anything else is dropped."""
    return [i for i in (record_id(v) for v in values) if i is not None]


def _clean(field: forms.Field, value, label: str):
    try:
        return field.clean(value)
    except forms.ValidationError as error:
        raise LongchengError(
            _("“%(l)s”填写有误：%(e)s") % {"l": label, "e": " ".join(error.messages)}
        ) from None


def money(
    value, label: str, *, required: bool = True, max_digits: int = 14, decimal_places: int = 2
) -> Decimal | None:
    field = MoneyField(max_digits=max_digits, decimal_places=decimal_places, required=required)
    return _clean(field, value, label)


def day(value, label: str, *, required: bool = True) -> datetime.date | None:
    return _clean(DayField(required=required), value, label)


def whole(value, label: str, *, low: int, high: int, required: bool = True) -> int | None:
    return _clean(
        forms.IntegerField(min_value=low, max_value=high, required=required), value, label
    )
