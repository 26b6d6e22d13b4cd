"""Session limits and the second factor, checked on every request of a signed-in user.

Order matters (config/settings/base.py): after authentication, django-otp's OTPMiddleware
and the message store; before any view.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from longcheng.audit.context import client_ip
from longcheng.audit.models import Action
from longcheng.audit.services import audit_record

from .passwords import must_change_password

SESSION_STARTED = "longcheng_started"
SESSION_SEEN = "longcheng_seen"
# Writing the session on every request would cost a write per click; a minute's precision is
# plenty for a 30-minute idle limit.
SEEN_PRECISION_SECONDS = 60


def start_session(request) -> None:
    """Called on sign-in: the absolute lifetime counts from here."""
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now


def step_redirect(url_name: str, next_url: str):
    """Send a signed-in user to a step of signing in, keeping where they were going."""
    return redirect(reverse(url_name) + "?" + urlencode({"next": next_url}))


class SessionLimitsMiddleware:
    """Idle timeout and absolute lifetime (等保: 会话超时). Measured with the session's own
    timestamps, so a session ends even if the cookie is replayed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            idle = now - seen > settings.LONGCHENG_SESSION_IDLE_MINUTES * 60
            too_old = now - started > settings.LONGCHENG_SESSION_MAX_HOURS * 3600
            if idle or too_old:
                user = request.user
                logout(request)
                audit_record(
                    actor=user,
                    action=Action.SESSION_EXPIRED,
                    target=user,
                    ip=client_ip(request),
                    detail={"reason": "idle" if idle else "lifetime"},
                )
                messages.info(request, _("长时间未操作或登录已超过时限，请重新登录。"))
            elif SESSION_STARTED not in request.session or now - seen >= SEEN_PRECISION_SECONDS:
                request.session.setdefault(SESSION_STARTED, now)
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


# Pages a signed-in user may open before the second factor (and a forced password change).
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/")


class SecondFactorMiddleware:
    """Every account proves a TOTP code before any staff page, API call or the admin; a first
    or expired password is changed before work starts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or request.path.startswith(_OPEN_PREFIXES):
            return self.get_response(request)
        if not user.is_verified():
            return self._refuse(request, _next_step(user))
        if must_change_password(user):
            return self._refuse(request, "accounts:password_change")
        return self.get_response(request)

    def _refuse(self, request, url_name: str):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("请先在网页上完成双因素认证或修改密码。")}, status=403)
        return step_redirect(url_name, request.get_full_path())


def _next_step(user) -> str:
    from django_otp import user_has_device

    if user_has_device(user):
        return "accounts:otp_verify"
    # A first password is replaced before the authenticator is bound to the account, so
    # whoever learned the first password cannot enrol their own phone.
    if must_change_password(user):
        return "accounts:password_change"
    return "accounts:otp_setup"
