"""Reads of the loop. Visibility of matters follows `accounts.scoping.visible_units`: a matter is
visible to the units that lead it, assist on it or received it (and to those above them)."""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from longcheng.accounts.policies import acts_filter
from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import Scope, user_scope, visible_units
from longcheng.core.calendar import next_year_missing
from longcheng.core.counting import capped_count
from longcheng.web.home import HomeAlert, NavItem, StatCard

from .emergency import emergency_on, emergency_queue
from .models import (
    AnswerReview,
    DeadlineReview,
    Extension,
    Matter,
    MatterEvent,
    Notification,
    UnreasonableClaim,
    Whistle,
    WhistleSummons,
)
from .workflow import ACTIONS, HANDLING, Action, Status


def matters_visible_to(user) -> QuerySet[Matter]:
    scope = user_scope(user)
    matters = Matter.objects.all()
    if scope == Scope.ALL:
        return matters
    if scope == Scope.NONE:
        return matters.none()
    # The units as a list, so that the planner weighs each by its own statistics (a brigade
    # leads one matter in thirty: a search walks matters newest first and soon has a page).
    # Not a semi-join on a UNION of the four relations: PostgreSQL estimates such a union at
    # 200 rows and fetched every one of a large unit's matters (9 s at 10 M).
    units = list(visible_units(user).values_list("id", flat=True))
    assisting = Matter.assisting_units.through.objects.filter(
        matter_id=OuterRef("pk"), unit_id__in=units
    )
    # 吹哨报到: a department summoned to the matter reads it (waiting to report or after).
    summoned = WhistleSummons.objects.filter(matter_id=OuterRef("pk"), unit_id__in=units)
    return matters.filter(
        Q(lead_unit_id__in=units)
        | Q(receiving_unit_id__in=units)
        | Exists(assisting)
        | Exists(summoned)
    )


class Box:
    """The inbox tabs of a unit."""

    TO_SIGN = "to_sign"
    HANDLING = "handling"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    CALLBACK = "callback"
    DONE = "done"
    RETURNED = "returned"
    TO_DISPATCH = "to_dispatch"
    ASSISTING = "assisting"
    APPROVALS = "approvals"
    MINE = "mine"
    TO_REPORT = "to_report"
    EMERGENCY = "emergency"

    LABELS = {
        EMERGENCY: _("应急"),
        APPROVALS: _("待审批"),
        MINE: _("我经办的"),
        ASSISTING: _("协办事项"),
        TO_REPORT: _("待报到"),
        TO_DISPATCH: _("待派单"),
        RETURNED: _("退回待改派"),
        TO_SIGN: _("待签收"),
        HANDLING: _("办理中"),
        DUE_SOON: _("即将超期"),
        OVERDUE: _("已超期"),
        CALLBACK: _("待回访"),
        DONE: _("已办结"),
    }


def _box_condition(box: str, now: datetime.datetime) -> Q | None:
    running = list(HANDLING)
    return {
        Box.TO_DISPATCH: Q(status=Status.RECEIVED),
        Box.RETURNED: Q(status=Status.RETURNED),
        Box.TO_SIGN: Q(status=Status.DISPATCHED),
        Box.HANDLING: Q(status__in=[*running, Status.SUSPENDED]),
        # Past the reminder point (80 % of the window) but not yet past the deadline.
        Box.DUE_SOON: Q(status__in=running, remind_at__lte=now, handle_deadline__gt=now),
        Box.OVERDUE: Q(status__in=running, handle_deadline__lte=now),
        Box.CALLBACK: Q(status=Status.ANSWERED),
        Box.DONE: Q(status__in=[Status.CLOSED, Status.ARCHIVED]),
    }.get(box)


def _inbox_base(user) -> QuerySet[Matter]:
    """Units see what they lead; the dispatch centre sees the city's queue."""
    if user_scope(user) == Scope.ALL:
        return matters_visible_to(user)
    # Unit ids as a literal list (a handful) let PostgreSQL use the inbox indexes directly;
    # kept on the user object for the rest of the request.
    if not hasattr(user, "_lead_unit_ids"):
        user._lead_unit_ids = list(visible_units(user).values_list("id", flat=True))
    return Matter.objects.filter(lead_unit_id__in=user._lead_unit_ids)


def _assisting(user) -> QuerySet[Matter]:
    return Matter.objects.filter(
        assisting_units__in=visible_units(user), status__in=[*HANDLING, Status.SUSPENDED]
    ).distinct()


def _approvals(user) -> QuerySet[Matter]:
    """Requests waiting for this user's decision. The dispatch centre: extensions, unreasonable
    -claim certifications and returns; a unit's leader: answers to review. The few pending
    requests are read first, so that the matters are found by their keys (an OR of subqueries
    would scan every matter)."""
    if user_scope(user) == Scope.ALL:
        ids = [
            *Extension.objects.filter(decision=Extension.Decision.PENDING).values_list(
                "matter_id", flat=True
            ),
            *UnreasonableClaim.objects.filter(
                decision=UnreasonableClaim.Decision.PENDING
            ).values_list("matter_id", flat=True),
        ]
        return matters_visible_to(user).filter(Q(pk__in=ids) | Q(status=Status.RETURNED))
    if user.role != Role.LEADER:
        return Matter.objects.none()
    reviews = AnswerReview.objects.filter(
        decision=AnswerReview.Decision.PENDING, matter__lead_unit__in=visible_units(user)
    )
    return Matter.objects.filter(pk__in=list(reviews.values_list("matter_id", flat=True)))


def _mine(user) -> QuerySet[Matter]:
    """派发到人: what the unit's leader gave this user to handle, until it is answered."""
    return Matter.objects.filter(
        handler=user, status__in=[Status.DISPATCHED, *HANDLING, Status.SUSPENDED]
    )


def _to_report(user) -> QuerySet[Matter]:
    """吹哨报到: matters a department was summoned to and has not reported on yet — exactly
    those whose page offers this user 报到 (a unit's staff, and the leaders above it)."""
    waiting = WhistleSummons.objects.filter(
        acts_filter(user, "unit"), status__in=WhistleSummons.OPEN
    )
    return Matter.objects.filter(
        pk__in=list(waiting.values_list("matter_id", flat=True)),
        status__in=list(ACTIONS[Action.REPORT][0]),
    )


def _emergency(user) -> QuerySet[Matter]:
    """应急: the dispatch centre's priority queue while an emergency is on."""
    if user_scope(user) != Scope.ALL:
        return Matter.objects.none()
    return emergency_queue()


_SPECIAL_BOXES = {
    Box.EMERGENCY: _emergency,
    Box.ASSISTING: _assisting,
    Box.APPROVALS: _approvals,
    Box.MINE: _mine,
    Box.TO_REPORT: _to_report,
}


def inbox_queryset(user, box: str, now: datetime.datetime | None = None) -> QuerySet[Matter]:
    """The matters in one tab of the user's inbox."""
    if box in _SPECIAL_BOXES:
        return _SPECIAL_BOXES[box](user)
    condition = _box_condition(box, now or timezone.now())
    return _inbox_base(user).filter(condition) if condition else Matter.objects.none()


def last_return(matter: Matter):
    """The 退单 that sent the matter back (its reason leads the page while it waits)."""
    return (
        matter.events.filter(kind=MatterEvent.Kind.RETURNED)
        .select_related("actor", "actor_unit")
        .order_by("-at", "-pk")
        .first()
    )


def inbox_boxes(user) -> list[str]:
    if user_scope(user) == Scope.ALL:
        # While an emergency is on its queue is the first tab (and the one that opens).
        first = [Box.EMERGENCY] if emergency_on() is not None else []
        return [
            *first,
            Box.TO_DISPATCH,
            Box.APPROVALS,
            Box.RETURNED,
            Box.TO_SIGN,
            Box.HANDLING,
            Box.DUE_SOON,
            Box.OVERDUE,
            Box.CALLBACK,
            Box.DONE,
        ]
    boxes = [Box.TO_SIGN, Box.HANDLING]
    if user.role == Role.LEADER:
        boxes.append(Box.APPROVALS)
    if user.role in (Role.CLERK, Role.LEADER):
        boxes.append(Box.MINE)
    boxes += [Box.DUE_SOON, Box.OVERDUE, Box.ASSISTING]
    if user.role in (Role.CLERK, Role.LEADER):
        boxes.append(Box.TO_REPORT)
    return [*boxes, Box.CALLBACK, Box.DONE]


def inbox_counts(user, now=None) -> dict[str, int]:
    """One small indexed count per tab (a single FILTER aggregate would read every row),
    capped (core.counting): 已办结 grows by the year."""
    now = now or timezone.now()
    base = _inbox_base(user)
    counts = {}
    for box in inbox_boxes(user):
        if box in _SPECIAL_BOXES:
            counts[box] = capped_count(_SPECIAL_BOXES[box](user))
        else:
            counts[box] = capped_count(base.filter(_box_condition(box, now)))
    return counts


def unread_notifications(user) -> int:
    """The header's badge: one count on the partial index of notices still waiting (neither
    read nor resolved by the step they announced)."""
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, resolved_at__isnull=True
    ).count()


def notifications_of(
    user, *, kind: str = "", unread_only: bool = False, query: str = ""
) -> QuerySet[Notification]:
    """One user's notices, newest first, filtered as the page's address says. Nobody reads
    another's."""
    notices = Notification.objects.filter(recipient=user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True, resolved_at__isnull=True)
    if kind:
        notices = notices.filter(kind=kind)
    if query:
        notices = notices.filter(
            Q(title__icontains=query) | Q(body__icontains=query) | Q(matter__number=query)
        )
    return notices.order_by("-created_at", "-pk")


def notification_kind_counts(user, *, unread_only: bool) -> dict[str, int]:
    """Notices per kind (unread: on the partial index of those still waiting)."""
    notices = Notification.objects.filter(recipient=user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True, resolved_at__isnull=True)
    rows = notices.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n")
    return dict(rows)


def loop_home_cards(user) -> list[StatCard]:
    counts = inbox_counts(user)
    url = reverse("loop:inbox")
    icons = {
        Box.TO_SIGN: "inbox",
        Box.HANDLING: "hourglass-split",
        Box.OVERDUE: "alarm",
        Box.TO_DISPATCH: "send",
        Box.CALLBACK: "telephone",
        Box.APPROVALS: "check2-square",
        Box.TO_REPORT: "megaphone",  # 吹哨报到: a summoned department's work
    }
    return [
        StatCard(
            label=str(Box.LABELS[box]),
            count=counts[box],
            url=f"{url}?box={box}",
            icon=icons.get(box, "folder"),
        )
        for box in counts
        # Occasional work has a tile only while something waits (the tab is always there).
        if box in icons and (counts[box] or box not in (Box.APPROVALS, Box.TO_REPORT))
    ]


def status_counts(queryset) -> dict[str, int]:
    return dict(queryset.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def pending_deadline_reviews() -> int:
    return DeadlineReview.objects.filter(decision=DeadlineReview.Decision.PENDING).count()


def loop_home_alerts(user) -> list[HomeAlert]:
    role = getattr(user, "role", None)
    if role == Role.SYSADMIN:
        year = next_year_missing(timezone.localdate())
        if year:
            return [
                HomeAlert(
                    text=str(
                        _(
                            "%(y)s 年的节假日正式安排尚未录入：跨入该年的期限正按推定节假日计算。"
                            "国务院办公厅通知公布后请录入。"
                        )
                    )
                    % {"y": year},
                    url=reverse("loop:calendar"),
                    action=str(_("录入节假日安排")),
                )
            ]
    alerts = []
    if role == Role.DISPATCHER:
        pending = pending_deadline_reviews()
        if pending:
            alerts.append(
                HomeAlert(
                    text=str(_("节假日正式安排改变了 %(n)d 件已到期事项的时限，等待决定。"))
                    % {"n": pending},
                    url=reverse("loop:deadline_reviews"),
                    action=str(_("逐件决定")),
                )
            )
        claims = UnreasonableClaim.objects.filter(
            decision=UnreasonableClaim.Decision.PENDING
        ).count()
        if claims:
            alerts.append(
                HomeAlert(
                    text=str(_("%(n)d 件不合理诉求认定申请待审核。")) % {"n": claims},
                    url=reverse("loop:unreasonable_claims"),
                    action=str(_("审核")),
                )
            )
    return alerts


def loop_nav_items(user) -> list[NavItem]:
    items = []
    if user_scope(user) != Scope.NONE:
        items.append(NavItem(str(_("事项办理")), reverse("loop:inbox"), "arrow-repeat"))
    role = getattr(user, "role", None)
    if role == Role.SYSADMIN:
        items.append(NavItem(str(_("节假日安排")), reverse("loop:calendar"), "calendar3"))
    if role == Role.DISPATCHER:
        items.append(
            NavItem(
                str(_("应急模式")),
                reverse("loop:emergency"),
                "lightning",
                1 if emergency_on() is not None else 0,
            )
        )
        pending = pending_deadline_reviews()
        if pending:
            items.append(
                NavItem(str(_("待定时限")), reverse("loop:deadline_reviews"), "calendar-x", pending)
            )
        claims = UnreasonableClaim.objects.filter(
            decision=UnreasonableClaim.Decision.PENDING
        ).count()
        items.append(
            NavItem(
                str(_("不合理诉求认定")),
                reverse("loop:unreasonable_claims"),
                "slash-circle",
                claims,
            )
        )
    items.append(
        NavItem(str(_("消息")), reverse("loop:notifications"), "bell", unread_notifications(user))
    )
    return items


def matter_whistles(matter: Matter) -> list:
    """吹哨报到 on the matter's page: each whistle, oldest first, with its summonses."""
    return list(
        Whistle.objects.filter(matter=matter)
        .select_related("unit", "called_by")
        .prefetch_related(
            Prefetch(
                "summonses",
                queryset=WhistleSummons.objects.select_related("unit", "reported_by").order_by(
                    "pk"
                ),
            )
        )
    )


# — The caller's history (the 12345 workbench) —

CALLER_HISTORY_MAX = 20


def caller_history(phone: str, *, limit: int = CALLER_HISTORY_MAX) -> list[Matter]:
    """The caller's earlier matters, newest first, found through the phone's blind index
    (`reporter_phone_index`, never a scan of the encrypted column)."""
    if not phone:
        return []
    return list(
        Matter.objects.filter(reporter_phone=phone)
        .select_related("category", "lead_unit")
        .only(
            "pk",
            "number",
            "title",
            "description",
            "status",
            "kind",
            "received_at",
            "answered_at",
            "answered_on_call",
            "rating",
            "resolved",
            "category__name",
            "category__path",
            "lead_unit__name",
            "master_id",
        )
        .order_by("-received_at", "-pk")[:limit]
    )


def caller_open_similar(
    history: list[Matter], *, text: str = "", category=None, threshold: float | None = None
) -> list[tuple[Matter, str]]:
    """Which of the caller's matters are still open and like the new call: the same category
    (or one above or below it), or a similar text (loop.duplicates' bigram similarity). Each
    with the reason, most alike first."""
    from .duplicates import THRESHOLD, similarity
    from .workflow import OPEN

    threshold = THRESHOLD if threshold is None else threshold
    found = []
    for matter in history:
        if matter.status not in OPEN or matter.master_id:
            continue
        reasons, score = [], 0.0
        if category is not None and matter.category is not None:
            a, b = category.path, matter.category.path
            if a.startswith(b) or b.startswith(a):
                reasons.append(str(_("同一类别")))
                score += 1
        if text:
            alike = max(
                similarity(text, f"{matter.title}{matter.description}"),
                similarity(text, matter.title),
            )
            if alike >= threshold:
                reasons.append(str(_("文字相似度 %(s)d%%") % {"s": round(alike * 100)}))
                score += alike
        if reasons:
            found.append((score, matter, "、".join(reasons)))
    found.sort(key=lambda f: -f[0])
    return [(matter, reason) for _score, matter, reason in found]
