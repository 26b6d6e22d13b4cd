"""The only code that writes accounts: creation, role and unit changes, permission grants."""

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils.translation import gettext as _

from longcheng.audit.models import Action
from longcheng.audit.services import audit_record
from longcheng.core.errors import PermissionRefused

from .models import User
from .roles import BUSINESS_ROLES, Role

REVEAL_PERMISSION = ("parties", "reveal_personal_data")


def require_role(actor, role: Role, what: str) -> None:
    if actor.role != role or not actor.is_active:
        raise PermissionRefused(
            _("只有%(role)s可以%(what)s。") % {"role": role.label, "what": what}
        )


def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    role: str,
    unit=None,
    position: str = "",
    phone: str = "",
    password: str | None = None,
) -> User:
    require_role(actor, Role.SYSADMIN, _("创建账号"))
    if role in BUSINESS_ROLES and unit is None:
        raise PermissionRefused(_("业务角色必须归属一个单位。"))
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            unit=unit,
            position=position,
            phone=phone,
        )
        if password:
            user.set_password(password)
            user.must_change_password = True  # an administrator's password is a first one
        else:
            user.set_unusable_password()
        user.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=user,
            after={"role": role, "unit": unit.pk if unit else None},
        )
    return user


def user_change_role(*, actor, user: User, role: str, unit, position: str) -> User:
    require_role(actor, Role.SYSADMIN, _("调整角色和单位"))
    if user.pk == actor.pk:
        raise PermissionRefused(_("不能调整自己的角色。"))
    if role in BUSINESS_ROLES and unit is None:
        raise PermissionRefused(_("业务角色必须归属一个单位。"))
    before = {"role": user.role, "unit": user.unit_id, "position": user.position}
    after = {"role": role, "unit": unit.pk if unit else None, "position": position}
    with transaction.atomic():
        user.role, user.unit, user.position = role, unit, position
        user.save(update_fields=["role", "unit", "position"])
        audit_record(
            actor=actor,
            action=Action.ROLE_CHANGE,
            target=user,
            before=before,
            after=after,
            detail={"from": before["role"], "to": role},
        )
    return user


def _reveal_permission() -> Permission:
    app_label, codename = REVEAL_PERMISSION
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def user_set_reveal_permission(*, actor, user: User, granted: bool) -> None:
    """Grant or withdraw the right to see full ID numbers and phones (security admin only)."""
    require_role(actor, Role.SECADMIN, _("授予或收回查看个人信息的权限"))
    if granted and user.role not in BUSINESS_ROLES:
        raise PermissionRefused(_("只能授予业务人员，管理员不查看业务数据。"))
    with transaction.atomic():
        if granted:
            user.user_permissions.add(_reveal_permission())
        else:
            user.user_permissions.remove(_reveal_permission())
        audit_record(
            actor=actor,
            action=Action.PERMISSION_CHANGE,
            target=user,
            detail={"permission": "parties.reveal_personal_data", "granted": granted},
        )


def user_set_initial_password(*, actor, user: User, password: str) -> None:
    """System administrator: activate an imported account or one whose owner forgot the
    password. The owner must replace it at the next sign-in; any lockout is lifted."""
    from axes.utils import reset

    require_role(actor, Role.SYSADMIN, _("重设初始密码"))
    if user.pk == actor.pk:
        raise PermissionRefused(_("不能为自己重设初始密码，请使用“修改密码”。"))
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.save()
        audit_record(actor=actor, action=Action.PASSWORD_RESET, target=user)
    reset(username=user.username)


def user_unlock(*, actor, user: User) -> None:
    """Security administrator: lift a lockout before its cool-off ends (recorded)."""
    from axes.utils import reset

    require_role(actor, Role.SECADMIN, _("解除登录锁定"))
    removed = reset(username=user.username)
    audit_record(actor=actor, action=Action.UNLOCK, target=user, detail={"attempts": removed})
