"""Read-only views of accounts for the security administrator."""

import dataclasses
import datetime

from axes.models import AccessAttempt
from django.db.models import Sum
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
from .passwords import password_expires_at


@dataclasses.dataclass
class AccountSecurityRow:
    user: User
    has_device: bool
    expires_at: datetime.datetime | None
    failures: int


def account_security_rows() -> list[AccountSecurityRow]:
    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    failures = dict(
        AccessAttempt.objects.values("username")
        .annotate(n=Sum("failures_since_start"))
        .values_list("username", "n")
    )
    return [
        AccountSecurityRow(
            user=user,
            has_device=user.pk in with_device,
            expires_at=password_expires_at(user),
            failures=failures.get(user.username, 0) or 0,
        )
        for user in User.objects.filter(is_active=True)
        .select_related("unit")
        .order_by("role", "username")
    ]
