"""Pure rules of volunteer recruitment: the service days of a campaign, an applicant's age on
a day, why an applicant does not meet a position, and the publicity's period in working days,
its changes and what the confirmation waits for. No database writes, no request."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.core import calendar, clock

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


# — Publicity —

# A member of a published list: [application id, position id] (JSON, so a list).
Member = Sequence[int | None]


def publicity_last_day(published: datetime.date, working_days: int) -> datetime.date:
    """The last day of a publicity period of `working_days` Chinese working days (调休
    included), counted from the day after publication: the period ends at the end of that day."""
    return calendar.add_working_days(published, working_days)


def publicity_open(until: datetime.date, day: datetime.date) -> bool:
    """Objections are taken until the end of the last working day of the period."""
    return day <= until


def members_changed(
    before: Iterable[Member], after: Iterable[Member]
) -> tuple[list[list[int | None]], list[list[int | None]]]:
    """Who is on the list now and was not (added), who was and is not (removed); moving to
    another position is both."""
    old, new = {tuple(m) for m in before}, {tuple(m) for m in after}
    return (
        [list(m) for m in sorted(new - old, key=lambda m: m[0] or 0)],
        [list(m) for m in sorted(old - new, key=lambda m: m[0] or 0)],
    )


def confirmation_problems(
    *,
    until: datetime.date | None,
    day: datetime.date,
    unanswered: int,
    rerun_needed: bool,
    confirmed: bool,
) -> list[str]:
    """Why the selection cannot be confirmed yet, each sentence naming its rule; none: it can."""
    if confirmed:
        return [_("录用名单已确认，不能重复确认。")]
    if until is None:
        return [_("名单尚未公示：拟录用名单须经公示后方可确认录用。")]
    problems = []
    if publicity_open(until, day):
        problems.append(
            _("公示期至 %(d)s（含当日）尚未届满：公示期满后方可确认录用。") % {"d": until}
        )
    if unanswered:
        problems.append(
            _("尚有 %(n)d 条公示异议未答复：每条异议均须记录答复后方可确认录用。")
            % {"n": unanswered}
        )
    if rerun_needed:
        problems.append(_("分配运行后评分有更正：请重新运行录用分配（名单变更将重新公示）。"))
    return problems
