import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import Scope, user_scope, visible_units
from longcheng.core.models import Unit
from longcheng.loop.selectors import matters_visible_to
from longcheng.loop.workflow import OPEN, Status
from longcheng.web.home import NavItem, StatCard

from .models import TRACKING_ALPHABET, Appeal


def is_committee_staff(user) -> bool:
    return bool(user.is_authenticated and user.unit_id and user.unit.kind == Unit.Kind.COMMITTEE)


def appeals_visible_to(user) -> QuerySet[Appeal]:
    """Staff see the appeals whose matters they see; a supervisor sees their own reports."""
    if getattr(user, "role", None) == Role.SUPERVISOR:
        return Appeal.objects.filter(supervisor__user=user)
    units = visible_units(user)
    if user_scope(user) == Scope.NONE:
        return Appeal.objects.none()
    # The committee also oversees what comes in through its points and its supervisors.
    return Appeal.objects.filter(
        Q(matter__in=matters_visible_to(user))
        | Q(point__unit__in=units)
        | Q(supervisor__committee__in=units)
    )


def track(code: str, phone_last4: str = "") -> Appeal | None:
    """The appeal for a tracking code; when a phone was given, its last four digits too."""
    appeal = (
        Appeal.objects.select_related("matter").filter(tracking_code=code.strip().upper()).first()
    )
    if appeal is None:
        return None
    phone = appeal.matter.reporter_phone
    if phone and phone[-4:] != phone_last4.strip():
        return None
    return appeal


def agenda_proposals(committee, limit: int = 50) -> QuerySet:
    """Appeals the departments could not close by themselves: overdue, reopened, returned more
    than once, or involving several departments — and still open."""
    from longcheng.loop.models import Matter

    return (
        Matter.objects.filter(appeal__isnull=False, status__in=list(OPEN))
        .annotate(assisting=Count("assisting_units"))
        .filter(
            Q(overdue=True) | Q(reopen_count__gt=0) | Q(return_count__gt=1) | Q(assisting__gt=0)
        )
        .exclude(agenda_items__decided_at__isnull=False, agenda_items__meeting__committee=committee)
        .select_related("lead_unit")
        .order_by("handle_deadline")[:limit]
    )


def proposal_reason(matter) -> str:
    reasons = []
    if matter.overdue:
        reasons.append(str(_("已超期")))
    if matter.reopen_count:
        reasons.append(str(_("群众不满意重办")))
    if matter.return_count > 1:
        reasons.append(str(_("多次退单")))
    if getattr(matter, "assisting", 0):
        reasons.append(str(_("涉及多个部门")))
    return "、".join(reasons)


def window_statistics(months: int = 6) -> list[dict]:
    """The 办不成事 window by month: received, answered on time, satisfied."""
    rows = []
    today = timezone.localdate()
    first = today.replace(day=1)
    for _step in range(months):
        start = first
        end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        appeals = Appeal.objects.filter(
            fallback_window=True,
            matter__received_at__date__gte=start,
            matter__received_at__date__lt=end,
        )
        answered = appeals.filter(matter__answered_at__isnull=False)
        rated = appeals.exclude(matter__rating="")
        rows.append(
            {
                "month": start.strftime("%Y-%m"),
                "received": appeals.count(),
                "answered": answered.count(),
                "on_time": answered.filter(matter__answered_late=False).count(),
                "rated": rated.count(),
                "satisfied": rated.filter(matter__rating__in=["satisfied", "basically"]).count(),
                "open": appeals.exclude(
                    matter__status__in=[Status.CLOSED, Status.ARCHIVED, Status.MERGED]
                ).count(),
            }
        )
        first = (start - datetime.timedelta(days=1)).replace(day=1)
    return rows


def appeals_nav_items(user) -> list[NavItem]:
    if getattr(user, "role", None) == Role.SYSADMIN:
        return [NavItem(str(_("接口密钥")), reverse("appeals:api_keys"), "key")]
    if getattr(user, "role", None) == Role.SUPERVISOR:
        return [NavItem(str(_("我的反映")), reverse("appeals:mine"), "megaphone")]
    if is_committee_staff(user):
        return [NavItem(str(_("营商环境监督")), reverse("appeals:overview"), "shield-check")]
    if (
        user.is_authenticated
        and user.unit_id
        and user.role in (Role.CLERK, Role.LEADER, Role.DISPATCHER)
    ):
        return [NavItem(str(_("营商环境诉求")), reverse("appeals:overview"), "megaphone")]
    return []


def tracking_code_condition(text: str) -> Q | None:
    """The header search (loop.search): a citizen's tracking code read out on the phone finds
    the matter."""
    code = text.strip().upper()
    if len(code) != 10 or any(c not in TRACKING_ALPHABET for c in code):
        return None
    return Q(pk__in=Appeal.objects.filter(tracking_code=code).values("matter_id"))


def supervisor_home_cards(user) -> list[StatCard]:
    """A special supervisor lands on their reports: those still being handled, and those
    answered (the home page is otherwise empty for someone from outside)."""
    if getattr(user, "role", None) != Role.SUPERVISOR:
        return []
    mine = Appeal.objects.filter(supervisor__user=user)
    url = reverse("appeals:mine")
    return [
        StatCard(
            str(_("办理中的反映")),
            mine.filter(matter__status__in=list(OPEN)).count(),
            url,
            "megaphone",
        ),
        StatCard(
            str(_("已答复的反映")),
            mine.filter(
                matter__status__in=[Status.ANSWERED, Status.CLOSED, Status.ARCHIVED]
            ).count(),
            url,
            "chat-square-text",
        ),
    ]
