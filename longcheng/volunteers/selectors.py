"""Reads for volunteers: who manages a campaign, the funnel, the publicity rounds and the
objections waiting for an answer, rosters and hours."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import unit_filter
from longcheng.core import calendar
from longcheng.web.access import is_business_staff
from longcheng.web.home import NavItem, StatCard

from . import solvers
from .models import (
    Application,
    Assignment,
    Objection,
    Position,
    PublicityRound,
    RecruitmentCampaign,
    Score,
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
        Assignment.objects.filter(application__campaign=campaign, checked_in_at__isnull=False)
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


def hours_by_person(campaign: RecruitmentCampaign) -> list[tuple[Application, float, int]]:
    totals: dict[int, float] = defaultdict(float)
    shifts: dict[int, int] = defaultdict(int)
    for assignment in Assignment.objects.filter(application__campaign=campaign).select_related(
        "application"
    ):
        totals[assignment.application_id] += assignment.hours
        shifts[assignment.application_id] += 1 if assignment.checked_in_at else 0
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


def unscored_for(user) -> QuerySet[Application]:
    """The candidates in the judge's sessions the judge has not yet marked (待评分)."""
    return (
        Application.objects.filter(slot__session__judges=user)
        .exclude(scores__judge=user)
        .distinct()
    )


def volunteers_home_cards(user) -> list[StatCard]:
    """A judge's queue on the home page; staff who judge see it beside their other work."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.role != Role.JUDGE and not judged_by(user).exists():
        return []
    return [
        StatCard(
            str(_("待评分")), unscored_for(user).count(), reverse("volunteers:judge"), "pencil"
        )
    ]
