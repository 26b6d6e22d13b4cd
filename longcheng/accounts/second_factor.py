"""TOTP second factor and password changes: the rules and their audit records.

django-otp keeps the devices (RFC 6238, 30-second steps, one step of drift either side, a
code used once only, throttling that doubles the wait after each failure); this module decides
what a failure costs and records every security event.
"""

import base64
import dataclasses

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from longcheng.audit.context import client_ip
from longcheng.audit.models import Action
from longcheng.audit.services import audit_record

FAILURES_SESSION_KEY = "longcheng_otp_failures"


@dataclasses.dataclass
class Outcome:
    device: TOTPDevice | None = None
    message: str = ""
    signed_out: bool = False


def _well_formed(code: str) -> str | None:
    """The six digits, with the spaces some apps show between groups removed."""
    code = code.strip().replace(" ", "")
    return code if code.isdigit() and len(code) == 6 else None


def _device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def verify(request, typed: str) -> Outcome:
    """Check a code typed at sign-in. After LONGCHENG_OTP_MAX_FAILURES wrong codes the session
    ends and the password must be given again (which django-axes counts)."""
    user = request.user
    device = _device(user)
    code = _well_formed(typed)
    if device is not None:
        allowed, _state = device.verify_is_allowed()
        if not allowed:
            return Outcome(message=_("尝试过于频繁，请稍等片刻再输入验证码。"))
        if code is not None and device.verify_token(code):
            request.session.pop(FAILURES_SESSION_KEY, None)
            audit_record(actor=user, action=Action.OTP_VERIFIED, target=user, ip=client_ip(request))
            return Outcome(device=device)
    failures = request.session.get(FAILURES_SESSION_KEY, 0) + 1
    request.session[FAILURES_SESSION_KEY] = failures
    audit_record(
        actor=user,
        action=Action.OTP_FAILED,
        target=user,
        ip=client_ip(request),
        detail={"failures": failures},
    )
    if failures >= settings.LONGCHENG_OTP_MAX_FAILURES:
        logout(request)
        return Outcome(
            message=_("验证码连续错误次数过多，已退出登录，请重新登录。"), signed_out=True
        )
    return Outcome(message=_("验证码不正确或已使用过，请输入手机上当前显示的 6 位数字。"))


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (one per user, kept across page reloads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("手机验证器"), confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed by hand: base32 in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def confirm_device(request, typed: str) -> TOTPDevice | None:
    user = request.user
    device = pending_device(user)
    code = _well_formed(typed)
    if code is None or not device.verify_token(code):
        audit_record(actor=user, action=Action.OTP_FAILED, target=user, ip=client_ip(request))
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action=Action.OTP_ENROL, target=user, ip=client_ip(request))
    return device


def reset_devices(*, actor, user) -> int:
    """Security administrator: a lost phone. The user enrols a new one at the next sign-in."""
    from .policies import require_role
    from .roles import Role

    require_role(actor, Role.SECADMIN, _("重置双因素认证"))
    with transaction.atomic():
        removed, _detail = TOTPDevice.objects.filter(user=user).delete()
        audit_record(actor=actor, action=Action.OTP_RESET, target=user, detail={"devices": removed})
    return removed


def password_changed(request, form) -> None:
    user = request.user
    with transaction.atomic():
        form.save(commit=False)
        user.must_change_password = False
        user.save()
        audit_record(actor=user, action=Action.PASSWORD_CHANGE, target=user, ip=client_ip(request))


def demo_code(user, device: TOTPDevice | None = None) -> str:
    """In demo mode only, the code the demo account's authenticator would show now, so people
    trying the demo need no phone. Never outside demo mode."""
    if not settings.LONGCHENG_DEMO:
        return ""
    device = device or _device(user)
    if device is None:
        return ""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t is not None and totp.t() <= device.last_t:
        totp.drift += device.last_t + 1 - totp.t()  # this step's code is spent: the next one
    return f"{totp.token():0{device.digits}d}"
