"""Updates to the citizen (告知诉求人): at receipt, dispatch, answer and reopening the reporter
gets a message with their own tracking link, by SMS (loop.sms) and, where the channel adapter
knows the reporter's WeChat openid, by WeChat template message (loop.wechat).

A step announces (`announce`) inside its transaction; the message leaves only after the
commit, through a Celery task in production (LONGCHENG_TIMERS=celery) and at once elsewhere.
Every attempt is kept as a `ReporterMessage`: sent, failed (with the provider's error; the step
is never undone by it) or, when the reporter opted out, opted_out (one per step, nothing
sent). Anonymous matters and matters without a phone or an openid send nothing.

The tracking link comes from the app that serves the public pages (appeals registers it, so
that this lower layer names no page above it)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from longcheng.accounts.policies import require, speaks_for_reporter
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.transactions import service

from . import sms, wechat
from .models import Matter, ReporterMessage

logger = logging.getLogger("longcheng.citizen_updates")

Channel = ReporterMessage.Channel
Outcome = ReporterMessage.Outcome

SIGNATURE = "【龙城12345】"


@dataclass(frozen=True)
class MessageTemplate:
    """One message the platform sends to reporters. `sms` is the text with %(name)s
    placeholders (number, link and the template's own); the provider's template ids come from
    settings (LONGCHENG_SMS_TEMPLATE_IDS, LONGCHENG_WECHAT_TEMPLATE_IDS, by code); `wechat`
    maps each field of the WeChat template to a placeholder, with the field's length limit."""

    code: str
    label: Promise
    sms: Promise
    wechat: tuple[tuple[str, str, int], ...]

    def render(self, values: dict) -> str:
        return SIGNATURE + str(self.sms) % values

    def wechat_data(self, values: dict) -> dict:
        return {
            field: {"value": str(values.get(source, ""))[:limit]}
            for field, source, limit in self.wechat
        }

    @property
    def sms_template_id(self) -> str:
        return getattr(settings, "LONGCHENG_SMS_TEMPLATE_IDS", {}).get(self.code, "")

    @property
    def wechat_template_id(self) -> str:
        return getattr(settings, "LONGCHENG_WECHAT_TEMPLATE_IDS", {}).get(self.code, "")


# WeChat's typed fields: character_string ≤ 32, thing ≤ 20, time, phrase ≤ 5 characters.
_NUMBER = ("character_string1", "number", 32)
TEMPLATES: dict[str, MessageTemplate] = {
    t.code: t
    for t in [
        MessageTemplate(
            code="received",
            label=gettext_lazy("受理"),
            sms=gettext_lazy("您的诉求已受理，编号%(number)s，进度及退订：%(link)s"),
            wechat=(_NUMBER, ("thing2", "title", 20), ("phrase3", "status", 5)),
        ),
        MessageTemplate(
            code="dispatched",
            label=gettext_lazy("派单"),
            sms=gettext_lazy(
                "您的诉求%(number)s已转交%(unit)s办理，预计%(date)s前答复，进度及退订：%(link)s"
            ),
            wechat=(_NUMBER, ("thing2", "unit", 20), ("time3", "date", 20)),
        ),
        MessageTemplate(
            code="answered",
            label=gettext_lazy("办结答复"),
            sms=gettext_lazy("您的诉求%(number)s已办结，请点链接查看答复并评价：%(link)s"),
            wechat=(_NUMBER, ("thing2", "unit", 20), ("phrase3", "status", 5)),
        ),
        MessageTemplate(
            code="reopened",
            label=gettext_lazy("重办"),
            sms=gettext_lazy(
                "您的诉求%(number)s已交%(unit)s重新办理，预计%(date)s前答复，进度及退订：%(link)s"
            ),
            wechat=(_NUMBER, ("thing2", "unit", 20), ("time3", "date", 20)),
        ),
        MessageTemplate(
            code="merged_answered",
            label=gettext_lazy("并单办结"),
            sms=gettext_lazy(
                "您的诉求%(number)s已随同类诉求一并办结，请点链接查看并评价：%(link)s"
            ),
            wechat=(_NUMBER, ("thing2", "unit", 20), ("phrase3", "status", 5)),
        ),
    ]
}

STATUS_WORDS = {"received": "已受理", "answered": "已办结", "merged_answered": "已办结"}


# — Registrations: the tracking link and the WeChat openid come from the apps above —

_link_providers: list[Callable[[Matter], str]] = []
_openid_providers: list[Callable[[Matter], str]] = []


def register_tracking_link(provider: Callable[[Matter], str]) -> None:
    """provider(matter) -> the reporter's own tracking address, or ""."""
    if provider not in _link_providers:
        _link_providers.append(provider)


def register_wechat_openid(provider: Callable[[Matter], str]) -> None:
    """provider(matter) -> the reporter's WeChat openid as the channel adapter received it,
    or "". (No adapter registers one yet: the public form cannot know an openid.)"""
    if provider not in _openid_providers:
        _openid_providers.append(provider)


def tracking_link(matter: Matter) -> str:
    for provider in _link_providers:
        if link := provider(matter):
            return link
    return settings.LONGCHENG_PUBLIC_BASE_URL.rstrip("/") + "/"


def wechat_openid(matter: Matter) -> str:
    for provider in _openid_providers:
        if openid := provider(matter):
            return openid
    return ""


def channels() -> tuple[str, ...]:
    """The channels the platform sends on (LONGCHENG_REPORTER_CHANNELS)."""
    return tuple(getattr(settings, "LONGCHENG_REPORTER_CHANNELS", (Channel.SMS,)))


# — Announcing (inside the step's transaction) —


def _day(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    day = timezone.localtime(value).date()
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def announce(matter: Matter, code: str, **params: str) -> None:
    """Tell the reporter, once the step is committed. `params` fill the template's own
    placeholders (the number and the link are added when the message is written)."""
    if matter.anonymous:
        return
    if not matter.reporter_phone and not _openid_providers:
        return
    args = (matter.pk, code, {k: str(v) for k, v in params.items()}, clock.now().isoformat())
    transaction.on_commit(lambda: _hand_over(*args))


def _unit_name(matter: Matter) -> str:
    unit = matter.lead_unit
    return unit.name if unit is not None else ""


def announce_dispatched(matter: Matter) -> None:
    announce(matter, "dispatched", unit=_unit_name(matter), date=_day(matter.handle_deadline))


def announce_answered(matter: Matter) -> None:
    announce(matter, "answered", unit=_unit_name(matter))


def announce_follower_answered(follower: Matter, master: Matter) -> None:
    announce(follower, "merged_answered", master=master.number, unit=_unit_name(master))


def announce_reopened(matter: Matter) -> None:
    announce(matter, "reopened", unit=_unit_name(matter), date=_day(matter.handle_deadline))


def _hand_over(matter_id: int, code: str, params: dict, at: str) -> None:
    """After the commit: to the workers in production, at once elsewhere. Whatever goes
    wrong is recorded and logged; it never reaches the step that announced."""
    try:
        if settings.LONGCHENG_TIMERS == "celery":
            from .tasks import reporter_message_task

            reporter_message_task.delay(matter_id, code, params, at)
        else:
            deliver(matter_id, code, params, at)
    except Exception as error:
        logger.exception("reporter message %s for matter %s not handed over", code, matter_id)
        try:
            matter = Matter.objects.get(pk=matter_id)
            reporter_message_record(
                matter=matter,
                channel=Channel.SMS,
                template=code,
                text="",
                at=datetime.datetime.fromisoformat(at),
                outcome=Outcome.FAILED,
                error=_describe(error),
            )
        except Exception:
            logger.exception("the failure could not be recorded either")


def _describe(error: Exception) -> str:
    return (str(error) or error.__class__.__name__)[:200]


def deliver(matter_id: int, code: str, params: dict, at: str) -> list[ReporterMessage]:
    """Write the message and send it on each channel the reporter can be reached on; record
    each attempt. The step's time (`at`, ISO) dates the record."""
    matter = Matter.objects.filter(pk=matter_id).select_related("lead_unit").first()
    template = TEMPLATES.get(code)
    if matter is None or template is None or matter.anonymous:
        return []
    when = datetime.datetime.fromisoformat(at)
    enabled = channels()
    targets: list[tuple[str, str]] = []
    if Channel.SMS in enabled and matter.reporter_phone:
        targets.append((Channel.SMS, matter.reporter_phone))
    if Channel.WECHAT in enabled and (openid := wechat_openid(matter)):
        targets.append((Channel.WECHAT, openid))
    if not targets:
        return []
    link = tracking_link(matter)
    values = {
        "unit": "",
        "date": "",
        "master": "",
        "title": matter.title,
        "status": STATUS_WORDS.get(code, ""),
        **params,
        "number": matter.number,
        "link": link,
    }
    text = template.render(values)
    if matter.updates_opt_out:
        # Once per step, whatever the channels: the clerk sees why the reporter heard nothing.
        return [
            reporter_message_record(
                matter=matter,
                channel=targets[0][0],
                template=code,
                text=text,
                at=when,
                outcome=Outcome.OPTED_OUT,
            )
        ]
    records = []
    for channel, address in targets:
        error = ""
        try:
            if channel == Channel.SMS:
                sms.send_sms_template(
                    address,
                    template_id=template.sms_template_id,
                    params={k: v for k, v in values.items() if f"%({k})s" in str(template.sms)},
                    text=text,
                )
            else:
                wechat.get_backend().send_template(
                    address,
                    template_id=template.wechat_template_id,
                    data=template.wechat_data(values),
                    url=link,
                )
        except Exception as failure:  # the provider's refusal or a network error
            logger.warning("reporter message %s to matter %s failed: %s", code, matter_id, failure)
            error = _describe(failure)
        records.append(
            reporter_message_record(
                matter=matter,
                channel=channel,
                template=code,
                text=text,
                at=when,
                outcome=Outcome.FAILED if error else Outcome.SENT,
                error=error,
            )
        )
    return records


# — Writes —


@service
def reporter_message_record(
    *,
    matter: Matter,
    channel: str,
    template: str,
    text: str,
    at: datetime.datetime,
    outcome: str,
    error: str = "",
) -> ReporterMessage:
    return ReporterMessage.objects.create(
        matter=matter,
        channel=channel,
        template=template,
        text=text,
        at=at,
        outcome=outcome,
        error=error[:200],
    )


@service
def matter_updates_opt_out(
    *, matter: Matter, actor=None, opt_out: bool = True, via: str = "link", ip: str | None = None
) -> Matter:
    """The reporter asks for no further messages about the matter (by the link in a message:
    `actor` None; or by phone, through a member of staff: `actor`). Staff may also resume
    them. Audited; asking twice changes nothing."""
    if actor is not None:
        require(speaks_for_reporter(actor, matter), _("您无权为该事项的诉求人办理退订。"))
    locked = Matter.objects.select_for_update().get(pk=matter.pk)
    if locked.updates_opt_out == opt_out:
        return locked
    # Not a step of the matter's handling: no version bump, so a clerk's open form stays valid.
    Matter.objects.filter(pk=locked.pk).update(updates_opt_out=opt_out)
    locked.updates_opt_out = opt_out
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=locked,
        before={"updates_opt_out": not opt_out},
        after={"updates_opt_out": opt_out},
        detail={"via": via, "updates_opt_out": opt_out},
        ip=ip,
        actor_repr="" if actor is not None else "public",
    )
    return locked


# — Reads: what the clerk sees on the matter page —


def messages_of(matter: Matter) -> list[ReporterMessage]:
    return list(ReporterMessage.objects.filter(matter=matter).order_by("-at", "-pk")[:50])


def _masked_link(text: str, link: str) -> str:
    """The tracking link opens the reporter's own page: staff see its start only."""
    if link and link in text:
        return text.replace(link, link[: link.rfind("/") + 1] + "****")
    return text


def matter_panel(request, matter: Matter) -> str:
    """告知诉求人 on the matter page: each message, when and how it went, and the staff action
    for a citizen who asks by phone to stop (or resume) them."""
    rows = messages_of(matter)
    if not rows and (matter.anonymous or not matter.reporter_phone):
        return ""
    link = tracking_link(matter) if rows else ""
    shown = [
        {
            "at": m.at,
            "channel": m.get_channel_display(),
            "template": str(TEMPLATES[m.template].label) if m.template in TEMPLATES else m.template,
            "outcome": m.outcome,
            "outcome_label": m.get_outcome_display(),
            "error": m.error,
            "text": _masked_link(m.text, link),
        }
        for m in rows
    ]
    return render_to_string(
        "loop/partials/reporter_messages.html",
        {
            "matter": matter,
            "rows": shown,
            "may_opt_out": speaks_for_reporter(request.user, matter) and not matter.anonymous,
        },
        request=request,
    )
