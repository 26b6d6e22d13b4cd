"""Who hears about what. In-app notifications are written in the same transaction as the
change; e-mail and SMS leave only after the commit (a rolled-back change tells nobody).

A notice that asks for a step is resolved by the hook of the step that does it
(`notifications_resolve`): it leaves the unread count and stays listed as 已处理. Each hook
resolves what its step settles before it announces what comes next."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core import clock
from longcheng.core.models import Unit

from . import citizen_updates
from .models import Matter, Notification
from .selectors import notifications_of
from .sms import send_sms
from .workflow import Status

Kind = Notification.Kind

# Everything a dispatch cycle announces to units: a new dispatch (派单, 改派, 督办决定) or a
# return ends the previous cycle's notices.
_CYCLE = (Kind.DISPATCHED, Kind.ASSISTING, Kind.SUPERVISION, Kind.REOPENED)


def staff_of(unit, roles=(Role.CLERK, Role.LEADER)):
    if unit is None:
        return User.objects.none()
    return User.objects.filter(unit=unit, role__in=roles, is_active=True)


def _dispatchers():
    return User.objects.filter(role=Role.DISPATCHER, is_active=True)


def notify(
    users,
    *,
    title: str,
    body: str = "",
    url: str = "",
    kind: str = Kind.SYSTEM,
    matter: Matter | None = None,
    subject: str = "",
) -> int:
    """Tell `users`. `matter` (or, for another app's record, `subject` = "app_label.model:pk")
    names what the notice is about, so that the step that settles it can resolve it."""
    users = list(users)
    if matter is not None and not url:
        url = matter.get_absolute_url()
    now = clock.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=u,
                kind=kind,
                matter=matter,
                subject=subject[:80],
                title=title[:200],
                body=body,
                url=url[:200],
                created_at=now,
            )
            for u in users
        ]
    )
    emails = [u.email for u in users if u.email]
    if emails:
        transaction.on_commit(
            lambda: send_mail(
                title, f"{body}\n{url}", settings.DEFAULT_FROM_EMAIL, emails, fail_silently=True
            )
        )
    return len(users)


def notifications_resolve(
    *, matter: Matter | None = None, kinds: Iterable[str], subject: str = ""
) -> int:
    """The step these notices asked for is done: they leave everyone's unread count."""
    waiting = Notification.objects.filter(resolved_at__isnull=True, kind__in=list(kinds))
    if matter is not None:
        waiting = waiting.filter(matter=matter)
    elif subject:
        waiting = waiting.filter(subject=subject)
    else:
        raise ValueError("notifications_resolve needs a matter or a subject")
    return waiting.update(resolved_at=clock.now())


def notifications_mark_read(*, user, kind: str = "", query: str = "") -> int:
    """全部标为已读 for the notices the user's page shows (this user's only)."""
    unread = notifications_of(user, kind=kind, query=query, unread_only=True)
    return Notification.objects.filter(pk__in=unread.values("pk")).update(read_at=clock.now())


def notification_open(*, user, pk: int) -> Notification:
    """The user opens one of their notices: it is read. Another user's raises DoesNotExist."""
    notice = Notification.objects.get(pk=pk, recipient=user)
    if notice.read_at is None:
        notice.read_at = clock.now()
        notice.save(update_fields=["read_at"])
    return notice


def sms_after_commit(phone: str, text: str) -> None:
    if phone:
        transaction.on_commit(lambda: send_sms(phone, text))


def on_received(matter: Matter) -> None:
    citizen_updates.announce(matter, "received")
    notify(
        _dispatchers(),
        kind=Kind.TO_DISPATCH,
        matter=matter,
        title=_("新事项待派单：%(t)s") % {"t": matter.title},
    )


def on_dispatched(matter: Matter) -> None:
    """派单, 改派 and the committee's 督办决定."""
    notifications_resolve(matter=matter, kinds=(Kind.TO_DISPATCH, Kind.RETURNED, *_CYCLE))
    notify(
        staff_of(matter.lead_unit),
        kind=Kind.DISPATCHED,
        matter=matter,
        title=_("新派单待签收：%(n)s") % {"n": matter.number},
        body=matter.title,
    )
    citizen_updates.announce_dispatched(matter)
    for unit in matter.assisting_units.all():
        notify(
            staff_of(unit),
            kind=Kind.ASSISTING,
            matter=matter,
            title=_("协办事项：%(n)s") % {"n": matter.number},
            body=matter.title,
        )


def on_signed(matter: Matter) -> None:
    """签收 settles the notice to sign and the reminders to sign (催签)."""
    notifications_resolve(matter=matter, kinds=(Kind.DISPATCHED, Kind.SUPERVISION))


def on_returned(matter: Matter, reason: str) -> None:
    notifications_resolve(matter=matter, kinds=_CYCLE)
    notify(
        _dispatchers(),
        kind=Kind.RETURNED,
        matter=matter,
        title=_("事项被退单：%(n)s") % {"n": matter.number},
        body=reason,
    )


def on_extension_requested(matter: Matter, extension) -> None:
    notify(
        _dispatchers(),
        kind=Kind.EXTENSION_REQUESTED,
        matter=matter,
        title=_("延期申请待审批：%(n)s") % {"n": matter.number},
        body=extension.reason,
    )


def on_extension_decided(matter: Matter, extension) -> None:
    settled = [Kind.EXTENSION_REQUESTED]
    if extension.decision == extension.Decision.APPROVED:
        # The reminders named the old deadline.
        settled.append(Kind.SUPERVISION)
    notifications_resolve(matter=matter, kinds=settled)
    notify(
        [extension.requested_by],
        kind=Kind.EXTENSION_DECIDED,
        matter=matter,
        title=_("延期申请已审批：%(n)s（%(d)s）")
        % {"n": matter.number, "d": extension.get_decision_display()},
        body=extension.decision_reason,
    )


def on_answered(matter: Matter) -> None:
    # Answered: nothing the unit was told about the matter waits any more; an extension still
    # pending can no longer be decided.
    notifications_resolve(
        matter=matter,
        kinds=(*_CYCLE, Kind.EXTENSION_REQUESTED, Kind.EXTENSION_DECIDED, Kind.WHISTLE),
    )
    notify(
        _dispatchers(),
        kind=Kind.ANSWERED,
        matter=matter,
        title=_("事项已办结待回访：%(n)s") % {"n": matter.number},
    )
    citizen_updates.announce_answered(matter)


def on_follower_answered(follower: Matter, master: Matter) -> None:
    citizen_updates.announce_follower_answered(follower, master)


def on_rated(matter: Matter) -> None:
    """回访评价 settles 待回访; a closed matter settles every notice about it."""
    if matter.status == Status.CLOSED:
        notifications_resolve(matter=matter, kinds=Kind.values)
    else:
        notifications_resolve(matter=matter, kinds=(Kind.ANSWERED,))


def on_reopened(matter: Matter) -> None:
    notifications_resolve(matter=matter, kinds=(Kind.ANSWERED,))
    notify(
        staff_of(matter.lead_unit),
        kind=Kind.REOPENED,
        matter=matter,
        title=_("事项重办（群众不满意）：%(n)s") % {"n": matter.number},
    )
    citizen_updates.announce_reopened(matter)


def on_deadline_moved(matter: Matter) -> None:
    """A unit's own matter moves to its next period: the reminders named the old deadline."""
    notifications_resolve(matter=matter, kinds=(Kind.SUPERVISION,))


def on_merged(follower: Matter) -> None:
    """并单: the duplicate is no one's step any more."""
    notifications_resolve(matter=follower, kinds=(Kind.TO_DISPATCH, Kind.RETURNED, *_CYCLE))


def on_unreasonable_requested(matter: Matter, reasons: str) -> None:
    notify(
        _dispatchers(),
        kind=Kind.UNREASONABLE,
        matter=matter,
        title=_("事项 %(n)s 申请不合理诉求认定") % {"n": matter.number},
        body=reasons[:200],
    )


def on_unreasonable_decided(claim, *, certify: bool, reason: str) -> None:
    notifications_resolve(matter=claim.matter, kinds=(Kind.UNREASONABLE,))
    notify(
        staff_of(claim.unit),
        kind=Kind.UNREASONABLE,
        matter=claim.matter,
        title=(
            _("事项 %(n)s 已认定为不合理诉求") if certify else _("事项 %(n)s 不予认定为不合理诉求")
        )
        % {"n": claim.matter.number},
        body=reason[:200],
    )


def on_notice(matter: Matter, notice, recipients) -> None:
    """催办, 催签, 超期, 督办, 升级督办 (loop.timers): settled by signing or answering."""
    notify(
        recipients,
        kind=Kind.SUPERVISION,
        matter=matter,
        title=f"{notice.get_kind_display()}：{matter.number}",
        body=notice.text,
    )


def on_assigned(matter: Matter, handler) -> None:
    """派发到人: the named handler hears of it (settled, like the dispatch, by the answer)."""
    notify(
        [handler],
        kind=Kind.DISPATCHED,
        matter=matter,
        title=_("派给您办理：%(n)s") % {"n": matter.number},
        body=matter.title,
    )


def on_answer_submitted(matter: Matter, review) -> None:
    """An answer waits for the leader's review; a sent-back notice before it is settled."""
    notifications_resolve(matter=matter, kinds=(Kind.ANSWERED,))
    notify(
        staff_of(matter.lead_unit, roles=(Role.LEADER,)),
        kind=Kind.ANSWERED,
        matter=matter,
        title=_("答复待审核：%(n)s") % {"n": matter.number},
        body=review.text[:200],
    )


def on_answer_reviewed(matter: Matter, review) -> None:
    notifications_resolve(matter=matter, kinds=(Kind.ANSWERED,))
    if review.decision == review.Decision.SENT_BACK:
        notify(
            [review.submitted_by],
            kind=Kind.ANSWERED,
            matter=matter,
            title=_("答复被退回修改：%(n)s") % {"n": matter.number},
            body=review.comment,
        )


# — 吹哨报到 —


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def on_whistled(matter: Matter, whistle, summonses) -> None:
    """Each summoned department's staff: report by the deadline (settled by its report)."""
    for summons in summonses:
        notify(
            staff_of(summons.unit),
            kind=Kind.WHISTLE,
            matter=matter,
            subject=f"loop.whistlesummons:{summons.pk}",
            title=_("吹哨报到：%(u)s 请于 %(d)s 前报到（%(n)s）")
            % {"u": whistle.unit, "d": _moment(whistle.report_deadline), "n": matter.number},
            body=whistle.reason,
        )


def on_reported(matter: Matter, summons, *, subject: str) -> None:
    """报到 settles the call to report and any warning that it was late; the whistling unit
    hears what the department said."""
    notifications_resolve(subject=subject, kinds=(Kind.WHISTLE,))
    late = summons.status == summons.Status.REPORTED_LATE
    notify(
        staff_of(summons.whistle.unit),
        kind=Kind.WHISTLE,
        matter=matter,
        title=(_("%(u)s 已超时报到：%(n)s") if late else _("%(u)s 已报到：%(n)s"))
        % {"u": summons.unit, "n": matter.number},
        body=summons.opinion[:200],
    )


def on_report_late(summons, text: str) -> None:
    """超时未报到 (loop.timers): the department's leaders (those of the unit above when it has
    none of its own), the whistling unit and the dispatch centre; settled when the department
    reports."""
    leaders = staff_of(summons.unit, roles=(Role.LEADER,))
    if not leaders.exists():
        leaders = staff_of(Unit.objects.get_parent(summons.unit), roles=(Role.LEADER,))
    recipients = {u.pk: u for u in [*leaders, *staff_of(summons.whistle.unit), *_dispatchers()]}
    notify(
        recipients.values(),
        kind=Kind.WHISTLE,
        matter=summons.matter,
        subject=f"loop.whistlesummons:{summons.pk}",
        title=_("超时未报到：%(u)s（%(n)s）") % {"u": summons.unit, "n": summons.matter.number},
        body=text,
    )
