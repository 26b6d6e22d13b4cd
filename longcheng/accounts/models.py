from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from longcheng.core.fields import EncryptedCharField
from longcheng.core.masking import mask_phone

from .roles import Role


class User(AbstractUser):
    """A member of staff. Citizens reporting by QR code have no account."""

    full_name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    position = models.CharField(_("职务"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.CLERK)
    phone = EncryptedCharField(_("手机号码"), max_length=20, blank=True, kind="phone")
    password_changed_at = models.DateTimeField(_("密码设置时间"), null=True, blank=True)
    # An administrator-given first password must be replaced at the first sign-in.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    # A new account's role waits for the security administrator; until then it cannot sign in.
    awaiting_approval = models.BooleanField(_("待审批"), default=False)
    # Binding an authenticator after an administrator set the password needs a code the
    # security administrator issued (the one who knows the password never binds it alone).
    enrolment_needs_code = models.BooleanField(_("绑定验证器须绑定码"), default=False)
    enrolment_code_hash = models.CharField(max_length=128, blank=True)
    enrolment_code_expires = models.DateTimeField(null=True, blank=True)
    enrolment_code_failures = models.PositiveSmallIntegerField(default=0)

    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so the policy can refuse reusing one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.at:%Y-%m-%d}"


class RoleRequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已驳回")


class RoleRequest(models.Model):
    """A role given or changed by the system administrator, waiting for the security
    administrator (三权分立: two people for every grant of power, docs/security.md)."""

    class Kind(models.TextChoices):
        CREATE = "create", _("新建账号")
        CHANGE = "change", _("调整角色或单位")

    user = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="role_requests"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    role = models.CharField(_("申请角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("申请单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    position = models.CharField(_("职务"), max_length=50, blank=True)
    before_role = models.CharField(_("原角色"), max_length=20, choices=Role.choices, blank=True)
    before_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("原单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=RoleRequestStatus.choices,
        default=RoleRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reason = models.CharField(_("审批意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("角色审批")
        verbose_name_plural = _("角色审批")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="one_pending_role_request_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.get_role_display()}"
