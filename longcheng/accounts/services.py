"""The only code that writes accounts: creation, role and unit changes, permission grants."""

import datetime
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.audit.models import Action
from longcheng.audit.services import audit_record
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.core.transactions import service

from .models import RoleRequest, RoleRequestStatus, User
from .policies import require_role
from .roles import APPROVED_ROLES, BUSINESS_ROLES, Role

REVEAL_PERMISSION = ("parties", "reveal_personal_data")


@service
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
    needs_approval = role in APPROVED_ROLES
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            unit=unit,
            position=position,
            phone=phone,
            awaiting_approval=needs_approval,
            # The administrator who knows the first password must not bind the authenticator.
            enrolment_needs_code=True,
        )
        if password:
            user.set_password(password)
            user.must_change_password = True  # an administrator's password is a first one
        else:
            user.set_unusable_password()
        user.save()
        if needs_approval:
            RoleRequest.objects.create(
                user=user,
                kind=RoleRequest.Kind.CREATE,
                role=role,
                unit=unit,
                position=position,
                requested_by=actor,
            )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=user,
            after={"role": role, "unit": unit.pk if unit else None},
            detail={"awaiting_approval": needs_approval},
        )
    return user


@service
def user_change_role(*, actor, user: User, role: str, unit, position: str) -> RoleRequest | None:
    """System administrator: ask for a role or unit change. A change that gives or takes an
    administrator or business role waits for the security administrator (the request is
    returned); a new position alone, or a change between external roles, applies at once."""
    require_role(actor, Role.SYSADMIN, _("调整角色和单位"))
    if user.pk == actor.pk:
        raise PermissionRefused(_("不能调整自己的角色。"))
    if user.role == Role.AUDITOR and (role != Role.AUDITOR or unit is not None):
        raise PermissionRefused(
            _("系统管理员不能调整审计管理员的角色（三权分立：被审计者不能撤换审计者）。")
        )
    if role in BUSINESS_ROLES and unit is None:
        raise PermissionRefused(_("业务角色必须归属一个单位。"))
    unit_id = unit.pk if unit else None
    power_changes = (role, unit_id) != (user.role, user.unit_id)
    if power_changes and {role, user.role} & APPROVED_ROLES:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            if locked.role_requests.filter(status=RoleRequestStatus.PENDING).exists():
                raise LongchengError(_("该账号已有一项待安全管理员审批的角色调整。"))
            request = RoleRequest.objects.create(
                user=locked,
                kind=RoleRequest.Kind.CHANGE,
                role=role,
                unit=unit,
                position=position,
                before_role=locked.role,
                before_unit=locked.unit,
                requested_by=actor,
            )
            audit_record(
                actor=actor,
                action=Action.ROLE_CHANGE,
                target=locked,
                detail={"requested": role, "unit": unit_id, "from": locked.role},
            )
        return request
    before = {"role": user.role, "unit": user.unit_id, "position": user.position}
    after = {"role": role, "unit": unit_id, "position": position}
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
    return None


@service
def role_request_decide(*, actor, request: RoleRequest, approve: bool, reason: str = "") -> None:
    """Security administrator: approve (the role applies; a new account may sign in) or refuse
    with a reason (a new account stays closed). Never one's own request or one's own account."""
    require_role(actor, Role.SECADMIN, _("审批角色"))
    reason = reason.strip()
    if not approve and not reason:
        raise LongchengError(_("驳回须写明理由。"))
    with transaction.atomic():
        request = RoleRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
        if request.status != RoleRequestStatus.PENDING:
            raise LongchengError(_("该申请已由 %(who)s 审批。") % {"who": request.decided_by})
        if actor.pk in (request.requested_by_id, request.user_id):
            raise PermissionRefused(_("不能审批自己提出的或关于自己账号的角色申请。"))
        user = request.user
        request.status = RoleRequestStatus.APPROVED if approve else RoleRequestStatus.REFUSED
        request.decided_by, request.decided_at, request.reason = actor, timezone.now(), reason
        request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        before = {"role": user.role, "unit": user.unit_id, "position": user.position}
        if approve:
            user.role, user.unit, user.position = request.role, request.unit, request.position
            user.awaiting_approval = False
            user.save(update_fields=["role", "unit", "position", "awaiting_approval"])
        audit_record(
            actor=actor,
            action=Action.ROLE_CHANGE,
            target=user,
            before=before,
            after={"role": user.role, "unit": user.unit_id, "position": user.position},
            detail={
                "request": request.pk,
                "decision": request.status,
                "requested_by": request.requested_by_id,
                "reason": reason,
            },
        )


ENROLMENT_CODE_HOURS = 72
ENROLMENT_CODE_MAX_FAILURES = 5


@service
def user_issue_enrolment_code(*, actor, user: User) -> str:
    """Security administrator: a one-time code the user types when binding an authenticator
    after an administrator set the password; handed over in person, shown once, kept hashed."""
    require_role(actor, Role.SECADMIN, _("签发验证器绑定码"))
    if user.pk == actor.pk:
        raise PermissionRefused(_("不能为自己签发绑定码。"))
    code = f"{secrets.randbelow(10**8):08d}"
    with transaction.atomic():
        user.enrolment_needs_code = True
        user.enrolment_code_hash = make_password(code)
        user.enrolment_code_expires = timezone.now() + datetime.timedelta(
            hours=ENROLMENT_CODE_HOURS
        )
        user.enrolment_code_failures = 0
        user.save(
            update_fields=[
                "enrolment_needs_code",
                "enrolment_code_hash",
                "enrolment_code_expires",
                "enrolment_code_failures",
            ]
        )
        audit_record(
            actor=actor, action=Action.UPDATE, target=user, detail={"enrolment_code": "issued"}
        )
    return code


@service
def enrolment_code_check(user: User, typed: str) -> str | None:
    """None when the code opens the binding, else what is wrong (a wrong code counts; after
    five the code is void and the security administrator issues a new one)."""
    if not user.enrolment_needs_code:
        return None
    typed = "".join(typed.split())
    if not user.enrolment_code_hash or user.enrolment_code_failures >= ENROLMENT_CODE_MAX_FAILURES:
        return _("请向安全管理员领取验证器绑定码（由安全管理员当面交付）。")
    if user.enrolment_code_expires and user.enrolment_code_expires < timezone.now():
        return _("绑定码已过期，请向安全管理员重新领取。")
    if not typed.isdigit() or not check_password(typed, user.enrolment_code_hash):
        User.objects.filter(pk=user.pk).update(
            enrolment_code_failures=user.enrolment_code_failures + 1
        )
        user.enrolment_code_failures += 1
        left = ENROLMENT_CODE_MAX_FAILURES - user.enrolment_code_failures
        return _("绑定码不正确（还可尝试 %(n)s 次）。") % {"n": max(left, 0)}
    return None


@service
def enrolment_code_used(user: User) -> None:
    User.objects.filter(pk=user.pk).update(
        enrolment_needs_code=False, enrolment_code_hash="", enrolment_code_expires=None
    )


def _reveal_permission() -> Permission:
    app_label, codename = REVEAL_PERMISSION
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@service
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


@service
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
        # Should the authenticator be reset later, the one who knows this password cannot bind it.
        user.enrolment_needs_code = True
        user.save()
        audit_record(actor=actor, action=Action.PASSWORD_RESET, target=user)
    reset(username=user.username)


@service
def user_unlock(*, actor, user: User) -> None:
    """Security administrator: lift a lockout before its cool-off ends (recorded)."""
    from axes.utils import reset

    require_role(actor, Role.SECADMIN, _("解除登录锁定"))
    removed = reset(username=user.username)
    audit_record(actor=actor, action=Action.UNLOCK, target=user, detail={"attempts": removed})
