"""What an audit record keeps: before/after snapshots of a record, the fields that changed,
details with personal data masked, and how long records are kept."""

import datetime
import re

from django.conf import settings
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone

from longcheng.core.calendar import add_months
from longcheng.core.masking import mask_id_number, mask_phone

# A mainland mobile number, or an 18-digit resident ID number (15-digit old ones too).
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dXx])(\d{17}[\dXx]|\d{15})(?![\dXx])")


def scrub_personal_data(value):
    """The audit log keeps who did what, never the personal data itself: phone and ID numbers
    inside a record's details (a search filter, a note) are stored masked."""
    if isinstance(value, str):
        value = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), value)
        return _PHONE.sub(lambda m: mask_phone(m.group(0)), value)
    if isinstance(value, dict):
        return {k: scrub_personal_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_personal_data(v) for v in value]
    return value


def changed_fields(before: dict, after: dict) -> list[str]:
    return sorted(k for k in after if before.get(k) != after.get(k))


def model_snapshot(instance: Model) -> dict:
    """The editable fields of a record as strings, for before/after digests."""
    return {k: (None if v is None else str(v)) for k, v in model_to_dict(instance).items()}


# 《网络安全法》第二十一条第（三）项: network logs are kept for no less than six months —
# calendar months, not a count of days (six months back from 31 August is 29 February).
MIN_RETENTION_MONTHS = 6


def retention_months() -> int:
    return max(MIN_RETENTION_MONTHS, settings.LONGCHENG_AUDIT_RETENTION_MONTHS)


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same wall-clock time `months` calendar months earlier; a day the month lacks
    becomes its last day (31 August − 6 months = 28 or 29 February)."""
    day = add_months(moment.date(), -months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def retention_floor(now: datetime.datetime) -> datetime.datetime:
    """The oldest moment a record may have and still be purged: `retention_months()` calendar
    months before `now`, counted on the local calendar (Asia/Shanghai)."""
    local = now.astimezone(timezone.get_current_timezone())
    return months_before(local, retention_months())
