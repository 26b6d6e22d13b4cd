"""Reads for volunteers: who manages a campaign, the funnel, the publicity rounds and the
objections waiting for an answer, rosters and hours."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import unit_filter
from longcheng.core import calendar
from longcheng.web.access import is_business_staff
from longcheng.web.home import NavItem
from longcheng.web.queues import QueueRow, WorkQueue

from . import rules, solvers
from .models import (
    Application,
    Assignment,
    CheckinReview,
    Objection,
    Position,
    PublicityRound,
    RecruitmentCampaign,
    Score,
    Venue,
)
from .workflow import Status


def campaigns_managed_by(user) -> QuerySet[RecruitmentCampaign]:
    if not is_business_staff(user):
        return RecruitmentCampaign.objects.none()
    condition = unit_filter(user, "unit")
    queryset = RecruitmentCampaign.objects.all()
    return queryset if condition is None else queryset.filter(condition)


def judged_by(user) -> QuerySet[RecruitmentCampaign]:
    return RecruitmentCampaign.objects.filter(sessions__judges=user).distinct()


def funnel(campaign: RecruitmentCampaign) -> list[tuple[str, int]]:
    statuses = Counter(campaign.applications.values_list("status", flat=True))
    applied = sum(statuses.values())
    screened_in = applied - statuses[Status.SCREENED_OUT] - statuses[Status.SUBMITTED]
    interviewed = sum(
        statuses[s]
        for s in (Status.INTERVIEWED, Status.SELECTED, Status.WAITLISTED, Status.NOT_SELECTED)
    )
    on_duty = (
        counted_checkins(Assignment.objects.filter(application__campaign=campaign))
        .values("application")
        .distinct()
        .count()
    )
    return [
        (str(_("报名")), applied),
        (str(_("资料审核通过")), screened_in),
        (str(_("已面试")), interviewed),
        (str(_("拟录用")), statuses[Status.SELECTED]),
        (str(_("已上岗")), on_duty),
    ]


def needs_rerun(campaign: RecruitmentCampaign) -> bool:
    """A mark changed after the latest allocation: the list no longer follows the scores."""
    return RecruitmentCampaign.objects.filter(pk=campaign.pk, rerun_needed=True).exists()


def selected_members(campaign: RecruitmentCampaign) -> list[list]:
    """The selected list as a round records it: [[application id, position id], ...]."""
    return sorted(
        [a, p]
        for a, p in campaign.applications.filter(status=Status.SELECTED).values_list(
            "pk", "position_id"
        )
    )


def current_round(campaign: RecruitmentCampaign) -> PublicityRound | None:
    """The latest publication of the list, whose period and objections count now."""
    return PublicityRound.objects.filter(campaign=campaign).order_by("-number").first()


def open_objections(campaign: RecruitmentCampaign) -> QuerySet[Objection]:
    """The work queue: objections of any round without a recorded answer, oldest first."""
    return (
        Objection.objects.filter(campaign=campaign, handled_at__isnull=True)
        .select_related("round")
        .order_by("submitted_at")
    )


@dataclass(frozen=True)
class PublicRow:
    masked_name: str
    id_tail: str
    position: str


def _rows(members: list[list]) -> list[PublicRow]:
    people = Application.objects.in_bulk([m[0] for m in members])
    positions = Position.objects.in_bulk([m[1] for m in members if m[1]])
    rows = []
    for application_id, position_id in members:
        person = people.get(application_id)
        position = positions.get(position_id) if position_id else None
        rows.append(
            PublicRow(
                person.masked_name if person else "—",
                person.id_tail if person else "",
                position.name if position else "",
            )
        )
    return sorted(rows, key=lambda r: (r.position, r.masked_name))


@dataclass(frozen=True)
class PublicRound:
    """What the public page shows of a round: masked names, the ID number's last four, the
    position; no phone, no full ID number (个人信息保护法 Art. 6)."""

    round: PublicityRound
    rows: list[PublicRow]
    added: list[PublicRow]
    removed: list[PublicRow]
    provisional: bool


def public_round(publicity: PublicityRound) -> PublicRound:
    return PublicRound(
        publicity,
        _rows(publicity.members),
        _rows(publicity.added) if publicity.number > 1 else [],
        _rows(publicity.removed),
        calendar.is_provisional(publicity.until),
    )


def judge_totals(campaign: RecruitmentCampaign) -> list[solvers.JudgeTotal]:
    """Each judge's weighted total for each applicant the judge marked on every rubric item."""
    weights = {item["code"]: Decimal(str(item["weight"])) for item in campaign.rubric}
    total_weight = sum(weights.values()) or Decimal(1)
    sums: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    counted: dict[tuple[int, int], int] = defaultdict(int)
    for score in Score.objects.filter(application__campaign=campaign):
        if score.criterion in weights:
            key = (score.application_id, score.judge_id)
            sums[key] += score.value * weights[score.criterion]
            counted[key] += 1
    return [
        solvers.JudgeTotal(str(app), str(judge), float(total / total_weight))
        for (app, judge), total in sums.items()
        if counted[app, judge] == len(weights)
    ]


def counted_checkins(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Check-ins that count: made within the shift, or made late and accepted on review."""
    return assignments.filter(checked_in_at__isnull=False).exclude(
        review__in=[CheckinReview.PENDING, CheckinReview.REFUSED]
    )


def hours_by_person(campaign: RecruitmentCampaign) -> list[tuple[Application, float, int]]:
    """Each person's 服务时长 (rules.credited_hours, shift by shift) and shifts on duty."""
    totals: dict[int, float] = defaultdict(float)
    shifts: dict[int, int] = defaultdict(int)
    counted = set(
        counted_checkins(Assignment.objects.filter(application__campaign=campaign)).values_list(
            "pk", flat=True
        )
    )
    for assignment in Assignment.objects.filter(application__campaign=campaign).select_related(
        "shift"
    ):
        totals[assignment.application_id] += assignment.hours
        shifts[assignment.application_id] += 1 if assignment.pk in counted else 0
    people = Application.objects.filter(pk__in=totals).order_by("full_name")
    return [(p, round(totals[p.pk], 2), shifts[p.pk]) for p in people]


def volunteers_nav_items(user) -> list[NavItem]:
    if getattr(user, "role", None) == Role.JUDGE:
        return [NavItem(str(_("面试评分")), reverse("volunteers:judge"), "clipboard-check")]
    if not is_business_staff(user):
        return []
    if campaigns_managed_by(user).exists() or judged_by(user).exists() or user.role == Role.LEADER:
        return [NavItem(str(_("志愿者招募")), reverse("volunteers:campaigns"), "people")]
    return []


# — The judge's tablet —

# Who a judge sees: everyone in the judge's sessions who reached the interview stage.
INTERVIEW_STATUSES = (
    Status.SCREENED_IN,
    Status.INTERVIEWED,
    Status.SELECTED,
    Status.WAITLISTED,
    Status.NOT_SELECTED,
)


def judge_candidates(user) -> QuerySet[Application]:
    """The judge's list: the candidates of the judge's sessions, in interview order."""
    return (
        Application.objects.filter(slot__session__judges=user, status__in=INTERVIEW_STATUSES)
        .select_related("slot__session", "campaign")
        .order_by("slot__starts_at", "full_name", "pk")
    )


def unscored_for(user) -> QuerySet[Application]:
    """待评分: the candidates of the judge's list the judge has not yet marked and may still
    mark (no allocation has run in their campaign, which locks the marks). The home tile counts
    this, and the list marks these rows 待评分: one definition for both."""
    return judge_candidates(user).exclude(scores__judge=user).exclude(campaign__runs__isnull=False)


@dataclass
class JudgeRow:
    application: Application
    to_score: bool  # in `unscored_for`
    scored: bool  # the judge has marks for this candidate


@dataclass
class JudgeDay:
    day: datetime.date
    today: bool
    rows: list[JudgeRow] = field(default_factory=list)

    @property
    def to_score(self) -> int:
        return sum(1 for row in self.rows if row.to_score)


def search_candidates(queryset: QuerySet[Application], query: str) -> QuerySet[Application]:
    """By name (any part) or by the candidate's number (查询码, whole)."""
    query = query.strip()
    if not query:
        return queryset
    return queryset.filter(Q(full_name__icontains=query) | Q(code=query.upper()))


def judge_days(user, *, query: str = "") -> list[JudgeDay]:
    """The judge's list grouped by interview day: today first, then the days to come, then
    the days past (latest first)."""
    pending = set(unscored_for(user).values_list("pk", flat=True))
    scored = set(Score.objects.filter(judge=user).values_list("application_id", flat=True))
    days: dict[datetime.date, JudgeDay] = {}
    today = rules.today()
    for application in search_candidates(judge_candidates(user), query):
        slot = application.slot
        if slot is None:  # judge_candidates reaches people through their slot
            continue
        day = slot.session.date
        group = days.setdefault(day, JudgeDay(day, day == today))
        group.rows.append(
            JudgeRow(application, application.pk in pending, application.pk in scored)
        )

    def order(day: datetime.date):
        if day == today:
            return (0, 0)
        if day > today:
            return (1, (day - today).days)
        return (2, (today - day).days)

    return [days[d] for d in sorted(days, key=order)]


def next_unscored(user, current: Application) -> Application | None:
    """下一位: the next candidate of the same interview day the judge has yet to mark, after
    `current` in interview order (from the day's first when none is after it)."""
    if current.slot is None:
        return None
    # unscored_for is in interview order (slot start, name, id): the first after `current`.
    same_day = list(
        unscored_for(user)
        .filter(slot__session__date=current.slot.session.date)
        .exclude(pk=current.pk)
    )
    key = (current.slot.starts_at, current.full_name, current.pk)
    after = [a for a in same_day if a.slot and (a.slot.starts_at, a.full_name, a.pk) > key]
    chosen = after or same_day
    return chosen[0] if chosen else None


def volunteers_judge_queues(user) -> list[WorkQueue]:
    """A judge's queue (待评分); staff who judge see it beside their other work."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.role != Role.JUDGE and not judged_by(user).exists():
        return []
    today = timezone.localdate()
    return [
        WorkQueue(
            "volunteers-score",
            str(_("待评分")),
            "pencil",
            unscored_for(user).select_related("slot__session").order_by("slot__starts_at", "pk"),
            lambda a: QueueRow(
                title=f"{a.full_name} · {a.slot.session.room if a.slot else ''}",
                url=reverse("volunteers:judge") + f"?a={a.pk}",
                detail=timezone.localtime(a.slot.starts_at).strftime("%Y-%m-%d %H:%M")
                if a.slot
                else "",
                due=timezone.localtime(a.slot.starts_at).date() if a.slot else None,
                late=bool(a.slot and timezone.localtime(a.slot.starts_at).date() < today),
            ),
            more_url=reverse("volunteers:judge"),
            hint=str(_("按面试日排列：逐位按评分标准打分，保存后点“下一位”。")),
        )
    ]


# — Check-in —


def venues_managed_by(user) -> QuerySet[Venue]:
    """The venues of the campaigns the user manages: their check-in links and QR codes."""
    return Venue.objects.filter(position__campaign__in=campaigns_managed_by(user)).distinct()


def late_checkins_for(user) -> QuerySet[Assignment]:
    """The work queue: check-ins made after their shift had ended, waiting for a decision,
    in the campaigns the user manages, oldest first."""
    return (
        Assignment.objects.filter(
            review=CheckinReview.PENDING,
            shift__position__campaign__in=campaigns_managed_by(user),
        )
        .select_related("shift__position__venue", "shift__position__campaign", "application")
        .order_by("checked_in_at", "pk")
    )


def late_checkins_reviewed(user) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            review__in=[CheckinReview.ACCEPTED, CheckinReview.REFUSED],
            shift__position__campaign__in=campaigns_managed_by(user),
        )
        .select_related("shift__position__venue", "application", "reviewed_by")
        .order_by("-reviewed_at")
    )


def campaigns_with_work(user) -> QuerySet[RecruitmentCampaign]:
    """招募待办: the managed campaigns where applications wait for the organiser: to screen, to
    book into an interview, to select after the interview, or selected and waiting for the
    confirmation after publicity. The counts name each."""
    waiting = {
        "to_screen": Count("applications", filter=Q(applications__status=Status.SUBMITTED)),
        "to_book": Count(
            "applications",
            filter=Q(applications__status=Status.SCREENED_IN, applications__slot__isnull=True),
        ),
        "to_select": Count("applications", filter=Q(applications__status=Status.INTERVIEWED)),
        "to_confirm": Count(
            "applications",
            filter=Q(applications__status=Status.SELECTED, confirmed_at__isnull=True),
        ),
    }
    return (
        campaigns_managed_by(user)
        .annotate(**waiting)
        .filter(Q(to_screen__gt=0) | Q(to_book__gt=0) | Q(to_select__gt=0) | Q(to_confirm__gt=0))
        .order_by("pk")
    )


def _campaign_row(c) -> QueueRow:
    parts = [
        (c.to_screen, _("待资料审核")),
        (c.to_book, _("待安排面试")),
        (c.to_select, _("待录用")),
        (c.to_confirm, _("待公示确认")),
    ]
    return QueueRow(
        title=c.name,
        url=c.get_absolute_url(),
        detail=" · ".join(f"{label} {n}" for n, label in parts if n),
    )


def volunteers_staff_queues(user) -> list[WorkQueue]:
    """Staff's queues: campaigns with applications waiting, late check-ins to review."""
    if not is_business_staff(user) or not campaigns_managed_by(user).exists():
        return []
    return [
        WorkQueue(
            "volunteers-campaigns",
            str(_("招募待办")),
            "people",
            campaigns_with_work(user),
            _campaign_row,
            hint=str(_("报名待资料审核、待安排面试、面试后待录用、公示后待确认的招募。")),
        ),
        WorkQueue(
            "volunteers-late-checkin",
            str(_("待审核迟到签到")),
            "clock-history",
            late_checkins_for(user),
            lambda a: QueueRow(
                title=f"{a.application.full_name} · {a.shift.position.venue}",
                url=reverse("volunteers:late_checkins") + f"#assignment-{a.pk}",
                detail=str(_("班次 %(s)s，签到 %(c)s"))
                % {
                    "s": timezone.localtime(a.shift.starts_at).strftime("%m-%d %H:%M"),
                    "c": timezone.localtime(a.checked_in_at).strftime("%m-%d %H:%M")
                    if a.checked_in_at
                    else "—",
                },
            ),
            more_url=reverse("volunteers:late_checkins"),
            hint=str(_("班次结束后才签到的，由组织单位审核是否计入服务时长。")),
        ),
    ]
