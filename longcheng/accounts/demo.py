"""Demo accounts: fictional people in the real units. The password is public — demo mode only."""

from longcheng.audit.models import Action
from longcheng.audit.services import audit_record
from longcheng.core.models import Unit

from . import services
from .models import RoleRequest, RoleRequestStatus, User
from .roles import Role

DEMO_PASSWORD = "Longcheng#2023"

# (username, full name, role, unit code, position, phone, may reveal personal data)
ACCOUNTS = [
    ("sysadmin", "韩立新", Role.SYSADMIN, None, "系统管理员", "13900000001", False),
    ("secadmin", "石安然", Role.SECADMIN, None, "安全管理员", "13900000002", False),
    ("auditor", "程审之", Role.AUDITOR, None, "审计管理员", "13900000003", False),
    ("dispatcher", "李明远", Role.DISPATCHER, "ty-12345", "派单员", "13900000004", True),
    ("fgw_clerk", "周晓明", Role.CLERK, "ty-fgw", "综合处科员", "13900000005", False),
    ("wj_leader", "郭卫东", Role.LEADER, "ty-wj-zfd", "队长", "13900000006", True),
    ("wj_clerk", "高静", Role.CLERK, "ty-wj-zfd-yl", "监督员", "13900000007", False),
    ("cg_leader", "杨建军", Role.LEADER, "ty-cg-zfd", "队长", "13900000008", False),
    ("cg_clerk1", "孟浩", Role.CLERK, "ty-cg-zfd-1", "执法队员", "13900000009", False),
    ("cg_clerk2", "贾晨", Role.CLERK, "ty-cg-zfd-2", "执法队员", "13900000010", False),
    ("xd_clerk", "任佳", Role.CLERK, "xd-yshj", "监督委办公室干事", "13900000011", True),
    ("xd_hall", "秦雅", Role.CLERK, "xd-zwfw", "办不成事窗口受理员", "13900000012", False),
    ("tw_clerk", "武青", Role.CLERK, "ty-qnzyz", "志愿服务部干事", "13900000013", False),
    ("invest_clerk", "乔振华", Role.CLERK, "ty-invest", "投资管理部经理", "13900000014", False),
    # Two streets' offices (core.demo STREETS): the units the area routing rules send to.
    ("wc_leader", "赵文华", Role.LEADER, "xd-wucheng", "坞城街道办事处主任", "13900000061", False),
    ("wc_clerk", "梁晓燕", Role.CLERK, "xd-wucheng", "城市管理办公室干事", "13900000062", False),
    ("lx_leader", "白志刚", Role.LEADER, "yz-liuxiang", "柳巷街道办事处主任", "13900000063", False),
    ("lx_clerk", "冯丽", Role.CLERK, "yz-liuxiang", "城市管理办公室干事", "13900000064", False),
]


def _bootstrap(username: str) -> User:
    """The first system and security administrators are bootstrapped, as createsuperuser
    would, and recorded; every later account goes through the two-person approval."""
    user = User.objects.filter(username=username).first()
    if user is None:
        _u, name, role, _unit, position, phone, _reveal = next(
            row for row in ACCOUNTS if row[0] == username
        )
        user = User(username=username, full_name=name, role=role, position=position, phone=phone)
        user.set_password(DEMO_PASSWORD)
        user.save()
        audit_record(
            actor=None,
            actor_repr="seed_demo",
            action=Action.CREATE,
            target=user,
            after={"role": role},
        )
    return user


def seed(log) -> None:
    sysadmin = _bootstrap("sysadmin")
    secadmin = _bootstrap("secadmin")
    for username, name, role, unit_code, position, phone, reveal in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            unit = Unit.objects.get(code=unit_code) if unit_code else None
            user = services.user_create(
                actor=sysadmin,
                username=username,
                full_name=name,
                role=role,
                unit=unit,
                position=position,
                phone=phone,
                password=DEMO_PASSWORD,
            )
        if reveal and not user.has_perm("parties.reveal_personal_data"):
            services.user_set_reveal_permission(actor=secadmin, user=user, granted=True)
    log(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, name, role, unit_code, _position, _phone, reveal in ACCOUNTS:
        unit = Unit.objects.get(code=unit_code).name if unit_code else "—"
        extra = "，可查看完整个人信息" if reveal else ""
        log(f"  {username:<13} {name}（{role.label}，{unit}{extra}）")


def ready_for_sign_in(log) -> None:
    """Every demo account (the modules add their own) gets an authenticator and keeps the
    public password: demo mode shows the current code on the verification page instead of a
    phone (second_factor.demo_code)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    approve_pending_roles()
    User.objects.filter(must_change_password=True).update(must_change_password=False)
    have = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="演示验证器", confirmed=True)
        for user in User.objects.exclude(pk__in=have)
    )
    log("双因素认证：演示模式下验证页面会直接显示当前验证码。")


def approve_pending_roles() -> None:
    """The demo's security administrator approves the roles the seed asked for (the modules'
    seeds create their own accounts through the same service)."""
    secadmin = User.objects.get(username="secadmin")
    for request in RoleRequest.objects.filter(status=RoleRequestStatus.PENDING).exclude(
        user=secadmin
    ):
        services.role_request_decide(actor=secadmin, request=request, approve=True)
