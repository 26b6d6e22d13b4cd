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
