from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from longcheng.accounts.models import RoleRequest, RoleRequestStatus
from longcheng.accounts.roles import EXTERNAL_ROLES, Role
from longcheng.accounts.scoping import reads_business_records

from .home import nav_items


def navigation(request):
    """The sidebar a user sees depends on the role: nobody is shown a door they may not open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    if hasattr(user, "is_verified") and not user.is_verified():
        return {"nav": []}  # signing in is not finished: no doors yet
    items = [(_("工作台"), reverse("web:home"), "house", 0)]
    items += [(i.label, i.url, i.icon, i.badge) for i in nav_items(user)]
    if reads_business_records(user):
        items += [
            (_("企业"), reverse("parties:enterprise_list"), "building", 0),
            (_("机构"), reverse("parties:institution_list"), "hospital", 0),
            (_("场所"), reverse("parties:site_list"), "cone-striped", 0),
            (_("自然人"), reverse("parties:person_list"), "person-vcard", 0),
        ]
    if user.role not in EXTERNAL_ROLES:
        items += [
            (_("组织机构"), reverse("org:unit_tree"), "diagram-3", 0),
            (_("工作人员"), reverse("org:staff_list"), "people", 0),
            (_("行政区划"), reverse("org:division_list"), "geo-alt", 0),
        ]
    if user.role == Role.AUDITOR:
        items.append((_("审计日志"), reverse("audit:record_list"), "journal-check", 0))
    if user.role in (Role.SECADMIN, Role.SYSADMIN):
        waiting = RoleRequest.objects.filter(status=RoleRequestStatus.PENDING).count()
        items.append((_("角色审批"), reverse("org:role_requests"), "person-check", waiting))
    if user.role == Role.SECADMIN:
        items.append((_("权限授予"), reverse("org:grant_list"), "shield-lock", 0))
        items.append((_("账号安全"), reverse("org:account_security"), "person-lock", 0))
    if user.role == Role.SYSADMIN:
        items.append((_("系统设置"), reverse("admin:index"), "gear", 0))
    path = request.path
    nav = []
    for label, url, icon, badge in items:
        active = path == url if url == reverse("web:home") else path.startswith(url)
        nav.append({"label": label, "url": url, "icon": icon, "active": active, "badge": badge})
    return {"nav": nav}
