"""Roles and what each may see, as data. Visibility itself is computed in `scoping.py`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("经办人")
    LEADER = "leader", _("单位领导")
    DISPATCHER = "dispatcher", _("派单中心")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")
    SUPERVISOR = "supervisor", _("特邀监督员")
    JUDGE = "judge", _("面试评委")


class Scope(models.TextChoices):
    OWN_UNIT = "own_unit", _("本单位")
    UNIT_SUBTREE = "unit_subtree", _("本单位及下级单位")
    ALL = "all", _("全部")
    NONE = "none", _("不可查看业务数据")


# Which business records each role reads. Administrators read none: 三权分立 keeps the people
# who run the system and the people who audit it away from the citizens' data.
ROLE_SCOPE: dict[str, Scope] = {
    Role.CLERK: Scope.OWN_UNIT,
    Role.LEADER: Scope.UNIT_SUBTREE,
    Role.DISPATCHER: Scope.ALL,
    Role.SYSADMIN: Scope.NONE,
    Role.SECADMIN: Scope.NONE,
    Role.AUDITOR: Scope.NONE,
    # A special supervisor sees only their own reports (appeals.selectors).
    Role.SUPERVISOR: Scope.NONE,
    # An interview judge from outside sees only the candidates of their own sessions.
    Role.JUDGE: Scope.NONE,
}

BUSINESS_ROLES = {Role.CLERK, Role.LEADER, Role.DISPATCHER}
# People from outside the administration: their own pages only, not the staff directory.
EXTERNAL_ROLES = {Role.SUPERVISOR, Role.JUDGE}
ADMIN_ROLES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}
# Giving or taking these needs the security administrator's approval (accounts.services).
APPROVED_ROLES = BUSINESS_ROLES | ADMIN_ROLES
