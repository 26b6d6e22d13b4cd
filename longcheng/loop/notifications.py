"""Who hears about what. In-app notifications are written in the same transaction as the
change; e-mail and SMS leave only after the commit (a rolled-back change tells nobody)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from longcheng.accounts.models import User
from longcheng.accounts.roles import Role

from .models import Matter, Notification
from .sms import send_sms


def staff_of(unit, roles=(Role.CLERK, Role.LEADER)):
    if unit is None:
        return User.objects.none()
    return User.objects.filter(unit=unit, role__in=roles, is_active=True)


def _dispatchers():
    return User.objects.filter(role=Role.DISPATCHER, is_active=True)


def notify(users, *, title: str, body: str = "", url: str = "") -> int:
    users = list(users)
    Notification.objects.bulk_create(
        [Notification(recipient=u, title=title, body=body, url=url) for u in users]
    )
    emails = [u.email for u in users if u.email]
    if emails:
        transaction.on_commit(
            lambda: send_mail(
                title, f"{body}\n{url}", settings.DEFAULT_FROM_EMAIL, emails, fail_silently=True
            )
        )
    return len(users)


def sms_after_commit(phone: str, text: str) -> None:
    if phone:
        transaction.on_commit(lambda: send_sms(phone, text))


def on_received(matter: Matter) -> None:
    sms_after_commit(
        matter.reporter_phone,
        _("【龙城】您的诉求已受理，编号 %(n)s，可凭编号查询办理进度。") % {"n": matter.number},
    )
    notify(
        _dispatchers(),
        title=_("新事项待派单：%(t)s") % {"t": matter.title},
        url=matter.get_absolute_url(),
    )


def on_dispatched(matter: Matter) -> None:
    notify(
        staff_of(matter.lead_unit),
        title=_("新派单待签收：%(n)s") % {"n": matter.number},
        body=matter.title,
        url=matter.get_absolute_url(),
    )
    for unit in matter.assisting_units.all():
        notify(
            staff_of(unit),
            title=_("协办事项：%(n)s") % {"n": matter.number},
            body=matter.title,
            url=matter.get_absolute_url(),
        )


def on_returned(matter: Matter, reason: str) -> None:
    notify(
        _dispatchers(),
        title=_("事项被退单：%(n)s") % {"n": matter.number},
        body=reason,
        url=matter.get_absolute_url(),
    )


def on_extension_requested(matter: Matter, extension) -> None:
    notify(
        _dispatchers(),
        title=_("延期申请待审批：%(n)s") % {"n": matter.number},
        body=extension.reason,
        url=matter.get_absolute_url(),
    )


def on_extension_decided(matter: Matter, extension) -> None:
    notify(
        [extension.requested_by],
        title=_("延期申请已审批：%(n)s（%(d)s）")
        % {"n": matter.number, "d": extension.get_decision_display()},
        body=extension.decision_reason,
        url=matter.get_absolute_url(),
    )


def on_answered(matter: Matter) -> None:
    notify(
        _dispatchers(),
        title=_("事项已办结待回访：%(n)s") % {"n": matter.number},
        url=matter.get_absolute_url(),
    )
    sms_after_commit(
        matter.reporter_phone,
        _("【龙城】您的诉求 %(n)s 已办结，稍后将回访，请对办理结果进行评价。")
        % {"n": matter.number},
    )


def on_follower_answered(follower: Matter, master: Matter) -> None:
    sms_after_commit(
        follower.reporter_phone,
        _("【龙城】您的诉求 %(n)s 已随同类事项 %(m)s 办结。")
        % {"n": follower.number, "m": master.number},
    )


def on_reopened(matter: Matter) -> None:
    notify(
        staff_of(matter.lead_unit),
        title=_("事项重办（群众不满意）：%(n)s") % {"n": matter.number},
        url=matter.get_absolute_url(),
    )


def on_notice(matter: Matter, notice, recipients) -> None:
    notify(
        recipients,
        title=f"{notice.get_kind_display()}：{matter.number}",
        body=notice.text,
        url=matter.get_absolute_url(),
    )
