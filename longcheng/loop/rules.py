"""The loop's rules that buttons, services and timers all read: who may take which action on a
matter (from `workflow.ACTIONS` and the user's relation to it), which time limit applies, and
how a handling deadline carries its reminder."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from longcheng.accounts.policies import acts_for, committee_covers, leads
from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import Scope, user_scope
from longcheng.core import clock
from longcheng.core.errors import LongchengError

from .models import AnswerReviewRule, Category, Matter, TimeLimit, WhistleSummons
from .workflow import ACTIONS, Action, Actor, Urgency

# — Who is acting —

# The dispatch centre's own clerks act for the hotline unit like any unit's clerks.
LOOP_ACTING_ROLES = frozenset({Role.CLERK, Role.LEADER, Role.DISPATCHER})


def actor_relations(user, matter: Matter) -> set[Actor]:
    relations = set()
    if user_scope(user) == Scope.ALL:
        relations.add(Actor.DISPATCHER)
    roles = LOOP_ACTING_ROLES
    if committee_covers(user, matter):  # its own district only
        relations.add(Actor.COMMITTEE)
    if acts_for(user, matter.lead_unit, roles=roles):
        relations.add(Actor.LEAD)
        if leads(user, matter.lead_unit):
            relations.add(Actor.LEAD_LEADER)
    if any(acts_for(user, u, roles=roles) for u in matter.assisting_units.all()):
        relations.add(Actor.ASSISTING)
    if open_summonses_for(user, matter):
        relations.add(Actor.SUMMONED)
    return relations


# — 吹哨报到 —

# The time a summoned department has to report, in working hours (core.calendar): an urgent
# matter within two office hours, any other within the working day; a whistle may give from
# one hour to a working week.
WHISTLE_HOURS_MIN, WHISTLE_HOURS_MAX = 1, 40
WHISTLE_HOURS_DEFAULT: dict[str, int] = {Urgency.URGENT: 2, Urgency.NORMAL: 8}


def whistle_default_hours(matter: Matter) -> int:
    return WHISTLE_HOURS_DEFAULT.get(str(matter.urgency), WHISTLE_HOURS_DEFAULT[Urgency.NORMAL])


def open_summonses_for(user, matter: Matter) -> list[WhistleSummons]:
    """The summonses on this matter still waiting for a report from a unit the user acts for
    (its clerks and leaders, and the leaders above it)."""
    if getattr(user, "unit_id", None) is None:
        return []
    waiting = matter.summonses.filter(status__in=WhistleSummons.OPEN).select_related("unit")
    return [s for s in waiting if acts_for(user, s.unit, roles=LOOP_ACTING_ROLES)]


def answer_needs_review(matter: Matter, actor) -> bool:
    """The lead unit requires its leader's review of answers (审核), and the one answering is
    not its leader."""
    return (
        matter.lead_unit_id is not None
        and actor is not None
        and not leads(actor, matter.lead_unit)
        and AnswerReviewRule.objects.filter(unit_id=matter.lead_unit_id).exists()
    )


def allowed_actions(user, matter: Matter) -> list[Action]:
    relations = actor_relations(user, matter)
    return [
        action
        for action, (from_states, _to, who) in ACTIONS.items()
        if matter.status in from_states and who in relations
    ]


# — Time limits —


@dataclass(frozen=True)
class Limits:
    sign_hours: int
    handle_days: int
    response_hours: int = 8


def time_limit_for(category: Category | None, kind: str, urgency: str) -> Limits:
    """The nearest limit: the category's own, an ancestor's, then the city default."""
    chain = []
    if category is not None:
        chain = [category, *reversed(list(Category.objects.get_ancestors(category)))]
    for node in chain:
        row = TimeLimit.objects.filter(category=node, kind=kind, urgency=urgency).first()
        if row:
            return Limits(row.sign_hours, row.handle_days, row.response_hours)
    row = TimeLimit.objects.filter(category__isnull=True, kind=kind, urgency=urgency).first()
    if row is None:
        raise LongchengError(
            _("派单目录未配置“%(kind)s / %(urgency)s”的办理时限，请管理员先配置。")
            % {"kind": kind, "urgency": urgency}
        )
    return Limits(row.sign_hours, row.handle_days, row.response_hours)


# — The handling deadline and its reminder —

# Share of the handling window after which the unit is reminded (催办).
REMIND_AT_SHARE = 0.8

DEADLINE_FIELDS = ["handle_deadline", "handle_window_start", "remind_at", "overdue"]


def set_handle_deadline(
    m: Matter, deadline: datetime.datetime, start: datetime.datetime | None = None
) -> None:
    """Every change of the handling deadline goes through here, so the reminder moves with it."""
    if start is not None:
        m.handle_window_start = start
    m.handle_deadline = deadline
    begin = m.handle_window_start or deadline
    m.remind_at = begin + (deadline - begin) * REMIND_AT_SHARE
    m.overdue = deadline <= clock.now()
