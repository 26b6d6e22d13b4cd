"""Reminders, overdue marking, supervision, escalation and default ratings.

`loop_sweep` looks at the state of the matters, not at a schedule, so it can run as often as
one likes (Celery beat in production, a thread in the embedded demo) and it catches up after
any downtime. Each notice is keyed (matter, kind, deadline) in the database: running it twice,
or two workers at once, yields one notice."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core import clock
from longcheng.core.calendar import add_working_days, working_days_between
from longcheng.core.models import Unit

from . import notifications, rollups, services
from .models import Matter, MatterEvent, SupervisionNotice, WhistleSummons
from .workflow import HANDLING, Rating, Status

Kind = SupervisionNotice.Kind
# An overdue matter is escalated to the level above after this many working days.
ESCALATE_AFTER_WORKING_DAYS = 3


@dataclass
class SweepResult:
    reminders: int = 0
    sign_reminders: int = 0
    overdue: int = 0
    escalations: int = 0
    default_ratings: int = 0
    late_reports: int = 0
    errors: list[str] = field(default_factory=list)

    def total(self) -> int:
        return (
            self.reminders
            + self.sign_reminders
            + self.overdue
            + self.escalations
            + self.default_ratings
            + self.late_reports
        )


def _leaders(unit: Unit | None):
    if unit is None:
        return User.objects.none()
    return User.objects.filter(unit=unit, role=Role.LEADER, is_active=True)


def _no_notice(kind: str, deadline_field: str):
    return ~Exists(
        SupervisionNotice.objects.filter(
            matter=OuterRef("pk"), kind=kind, deadline=OuterRef(deadline_field)
        )
    )


def _issue(
    matter: Matter, *, kind: str, deadline, unit: Unit, text: str, event_kind: str, recipients
) -> bool:
    """Create the notice once; False when it already exists (another run got there first)."""
    try:
        with transaction.atomic():
            notice = SupervisionNotice.objects.create(
                matter=matter, unit=unit, kind=kind, deadline=deadline, text=text
            )
            event = MatterEvent.objects.create(
                matter=matter,
                kind=event_kind,
                at=clock.now(),
                note=text,
                unit=unit,
                to_status=matter.status,
                data=_notice_data(notice, event_kind),
            )
            rollups.event_recorded(event)
            notifications.on_notice(matter, notice, recipients)
    except IntegrityError:
        return False
    return True


def _notice_data(notice: SupervisionNotice, event_kind: str) -> dict:
    data: dict = {"notice": notice.pk}
    if event_kind == MatterEvent.Kind.OVERDUE:
        # A deadline passed unanswered: 按期办结率 counts it, missed, on the deadline's day.
        due_day = timezone.localtime(notice.deadline).date().isoformat()
        data.update(due_day=due_day, due_on_time=False)
    return data


def _deadline_text(deadline) -> str:
    return timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")


def loop_sweep(now: datetime.datetime | None = None, batch: int = 500) -> SweepResult:
    now = now or clock.now()
    result = SweepResult()
    handling = list(HANDLING)

    # An official schedule the calendar package now brings moves provisional deadlines first.
    from .schedule import calendar_sync

    calendar_sync(today=timezone.localtime(now).date())

    # 催办 before the handling deadline.
    due = (
        Matter.objects.filter(status__in=handling, remind_at__lte=now, handle_deadline__gt=now)
        .filter(_no_notice(Kind.REMINDER, "handle_deadline"))
        .select_related("lead_unit")
    )
    for matter in due[:batch]:
        text = _("事项 %(n)s 将于 %(d)s 到期，请抓紧办理。") % {
            "n": matter.number,
            "d": _deadline_text(matter.handle_deadline),
        }
        result.reminders += _issue(
            matter,
            kind=Kind.REMINDER,
            deadline=matter.handle_deadline,
            unit=matter.lead_unit,
            text=text,
            event_kind=MatterEvent.Kind.REMINDER,
            recipients=notifications.staff_of(matter.lead_unit),
        )

    # 催签: dispatched but not signed within the sign limit.
    unsigned = (
        Matter.objects.filter(status=Status.DISPATCHED, sign_deadline__lte=now)
        .filter(_no_notice(Kind.REMINDER, "sign_deadline"))
        .select_related("lead_unit")
    )
    for matter in unsigned[:batch]:
        text = _("事项 %(n)s 已超过签收时限（%(d)s），请立即签收或退单。") % {
            "n": matter.number,
            "d": _deadline_text(matter.sign_deadline),
        }
        result.sign_reminders += _issue(
            matter,
            kind=Kind.REMINDER,
            deadline=matter.sign_deadline,
            unit=matter.lead_unit,
            text=text,
            event_kind=MatterEvent.Kind.REMINDER,
            recipients=notifications.staff_of(matter.lead_unit),
        )

    # 超期 + 督办通知 to the unit's leaders.
    late = (
        Matter.objects.filter(status__in=handling, handle_deadline__lte=now)
        .filter(_no_notice(Kind.OVERDUE, "handle_deadline"))
        .select_related("lead_unit")
    )
    for matter in late[:batch]:
        Matter.objects.filter(pk=matter.pk).update(overdue=True)
        text = _("事项 %(n)s 已超过办理时限（%(d)s），请单位负责人督促办理并说明原因。") % {
            "n": matter.number,
            "d": _deadline_text(matter.handle_deadline),
        }
        if _issue(
            matter,
            kind=Kind.OVERDUE,
            deadline=matter.handle_deadline,
            unit=matter.lead_unit,
            text=text,
            event_kind=MatterEvent.Kind.OVERDUE,
            recipients=notifications.staff_of(matter.lead_unit),
        ):
            result.overdue += 1
            _issue(
                matter,
                kind=Kind.SUPERVISION,
                deadline=matter.handle_deadline,
                unit=matter.lead_unit,
                text=text,
                event_kind=MatterEvent.Kind.SUPERVISION,
                recipients=_leaders(matter.lead_unit),
            )

    # 升级督办 to the level above after repeated lateness.
    escalate_before = _escalation_cutoff(now)
    if escalate_before is not None:
        stale = (
            Matter.objects.filter(status__in=handling, handle_deadline__lte=escalate_before)
            .filter(_no_notice(Kind.ESCALATION, "handle_deadline"))
            .select_related("lead_unit")
        )
        for matter in stale[:batch]:
            parent = Unit.objects.get_parent(matter.lead_unit) if matter.lead_unit else None
            target = parent or matter.lead_unit
            days = working_days_between(
                timezone.localtime(matter.handle_deadline).date(), timezone.localtime(now).date()
            )
            text = _("事项 %(n)s 已超期 %(d)s 个工作日，升级督办至 %(u)s。") % {
                "n": matter.number,
                "d": days,
                "u": target,
            }
            result.escalations += _issue(
                matter,
                kind=Kind.ESCALATION,
                deadline=matter.handle_deadline,
                unit=target,
                text=text,
                event_kind=MatterEvent.Kind.ESCALATION,
                recipients=_leaders(target),
            )

    # 回访: no rating within the callback period counts as the configured default.
    result.default_ratings = _default_ratings(now, batch, result)
    # 吹哨报到: a summoned department past its time to report.
    result.late_reports = whistle_sweep(now, batch)
    return result


def whistle_sweep(now: datetime.datetime, batch: int = 500) -> int:
    """超时未报到: each summons past its deadline without a report turns late once — the
    conditional update on its `escalated_at` is the key, so two runs or two workers escalate
    it once — and the department's leaders, the whistling unit and the dispatch centre are
    told. A report that comes later is still taken (as 超时报到)."""
    due = (
        WhistleSummons.objects.filter(status=WhistleSummons.Status.PENDING, deadline__lte=now)
        .select_related("matter", "unit", "whistle__unit")
        .order_by("deadline", "pk")
    )
    count = 0
    for summons in due[:batch]:
        with transaction.atomic():
            turned = WhistleSummons.objects.filter(
                pk=summons.pk, status=WhistleSummons.Status.PENDING, escalated_at__isnull=True
            ).update(status=WhistleSummons.Status.LATE, escalated_at=now)
            if not turned:
                continue
            text = _(
                "%(u)s 未在报到时限（%(d)s）内报到（%(w)s 吹哨），"
                "已通知其负责人、吹哨单位和派单中心督促报到。"
            ) % {
                "u": summons.unit,
                "d": _deadline_text(summons.deadline),
                "w": summons.whistle.unit,
            }
            event = MatterEvent.objects.create(
                matter=summons.matter,
                kind=MatterEvent.Kind.REPORT_LATE,
                at=now,
                note=text,
                unit=summons.unit,
                to_status=summons.matter.status,
                data={"summons": summons.pk},
            )
            rollups.event_recorded(event)
            notifications.on_report_late(summons, text)
        count += 1
    return count


def _escalation_cutoff(now):
    """Deadlines on or before this moment are ESCALATE_AFTER_WORKING_DAYS working days late."""
    today = timezone.localtime(now).date()
    day = today
    for _step in range(40):
        day -= datetime.timedelta(days=1)
        if add_working_days(day, ESCALATE_AFTER_WORKING_DAYS) <= today:
            return datetime.datetime.combine(
                day, datetime.time.max, tzinfo=timezone.localtime(now).tzinfo
            )
    return None


def _default_ratings(now, batch, result: SweepResult) -> int:
    days = settings.LONGCHENG_CALLBACK_DAYS
    rating = settings.LONGCHENG_CALLBACK_DEFAULT_RATING
    count = 0
    candidates = Matter.objects.filter(
        status=Status.ANSWERED, answered_at__lte=now - datetime.timedelta(days=days)
    )
    for matter in candidates[:batch]:
        answered = timezone.localtime(matter.answered_at).date()
        if working_days_between(answered, timezone.localtime(now).date()) < days:
            continue
        try:
            services.matter_rate(
                matter=matter,
                actor=None,
                rating=rating,
                resolved=rating != Rating.DISSATISFIED,
                defaulted=True,
                note=_("回访期内未评价，按默认评价处理。"),
                expected_version=matter.version,
            )
            count += 1
        except services.LongchengError as error:
            # Rated by a person in the meantime: nothing to do.
            result.errors.append(f"{matter.number}: {error.message}")
    return count
