"""The only code that changes matters.

Every state change goes through `_transition`: it locks the row (select_for_update on
PostgreSQL; SQLite transactions are IMMEDIATE and the version check guards both), checks the
action against `workflow.ACTIONS` and the actor's relation to the matter, writes the event and
the audit record in the same transaction, and queues notifications for after the commit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import acts_for, leads, require_runs_hotline, runs_dispatch_centre
from longcheng.accounts.roles import Role
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record, audit_refusal
from longcheng.core import clock
from longcheng.core.calendar import (
    add_working_hours,
    deadline_after_working_days,
    working_days_between,
)
from longcheng.core.errors import ConcurrentEditError, LongchengError, PermissionRefused
from longcheng.core.models import Unit
from longcheng.core.pii import describe_findings, find_personal_data
from longcheng.core.transactions import service

from . import events, notifications, rollups, rules
from .attachments import attachment_add
from .drafts import MatterDraft
from .emergency import emergency_for
from .models import (
    AnswerReview,
    Category,
    EmergencyMode,
    Extension,
    Matter,
    MatterEvent,
    Notification,
    NumberSequence,
    SupervisionNotice,
    UnreasonableClaim,
    Whistle,
    WhistleSummons,
)
from .rules import (
    DEADLINE_FIELDS,
    LOOP_ACTING_ROLES,
    WHISTLE_HOURS_MAX,
    WHISTLE_HOURS_MIN,
    actor_relations,
    set_handle_deadline,
    time_limit_for,
)
from .workflow import (
    ACTIONS,
    CITIZEN_CHANNELS,
    OPEN,
    OUTCOMES,
    Action,
    Kind,
    MetricScope,
    Rating,
    ReturnReason,
    Status,
    UnreasonableGround,
    Urgency,
    metric_scope_of,
)

E = MatterEvent.Kind


class TransitionRefused(LongchengError):
    """The action is not allowed in the matter's state or for this user."""


# — Time limits and numbers —


def _next_matter_number(now: datetime.datetime) -> str:
    """LC + date + a daily counter. The counter row is updated atomically, so two clerks
    receiving at the same moment never get the same number, and a number is never reused."""
    key = timezone.localtime(now).strftime("%Y%m%d")
    with transaction.atomic():
        NumberSequence.objects.get_or_create(key=key)
        NumberSequence.objects.filter(key=key).update(value=F("value") + 1)
        value = NumberSequence.objects.get(key=key).value
    return f"LC{key}{value:05d}"


def _check(matter: Matter, action: Action, user) -> None:
    """`user` None is the platform itself (timers), which only the timers module passes."""
    from_states, _to, who = ACTIONS[action]
    if matter.status not in from_states:
        raise TransitionRefused(
            _("事项 %(n)s 当前状态为“%(s)s”，不能%(a)s。")
            % {"n": matter.number, "s": matter.get_status_display(), "a": action.label}
        )
    if user is not None and who not in actor_relations(user, matter):
        raise TransitionRefused(
            _("只有%(who)s可以对事项 %(n)s %(a)s。")
            % {"who": who.label, "n": matter.number, "a": action.label}
        )


def _lock(matter: Matter, expected_version: int | None) -> Matter:
    locked = Matter.objects.select_for_update().get(pk=matter.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(
            _("事项 %(n)s 已被他人处理，当前状态为“%(s)s”。请查看最新情况后再操作。")
            % {"n": locked.number, "s": locked.get_status_display()}
        )
    locked._tally = rollups.matter_keys(locked)
    return locked


def _event(
    matter, kind, actor, *, from_status="", to_status="", note="", data=None, unit=None, at=None
):
    event = MatterEvent.objects.create(
        matter=matter,
        kind=kind,
        at=at or clock.now(),
        actor=actor,
        actor_unit=getattr(actor, "unit", None),
        from_status=from_status,
        to_status=to_status or matter.status,
        note=note,
        data=data or {},
        unit=unit,
    )
    rollups.event_recorded(event)
    return event


def _save(matter: Matter, fields: list[str]) -> None:
    """Conditional write on the version read under the lock (belt and braces for SQLite); the
    cockpit's tallies move with the matter in the same transaction."""
    before = getattr(matter, "_tally", None) or rollups.stored_keys(matter.pk)
    expected = matter.version
    updated = Matter.objects.filter(pk=matter.pk, version=expected).update(
        version=expected + 1,
        updated_at=clock.now(),
        **{name: getattr(matter, name) for name in fields},
    )
    if updated != 1:
        raise ConcurrentEditError(_("事项已被他人处理，请刷新后再操作。"))
    matter.version = expected + 1
    rollups.matter_changed(before, matter)
    matter._tally = rollups.matter_keys(matter)


def _transition(
    matter: Matter,
    *,
    action: Action,
    actor,
    expected_version: int | None,
    event_kind: str,
    outcome: Status | None = None,
    note: str = "",
    data=None,
    unit: Unit | None = None,
    fields: Iterable[str] = (),
    mutate=None,
    files: Iterable = (),
) -> tuple[Matter, MatterEvent]:
    # The target state is the action table's; an action with several outcomes (回访评价:
    # closed or reopened) names which one, and only one the table lists.
    to_status = ACTIONS[action][1]
    if action in OUTCOMES:
        if outcome not in OUTCOMES[action]:
            raise ValueError(f"{action} leads to one of {sorted(OUTCOMES[action])}, not {outcome}")
        to_status = outcome
    with transaction.atomic():
        locked = _lock(matter, expected_version)
        _check(locked, action, actor)
        before = locked.status
        if mutate is not None:
            mutate(locked)
        if to_status is not None:
            locked.status = to_status
        _save(locked, ["status", *fields])
        event_data = data(locked) if callable(data) else data
        event = _event(
            locked, event_kind, actor, from_status=before, note=note, data=event_data, unit=unit
        )
        for upload in files:  # photos and documents belong to the step that brought them
            attachment_add(matter=locked, upload=upload, actor=actor, event=event)
        audit_record(
            actor=actor,
            action=AuditAction.STATE_CHANGE,
            target=locked,
            before={"status": before},
            after={"status": locked.status},
            detail={"action": str(action), "from": before, "to": locked.status},
        )
        _propagate_to_followers(locked, event)
    return locked, event


# — Receive and dispatch —


@service
def matter_receive(
    draft: MatterDraft,
    *,
    actor,
    at: datetime.datetime | None = None,
    files: Iterable = (),
) -> Matter:
    """受理: register a matter from any channel. `actor` may be None for the public form."""
    now = at or clock.now()
    # 应急模式: a matter of an emergency category joins its priority queue, urgent.
    emergency = emergency_for(draft.category)
    if emergency is not None and now < emergency.started_at:
        emergency = None  # a matter of the past (an import) belongs to no emergency
    matter = Matter.objects.create(
        number=_next_matter_number(now),
        title=draft.title,
        description=draft.description,
        channel=draft.channel,
        kind=draft.kind,
        urgency=Urgency.URGENT if emergency else draft.urgency,
        emergency=emergency,
        category=draft.category,
        division=draft.division,
        address=draft.address,
        latitude=draft.latitude,
        longitude=draft.longitude,
        anonymous=draft.anonymous,
        reporter_name="" if draft.anonymous else draft.reporter_name,
        reporter_phone="" if draft.anonymous else draft.reporter_phone,
        intake_answers=draft.intake_answers or None,
        received_at=now,
        received_by=actor if getattr(actor, "pk", None) else None,
        receiving_unit=getattr(actor, "unit", None),
        status=Status.RECEIVED,
    )
    rollups.matter_added(matter)
    matter._tally = rollups.matter_keys(matter)
    _event(
        matter,
        E.RECEIVED,
        matter.received_by,
        at=now,
        data={"channel": draft.channel},
        unit=matter.receiving_unit,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=matter,
        after={"status": matter.status, "channel": draft.channel},
        actor_repr="" if actor else "public",
    )
    for upload in files:
        attachment_add(matter=matter, upload=upload, actor=actor)
    notifications.on_received(matter)
    return matter


def _dispatch_fields(matter: Matter, lead_unit: Unit, now: datetime.datetime) -> None:
    limits = time_limit_for(matter.category, matter.kind, matter.urgency)
    if matter.lead_unit_id != lead_unit.pk:
        matter.handler = None  # the handler was named by the unit that no longer leads
    _close_pending_reviews(matter, _("事项已重新派单"), now)
    matter.lead_unit = lead_unit
    matter.dispatched_at = now
    matter.sign_deadline = add_working_hours(now, limits.sign_hours)
    set_handle_deadline(matter, deadline_after_working_days(now, limits.handle_days), start=now)
    matter.signed_at = None
    matter.signed_late = False
    # 响应率 counts citizens' appeals with a phone to call back.
    needs_contact = metric_scope_of(matter.channel) == MetricScope.CITIZEN and bool(
        matter.reporter_phone
    )
    matter.response_deadline = (
        add_working_hours(now, limits.response_hours) if needs_contact else None
    )
    matter.contacted_at = None


_DISPATCH_FIELDS = [
    "lead_unit",
    "handler",
    "dispatched_at",
    "sign_deadline",
    "signed_at",
    "signed_late",
    "category",
    "response_deadline",
    "contacted_at",
    *DEADLINE_FIELDS,
]


@service
def matter_dispatch(
    *,
    matter: Matter,
    actor,
    lead_unit: Unit,
    assisting_units: Iterable[Unit] = (),
    category: Category | None = None,
    expected_version: int | None = None,
    note: str = "",
    redispatch: bool = False,
) -> Matter:
    """派单 / 改派: assign the lead unit and assisting units; deadlines from the catalogue."""
    assisting = [u for u in assisting_units if u.pk != lead_unit.pk]
    now = clock.now()

    def mutate(m: Matter) -> None:
        if category is not None:
            m.category = category
        _dispatch_fields(m, lead_unit, now)

    action = Action.REDISPATCH if redispatch else Action.DISPATCH
    matter, _e = _transition(
        matter,
        action=action,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.REDISPATCHED if redispatch else E.DISPATCHED,
        note=note,
        unit=lead_unit,
        fields=_DISPATCH_FIELDS,
        mutate=mutate,
        data=lambda m: {
            "lead_unit": lead_unit.pk,
            "assisting_units": [u.pk for u in assisting],
            "response_due": m.response_deadline is not None,
        },
    )
    matter.assisting_units.set(assisting)
    notifications.on_dispatched(matter)
    return matter


@service
def matter_sign(*, matter: Matter, actor, expected_version: int | None = None) -> Matter:
    """签收: the lead unit accepts; signing after the sign deadline is recorded as late."""
    now = clock.now()

    def mutate(m: Matter) -> None:
        m.signed_at = now
        m.signed_late = bool(m.sign_deadline and now > m.sign_deadline)

    matter, _e = _transition(
        matter,
        action=Action.SIGN,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.SIGNED,
        unit=matter.lead_unit,
        fields=["signed_at", "signed_late"],
        mutate=mutate,
        data=lambda m: {"late": m.signed_late},
    )
    notifications.on_signed(matter)
    return matter


@service
def matter_return(
    *,
    matter: Matter,
    actor,
    reason: str,
    reason_kind: str = "",
    expected_version: int | None = None,
    files: Iterable = (),
) -> Matter:
    """退单: the unit sends the matter back to the dispatcher with a reason: one of the preset
    kinds (ReturnReason) and words; 其他 and a bare return need the words."""
    reason = reason.strip()
    if reason_kind and reason_kind not in ReturnReason.values:
        raise TransitionRefused(_("退单理由类别无效。"))
    if not reason and reason_kind in ("", ReturnReason.OTHER):
        raise TransitionRefused(_("退单必须说明理由。"))
    if reason_kind:
        label = ReturnReason(reason_kind).label
        reason = f"{label}：{reason}" if reason else str(label)
    unit = matter.lead_unit

    def mutate(m: Matter) -> None:
        m.return_count += 1

    matter, event = _transition(
        matter,
        action=Action.RETURN,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.RETURNED,
        files=files,
        note=reason,
        data={"reason": reason_kind} if reason_kind else None,
        unit=unit,
        fields=["return_count"],
        mutate=mutate,
    )
    notifications.on_returned(matter, reason)
    transaction.on_commit(
        lambda: events.matter_returned.send(sender=Matter, matter=matter, event=event, unit=unit)
    )
    return matter


# — Handling —


@service
def matter_add_opinion(*, matter: Matter, actor, text: str, files: Iterable = ()) -> MatterEvent:
    """协办意见: an assisting unit contributes; the status does not change."""
    if not text.strip():
        raise TransitionRefused(_("请填写协办意见。"))
    _m, event = _transition(
        matter,
        action=Action.OPINION,
        actor=actor,
        expected_version=None,
        event_kind=E.OPINION,
        files=files,
        note=text,
        unit=actor.unit,
    )
    return event


@service
def matter_add_progress(
    *,
    matter: Matter,
    actor,
    text: str,
    expected_version: int | None = None,
    files: Iterable = (),
    public: bool = False,
) -> Matter:
    """办理进展; `public` notes are shown to the reporter on the tracking page (masked)."""
    if not text.strip():
        raise TransitionRefused(_("请填写办理进展。"))
    matter, _e = _transition(
        matter,
        action=Action.PROGRESS,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.PROGRESS,
        files=files,
        note=text,
        data={"public": True} if public else None,
        unit=matter.lead_unit,
    )
    return matter


@service
def matter_request_extension(*, matter: Matter, actor, days: int, reason: str) -> Extension:
    """延期申请: the lead unit asks the dispatcher for more working days."""
    if days < 1 or days > 60:
        raise TransitionRefused(_("延期天数应在 1 到 60 个工作日之间。"))
    if not reason.strip():
        raise TransitionRefused(_("申请延期必须说明理由。"))
    if matter.extensions.filter(decision=Extension.Decision.PENDING).exists():
        raise TransitionRefused(_("已有一份待审批的延期申请，请等待派单中心审批。"))
    with transaction.atomic():
        _m, _e = _transition(
            matter,
            action=Action.REQUEST_EXTENSION,
            actor=actor,
            expected_version=None,
            event_kind=E.EXTENSION_REQUESTED,
            note=reason,
            data={"days": days},
            unit=matter.lead_unit,
        )
        extension = Extension.objects.create(
            matter=matter, days=days, reason=reason, requested_by=actor, requested_at=clock.now()
        )
    notifications.on_extension_requested(matter, extension)
    return extension


@service
def matter_decide_extension(
    *, extension: Extension, actor, approve: bool, reason: str = ""
) -> Matter:
    if extension.decision != Extension.Decision.PENDING:
        raise TransitionRefused(_("该延期申请已审批，不能重复审批。"))
    if not approve and not reason.strip():
        raise TransitionRefused(_("不同意延期时必须说明理由。"))
    matter = extension.matter

    def mutate(m: Matter) -> None:
        if approve and m.handle_deadline:
            set_handle_deadline(m, deadline_after_working_days(m.handle_deadline, extension.days))

    with transaction.atomic():
        matter, _e = _transition(
            matter,
            action=Action.DECIDE_EXTENSION,
            actor=actor,
            expected_version=None,
            event_kind=E.EXTENSION_APPROVED if approve else E.EXTENSION_REFUSED,
            note=reason,
            data={"days": extension.days},
            unit=matter.lead_unit,
            fields=DEADLINE_FIELDS,
            mutate=mutate,
        )
        extension.decision = Extension.Decision.APPROVED if approve else Extension.Decision.REFUSED
        extension.decided_by, extension.decided_at = actor, clock.now()
        extension.decision_reason = reason
        extension.save()
    notifications.on_extension_decided(matter, extension)
    return matter


@service
def matter_suspend(
    *,
    matter: Matter,
    actor,
    reason: str,
    expected_version: int | None = None,
    files: Iterable = (),
) -> Matter:
    """挂起: the clock stops for an external cause (e.g. awaiting a court ruling)."""
    if not reason.strip():
        raise TransitionRefused(_("挂起必须说明外部原因。"))

    def mutate(m: Matter) -> None:
        m.suspended_at = clock.now()

    matter, _e = _transition(
        matter,
        action=Action.SUSPEND,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.SUSPENDED,
        files=files,
        note=reason,
        unit=matter.lead_unit,
        fields=["suspended_at"],
        mutate=mutate,
    )
    return matter


@service
def matter_resume(*, matter: Matter, actor, expected_version: int | None = None) -> Matter:
    """恢复: the deadline moves on by the working days spent suspended."""
    now = clock.now()
    shift = {}

    def mutate(m: Matter) -> None:
        days = max(
            0,
            working_days_between(
                timezone.localtime(m.suspended_at).date(), timezone.localtime(now).date()
            ),
        )
        shift["days"] = days
        if m.handle_deadline and days:
            set_handle_deadline(m, deadline_after_working_days(m.handle_deadline, days))
        m.suspended_at = None

    matter, _e = _transition(
        matter,
        action=Action.RESUME,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.RESUMED,
        unit=matter.lead_unit,
        fields=["suspended_at", *DEADLINE_FIELDS],
        mutate=mutate,
        data=lambda m: {"deadline_shift_days": shift["days"]},
    )
    return matter


def _due_counted_by_answer(m: Matter) -> dict:
    """按期办结率 counts each deadline once, on the deadline's day: an answer in time counts it
    met; a late answer counts it missed unless the timers already counted it when it passed."""
    if m.handle_deadline is None:
        return {}
    due_day = timezone.localtime(m.handle_deadline).date().isoformat()
    if not m.answered_late:
        return {"due_day": due_day, "due_on_time": True}
    already = SupervisionNotice.objects.filter(
        matter=m, kind=SupervisionNotice.Kind.OVERDUE, deadline=m.handle_deadline
    ).exists()
    return {} if already else {"due_day": due_day, "due_on_time": False}


@service
def matter_answer(
    *,
    matter: Matter,
    actor,
    text: str,
    expected_version: int | None = None,
    personal_data_checked: bool = False,
    files: Iterable = (),
) -> Matter:
    """办结: the lead unit answers with the result; late answers are recorded as such. An answer
    to a citizen that holds phone or ID numbers is refused until the clerk confirms having
    checked them; wherever the public reads it, they are masked (core.pii)."""
    findings = _checked_answer(matter, text, personal_data_checked)
    if rules.answer_needs_review(matter, actor):
        _answer_submit_for_review(
            matter=matter, actor=actor, text=text, expected_version=expected_version, files=files
        )
        return matter
    return _answer(
        matter=matter,
        actor=actor,
        text=text,
        findings=findings,
        expected_version=expected_version,
        files=files,
    )


def _checked_answer(matter: Matter, text: str, personal_data_checked: bool) -> list:
    if len(text.strip()) < 5:
        raise TransitionRefused(_("答复内容过短，请写明办理结果。"))
    findings = find_personal_data(text) if matter.channel in CITIZEN_CHANNELS else []
    if findings and not personal_data_checked:
        raise TransitionRefused(
            _(
                "答复中含有个人信息：%(found)s。答复将送达市民并可能公开（公开时自动遮蔽），"
                "请核对确需写入后勾选“已核对答复中的个人信息”再提交。"
            )
            % {"found": describe_findings(findings)}
        )
    return findings


def _answer(
    *,
    matter: Matter,
    actor,
    text: str,
    findings: list,
    expected_version: int | None,
    files: Iterable = (),
    reviewed: AnswerReview | None = None,
) -> Matter:
    now = clock.now()
    if reviewed is None:  # the leader answered directly: a draft waiting for review is moot
        _close_pending_reviews(matter, _("负责人已直接答复"), now)
    info: dict = {"personal_data_masked": len(findings)} if findings else {}

    def mutate(m: Matter) -> None:
        m.answered_at = now
        m.answer_text = text
        m.answered_late = bool(m.handle_deadline and now > m.handle_deadline)
        start = m.handle_window_start or m.dispatched_at or m.received_at
        # Handling time leaves out the working days spent suspended (the clock stood still).
        suspended = sum(
            int(data.get("deadline_shift_days", 0))
            for data in m.events.filter(kind=E.RESUMED, at__gte=start).values_list(
                "data", flat=True
            )
        )
        info["working_days"] = max(
            0,
            working_days_between(timezone.localtime(start).date(), timezone.localtime(now).date())
            - suspended,
        )
        info.update(_due_counted_by_answer(m))

    matter, _e = _transition(
        matter,
        action=Action.ANSWER,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.ANSWERED,
        files=files,
        note=text,
        unit=matter.lead_unit,
        fields=["answered_at", "answer_text", "answered_late"],
        mutate=mutate,
        data=lambda m: {
            "late": m.answered_late,
            **info,
            **({"drafted_by": reviewed.submitted_by_id} if reviewed else {}),
        },
    )
    _whistles_settle(matter, now)
    notifications.on_answered(matter)
    return matter


def _close_pending_reviews(matter: Matter, comment: str, now: datetime.datetime) -> None:
    AnswerReview.objects.filter(matter=matter, decision=AnswerReview.Decision.PENDING).update(
        decision=AnswerReview.Decision.SENT_BACK, comment=comment, decided_at=now
    )


def _answer_submit_for_review(
    *, matter: Matter, actor, text: str, expected_version: int | None, files: Iterable
) -> AnswerReview:
    if matter.answer_reviews.filter(decision=AnswerReview.Decision.PENDING).exists():
        raise TransitionRefused(_("已有一份答复在等待负责人审核，请等审核结果。"))
    review = AnswerReview.objects.create(
        matter=matter, text=text, submitted_by=actor, submitted_at=clock.now()
    )
    # A step of handling (办理中), allowed to whoever may add progress: the lead unit's staff.
    _transition(
        matter,
        action=Action.PROGRESS,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.ANSWER_SUBMITTED,
        files=files,
        note=text,
        data={"review": review.pk},
        unit=matter.lead_unit,
    )
    notifications.on_answer_submitted(matter, review)
    return review


@service
def matter_review_answer(
    *,
    matter: Matter,
    actor,
    review: AnswerReview,
    approve: bool,
    comment: str = "",
    text: str | None = None,
    expected_version: int | None = None,
) -> Matter:
    """审核答复: the leader approves the drafted answer (it is answered now, in the leader's
    name, the drafter on record; the leader may amend the words) or sends it back with a
    comment for revision (the matter stays with the unit, its deadline running)."""
    if review.matter_id != matter.pk or review.decision != AnswerReview.Decision.PENDING:
        raise TransitionRefused(_("这份答复已审核过。"))
    if not approve and not comment.strip():
        raise TransitionRefused(_("退回修改请写明审核意见。"))
    if not leads(actor, matter.lead_unit):
        raise TransitionRefused(_("只有主办单位负责人可以审核答复。"))
    final = (text or review.text).strip()
    review.decision = AnswerReview.Decision.APPROVED if approve else AnswerReview.Decision.SENT_BACK
    review.decided_by, review.decided_at, review.comment = actor, clock.now(), comment.strip()
    review.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    if approve:
        notifications.on_answer_reviewed(matter, review)
        findings = find_personal_data(final) if matter.channel in CITIZEN_CHANNELS else []
        return _answer(
            matter=matter,
            actor=actor,
            text=final,
            findings=findings,
            expected_version=expected_version,
            reviewed=review,
        )
    matter, _e = _transition(
        matter,
        action=Action.REVIEW_ANSWER,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.ANSWER_SENT_BACK,
        note=comment.strip(),
        data={"review": review.pk},
        unit=matter.lead_unit,
    )
    notifications.on_answer_reviewed(matter, review)
    return matter


@service
def matter_assign(*, matter: Matter, actor, handler, expected_version: int | None = None) -> Matter:
    """派发到人: the lead unit's leader names who handles the matter (a clerk or leader of that
    unit); it appears in their 我经办的 tab."""
    if (
        handler is None
        or not handler.is_active
        or handler.unit_id != matter.lead_unit_id
        or handler.role not in (Role.CLERK, Role.LEADER)
    ):
        raise TransitionRefused(_("经办人须是主办单位在岗的工作人员。"))

    def mutate(m: Matter) -> None:
        m.handler = handler

    matter, _e = _transition(
        matter,
        action=Action.ASSIGN,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.ASSIGNED,
        note=_("派给 %(name)s") % {"name": handler.full_name},
        data={"handler": handler.pk},
        unit=matter.lead_unit,
        fields=["handler"],
        mutate=mutate,
    )
    notifications.on_assigned(matter, handler)
    return matter


# — 吹哨报到 —


def _summons_subject(summons: WhistleSummons) -> str:
    return f"loop.whistlesummons:{summons.pk}"


@service
def matter_whistle(
    *, matter: Matter, actor, units: Iterable[Unit], reason: str, hours: int
) -> Whistle:
    """吹哨: the lead unit handling the matter summons departments; each must report (报到)
    within `hours` working hours. Every wrong input is named at once."""
    _check(matter, Action.WHISTLE, actor)
    units = list(units)
    ids = [u.pk for u in units]
    problems = []
    if len(reason.strip()) < 4:
        problems.append(_("请写明需要各部门解决或配合的问题（不少于 4 个字）。"))
    if not WHISTLE_HOURS_MIN <= hours <= WHISTLE_HOURS_MAX:
        problems.append(
            _("报到时限应在 %(a)d 到 %(b)d 个工作小时之间。")
            % {"a": WHISTLE_HOURS_MIN, "b": WHISTLE_HOURS_MAX}
        )
    if not units:
        problems.append(_("请至少选择一个被吹哨部门。"))
    twice = sorted({str(u) for u in units if ids.count(u.pk) > 1})
    if twice:
        problems.append(_("被吹哨部门重复：%(u)s。") % {"u": "、".join(twice)})
    if matter.lead_unit_id in ids:
        problems.append(_("不能向本事项的主办单位（%(u)s）吹哨。") % {"u": matter.lead_unit})
    closed = [str(u) for u in units if not u.is_active]
    if closed:
        problems.append(_("%(u)s 已停用，不能吹哨。") % {"u": "、".join(closed)})
    waiting = sorted(
        str(s.unit)
        for s in WhistleSummons.objects.filter(
            matter=matter, unit_id__in=ids, status__in=WhistleSummons.OPEN
        ).select_related("unit")
    )
    if waiting:
        problems.append(_("%(u)s 已被吹哨、尚未报到，不必重复吹哨。") % {"u": "、".join(waiting)})
    if problems:
        raise TransitionRefused(" ".join(problems))
    now = clock.now()
    deadline = add_working_hours(now, hours)
    names = "、".join(str(u) for u in units)
    with transaction.atomic():
        matter, _e = _transition(
            matter,
            action=Action.WHISTLE,
            actor=actor,
            expected_version=None,
            event_kind=E.WHISTLED,
            note=_("向 %(u)s 吹哨，请于 %(d)s 前报到（%(h)d 个工作小时）：%(r)s")
            % {
                "u": names,
                "d": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
                "h": hours,
                "r": reason.strip(),
            },
            data={"units": ids, "hours": hours, "deadline": deadline.isoformat()},
            unit=matter.lead_unit,
        )
        lead_unit = matter.lead_unit
        assert lead_unit is not None  # a handling matter has one (ACTIONS[WHISTLE])
        whistle = Whistle.objects.create(
            matter=matter,
            unit=lead_unit,
            called_by=actor,
            reason=reason.strip(),
            hours=hours,
            called_at=now,
            report_deadline=deadline,
        )
        summonses = WhistleSummons.objects.bulk_create(
            [
                WhistleSummons(whistle=whistle, matter=matter, unit=unit, deadline=deadline)
                for unit in units
            ]
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target=whistle,
            after={"units": ids, "hours": hours, "deadline": deadline.isoformat()},
            detail={"matter": matter.number},
        )
        notifications.on_whistled(matter, whistle, summonses)
    return whistle


@service
def matter_report(
    *, matter: Matter, actor, summons: WhistleSummons, opinion: str, took_part: str = ""
) -> WhistleSummons:
    """报到: a summoned department signs in with its opinion and, if it takes one, its part of
    the work. After the deadline it is still taken, and recorded as late."""
    # As it stands now (another member of staff may have reported meanwhile).
    _summons_open(matter, WhistleSummons.objects.select_related("unit").get(pk=summons.pk))
    _check(matter, Action.REPORT, actor)
    if not opinion.strip():
        raise TransitionRefused(_("请填写报到意见。"))
    with transaction.atomic():
        locked = (
            WhistleSummons.objects.select_for_update().select_related("unit").get(pk=summons.pk)
        )
        _summons_open(matter, locked)
        if not acts_for(actor, locked.unit, roles=LOOP_ACTING_ROLES):
            raise TransitionRefused(_("只有被吹哨的部门（%(u)s）可以报到。") % {"u": locked.unit})
        now = clock.now()
        late = now > locked.deadline
        part = took_part.strip()
        note = opinion.strip()
        if part:
            note = f"{note}\n" + _("承担：%(p)s") % {"p": part}
        matter, _e = _transition(
            matter,
            action=Action.REPORT,
            actor=actor,
            expected_version=None,
            event_kind=E.REPORTED,
            note=note,
            data={"summons": locked.pk, "late": late},
            unit=locked.unit,
        )
        before = locked.status
        locked.status = (
            WhistleSummons.Status.REPORTED_LATE if late else WhistleSummons.Status.REPORTED
        )
        locked.reported_at, locked.reported_by = now, actor
        locked.opinion, locked.took_part = opinion.strip(), part
        locked.save(update_fields=["status", "reported_at", "reported_by", "opinion", "took_part"])
        if not WhistleSummons.objects.filter(
            whistle_id=locked.whistle_id, status__in=WhistleSummons.OPEN
        ).exists():
            Whistle.objects.filter(pk=locked.whistle_id).update(closed_at=now)
        audit_record(
            actor=actor,
            action=AuditAction.STATE_CHANGE,
            target=locked,
            before={"status": before},
            after={"status": locked.status},
            detail={"matter": matter.number, "late": late},
        )
        notifications.on_reported(matter, locked, subject=_summons_subject(locked))
    return locked


def _summons_open(matter: Matter, summons: WhistleSummons) -> None:
    """The summons is this matter's and still waits for its report."""
    if summons.matter_id != matter.pk:
        raise TransitionRefused(_("这次吹哨不属于事项 %(n)s。") % {"n": matter.number})
    if summons.status == WhistleSummons.Status.CANCELLED:
        raise TransitionRefused(_("事项已办结，这次吹哨已结束，无需报到。"))
    if not summons.is_open:
        raise TransitionRefused(
            _("%(u)s 已于 %(t)s 报到，不能重复报到。")
            % {
                "u": summons.unit,
                "t": timezone.localtime(summons.reported_at).strftime("%Y-%m-%d %H:%M"),
            }
        )


def _whistles_settle(matter: Matter, now: datetime.datetime) -> None:
    """The matter is answered: a department not yet due need not report any more (its
    summons leaves 报到及时率); one already late stays late."""
    WhistleSummons.objects.filter(matter=matter, status=WhistleSummons.Status.PENDING).update(
        status=WhistleSummons.Status.CANCELLED
    )
    Whistle.objects.filter(matter=matter, closed_at__isnull=True).update(closed_at=now)


@service
def matter_rate(
    *,
    matter: Matter,
    actor,
    rating: str,
    resolved: bool,
    note: str = "",
    expected_version: int | None = None,
    defaulted: bool = False,
    by_reporter: bool = False,
) -> Matter:
    """回访评价: 不满意 reopens the matter for the same unit (重办) with a fresh deadline."""
    if rating not in Rating.values:
        raise TransitionRefused(_("请选择满意、基本满意或不满意。"))
    now = clock.now()
    reopen = rating == Rating.DISSATISFIED
    unit = matter.lead_unit
    extended = reopen and matter.extensions.filter(decision=Extension.Decision.APPROVED).exists()

    def mutate(m: Matter) -> None:
        m.rating, m.resolved, m.rated_at, m.rating_defaulted = rating, resolved, now, defaulted
        if reopen:
            m.reopen_count += 1
            limits = time_limit_for(m.category, m.kind, m.urgency)
            fresh = deadline_after_working_days(now, limits.handle_days)
            # An approved extension granted the unit a date; reopening never takes it back.
            if extended and m.handle_deadline and m.handle_deadline > fresh:
                fresh = m.handle_deadline
            set_handle_deadline(m, fresh, start=now)

    fields = [
        "rating",
        "resolved",
        "rated_at",
        "rating_defaulted",
        "reopen_count",
        *DEADLINE_FIELDS,
    ]
    matter, _e = _transition(
        matter,
        action=Action.RATE,
        actor=actor,
        expected_version=expected_version,
        outcome=Status.REOPENED if reopen else Status.CLOSED,
        event_kind=E.RATED,
        note=note,
        unit=unit,
        fields=fields,
        mutate=mutate,
        data={
            "rating": rating,
            "resolved": resolved,
            "defaulted": defaulted,
            **({"by": "reporter"} if by_reporter else {}),
            # A certified unreasonable appeal stays out of 满意率 and 解决率.
            "unreasonable": matter.unreasonable_claims.filter(
                decision=UnreasonableClaim.Decision.CERTIFIED
            ).exists(),
        },
    )
    notifications.on_rated(matter)
    if reopen:
        _event(
            matter,
            E.REOPENED,
            actor,
            from_status=Status.ANSWERED,
            note=note,
            unit=unit,
            data={"by": "reporter"} if by_reporter else None,
        )
        notifications.on_reopened(matter)
    return matter


@service
def matter_merge(*, follower: Matter, master: Matter, actor) -> Matter:
    """并单: a duplicate follows its master and receives the master's updates and answer."""
    if follower.pk == master.pk or master.master_id:
        raise TransitionRefused(_("只能并入一个未被并单的其他事项。"))
    if master.status in (Status.MERGED, Status.ARCHIVED):
        raise TransitionRefused(_("主单已归档或已并单，不能作为主单。"))

    def mutate(m: Matter) -> None:
        m.master = master

    follower, _e = _transition(
        follower,
        action=Action.MERGE,
        actor=actor,
        expected_version=None,
        event_kind=E.MERGED,
        fields=["master"],
        mutate=mutate,
        note=_("并入主单 %(n)s") % {"n": master.number},
        data={"master": master.pk},
    )
    _event(
        master,
        E.MERGED,
        actor,
        note=_("并入重复事项 %(n)s") % {"n": follower.number},
        data={"follower": follower.pk},
    )
    notifications.on_merged(follower)
    return follower


def _propagate_to_followers(master: Matter, event: MatterEvent) -> None:
    """Followers see the master's progress and answer on their own timelines."""
    if event.kind not in (E.PROGRESS, E.ANSWERED, E.RATED, E.DISPATCHED, E.SIGNED):
        return
    for follower in master.followers.all():
        MatterEvent.objects.create(
            matter=follower,
            kind=E.MASTER_UPDATE,
            at=event.at,
            actor=event.actor,
            actor_unit=event.actor_unit,
            note=event.note,
            data={"master": master.pk, "master_event": event.kind},
        )
        if event.kind == E.ANSWERED:
            Matter.objects.filter(pk=follower.pk).update(
                answer_text=master.answer_text,
                answered_at=master.answered_at,
                version=F("version") + 1,
            )
            notifications.on_follower_answered(follower, master)


@service
def matter_archive(*, matter: Matter, actor, expected_version: int | None = None) -> Matter:
    now = clock.now()

    def mutate(m: Matter) -> None:
        m.archived_at = now

    matter, _e = _transition(
        matter,
        action=Action.ARCHIVE,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.ARCHIVED,
        fields=["archived_at"],
        mutate=mutate,
    )
    return matter


@service
def matter_reveal_reporter_phone(*, matter: Matter, actor) -> str:
    """The callback clerk needs the full number to call back; every look is audited."""
    if not actor.has_perm("parties.reveal_personal_data"):
        audit_refusal(actor=actor, what="reveal", target=matter)
        raise TransitionRefused(_("您没有查看完整个人信息的权限。"))
    audit_record(
        actor=actor, action=AuditAction.REVEAL, target=matter, detail={"fields": ["reporter_phone"]}
    )
    return matter.reporter_phone


@service
def matter_set_legal_hold(
    *, matter: Matter, actor, reason: str, expected_version: int | None = None
) -> Matter:
    """保全 or its lifting (blank reason): unit leaders and the dispatch centre decide it,
    because it overrides the person's right to deletion (PIPL art. 47 exceptions)."""
    if actor.role not in (Role.LEADER, Role.DISPATCHER):
        raise TransitionRefused(_("只有单位领导或派单中心可以设置或解除保全。"))
    reason = reason.strip()
    with transaction.atomic():
        matter = _lock(matter, expected_version)
        before = matter.legal_hold
        if before == reason:
            return matter
        matter.legal_hold = reason
        _save(matter, ["legal_hold"])
        _event(
            matter,
            E.LEGAL_HOLD,
            actor,
            note=(_("设置保全：%(r)s") % {"r": reason}) if reason else _("解除保全"),
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=matter,
            before={"legal_hold": before},
            after={"legal_hold": reason},
        )
    return matter


@service
def matter_committee_decision(
    *,
    matter: Matter,
    actor,
    lead_unit: Unit,
    deadline: datetime.date,
    instructions: str,
    assisting_units: Iterable[Unit] = (),
) -> Matter:
    """督办决定: the supervision committee names the lead unit and a deadline; the matter goes
    back to the unit to sign, with the committee's instructions on its timeline."""
    if not instructions.strip():
        raise TransitionRefused(_("督办决定须写明要求。"))
    now = clock.now()
    if deadline < timezone.localtime(now).date():
        raise TransitionRefused(_("办结期限不能早于今天。"))
    limits_hours = time_limit_for(matter.category, matter.kind, matter.urgency).sign_hours
    assisting = [u for u in assisting_units if u.pk != lead_unit.pk]

    def mutate(m: Matter) -> None:
        m.lead_unit = lead_unit
        m.dispatched_at = now
        m.sign_deadline = add_working_hours(now, limits_hours)
        m.signed_at, m.signed_late = None, False
        set_handle_deadline(
            m,
            deadline_after_working_days(
                datetime.datetime.combine(
                    deadline, datetime.time(9), tzinfo=timezone.localtime(now).tzinfo
                ),
                0,
            ),
            start=now,
        )

    matter, _e = _transition(
        matter,
        action=Action.DECIDE,
        actor=actor,
        expected_version=None,
        event_kind=E.SUPERVISION,
        note=instructions,
        unit=lead_unit,
        fields=_DISPATCH_FIELDS,
        mutate=mutate,
        data={"lead_unit": lead_unit.pk, "deadline": deadline.isoformat(), "committee": True},
    )
    if assisting:
        matter.assisting_units.set(assisting)
    notifications.on_dispatched(matter)
    return matter


@service
def matter_rate_by_reporter(
    *, matter: Matter, rating: str, resolved: bool, note: str = ""
) -> Matter:
    """The reporter rates on the tracking page (no account: the platform acts for them)."""
    return matter_rate(
        matter=matter,
        actor=None,
        rating=rating,
        resolved=resolved,
        note=note or _("诉求人在查询页自行评价。"),
        by_reporter=True,
    )


# — Matters a unit opens for itself —


@service
def matter_open_for_unit(
    *,
    actor,
    title: str,
    description: str,
    channel: str,
    deadline: datetime.date,
    division=None,
    address: str = "",
    category: Category | None = None,
    unit: Unit | None = None,
) -> Matter:
    """A rectification order, an enforcement order or a project obstacle is raised by the unit
    that will follow it up: received, dispatched to that unit and signed in one step, with the
    deadline the order states, so it runs through the same timers, supervision and metrics."""
    if actor.unit is None:
        raise TransitionRefused(_("只有所属单位的工作人员可以建立整改事项。"))
    # A leader may open it for a unit below (a case filed by the head, handled by a brigade).
    unit = unit or actor.unit
    if not acts_for(actor, unit):
        raise TransitionRefused(_("只能为本单位或下级单位建立事项。"))
    now = clock.now()
    if deadline < timezone.localtime(now).date():
        raise TransitionRefused(_("整改期限不能早于今天。"))
    with transaction.atomic():
        matter = matter_receive(
            MatterDraft(
                title=title,
                description=description,
                channel=channel,
                kind="report",
                urgency="normal",
                category=category,
                division=division,
                address=address,
            ),
            actor=actor,
            at=now,
        )
        matter.lead_unit = unit
        matter.dispatched_at = matter.signed_at = now
        matter.sign_deadline = now
        end_of_day = datetime.datetime.combine(
            deadline, datetime.time(17, 30), tzinfo=timezone.localtime(now).tzinfo
        )
        set_handle_deadline(matter, end_of_day, start=now)
        matter.status = Status.SIGNED
        # The matter (and its tally rows) first, then the events: every transaction touches
        # the roll-ups in the same order, matters before unit days (ADR 0014).
        _save(matter, ["status", "signed_at", *_DISPATCH_FIELDS])
        _event(
            matter,
            E.DISPATCHED,
            actor,
            from_status=Status.RECEIVED,
            to_status=Status.DISPATCHED,
            unit=unit,
            at=now,
            # Opened by the unit for itself: not a dispatch the unit is measured on.
            data={"self_assigned": True},
        )
        _event(
            matter,
            E.SIGNED,
            actor,
            from_status=Status.DISPATCHED,
            unit=unit,
            at=now,
            data={"deadline": deadline.isoformat(), "self_assigned": True},
        )
        audit_record(
            actor=actor,
            action=AuditAction.STATE_CHANGE,
            target=matter,
            before={"status": Status.RECEIVED},
            after={"status": Status.SIGNED},
            detail={"action": "open_for_unit", "deadline": deadline.isoformat()},
        )
    return matter


@service
def matter_raise_for_unit(
    *, title: str, description: str, channel: str, unit: Unit, note: str
) -> Matter:
    """A matter the platform itself raises (a monthly call for figures, a traffic-light
    supervision, a fund alert) and hands straight to the unit, on the catalogue's time limits."""
    with transaction.atomic():
        matter = matter_receive(
            MatterDraft(
                title=title,
                description=description,
                channel=channel,
                kind="report",
                urgency="normal",
            ),
            actor=None,
        )
        return matter_dispatch(matter=matter, actor=None, lead_unit=unit, note=note)


@service
def matter_add_external_note(*, matter: Matter, text: str, source: str) -> MatterEvent:
    """A party without an account (an inspected hospital, a site) reports its own progress;
    the note lands on the timeline, the status does not change."""
    if not text.strip():
        raise TransitionRefused(_("请填写说明。"))
    with transaction.atomic():
        locked = _lock(matter, None)
        event = _event(
            locked,
            E.PROGRESS,
            None,
            from_status=locked.status,
            note=text,
            data={"source": source},
            unit=locked.lead_unit,
        )
        audit_record(
            actor=None,
            actor_repr=source,
            action=AuditAction.UPDATE,
            target=locked,
            detail={"external_note": True},
        )
    return event


@service
def matter_move_deadline(*, matter: Matter, actor, deadline: datetime.date, note: str) -> Matter:
    """A matter a unit opened for itself moves on to its next statutory period (an enforcement
    case from the decision deadline to service, then payment); the move is on the timeline."""
    if matter.lead_unit is None or not acts_for(actor, matter.lead_unit):
        raise TransitionRefused(_("只有承办单位可以调整自办事项的期限。"))
    now = clock.now()
    end_of_day = datetime.datetime.combine(
        deadline, datetime.time(17, 30), tzinfo=timezone.localtime(now).tzinfo
    )
    with transaction.atomic():
        locked = _lock(matter, None)
        if locked.status not in (Status.SIGNED, Status.IN_PROGRESS, Status.REOPENED):
            raise TransitionRefused(
                _("事项 %(n)s 当前状态为“%(s)s”，不能调整期限。")
                % {"n": locked.number, "s": locked.get_status_display()}
            )
        set_handle_deadline(locked, end_of_day, start=now)
        _save(locked, list(DEADLINE_FIELDS))
        _event(
            locked,
            E.EXTENSION_APPROVED,
            actor,
            from_status=locked.status,
            note=note,
            data={"deadline": deadline.isoformat()},
            unit=locked.lead_unit,
        )
        notifications.on_deadline_moved(locked)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            detail={"deadline": deadline.isoformat(), "note": note},
        )
    return locked


# — 响应 and 不合理诉求认定 (docs/metrics.md) —


@service
def matter_contact(*, matter: Matter, actor, note: str, expected_version: int | None = None):
    """联系诉求人: the lead unit records a contact with the citizen; the first one after a
    dispatch is timed against the response window (响应率)."""
    if len(note.strip()) < 2:
        raise TransitionRefused(_("请写明联系方式和沟通内容。"))
    now = clock.now()
    info: dict = {}

    def mutate(m: Matter) -> None:
        first = m.contacted_at is None
        info["first"] = first
        if first:
            m.contacted_at = now
            if m.response_deadline is not None:
                info["response_day"] = timezone.localtime(m.dispatched_at).date().isoformat()
                info["responded_on_time"] = now <= m.response_deadline

    matter, _e = _transition(
        matter,
        action=Action.CONTACT,
        actor=actor,
        expected_version=expected_version,
        event_kind=E.CONTACTED,
        note=note,
        unit=matter.lead_unit,
        fields=["contacted_at"],
        mutate=mutate,
        data=lambda m: info,
    )
    return matter


@service
def matter_request_unreasonable(
    *, matter: Matter, actor, ground: str, reasons: str, evidence: str
) -> UnreasonableClaim:
    """The lead unit asks the dispatch centre to certify an appeal unreasonable."""
    if ground not in UnreasonableGround.values:
        raise TransitionRefused(_("请选择认定理由类别。"))
    if len(reasons.strip()) < 10 or len(evidence.strip()) < 4:
        raise TransitionRefused(_("请写明理由（不少于 10 个字）和所依据的证据。"))
    if metric_scope_of(matter.channel) != MetricScope.CITIZEN:
        raise TransitionRefused(_("只有市民诉求可以申请不合理诉求认定。"))
    unit = matter.lead_unit
    if unit is None:
        raise TransitionRefused(_("事项尚未派单，不能申请不合理诉求认定。"))
    claims = matter.unreasonable_claims.all()
    if claims.filter(decision=UnreasonableClaim.Decision.CERTIFIED).exists():
        raise TransitionRefused(_("该诉求已认定为不合理诉求。"))
    if claims.filter(decision=UnreasonableClaim.Decision.PENDING).exists():
        raise TransitionRefused(_("该诉求已有待审核的认定申请。"))
    now = clock.now()
    with transaction.atomic():
        matter, _e = _transition(
            matter,
            action=Action.REQUEST_UNREASONABLE,
            actor=actor,
            expected_version=None,
            event_kind=E.UNREASONABLE_REQUESTED,
            note=f"{UnreasonableGround(ground).label}：{reasons.strip()}",
            unit=matter.lead_unit,
            data={"ground": ground},
        )
        claim = UnreasonableClaim.objects.create(
            matter=matter,
            unit=unit,
            ground=ground,
            reasons=reasons.strip(),
            evidence=evidence.strip(),
            requested_by=actor,
            requested_at=now,
        )
        notifications.on_unreasonable_requested(matter, reasons.strip())
    return claim


@service
def matter_decide_unreasonable(
    *, claim: UnreasonableClaim, actor, certify: bool, reason: str
) -> UnreasonableClaim:
    """The dispatch centre certifies or refuses, with reasons; a certified appeal's ratings
    leave the unit's 满意率 and 解决率 (loop.rollups)."""
    if len(reason.strip()) < 4:
        raise TransitionRefused(_("请写明审核意见。"))
    with transaction.atomic():
        claim = UnreasonableClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.decision != UnreasonableClaim.Decision.PENDING:
            raise TransitionRefused(_("该认定申请已审核，不能重复审核。"))
        claim.decision = (
            UnreasonableClaim.Decision.CERTIFIED if certify else UnreasonableClaim.Decision.REFUSED
        )
        claim.decided_by, claim.decided_at = actor, clock.now()
        claim.decision_reason = reason.strip()
        claim.save(update_fields=["decision", "decided_by", "decided_at", "decision_reason"])
        _transition(
            claim.matter,
            action=Action.DECIDE_UNREASONABLE,
            actor=actor,
            expected_version=None,
            event_kind=E.UNREASONABLE_CERTIFIED if certify else E.UNREASONABLE_REFUSED,
            note=reason.strip(),
            unit=claim.unit,
            data={"claim": claim.pk},
        )
        notifications.on_unreasonable_decided(claim, certify=certify, reason=reason.strip())
    return claim


# — The 12345 workbench (hotline): 即时办结 and a caller following an open matter —


@service
def matter_answer_on_call(
    draft: MatterDraft,
    *,
    actor,
    text: str,
    knowledge_article: int | None = None,
    personal_data_checked: bool = False,
) -> Matter:
    """即时办结: a consultation the operator answers on the call (typically from the knowledge
    base) is received and closed at once as 直接答复: status 已办结待回访 with
    `answered_on_call`, so that the caller can still rate it. It has no lead unit, no deadline
    and no 办结 event: it stays out of every unit's 办结, 按期办结 and 平均办理时长 and is
    counted on its own (metrics.on_call_figures)."""
    require_runs_hotline(actor)
    if draft.kind != Kind.CONSULTATION:
        raise TransitionRefused(_("只有咨询类诉求可以即时办结，其他诉求请受理后派单。"))
    matter = matter_receive(draft, actor=actor)
    findings = _checked_answer(matter, text, personal_data_checked)
    locked = _lock(matter, None)
    now = clock.now()
    locked.status = Status.ANSWERED
    locked.answered_at = now
    locked.answer_text = text
    locked.answered_on_call = True
    _save(locked, ["status", "answered_at", "answer_text", "answered_on_call"])
    data: dict = {"knowledge_article": knowledge_article} if knowledge_article else {}
    if findings:
        data["personal_data_masked"] = len(findings)
    _event(
        locked,
        E.ANSWERED_ON_CALL,
        actor,
        from_status=Status.RECEIVED,
        note=text,
        data=data,
        unit=locked.receiving_unit,
    )
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=locked,
        before={"status": Status.RECEIVED},
        after={"status": locked.status},
        detail={"action": "answer_on_call", "knowledge_article": knowledge_article},
    )
    notifications.notifications_resolve(matter=locked, kinds=(Notification.Kind.TO_DISPATCH,))
    notifications.on_answered(locked)
    return locked


@service
def matter_caller_follow(*, matter: Matter, actor, words: str) -> MatterEvent:
    """来电跟进: the caller rings again about a matter still open; instead of a new order the
    caller's words go on its timeline and its lead unit hears of it."""
    require_runs_hotline(actor)
    words = words.strip()
    if len(words) < 2:
        raise TransitionRefused(_("请记录来电人这次反映的内容。"))
    with transaction.atomic():
        locked = _lock(matter, None)
        if locked.status not in OPEN:
            raise TransitionRefused(
                _("事项 %(n)s 当前状态为“%(s)s”，不是办理中的事项，请另行受理。")
                % {"n": locked.number, "s": locked.get_status_display()}
            )
        event = _event(
            locked,
            E.CALLER_FOLLOWED,
            actor,
            note=words,
            data={"channel": "hotline"},
            unit=locked.lead_unit,
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=locked,
            detail={"action": "caller_followed", "event": event.pk},
        )
    if locked.lead_unit_id:
        notifications.notify(
            notifications.staff_of(locked.lead_unit),
            kind=Notification.Kind.SYSTEM,
            matter=locked,
            title=_("诉求人来电跟进：%(n)s %(t)s") % {"n": locked.number, "t": locked.title},
            body=words,
        )
    return event


# — 应急模式 —


class EmergencyRefused(LongchengError):
    pass


def _emergency_audience():
    from longcheng.accounts.models import User

    return User.objects.filter(role__in=[Role.DISPATCHER, Role.LEADER], is_active=True)


@service
def emergency_start(*, actor, title: str, note: str, categories) -> EmergencyMode:
    """启动应急模式: from now the public form and the intake offer only `categories` (and those
    below them), and what is received in them is urgent and queued first for dispatch.
    Dispatchers and unit leaders are told."""
    if not runs_dispatch_centre(actor):
        raise PermissionRefused(_("只有派单中心可以启动应急模式。"))
    categories = list(categories)
    if not categories:
        raise EmergencyRefused(_("请至少选择一个应急诉求类别。"))
    running = EmergencyMode.objects.select_for_update().filter(on=True).first()
    if running is not None:
        raise EmergencyRefused(
            _("应急模式“%(t)s”正在运行，须先结束才能启动新的。") % {"t": running.title}
        )
    emergency = EmergencyMode.objects.create(
        title=title, note=note, started_at=clock.now(), started_by=actor
    )
    emergency.categories.set(categories)
    names = "、".join(c.name for c in categories)
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=emergency,
        after={"on": True, "title": title, "categories": [c.pk for c in categories]},
    )
    notifications.notify(
        _emergency_audience(),
        kind=Notification.Kind.EMERGENCY,
        title=_("应急模式已启动：%(t)s") % {"t": title},
        body=_("应急诉求类别：%(n)s。应急事项为紧急件，在“应急”队列优先派单。%(note)s")
        % {"n": names, "note": note},
        url=reverse("loop:emergency"),
        subject=f"loop.emergencymode:{emergency.pk}",
    )
    return emergency


@service
def emergency_end(*, actor, emergency: EmergencyMode, note: str = "") -> EmergencyMode:
    """结束应急模式: the forms offer the whole catalogue again; the emergency's matters keep
    their mark (and the history its figures)."""
    if not runs_dispatch_centre(actor):
        raise PermissionRefused(_("只有派单中心可以结束应急模式。"))
    locked = EmergencyMode.objects.select_for_update().get(pk=emergency.pk)
    if not locked.on:
        raise EmergencyRefused(_("应急模式“%(t)s”已经结束。") % {"t": locked.title})
    locked.ended_at = clock.now()
    locked.ended_by = actor
    locked.on = None
    if note:
        locked.note = f"{locked.note}\n{note}".strip()
    locked.save(update_fields=["ended_at", "ended_by", "on", "note"])
    received = Matter.objects.filter(emergency=locked).count()
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=locked,
        before={"on": True},
        after={"on": False, "matters": received, "note": note},
    )
    notifications.notify(
        _emergency_audience(),
        kind=Notification.Kind.EMERGENCY,
        title=_("应急模式已结束：%(t)s") % {"t": locked.title},
        body=_("应急期间受理应急事项 %(n)d 件。表单恢复全部诉求类别。") % {"n": received},
        url=reverse("loop:emergency"),
        subject=f"loop.emergencymode:{locked.pk}",
    )
    return locked
