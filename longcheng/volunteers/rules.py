"""Pure rules of volunteer recruitment: the service days of a campaign, an applicant's age on
a day, why an applicant does not meet a position, and the publicity's period in working days,
its changes and what the confirmation waits for. No database writes, no request."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.core import calendar, clock

from .models import Application, CheckinReview, Position, RecruitmentCampaign, Score
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


def age_problem(birth: datetime.date, campaign: RecruitmentCampaign) -> str | None:
    """Why an applicant born on `birth` is outside the campaign's age limits, counted on the
    first service day, in a sentence naming the limits; None when the age fits."""
    age = age_on(birth, campaign.service_from)
    if campaign.min_age <= age <= campaign.max_age:
        return None
    return _(
        "本次招募要求服务开始日（%(d)s）年满 %(lo)d 周岁且不超过 %(hi)d 周岁；"
        "按身份证号码，您届时 %(a)d 周岁，不符合年龄要求。"
    ) % {"d": campaign.service_from, "lo": campaign.min_age, "hi": campaign.max_age, "a": age}


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


# — Interview marks —

# A mark is 0–100 in the stored precision: the column's digits and places (Score.value), which
# the judge's form field and its HTML input (step, min, max) take from here.
_SCORE_COLUMN = Score._meta.get_field("value")
SCORE_DIGITS: int = _SCORE_COLUMN.max_digits  # type: ignore[assignment]
SCORE_PLACES: int = _SCORE_COLUMN.decimal_places  # type: ignore[assignment]
SCORE_MIN, SCORE_MAX = Decimal(0), Decimal(100)


def score_problem(name: str, value: Decimal) -> str | None:
    """Why a mark cannot be stored as it is (out of 0–100, or finer than the column keeps)."""
    if not value.is_finite() or not SCORE_MIN <= value <= SCORE_MAX:
        return _("“%(n)s”的分数须在 0 到 100 之间。") % {"n": name}
    if value != value.quantize(Decimal(1).scaleb(-SCORE_PLACES)):
        return _("“%(n)s”的分数最多保留 %(p)d 位小数。") % {"n": name, "p": SCORE_PLACES}
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


# — Service hours —


def credited_hours(
    *,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    checked_in_at: datetime.datetime | None,
    checked_out_at: datetime.datetime | None,
    review: str,
    now: datetime.datetime,
) -> float:
    """服务时长 of one shift, the rule `HOURS_RULE` states: from the check-in (the shift's start
    if earlier) to the check-out (the shift's end if later, or if the volunteer did not check
    out), never past now; a check-in after the shift's end counts only once a staff member
    accepts it, and then for the whole shift."""
    if review == CheckinReview.ACCEPTED:
        return round((ends_at - starts_at).total_seconds() / 3600, 2)
    if checked_in_at is None or review in (CheckinReview.PENDING, CheckinReview.REFUSED):
        return 0.0
    begin = max(checked_in_at, starts_at)
    end = min(checked_out_at or ends_at, ends_at, now)
    return round(max(0.0, (end - begin).total_seconds() / 3600), 2)


def hours_rule() -> str:
    """The sentence every page that shows hours prints: what `credited_hours` counts."""
    return _(
        "服务时长按班次计算：自签到时起（早于班次开始的，自班次开始起）至签退时止"
        "（晚于班次结束或未签退的，至班次结束止）。班次结束后才签到的不自动计入，"
        "须组织单位工作人员审核：认可的按整个班次计入，不予认可的不计入。"
    )


def is_late_checkin(ends_at: datetime.datetime, now: datetime.datetime) -> bool:
    """A check-in after the shift's end: it waits for a staff member's review."""
    return now > ends_at
