"""Pure rules of volunteer recruitment: the service days of a campaign, an applicant's age on
a day, and why an applicant does not meet a position. No database writes, no request."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.core import clock

from .models import Application, Position, RecruitmentCampaign
from .workflow import LEVEL_NAMES


def today() -> datetime.date:
    return timezone.localtime(clock.now()).date()


def applications_closed(campaign: RecruitmentCampaign) -> bool:
    return today() > campaign.apply_until


def service_dates(campaign: RecruitmentCampaign) -> list[datetime.date]:
    days = (campaign.service_until - campaign.service_from).days + 1
    return [campaign.service_from + datetime.timedelta(days=i) for i in range(days)]


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def why_not(
    application: Application, position: Position, certified: set[tuple[str, str]]
) -> str | None:
    """The requirement an applicant does not meet for a position, in a sentence."""
    if position.language and position.language_level:
        level = application.level(position.language)
        if level < position.language_level:
            return _("%(l)s水平低于 %(r)s") % {
                "l": position.language,
                "r": LEVEL_NAMES[position.language_level],
            }
    if position.certificate and (application.id_number, position.certificate) not in certified:
        return _("未持有%(c)s证书") % {"c": position.certificate}
    return None
