from django.urls import reverse
from django.utils.translation import gettext as _

from longcheng.accounts.models import RoleRequest, RoleRequestStatus
from longcheng.accounts.roles import EXTERNAL_ROLES, Role
from longcheng.web.home import NavItem


def org_nav_items(user) -> list[NavItem]:
    """The organisation for staff; the three administrators' own pages (三权分立)."""
    items = []
    if user.role not in EXTERNAL_ROLES:
        items += [
            NavItem(_("组织机构"), reverse("org:unit_tree"), "diagram-3"),
            NavItem(_("工作人员"), reverse("org:staff_list"), "people"),
            NavItem(_("行政区划"), reverse("org:division_list"), "geo-alt"),
        ]
    if user.role == Role.AUDITOR:
        items.append(NavItem(_("审计日志"), reverse("audit:record_list"), "journal-check"))
    if user.role in (Role.SECADMIN, Role.SYSADMIN):
        waiting = RoleRequest.objects.filter(status=RoleRequestStatus.PENDING).count()
        items.append(NavItem(_("角色审批"), reverse("org:role_requests"), "person-check", waiting))
    if user.role == Role.SECADMIN:
        items.append(NavItem(_("权限授予"), reverse("org:grant_list"), "shield-lock"))
        items.append(NavItem(_("账号安全"), reverse("org:account_security"), "person-lock"))
    if user.role == Role.SYSADMIN:
        items.append(NavItem(_("系统设置"), reverse("admin:index"), "gear"))
    return items
