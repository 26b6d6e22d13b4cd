import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django_otp import login as otp_login
from django_otp import user_has_device

from longcheng.core.redirects import safe_next

from . import second_factor
from .forms import OtpCodeForm, OtpSetupForm
from .middleware import step_redirect
from .passwords import must_change_password, password_expires_at
from .services import enrolment_code_check, enrolment_code_used


def locked_out(request, response=None, credentials=None):
    """django-axes' answer once a username has failed too often from one address."""
    return render(
        request,
        "accounts/locked.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": settings.LONGCHENG_LOGIN_LOCKOUT_MINUTES,
        },
        status=429,
    )


class SignInForm(AuthenticationForm):
    awaiting_approval = False  # said only after the right password, never to a guesser

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.awaiting_approval:
            self.awaiting_approval = True
            raise ValidationError(
                _("该账号的角色尚待安全管理员审批，审批通过后方可登录。"), code="awaiting_approval"
            )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm


def _next_url(request, default: str = "/") -> str:
    return safe_next(request, default)


def _continue(request):
    """After one step of signing in, the next one the middleware would ask for, or the page."""
    return redirect(_next_url(request))


class PasswordChangeView(LoginRequiredMixin, View):
    """Change one's password: forced for a first password or an expired one. A user who has
    an authenticator proves it first (the middleware sends them there)."""

    template_name = "accounts/password_change.html"

    def _form_class(self, request):
        # An administrator-given first password was typed just now at sign-in; asking it again
        # adds nothing. Otherwise the old password is asked (someone at an unlocked screen).
        return SetPasswordForm if request.user.must_change_password else PasswordChangeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_verified() and user_has_device(user):
            return step_redirect("accounts:otp_verify", request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, form):
        user = request.user
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "forced": must_change_password(user),
                "first": user.must_change_password,
                "expires_at": password_expires_at(user),
                "next": _next_url(request),
            },
        )

    def get(self, request):
        return self._render(request, self._form_class(request)(request.user))

    def post(self, request):
        form = self._form_class(request)(request.user, request.POST)
        if not form.is_valid():
            return self._render(request, form)
        second_factor.password_changed(request, form)
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改。"))
        return _continue(request)


class OtpVerifyView(LoginRequiredMixin, View):
    template_name = "accounts/otp_verify.html"

    def get(self, request):
        if not user_has_device(request.user):
            return step_redirect("accounts:otp_setup", _next_url(request))
        return self._render(request)

    def _render(self, request, error: str = ""):
        return render(
            request,
            self.template_name,
            {
                "error": error,
                "next": _next_url(request),
                "demo_code": second_factor.demo_code(request.user),
            },
        )

    def post(self, request):
        form = OtpCodeForm(request.POST)
        outcome = second_factor.verify(
            request, form.cleaned_data["code"] if form.is_valid() else ""
        )
        if outcome.device is not None:
            otp_login(request, outcome.device)
            return _continue(request)
        if outcome.signed_out:
            messages.error(request, outcome.message)
            return redirect(settings.LOGIN_URL)
        return self._render(request, outcome.message)


class OtpSetupView(LoginRequiredMixin, View):
    """Bind an authenticator app: scan the code, type the six digits it shows."""

    template_name = "accounts/otp_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and user_has_device(request.user):
            # Replacing a bound authenticator is the security administrator's act.
            return step_redirect("accounts:otp_verify", _next_url(request))
        if request.user.is_authenticated and request.user.must_change_password:
            return step_redirect("accounts:password_change", request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, error: str = ""):
        device = second_factor.pending_device(request.user)
        svg = io.BytesIO()
        segno.make(device.config_url, error="m").save(
            svg, kind="svg", scale=5, border=2, xmldecl=False
        )
        return render(
            request,
            self.template_name,
            {
                "error": error,
                "next": _next_url(request),
                "qr_svg": svg.getvalue().decode(),
                "secret": second_factor.secret_for_display(device),
                "demo_code": second_factor.demo_code(request.user, device),
                "needs_enrolment_code": request.user.enrolment_needs_code,
            },
        )

    def get(self, request):
        return self._render(request)

    def post(self, request):
        form = OtpSetupForm(request.POST)
        typed = form.cleaned_data if form.is_valid() else {"code": "", "enrolment_code": ""}
        refused = enrolment_code_check(request.user, typed["enrolment_code"])
        if refused:
            return self._render(request, refused)
        device = second_factor.confirm_device(request, typed["code"])
        if device is None:
            return self._render(request, _("验证码不正确，请核对手机上显示的 6 位数字后重试。"))
        enrolment_code_used(request.user)
        otp_login(request, device)
        messages.success(request, _("双因素认证已启用，以后每次登录都需要输入验证码。"))
        return _continue(request)
