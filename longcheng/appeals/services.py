"""The only code that writes appeals. A public submission is stored whole — matter, appeal and
photos in one transaction — or not at all; the same submission key twice gives one appeal."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.roles import Role
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import notices
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.loop import services as loop
from longcheng.loop.attachments import attachment_add
from longcheng.loop.workflow import Channel, Kind, Status, Urgency
from longcheng.parties.models import Enterprise

from .events import appeal_received
from .models import AgendaItem, ApiKey, Appeal, CommitteeMeeting, MonitoringPoint, Supervisor

_POINT_SALT = "longcheng.appeals.point"


class AppealRefused(LongchengError):
    pass


# — The monitoring point's QR code —


def point_token(point: MonitoringPoint) -> str:
    """The point's code, signed: changing it to another point's code breaks the signature."""
    return signing.Signer(salt=_POINT_SALT).sign(point.code)


def point_from_token(token: str) -> MonitoringPoint | None:
    try:
        code = signing.Signer(salt=_POINT_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return MonitoringPoint.objects.filter(code=code, is_active=True).first()


# — Submitting —


def appeal_submit(
    *,
    description: str,
    category=None,
    title: str = "",
    point: MonitoringPoint | None = None,
    photos=(),
    reporter_name: str = "",
    reporter_phone: str = "",
    enterprise_name: str = "",
    credit_code: str = "",
    anonymous: bool = False,
    consent: bool = False,
    consent_notice: str = "",
    submission_key: str | None = None,
    channel: str = Channel.PUBLIC_FORM,
    actor=None,
    supervisor: Supervisor | None = None,
    fallback_window: bool = False,
    api_key: ApiKey | None = None,
    address: str = "",
    latitude=None,
    longitude=None,
    kind: str = Kind.COMPLAINT,
    urgency: str = Urgency.NORMAL,
) -> tuple[Appeal, bool]:
    """Returns (appeal, created). A repeated submission key returns the first appeal."""
    if submission_key:
        existing = Appeal.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing, False
    if not anonymous and reporter_phone and not consent:
        raise AppealRefused(_("留下联系方式前，请阅读并同意个人信息告知。"))
    notice = notices.seen("appeal", consent_notice) if consent else None
    if consent and notice is None:
        raise AppealRefused(_("个人信息告知已更新，请刷新页面重新阅读后提交。"))
    title = (title or description.strip().splitlines()[0])[:60]
    now = timezone.now()
    try:
        with transaction.atomic():
            matter = loop.matter_receive(
                actor=actor,
                title=title,
                description=description,
                channel=channel,
                kind=kind,
                urgency=urgency,
                category=category,
                division=point.division if point else None,
                address=address or (point.address if point else ""),
                latitude=latitude,
                longitude=longitude,
                anonymous=anonymous,
                reporter_name=reporter_name,
                reporter_phone=reporter_phone,
            )
            appeal = Appeal.objects.create(
                matter=matter,
                submission_key=submission_key or None,
                point=point,
                supervisor=supervisor,
                enterprise_name=enterprise_name,
                credit_code=credit_code,
                fallback_window=fallback_window or bool(point and point.fallback_window),
                consent_at=now if consent else None,
                consent_notice=notice.reference if notice else "",
                api_key=api_key,
            )
            for photo in photos:
                attachment_add(matter=matter, upload=photo, actor=actor)
            enterprise = (
                Enterprise.objects.filter(credit_code=credit_code).first() if credit_code else None
            )
            transaction.on_commit(
                lambda: appeal_received.send(sender=Appeal, appeal=appeal, enterprise=enterprise)
            )
    except IntegrityError:
        # Two taps raced past the first check: the other one stored it.
        existing = Appeal.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return appeal, True


def appeal_rate_by_reporter(
    *, appeal: Appeal, rating: str, resolved: bool, note: str = ""
) -> Appeal:
    if appeal.matter.status != Status.ANSWERED:
        raise AppealRefused(_("该诉求尚未办结或已评价，暂不能评价。"))
    loop.matter_rate_by_reporter(matter=appeal.matter, rating=rating, resolved=resolved, note=note)
    return appeal


# — Special supervisors —


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
    with transaction.atomic():
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
    with transaction.atomic():
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


def agenda_add(*, actor, meeting: CommitteeMeeting, matter, reason: str) -> AgendaItem:
    _require_committee(actor, meeting.committee)
    item, _created = AgendaItem.objects.get_or_create(
        meeting=meeting, matter=matter, defaults={"reason": reason}
    )
    return item


def agenda_decide(
    *, actor, item: AgendaItem, lead_unit, deadline: datetime.date, instructions: str
) -> AgendaItem:
    """The meeting's decision flows back into the loop as a 督办决定 on the matter."""
    _require_committee(actor, item.meeting.committee)
    if item.decided_at:
        raise AppealRefused(_("该议题已作出决定。"))
    with transaction.atomic():
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
    return item


# — Open311 API keys —


def api_key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_issue(*, actor, name: str) -> tuple[ApiKey, str]:
    """Returns the key record and the raw key, which is shown once and never stored."""
    if actor.role != Role.SYSADMIN:
        raise PermissionRefused(_("只有系统管理员可以签发接口密钥。"))
    raw = "lc_" + secrets.token_urlsafe(24)
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name, prefix=raw[3:11], key_hash=api_key_hash(raw), created_by=actor
        )
        audit_record(actor=actor, action=AuditAction.CREATE, target=key)
    return key, raw


def api_key_revoke(*, actor, key: ApiKey) -> None:
    if actor.role != Role.SYSADMIN:
        raise PermissionRefused(_("只有系统管理员可以吊销接口密钥。"))
    with transaction.atomic():
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, target=key, detail={"revoked": True})


def api_key_lookup(raw: str) -> ApiKey | None:
    if not raw:
        return None
    return ApiKey.objects.filter(key_hash=api_key_hash(raw), revoked_at__isnull=True).first()
