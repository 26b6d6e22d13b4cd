"""The only code that writes appeals. A public submission is stored whole — matter, appeal and
photos in one transaction — or not at all; the same submission key twice gives one appeal."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.roles import Role
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import notices
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.core.placing import division_at
from longcheng.core.transactions import service
from longcheng.loop import services as loop
from longcheng.loop.attachments import attachment_add
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.workflow import Channel, Kind, Status, Urgency
from longcheng.parties.models import Enterprise

from .events import appeal_received
from .models import AgendaItem, ApiKey, Appeal, CommitteeMeeting, MonitoringPoint, Supervisor
from .tokens import api_key_hash


class AppealRefused(LongchengError):
    pass


# — Submitting —


@dataclass(frozen=True)
class AppealDraft:
    """What an appeal says and how it came in, built by the form, the staff intake, the
    supervisor's report or the Open311 adapter; `appeal_submit` stores it."""

    description: str
    category: Any = None
    title: str = ""
    point: MonitoringPoint | None = None
    photos: tuple = ()
    reporter_name: str = ""
    reporter_phone: str = ""
    enterprise_name: str = ""
    credit_code: str = ""
    anonymous: bool = False
    consent: bool = False
    consent_notice: str = ""
    submission_key: str | None = None
    channel: str = Channel.PUBLIC_FORM
    supervisor: Supervisor | None = None
    fallback_window: bool = False
    api_key: ApiKey | None = None
    address: str = ""
    latitude: Any = None
    longitude: Any = None
    kind: str = Kind.COMPLAINT
    urgency: str = Urgency.NORMAL


@service
def appeal_submit(*, draft: AppealDraft, actor=None) -> tuple[Appeal, bool]:
    """Returns (appeal, created). A repeated submission key returns the first appeal."""
    if draft.submission_key:
        existing = Appeal.objects.filter(submission_key=draft.submission_key).first()
        if existing:
            return existing, False
    if not draft.anonymous and draft.reporter_phone and not draft.consent:
        raise AppealRefused(_("留下联系方式前，请阅读并同意个人信息告知。"))
    notice = notices.seen("appeal", draft.consent_notice) if draft.consent else None
    if draft.consent and notice is None:
        raise AppealRefused(_("个人信息告知已更新，请刷新页面重新阅读后提交。"))
    title = (draft.title or draft.description.strip().splitlines()[0])[:60]
    now = timezone.now()
    # A matter with a pin lies in the smallest division whose boundary holds it (its grid or
    # street): the pin says where the problem is, more closely than the monitoring point's
    # division, which stands when there is no pin or no boundary holds it.
    division = None
    if draft.latitude is not None and draft.longitude is not None:
        division = division_at(draft.latitude, draft.longitude)
    if division is None and draft.point:
        division = draft.point.division
    try:
        # A savepoint: when a racing twin stored the same key first, the unique index refuses
        # this one and the transaction carries on to return the twin.
        with transaction.atomic():
            matter = loop.matter_receive(
                MatterDraft(
                    title=title,
                    description=draft.description,
                    channel=draft.channel,
                    kind=draft.kind,
                    urgency=draft.urgency,
                    category=draft.category,
                    division=division,
                    address=draft.address or (draft.point.address if draft.point else ""),
                    latitude=draft.latitude,
                    longitude=draft.longitude,
                    anonymous=draft.anonymous,
                    reporter_name=draft.reporter_name,
                    reporter_phone=draft.reporter_phone,
                ),
                actor=actor,
            )
            appeal = Appeal.objects.create(
                matter=matter,
                submission_key=draft.submission_key or None,
                point=draft.point,
                supervisor=draft.supervisor,
                enterprise_name=draft.enterprise_name,
                credit_code=draft.credit_code,
                fallback_window=draft.fallback_window
                or bool(draft.point and draft.point.fallback_window),
                consent_at=now if draft.consent else None,
                consent_notice=notice.reference if notice else "",
                api_key=draft.api_key,
            )
            for photo in draft.photos:
                attachment_add(matter=matter, upload=photo, actor=actor)
            enterprise = (
                Enterprise.objects.filter(credit_code=draft.credit_code).first()
                if draft.credit_code
                else None
            )
            transaction.on_commit(
                lambda: appeal_received.send(sender=Appeal, appeal=appeal, enterprise=enterprise)
            )
    except IntegrityError:
        # Two taps raced past the first check: the other one stored it.
        existing = Appeal.objects.filter(submission_key=draft.submission_key).first()
        if existing is None:
            raise
        return existing, False
    return appeal, True


@service
def appeal_rate_by_reporter(
    *, appeal: Appeal, rating: str, resolved: bool, note: str = ""
) -> Appeal:
    if appeal.matter.status != Status.ANSWERED:
        raise AppealRefused(_("该诉求尚未办结或已评价，暂不能评价。"))
    loop.matter_rate_by_reporter(matter=appeal.matter, rating=rating, resolved=resolved, note=note)
    return appeal


@service
def appeal_submit_by_api(
    *, draft: AppealDraft, api_key: ApiKey, ip: str | None, personal_data_dropped: bool = False
) -> Appeal:
    """An Open311 POST: the appeal and the record of the key that sent it, together. A name
    or phone sent without the notice was dropped before the draft (PIPL art. 17): the record
    says so, so that the key holder can be told to show the notice."""
    appeal, _created = appeal_submit(draft=draft)
    detail: dict[str, Any] = {"api_key": api_key.pk, "via": "open311"}
    if personal_data_dropped:
        detail["personal_data_dropped"] = True
    audit_record(
        actor=None,
        actor_repr=f"api:{api_key.prefix}",
        action=AuditAction.CREATE,
        target=appeal.matter,
        ip=ip,
        detail=detail,
    )
    return appeal


# — Special supervisors —


@service
def supervisor_appoint(
    *,
    actor,
    user,
    committee,
    enterprise=None,
    person=None,
    title: str = "",
    appointed_on: datetime.date | None = None,
) -> Supervisor:
    if actor.unit_id != committee.pk:
        raise PermissionRefused(_("只有监督委员会可以聘任特邀监督员。"))
    if user.role != Role.SUPERVISOR:
        raise PermissionRefused(_("该账号的角色不是特邀监督员。"))
    supervisor = Supervisor.objects.create(
        user=user,
        committee=committee,
        enterprise=enterprise,
        person=person,
        title=title,
        appointed_on=appointed_on or timezone.localdate(),
    )
    audit_record(actor=actor, action=AuditAction.CREATE, target=supervisor)
    return supervisor


# — Committee meetings —


def _require_committee(actor, committee) -> None:
    if actor.unit_id != committee.pk:
        raise PermissionRefused(_("只有本委员会的工作人员可以安排会议和记录决定。"))


@service
def meeting_create(
    *,
    actor,
    committee,
    title: str,
    held_on: datetime.date,
    place: str = "",
    attendees=(),
    other_attendees: str = "",
) -> CommitteeMeeting:
    _require_committee(actor, committee)
    meeting = CommitteeMeeting.objects.create(
        committee=committee,
        title=title,
        held_on=held_on,
        place=place,
        other_attendees=other_attendees,
        created_by=actor,
    )
    meeting.attendees.set(attendees)
    audit_record(actor=actor, action=AuditAction.CREATE, target=meeting)
    return meeting


@service
def agenda_add(*, actor, meeting: CommitteeMeeting, matter, reason: str) -> AgendaItem:
    _require_committee(actor, meeting.committee)
    item, created = AgendaItem.objects.get_or_create(
        meeting=meeting, matter=matter, defaults={"reason": reason}
    )
    if created:
        audit_record(actor=actor, action=AuditAction.CREATE, target=item)
    return item


@service
def agenda_decide(
    *, actor, item: AgendaItem, lead_unit, deadline: datetime.date, instructions: str
) -> AgendaItem:
    """The meeting's decision flows back into the loop as a 督办决定 on the matter."""
    _require_committee(actor, item.meeting.committee)
    if item.decided_at:
        raise AppealRefused(_("该议题已作出决定。"))
    loop.matter_committee_decision(
        matter=item.matter,
        actor=actor,
        lead_unit=lead_unit,
        deadline=deadline,
        instructions=_("%(m)s决定：%(i)s") % {"m": item.meeting.title, "i": instructions},
    )
    item.lead_unit, item.deadline, item.instructions = lead_unit, deadline, instructions
    item.decided_at = timezone.now()
    item.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=item,
        after={"lead_unit": lead_unit.pk, "deadline": str(deadline)},
    )
    return item


# — Open311 API keys —


@service
def api_key_issue(*, actor, name: str) -> tuple[ApiKey, str]:
    """Returns the key record and the raw key, which is shown once and never stored."""
    if actor.role != Role.SYSADMIN:
        raise PermissionRefused(_("只有系统管理员可以签发接口密钥。"))
    raw = "lc_" + secrets.token_urlsafe(24)
    key = ApiKey.objects.create(
        name=name, prefix=raw[3:11], key_hash=api_key_hash(raw), created_by=actor
    )
    audit_record(actor=actor, action=AuditAction.CREATE, target=key)
    return key, raw


@service
def api_key_revoke(*, actor, key: ApiKey) -> None:
    if actor.role != Role.SYSADMIN:
        raise PermissionRefused(_("只有系统管理员可以吊销接口密钥。"))
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, target=key, detail={"revoked": True})
