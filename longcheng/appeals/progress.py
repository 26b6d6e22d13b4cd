"""What a citizen (or the special supervisor who reported) may read of a matter's handling:
the steps in plain words, the notes the unit chose to make public, and when to expect the
answer. Never a member of staff's name, an internal note or the reporter's data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from longcheng.core import clock
from longcheng.core.calendar import deadline_after_working_days
from longcheng.core.errors import LongchengError
from longcheng.loop.models import Matter, MatterEvent
from longcheng.loop.rules import time_limit_for
from longcheng.loop.workflow import Status

E = MatterEvent.Kind

# The steps a citizen sees. A progress note is shown only when the unit marked it for the
# reporter (`data["public"]`); every other kind shows its plain label, never its note.
PUBLIC_KINDS = [
    E.RECEIVED,
    E.DISPATCHED,
    E.REDISPATCHED,
    E.SIGNED,
    E.CONTACTED,
    E.PROGRESS,
    E.EXTENSION_APPROVED,
    E.SUSPENDED,
    E.RESUMED,
    E.SUPERVISION,
    E.ANSWERED,
    E.RATED,
    E.REOPENED,
    E.MERGED,
    E.ARCHIVED,
]
# The events after which the matter's current deadline is no longer an extension's.
_DEADLINE_MOVES = {
    E.DISPATCHED,
    E.REDISPATCHED,
    E.EXTENSION_APPROVED,
    E.RESUMED,
    E.REOPENED,
    E.DEADLINE_RECALCULATED,
}


def is_public_note(event: MatterEvent) -> bool:
    """A progress note the lead unit wrote for the reporter (向诉求人公开)."""
    return event.kind == E.PROGRESS and event.data.get("public") is True


@dataclass(frozen=True)
class PublicStep:
    at: datetime.datetime
    label: str
    text: str = ""  # a note meant for the reporter; templates mask it with public_text
    deadline: datetime.datetime | None = None


def _label(event: MatterEvent) -> str:
    unit = event.unit.name if event.unit_id else ""
    kind = event.kind
    if kind == E.RECEIVED:
        return _("诉求已受理")
    if kind == E.DISPATCHED and unit:
        return _("已转交%(unit)s办理") % {"unit": unit}
    if kind == E.REDISPATCHED and unit:
        return _("改由%(unit)s办理") % {"unit": unit}
    if kind == E.SIGNED and unit:
        return _("%(unit)s已签收") % {"unit": unit}
    if kind == E.CONTACTED:
        return _("承办单位已与您联系")
    if kind == E.PROGRESS:
        # A note kept internal still tells the reporter the unit is at work.
        return _("办理进展") if is_public_note(event) else _("承办单位正在办理")
    if kind == E.EXTENSION_APPROVED:
        return _("经批准延期 %(days)s 个工作日") % {"days": event.data.get("days", "")}
    if kind == E.SUSPENDED:
        return _("暂停计时（等待其他部门意见等）")
    if kind == E.RESUMED:
        return _("恢复办理")
    if kind == E.SUPERVISION:
        return _("已督办")
    if kind == E.ANSWERED:
        return _("承办单位已答复")
    if kind == E.RATED:
        return _("已回访评价")
    if kind == E.REOPENED:
        return _("重新办理")
    if kind == E.MERGED:
        return _("与反映同一问题的诉求合并办理")
    if kind == E.ARCHIVED:
        return _("办结归档")
    return event.get_kind_display()


def _extension_deadline(
    event: MatterEvent, later: list[MatterEvent], matter: Matter
) -> datetime.datetime | None:
    """The deadline an approved extension set: as recorded with it, or — when no later step
    moved the deadline again — the matter's current one."""
    recorded = event.data.get("deadline")
    if recorded:
        try:
            return datetime.datetime.fromisoformat(recorded)
        except (TypeError, ValueError):
            return None
    if any(e.kind in _DEADLINE_MOVES for e in later):
        return None
    return matter.handle_deadline


def public_steps(matter: Matter) -> list[PublicStep]:
    """The matter's handling as its reporter follows it, oldest first. A merged matter shows
    the steps of the matter it joined from then on (that one answers for both)."""
    events = list(
        matter.events.filter(kind__in=PUBLIC_KINDS)
        .exclude(kind=E.MERGED, data__has_key="follower")  # a master's "merged into me" step
        .select_related("unit")
    )
    master = matter.master
    if master is not None:
        merged_at = next((e.at for e in events if e.kind == E.MERGED), matter.received_at)
        events += list(
            master.events.filter(kind__in=PUBLIC_KINDS, at__gte=merged_at)
            .exclude(kind__in=[E.RECEIVED, E.MERGED])
            .select_related("unit")
        )
        events.sort(key=lambda e: (e.at, e.pk))
    steps = []
    for index, event in enumerate(events):
        text = ""
        deadline = None
        if event.kind == E.PROGRESS and is_public_note(event):
            text = event.note
        if event.kind == E.EXTENSION_APPROVED:
            owner = master if master is not None and event.matter_id == master.pk else matter
            deadline = _extension_deadline(event, events[index + 1 :], owner)
        steps.append(PublicStep(at=event.at, label=_label(event), text=text, deadline=deadline))
    return steps


def last_public_step(matter: Matter) -> PublicStep | None:
    steps = public_steps(matter)
    return steps[-1] if steps else None


@dataclass(frozen=True)
class ExpectedAnswer:
    """When the reporter may expect the answer. `days` is given while no unit has the matter
    yet (the kind's time limit, counted from now); once dispatched, the deadlines are the
    matter's own."""

    answer_by: datetime.datetime
    days: int | None = None
    sign_by: datetime.datetime | None = None
    unit_name: str = ""


# A returned matter waits for a new unit and a suspended one for its clock to restart: their
# deadlines will move, so only these states show one.
_WAITING_FOR_ANSWER = {Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.REOPENED}


def expected_answer(matter: Matter) -> ExpectedAnswer | None:
    """Deadlines by the loop's own rules (loop.rules.time_limit_for, counted in working days as
    dispatch counts them); None once answered, or when the catalogue has no limit for it."""
    if matter.master_id:
        return expected_answer(matter.master)  # type: ignore[arg-type]
    if matter.status in (Status.RECEIVED, Status.RETURNED):
        try:
            limits = time_limit_for(matter.category, matter.kind, matter.urgency)
        except LongchengError:
            return None
        return ExpectedAnswer(
            answer_by=deadline_after_working_days(clock.now(), limits.handle_days),
            days=limits.handle_days,
        )
    if matter.status in _WAITING_FOR_ANSWER and matter.handle_deadline:
        return ExpectedAnswer(
            answer_by=matter.handle_deadline,
            sign_by=matter.sign_deadline if matter.status == Status.DISPATCHED else None,
            unit_name=matter.lead_unit.name if matter.lead_unit_id else "",  # type: ignore[union-attr]
        )
    return None


# Statuses in the reporter's words (the staff's labels say 待签收, 已挂起 …).
PLAIN_STATUS = {
    Status.RECEIVED: gettext_lazy("已收到，等待分派"),
    Status.DISPATCHED: gettext_lazy("已转交承办单位"),
    Status.RETURNED: gettext_lazy("正在重新分派"),
    Status.SIGNED: gettext_lazy("承办单位正在办理"),
    Status.IN_PROGRESS: gettext_lazy("承办单位正在办理"),
    Status.SUSPENDED: gettext_lazy("暂停计时"),
    Status.ANSWERED: gettext_lazy("已答复，等待评价"),
    Status.REOPENED: gettext_lazy("重新办理中"),
    Status.CLOSED: gettext_lazy("已办结"),
    Status.ARCHIVED: gettext_lazy("已办结"),
    Status.MERGED: gettext_lazy("与同类诉求合并办理"),
}


def plain_status(matter: Matter) -> str:
    if matter.master_id and matter.master is not None:
        return str(PLAIN_STATUS.get(matter.master.status, matter.master.get_status_display()))
    return str(PLAIN_STATUS.get(matter.status, matter.get_status_display()))
