"""Who may use the business modules' pages: staff of a unit in a business role. The system,
security and audit administrators and the special supervisors have their own pages."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from longcheng.accounts.roles import Role

BUSINESS_ROLES = (Role.CLERK, Role.LEADER, Role.DISPATCHER)


def is_business_staff(user) -> bool:
    return bool(user.is_authenticated and user.unit_id and user.role in BUSINESS_ROLES)


class BusinessStaffRequired(LoginRequiredMixin):
    denied_message = _("本页面仅供业务单位工作人员使用。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_business_staff(request.user):
            raise PermissionDenied(self.denied_message)
        return super().dispatch(request, *args, **kwargs)
