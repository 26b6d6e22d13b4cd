"""The official holiday schedule comes in; open deadlines follow it.

A year without an official schedule is counted on the provisional calendar (core.calendar).
When its schedule arrives — entered by the system administrator, or brought by an upgrade of
the calendar package — every open handling deadline that the change moves is recomputed, with
a timeline entry, an audit record and a notice to its unit. A deadline that had already passed
(or would pass at once) is not moved silently: it waits in `DeadlineReview` for the dispatch
centre to decide.

Recomputing keeps the number of working days a deadline was counted with. Counting restarts
from the later of the day before the first changed day and the day the handling clock started
(both calendars agree on everything before that point), so the result equals counting the
whole window again under the new schedule."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import require_role
from longcheng.accounts.roles import Role
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.calendar import (
    Source,
    WorkdayWindow,
    add_working_days,
    forget_entered_years,
    provisional_is_workday,
    year_source,
)
from longcheng.core.errors import LongchengError
from longcheng.core.models import CalendarOverride, CalendarYearSource, LocalCalendarYear

from . import notifications
from .models import DeadlineReview, Matter, MatterEvent
from .rules import DEADLINE_FIELDS, set_handle_deadline
from .services import _event, _save
from .workflow import Status

DAY = datetime.timedelta(days=1)

# Matters whose handling clock is (or will again be) running.
OPEN_WITH_DEADLINE = (
    Status.DISPATCHED,
    Status.SIGNED,
    Status.IN_PROGRESS,
    Status.SUSPENDED,
    Status.REOPENED,
)


class ScheduleRefused(LongchengError):
    pass


@dataclass
class Recomputation:
    """What a schedule change did (or, in a dry run, would do)."""

    year: int
    basis: str
    changed_days: list[tuple[datetime.date, bool, bool]] = field(default_factory=list)
    moved: list[tuple[str, datetime.datetime, datetime.datetime]] = field(default_factory=list)
    for_review: list[tuple[str, datetime.datetime, datetime.datetime]] = field(default_factory=list)


def _days_of(year: int) -> list[datetime.date]:
    first = datetime.date(year, 1, 1)
    return [first + DAY * i for i in range((datetime.date(year + 1, 1, 1) - first).days)]


def workday_map(year: int) -> dict[datetime.date, bool]:
    """Every day of `year` as the calendar answers now (overrides included)."""
    window = WorkdayWindow(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return {day: window.is_workday(day) for day in _days_of(year)}


def _provisional_map(year: int) -> dict[datetime.date, bool]:
    """The year as the provisional calendar counted it, local overrides included."""
    overrides = dict(
        CalendarOverride.objects.filter(date__year=year).values_list("date", "is_workday")
    )
    return {day: overrides.get(day, provisional_is_workday(day)) for day in _days_of(year)}


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _recompute(*, year: int, before: dict[datetime.date, bool], basis: str, actor) -> Recomputation:
    """Move every open deadline that the change from `before` to today's calendar moves."""
    after = workday_map(year)
    result = Recomputation(year=year, basis=basis)
    result.changed_days = [
        (day, before[day], after[day]) for day in sorted(after) if before[day] != after[day]
    ]
    if not result.changed_days:
        return result
    first_changed = result.changed_days[0][0]
    shift = {day: int(was) - int(now) for day, was, now in result.changed_days}
    tz = timezone.get_current_timezone()
    threshold = datetime.datetime.combine(first_changed, datetime.time.min, tzinfo=tz)
    now = clock.now()
    affected = Matter.objects.filter(
        status__in=OPEN_WITH_DEADLINE, handle_deadline__gte=threshold
    ).order_by("pk")
    moved_by_unit: dict[int, list[Matter]] = defaultdict(list)
    for matter in affected.select_for_update().iterator(chunk_size=500):
        old = matter.handle_deadline
        old_day = _local_date(old)
        anchor = first_changed - DAY
        if matter.handle_window_start is not None:
            anchor = max(anchor, _local_date(matter.handle_window_start))
        if anchor >= old_day:
            continue
        counted = WorkdayWindow(anchor, old_day).between(anchor, old_day) + sum(
            delta for day, delta in shift.items() if anchor < day <= old_day
        )
        new_day = add_working_days(anchor, counted)
        if new_day == old_day:
            continue
        new = datetime.datetime.combine(new_day, timezone.localtime(old).time(), tzinfo=tz)
        if old <= now or new <= now:
            result.for_review.append((matter.number, old, new))
            DeadlineReview.objects.filter(
                matter=matter, decision=DeadlineReview.Decision.PENDING
            ).delete()
            DeadlineReview.objects.create(
                matter=matter, year=year, basis=basis[:200], old_deadline=old, new_deadline=new
            )
            continue
        result.moved.append((matter.number, old, new))
        set_handle_deadline(matter, new)
        _save(matter, DEADLINE_FIELDS)
        _event(
            matter,
            MatterEvent.Kind.DEADLINE_RECALCULATED,
            actor,
            note=_("依据%(basis)s，办理时限由 %(old)s 调整为 %(new)s。")
            % {"basis": basis, "old": f"{old_day:%Y-%m-%d}", "new": f"{new_day:%Y-%m-%d}"},
            data={"old": old.isoformat(), "new": new.isoformat(), "year": year},
            unit=matter.lead_unit,
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=matter,
            before={"handle_deadline": old.isoformat()},
            after={"handle_deadline": new.isoformat()},
            detail={"reason": "holiday_schedule", "year": year, "basis": basis[:200]},
            actor_repr="" if actor is not None else "system",
        )
        if matter.lead_unit_id:
            moved_by_unit[matter.lead_unit_id].append(matter)
    for matters in moved_by_unit.values():
        notifications.notify(
            notifications.staff_of(matters[0].lead_unit),
            title=_("%(year)s 年节假日正式安排公布，%(n)d 件事项的办理时限已重算")
            % {"year": year, "n": len(matters)},
            body="、".join(m.number for m in matters[:20]),
            url=reverse("loop:inbox"),
        )
    if result.for_review:
        notifications.notify(
            notifications._dispatchers(),
            title=_("%(n)d 件已到期事项的时限待决定（%(year)s 年节假日正式安排）")
            % {"n": len(result.for_review), "year": year},
            url=reverse("loop:deadline_reviews"),
        )
    return result


def _record_source(year: int, source: str) -> None:
    CalendarYearSource.objects.update_or_create(year=year, defaults={"source": source})


def calendar_schedule_enter(
    *,
    year: int,
    basis: str,
    rest_days: set[datetime.date],
    workdays: set[datetime.date],
    actor,
    dry_run: bool = False,
) -> Recomputation:
    """Enter the official schedule of `year` (its 放假 and 调休 days) and recompute the open
    deadlines it moves. With `dry_run`, nothing is kept: the result says what would change."""
    require_role(actor, Role.SYSADMIN, _("录入节假日正式安排"))
    basis = basis.strip()
    errors = []
    if not basis:
        errors.append(_("请填写依据文件（如国务院办公厅关于该年部分节假日安排的通知文号）。"))
    if not rest_days:
        errors.append(_("请至少录入一个放假日期。"))
    both = sorted(rest_days & workdays)
    if both:
        errors.append(
            _("以下日期既列为放假又列为上班：%(days)s。")
            % {"days": "、".join(f"{d:%Y-%m-%d}" for d in both)}
        )
    outside = sorted(d for d in rest_days | workdays if d.year != year)
    if outside:
        errors.append(
            _("以下日期不在 %(year)s 年内：%(days)s。")
            % {"year": year, "days": "、".join(f"{d:%Y-%m-%d}" for d in outside)}
        )
    if errors:
        raise ScheduleRefused(" ".join(errors))
    with transaction.atomic():
        before = workday_map(year)
        CalendarOverride.objects.filter(date__year=year, from_schedule=True).delete()
        standing = set(
            CalendarOverride.objects.filter(date__year=year).values_list("date", flat=True)
        )
        CalendarOverride.objects.bulk_create(
            [
                CalendarOverride(
                    date=day, is_workday=is_work, reason=basis[:200], from_schedule=True
                )
                for days, is_work in ((rest_days, False), (workdays, True))
                for day in sorted(days)
                if day not in standing  # a standing local decision still wins
            ]
        )
        entry, created = LocalCalendarYear.objects.update_or_create(
            year=year, defaults={"basis": basis[:200]}
        )
        _record_source(year, Source.ENTERED)
        result = _recompute(year=year, before=before, basis=basis, actor=actor)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            target=entry,
            after={"rest_days": len(rest_days), "workdays": len(workdays)},
            detail={
                "basis": basis[:200],
                "rest_days": [d.isoformat() for d in sorted(rest_days)],
                "workdays": [d.isoformat() for d in sorted(workdays)],
                "moved": len(result.moved),
                "for_review": len(result.for_review),
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    if dry_run:
        forget_entered_years()
    return result


def calendar_sync(*, today: datetime.date | None = None) -> list[Recomputation]:
    """Notice a year whose official schedule the calendar package now carries, where its
    deadlines were counted provisionally, and recompute them; remember each near year's source.
    Idempotent: run by the timers' sweep and after every migration."""
    today = today or timezone.localdate()
    results = []
    for year in range(today.year - 1, today.year + 3):
        current = year_source(year)
        with transaction.atomic():
            row = CalendarYearSource.objects.select_for_update().filter(year=year).first()
            if row is None:
                _record_source(year, current)
                continue
            if row.source == current:
                continue
            if row.source == Source.PROVISIONAL and current == Source.PACKAGE:
                results.append(
                    _recompute(
                        year=year,
                        before=_provisional_map(year),
                        basis=_("节假日日历包收录的国务院办公厅 %(year)s 年节假日安排")
                        % {"year": year},
                        actor=None,
                    )
                )
            _record_source(year, current)
    return results


def deadline_review_decide(*, review: DeadlineReview, apply: bool, note: str, actor) -> Matter:
    """The dispatch centre applies the official schedule's deadline to a matter whose deadline
    had passed, or keeps the old one; both are on the matter's timeline and in the audit log."""
    require_role(actor, Role.DISPATCHER, _("决定待定时限"))
    if not note.strip():
        raise ScheduleRefused(_("请说明决定的理由。"))
    with transaction.atomic():
        review = DeadlineReview.objects.select_for_update().get(pk=review.pk)
        if review.decision != DeadlineReview.Decision.PENDING:
            raise ScheduleRefused(_("该时限已有决定，不能重复处理。"))
        matter = Matter.objects.select_for_update().get(pk=review.matter_id)
        review.decision = DeadlineReview.Decision.APPLIED if apply else DeadlineReview.Decision.KEPT
        review.decided_by, review.decided_at, review.note = actor, clock.now(), note.strip()[:500]
        review.save(update_fields=["decision", "decided_by", "decided_at", "note"])
        if apply and matter.status in OPEN_WITH_DEADLINE:
            set_handle_deadline(matter, review.new_deadline)
            _save(matter, DEADLINE_FIELDS)
        old_day = _local_date(review.old_deadline)
        new_day = _local_date(review.new_deadline)
        text = (
            _("依据%(basis)s，调度中心决定办理时限由 %(old)s 调整为 %(new)s：%(note)s")
            if apply
            else _("依据%(basis)s应为 %(new)s，调度中心决定维持原办理时限 %(old)s：%(note)s")
        )
        _event(
            matter,
            MatterEvent.Kind.DEADLINE_RECALCULATED,
            actor,
            note=text
            % {
                "basis": review.basis,
                "old": f"{old_day:%Y-%m-%d}",
                "new": f"{new_day:%Y-%m-%d}",
                "note": review.note,
            },
            data={"review": review.pk, "applied": apply},
            unit=matter.lead_unit,
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=matter,
            before={"handle_deadline": review.old_deadline.isoformat()},
            after={"handle_deadline": matter.handle_deadline.isoformat()},
            detail={"reason": "deadline_review", "review": review.pk, "applied": apply},
        )
    return matter
