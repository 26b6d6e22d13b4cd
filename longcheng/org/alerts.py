"""The security administrator's home page names the roles waiting for approval."""

from django.urls import reverse
from django.utils.translation import gettext as _

from longcheng.accounts.models import RoleRequest, RoleRequestStatus
from longcheng.accounts.roles import Role
from longcheng.web.home import HomeAlert


def role_request_alerts(user) -> list[HomeAlert]:
    if user.role != Role.SECADMIN:
        return []
    waiting = RoleRequest.objects.filter(status=RoleRequestStatus.PENDING).count()
    if not waiting:
        return []
    return [
        HomeAlert(
            text=_("%(n)s 项角色调整等待您审批，审批前不生效。") % {"n": waiting},
            url=reverse("org:role_requests"),
            action=_("去审批"),
        )
    ]
