"""The only code that writes data requests: receive, verify the requester, approve the
disclosure, answer — each audited.

A request is not a lookup tool: what the platform holds about the requester is disclosed
(shown, exported, erased) only after the requester's identity is verified — by a code sent to
the phone on the request or by a document checked in person — and a second person approved
that verification. Before that the staff see counts only."""

import dataclasses
import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from longcheng.accounts.scoping import scope_queryset
from longcheng.audit.models import Action
from longcheng.audit.services import audit_record
from longcheng.core.calendar import add_working_days
from longcheng.core.errors import PermissionRefused
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned
from longcheng.loop import sms

from .models import (
    DataRequest,
    Decision,
    DocumentType,
    IdentityCheck,
    Method,
    NoticeKey,
    Outcome,
    PrivacyNotice,
    Status,
)
from .rules import approval_refusal, notice_publish_refusal
from .selectors import (
    DataRequestRefused,
    disclosure,
    notice_current,
    notice_version,
    require_disclosure,
)

CODE_MINUTES = 10  # how long a code sent to the requester's phone may be typed
CODE_ATTEMPTS = 5  # wrong codes before the code is spent and a new one must be sent
CODE_RESEND_SECONDS = 60  # the least time between two codes for one request


def _require_staff(actor) -> None:
    from longcheng.web.access import is_business_staff

    if not is_business_staff(actor):
        raise PermissionRefused(_("只有业务单位工作人员可以受理个人信息权利请求。"))


@service
def data_request_receive(
    *,
    actor,
    kind: str,
    requester_name: str,
    requester_phone: str,
    detail: str,
    requester_id_number: str = "",
) -> DataRequest:
    """受理: the deadline counts in working days from today (LONGCHENG_PIPL_ANSWER_DAYS)."""
    _require_staff(actor)
    today = timezone.localdate()
    # The notice the counter gives the requester (shown on the intake page), kept with it.
    notice = notice_current(NoticeKey.DATA_REQUEST)
    request = DataRequest.objects.create(
        notice=notice.reference if notice else "",
        kind=kind,
        requester_name=requester_name,
        requester_phone=requester_phone,
        requester_id_number=requester_id_number,
        detail=detail,
        unit=actor.unit,
        received_by=actor,
        due_date=add_working_days(today, settings.LONGCHENG_PIPL_ANSWER_DAYS),
    )
    audit_record(actor=actor, action=Action.CREATE, target=request, after={"kind": kind})
    return request


@service
def data_request_answer(
    *, actor, request: DataRequest, outcome: str, answer: str, version: int
) -> DataRequest:
    """答复: a refusal or partial answer must say why (PIPL art. 50)."""
    _require_staff(actor)
    if request.status != Status.RECEIVED:
        raise DataRequestRefused(_("该请求已答复，不能重复答复。"))
    if outcome not in Outcome.values:
        raise DataRequestRefused(_("请选择办理结果。"))
    if outcome != Outcome.REFUSED:
        # A refusal (e.g. the identity could not be verified) discloses nothing; anything
        # else answers with the person's data and waits for the verification and approval.
        require_disclosure(request)
    if not answer.strip():
        raise DataRequestRefused(_("请填写答复内容；不予办理或部分办理的，须说明理由。"))
    request.status = Status.ANSWERED
    request.outcome = outcome
    request.answer = answer.strip()
    request.answered_by = actor
    request.answered_at = timezone.now()
    save_versioned(
        request,
        expected_version=version,
        fields=["status", "outcome", "answer", "answered_by", "answered_at"],
    )
    audit_record(
        actor=actor,
        action=Action.STATE_CHANGE,
        target=request,
        detail={"outcome": outcome, "late": request.due_date < timezone.localdate()},
    )
    return request


# --- Verification and approval -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Verification:
    """The outcome of one try at verifying the requester. A failed try is recorded (attempts,
    audit) and must stay recorded, so the service returns the refusal instead of raising it
    inside its transaction; `verified()` raises it for the caller."""

    check: IdentityCheck | None
    refusal: str = ""

    def verified(self) -> IdentityCheck:
        if self.refusal or self.check is None:
            raise DataRequestRefused(self.refusal)
        return self.check


def _require_in_scope(actor, request: DataRequest) -> None:
    _require_staff(actor)
    visible = scope_queryset(DataRequest.objects.filter(pk=request.pk), actor, "unit")
    if not visible.exists():
        raise PermissionRefused(_("该请求不属于您可以办理的单位。"))


def _require_open(request: DataRequest) -> None:
    if request.status != Status.RECEIVED:
        raise DataRequestRefused(_("该请求已答复，不再核验身份。"))


def _require_unverified(request: DataRequest) -> None:
    _require_open(request)
    state = disclosure(request)
    if state.verified:
        raise DataRequestRefused(_("请求人身份已核验，无需再次核验。"))


def _code_digest(check: IdentityCheck, code: str) -> str:
    # Keyed with the installation's secret: a reader of the database cannot try the million
    # codes against the digest.
    return salted_hmac(
        "longcheng.privacy.identity-code", f"{check.pk}:{code}", algorithm="sha256"
    ).hexdigest()


@service
def data_request_send_code(*, actor, request: DataRequest) -> IdentityCheck:
    """Send a six-digit code to the phone on the request; the requester reads it out to the
    clerk. A new code replaces any earlier one that was not typed correctly."""
    _require_in_scope(actor, request)
    _require_unverified(request)
    now = timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    DataRequest.objects.select_for_update().get(pk=request.pk)
    earlier = (
        request.checks.filter(method=Method.SMS, verified_at__isnull=True)
        .exclude(code_hash="")
        .first()
    )
    if earlier and (now - earlier.started_at).total_seconds() < CODE_RESEND_SECONDS:
        raise DataRequestRefused(
            _("验证码刚刚发送过，请 %(s)d 秒后再重新发送。") % {"s": CODE_RESEND_SECONDS}
        )
    request.checks.filter(method=Method.SMS, verified_at__isnull=True).update(code_hash="")
    check = IdentityCheck.objects.create(
        request=request,
        method=Method.SMS,
        started_by=actor,
        started_at=now,
        code_expires_at=now + datetime.timedelta(minutes=CODE_MINUTES),
    )
    check.code_hash = _code_digest(check, code)
    check.save(update_fields=["code_hash"])
    audit_record(
        actor=actor,
        action=Action.STATE_CHANGE,
        target=request,
        detail={"step": "identity_code_sent", "check": check.pk},
    )
    text = _(
        "【龙城】您的个人信息权利请求 %(n)s 的身份核验码为 %(c)s，%(m)d 分钟内有效。"
        "请只告知正在为您办理的工作人员。"
    ) % {"n": request.number, "c": code, "m": CODE_MINUTES}
    phone = request.requester_phone
    transaction.on_commit(lambda: sms.send_sms(phone, text))
    return check


@service
def data_request_check_code(*, actor, request: DataRequest, code: str) -> Verification:
    """The clerk types the code the requester reads out: right, the identity is verified;
    wrong, expired or tried too often, refused — every try audited and kept (the refusal is
    returned, see `Verification`)."""
    _require_in_scope(actor, request)
    _require_unverified(request)
    code = code.strip().replace(" ", "")
    refusal = ""
    DataRequest.objects.select_for_update().get(pk=request.pk)
    check = (
        request.checks.select_for_update()
        .filter(method=Method.SMS, verified_at__isnull=True)
        .exclude(code_hash="")
        .first()
    )
    if check is None:
        raise DataRequestRefused(_("请先向请求人的手机发送验证码。"))
    if check.attempts >= CODE_ATTEMPTS:
        why, refusal = "attempts", _("验证码错误次数过多，已失效，请重新发送验证码。")
    elif check.code_expires_at is None or timezone.now() > check.code_expires_at:
        why, refusal = "expired", _("验证码已过期，请重新发送验证码。")
    elif not (code.isdigit() and constant_time_compare(_code_digest(check, code), check.code_hash)):
        check.attempts += 1
        check.save(update_fields=["attempts", "updated_at"])
        left = CODE_ATTEMPTS - check.attempts
        why = "wrong"
        refusal = (
            _("验证码不正确，还可以再试 %(n)d 次。") % {"n": left}
            if left
            else _("验证码错误次数过多，已失效，请重新发送验证码。")
        )
    if refusal:
        audit_record(
            actor=actor,
            action=Action.REFUSED,
            target=request,
            detail={
                "step": "identity_code_failed",
                "why": why,
                "check": check.pk,
                "attempts": check.attempts,
            },
        )
    else:
        check.verified_by = actor
        check.verified_at = timezone.now()
        check.code_hash = ""  # spent
        check.save(update_fields=["verified_by", "verified_at", "code_hash", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.STATE_CHANGE,
            target=request,
            detail={"step": "identity_code_verified", "check": check.pk},
        )
    return Verification(check, refusal)


def _normalised_number(value: str) -> str:
    return "".join(value.split()).upper()


@service
def data_request_check_document(
    *, actor, request: DataRequest, document_type: str, document_number: str
) -> Verification:
    """In person: the clerk holds the requester's document and types its number, which must
    be the ID number on the request. The type, who checked and when are kept; the typed
    number is not."""
    _require_in_scope(actor, request)
    _require_unverified(request)
    if document_type not in DocumentType.values:
        raise DataRequestRefused(_("请选择查验的证件类型。"))
    if not request.requester_id_number:
        raise DataRequestRefused(
            _("该请求未登记证件号码，无法与证件比对；请改用短信验证码核验身份。")
        )
    typed = _normalised_number(document_number)
    if not typed:
        raise DataRequestRefused(_("请填写所查验证件上的号码。"))
    if not constant_time_compare(typed, _normalised_number(request.requester_id_number)):
        audit_record(
            actor=actor,
            action=Action.REFUSED,
            target=request,
            detail={"step": "identity_document_mismatch", "document_type": document_type},
        )
        return Verification(None, _("证件号码与请求登记的号码不一致，不能确认请求人身份。"))
    now = timezone.now()
    DataRequest.objects.select_for_update().get(pk=request.pk)
    request.checks.filter(method=Method.SMS, verified_at__isnull=True).update(code_hash="")
    check = IdentityCheck.objects.create(
        request=request,
        method=Method.DOCUMENT,
        document_type=document_type,
        started_by=actor,
        started_at=now,
        verified_by=actor,
        verified_at=now,
    )
    audit_record(
        actor=actor,
        action=Action.STATE_CHANGE,
        target=request,
        detail={
            "step": "identity_document_checked",
            "check": check.pk,
            "document_type": document_type,
        },
    )
    return Verification(check)


def _decide(*, actor, request: DataRequest, decision: str, reason: str) -> IdentityCheck:
    _require_in_scope(actor, request)
    _require_open(request)
    DataRequest.objects.select_for_update().get(pk=request.pk)
    check = request.checks.select_for_update().first()
    if check is not None and check.decision:
        raise DataRequestRefused(_("该核验已审批，不能重复审批。"))
    refusal = approval_refusal(actor, request, check)
    if refusal or check is None:
        raise PermissionRefused(refusal)
    check.decision = decision
    check.decided_by = actor
    check.decided_at = timezone.now()
    check.reason = reason
    check.save(update_fields=["decision", "decided_by", "decided_at", "reason", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.STATE_CHANGE,
        target=request,
        detail={
            "step": "disclosure_approved"
            if decision == Decision.APPROVED
            else "disclosure_refused",
            "check": check.pk,
            "method": check.method,
        },
    )
    return check


@service
def data_request_approve_disclosure(
    *, actor, request: DataRequest, reason: str = ""
) -> IdentityCheck:
    """审批同意: the verification stands; the contents may now be shown and exported."""
    return _decide(actor=actor, request=request, decision=Decision.APPROVED, reason=reason.strip())


@service
def data_request_refuse_disclosure(*, actor, request: DataRequest, reason: str) -> IdentityCheck:
    """审批不同意, with the reason: the verification is set aside and a new one is needed."""
    if not reason.strip():
        raise DataRequestRefused(_("不同意的，请填写理由。"))
    return _decide(actor=actor, request=request, decision=Decision.REFUSED, reason=reason.strip())


# — Personal-information notices (PIPL art. 17) —


@service
def privacy_notice_publish(
    *,
    key: str,
    version: str,
    title: str,
    handler: str,
    contact: str,
    collected: str,
    purposes: str,
    effective_from: datetime.date,
    actor_repr: str,
) -> PrivacyNotice:
    """A new version of a form's notice: earlier versions stay as they were (the submissions
    made under them keep pointing at them) and the policy page lists them."""
    existing = notice_version(key, version)
    current = existing or notice_current(key)
    refusal = notice_publish_refusal(key, version, effective_from, current)
    if refusal:
        raise DataRequestRefused(refusal)
    notice = PrivacyNotice.objects.create(
        key=key,
        version=version,
        title=title,
        handler=handler,
        contact=contact,
        collected=collected,
        purposes=purposes,
        effective_from=effective_from,
    )
    audit_record(
        actor=None,
        actor_repr=actor_repr,
        action=Action.CREATE,
        target=notice,
        after={"key": key, "version": version, "effective_from": str(effective_from)},
    )
    return notice
