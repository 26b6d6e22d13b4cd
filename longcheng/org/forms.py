from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from longcheng.accounts.roles import Role
from longcheng.core.models import Unit
from longcheng.core.validators import validate_mobile
from longcheng.web.forms import BootstrapFormMixin


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return "　" * (unit.depth - 1) + unit.name


class StaffCreateForm(BootstrapFormMixin, forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[a-z0-9_.-]{3,30}$",
        error_messages={"invalid": _("用户名为3-30位小写字母、数字或 _ . -")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit = UnitChoiceField(
        label=_("所在单位"), queryset=Unit.objects.order_by("path"), required=False
    )
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号码"), required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=username).exists():
            raise forms.ValidationError(_("用户名 %(u)s 已被使用。") % {"u": username})
        return username

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        return validate_mobile(phone) if phone else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password"):
            try:
                validate_password(cleaned["password"])
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class StaffRoleForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit = UnitChoiceField(
        label=_("所在单位"), queryset=Unit.objects.order_by("path"), required=False
    )
    position = forms.CharField(label=_("职务"), max_length=50, required=False)


class InitialPasswordForm(BootstrapFormMixin, forms.Form):
    """A first password the system administrator hands over; the owner replaces it at once."""

    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("再次输入"), widget=forms.PasswordInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password2")
        if password and again and password != again:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif password:
            try:
                validate_password(password, self.user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class RoleDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批"), choices=[("approve", _("批准")), ("refuse", _("驳回"))]
    )
    reason = forms.CharField(label=_("意见"), max_length=200, required=False)


class AccountSecurityActionForm(forms.Form):
    """The security administrator's buttons on 账号安全."""

    action = forms.ChoiceField(
        choices=[
            ("reset_otp", _("重置验证器")),
            ("enrolment_code", _("签发绑定码")),
            ("unlock", _("解除锁定")),
        ]
    )


class GrantForm(forms.Form):
    granted = forms.TypedChoiceField(
        coerce=lambda v: v == "1", choices=[("1", _("授予")), ("0", _("收回"))]
    )


class BoundariesQueryForm(forms.Form):
    """Which boundaries a map draws: a level, optionally only those inside one division."""

    LEVELS = {
        "district": ("district", "county", "county_city"),
        "street": ("street", "township"),
        "grid": ("grid",),
    }

    level = forms.ChoiceField(
        choices=[(k, k) for k in LEVELS],
        required=False,
        error_messages={"invalid_choice": _("层级不正确")},
    )
    within = forms.RegexField(
        regex=r"^\d{6,16}$", required=False, error_messages={"invalid": _("区划代码不正确")}
    )

    def levels(self) -> tuple[str, ...]:
        return self.LEVELS[self.cleaned_data.get("level") or "district"]
