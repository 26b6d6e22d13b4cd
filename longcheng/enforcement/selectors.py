"""Reads for enforcement: who sees which case, the deadlines a case shows, statistics."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import led_filter
from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import unit_filter
from longcheng.core import clock
from longcheng.core.calendar import add_working_days, is_provisional
from longcheng.web.access import is_business_staff
from longcheng.web.home import NavItem, StatCard
from longcheng.web.queues import QueueRow, WorkQueue

from .models import (
    Case,
    CaseDocument,
    DiscretionBenchmark,
    EnforcementBody,
    Evidence,
    Finding,
    LegalProvision,
    Officer,
    Patrol,
)
from .rules import (
    SERVICE_WORKING_DAYS,
    CaseRefused,
    amount_owed,
    late_fee,
    limitation_ends,
)
from .workflow import DocumentKind, Outcome, Status


def _awaiting_review_by(user) -> Q | None:
    """Art. 58: a qualified legal reviewer sits with the body, above the brigades; the cases
    sent to review anywhere below the reviewer's unit are theirs to review."""
    unit = getattr(user, "unit", None)
    if unit is None or not Officer.objects.filter(user=user, legal_reviewer=True).exists():
        return None
    return Q(status=Status.REVIEWING, unit__path__startswith=unit.path)


def cases_visible_to(user) -> QuerySet[Case]:
    """The unit's own cases by scope, cases the user is an officer on or chairs the hearing
    of, and the cases waiting for the user's legal review."""
    if not is_business_staff(user):
        return Case.objects.none()
    condition = unit_filter(user, "unit")
    queryset = Case.objects.all()
    if condition is not None:
        reachable = condition | Q(case_officers__user=user) | Q(hearing_chair=user)
        review = _awaiting_review_by(user)
        if review is not None:
            reachable |= review
        queryset = queryset.filter(reachable).distinct()
    return queryset


def cases_awaiting_review(user) -> QuerySet[Case]:
    """The reviewer's work queue (待法制审核)."""
    review = _awaiting_review_by(user)
    return Case.objects.filter(review) if review is not None else Case.objects.none()


def patrols_visible_to(user) -> QuerySet[Patrol]:
    if not is_business_staff(user):
        return Patrol.objects.none()
    condition = unit_filter(user, "unit")
    queryset = Patrol.objects.all()
    if condition is not None:
        queryset = queryset.filter(condition | Q(officers=user)).distinct()
    return queryset


def body_for(unit) -> EnforcementBody:
    for candidate in [unit, *reversed(list(type(unit).objects.get_ancestors(unit)))]:
        body = EnforcementBody.objects.filter(unit=candidate).first()
        if body:
            return body
    raise CaseRefused(_("%(u)s 未登记为执法主体，不能制作执法文书。") % {"u": unit})


def benchmark_for(provision: LegalProvision, circumstance: str) -> DiscretionBenchmark | None:
    return provision.benchmarks.filter(circumstance=circumstance).first()


def decision_document(case: Case) -> CaseDocument | None:
    return (
        case.documents.filter(kind__in=[DocumentKind.PENALTY_DECISION, DocumentKind.NO_PENALTY])
        .order_by("-issued_at")
        .first()
    )


@dataclass
class Deadline:
    label: str
    due: datetime.date
    done: datetime.date | None

    @property
    def late(self) -> bool:
        today = timezone.localtime(clock.now()).date()
        return (self.done or today) > self.due

    @property
    def provisional(self) -> bool:
        """Still running and counted over a year without its official holiday schedule."""
        return self.done is None and is_provisional(self.due)


def case_deadlines(case: Case) -> list[Deadline]:
    """Every statutory period that applies to the case now, met or not."""

    def day(moment):
        return timezone.localtime(moment).date() if moment else None

    ends = limitation_ends(case)
    rows = [Deadline(_("追诉时效届满"), ends, day(case.filed_at))] if ends else []
    if case.decision_deadline:
        rows.append(
            Deadline(_("作出决定（立案后九十日）"), case.decision_deadline, day(case.decided_at))
        )
    if case.statement_due:
        rows.append(
            Deadline(
                _("陈述申辩、申请听证（告知后五个工作日）"),
                case.statement_due,
                day(case.statement_at or case.hearing_requested_at),
            )
        )
    for evidence in case.evidence.filter(kind=Evidence.Kind.PRESERVATION):
        rows.append(
            Deadline(
                _("先行登记保存处理决定（七个工作日）"),
                evidence.decide_by or evidence.recorded_at.date(),
                day(evidence.decided_at),
            )
        )
    if case.decided_at and not case.summary_procedure:
        rows.append(
            Deadline(
                _("送达决定书（七个工作日）"),
                add_working_days(day(case.decided_at), SERVICE_WORKING_DAYS),  # type: ignore[arg-type]
                day(case.served_at),
            )
        )
    if case.payment_due:
        rows.append(
            Deadline(
                _("缴纳罚款（送达后十五日）"),
                case.deferred_until or case.payment_due,
                day(case.paid_at),
            )
        )
    if case.publish_due:
        rows.append(Deadline(_("公示决定（七个工作日）"), case.publish_due, day(case.published_at)))
    return rows


def money_due(case: Case) -> dict:
    today = timezone.localtime(clock.now()).date()
    return {"late_fee": late_fee(case, today), "owed": amount_owed(case, today)}


def publication_overdue(queryset: QuerySet[Case]) -> QuerySet[Case]:
    today = timezone.localtime(clock.now()).date()
    return queryset.filter(
        outcome=Outcome.PENALTY, published_at__isnull=True, publish_due__lt=today
    )


def published_decisions() -> QuerySet[Case]:
    return (
        Case.objects.filter(
            outcome=Outcome.PENALTY, published_at__isnull=False, withdrawn_at__isnull=True
        )
        .select_related("provision", "unit")
        .order_by("-decided_at")
    )


def withdrawn_decisions() -> QuerySet[Case]:
    """Art. 48 (2): decisions taken off the public list, shown with the reasons."""
    return (
        Case.objects.filter(outcome=Outcome.PENALTY, withdrawn_at__isnull=False)
        .select_related("provision", "unit")
        .order_by("-withdrawn_at")
    )


def statistics(queryset: QuerySet[Case]) -> dict:
    # The visibility filter joins the case officers; counting over that join would count a
    # case once per officer, so the figures are taken over the plain set of visible cases.
    queryset = Case.objects.filter(pk__in=queryset.values("pk"))
    by_status = dict(
        queryset.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    by_violation = list(
        queryset.exclude(provision=None)
        .values("provision__violation")
        .annotate(n=Count("pk"), fines=Sum("fine"))
        .order_by("-n")
    )
    by_division = list(queryset.values("division__name").annotate(n=Count("pk")).order_by("-n"))
    penalties = queryset.filter(outcome=Outcome.PENALTY)
    decided = queryset.filter(decided_at__isnull=False, summary_procedure=False)
    served = queryset.filter(served_at__isnull=False, summary_procedure=False)
    published = queryset.filter(published_at__isnull=False)
    return {
        "total": queryset.count(),
        "by_status": [(label, by_status.get(value, 0)) for value, label in Status.choices],
        "by_violation": by_violation,
        "by_division": by_division,
        "by_outcome": list(queryset.exclude(outcome="").values("outcome").annotate(n=Count("pk"))),
        "fines_imposed": penalties.aggregate(s=Sum("fine"))["s"] or 0,
        "fines_collected": penalties.aggregate(s=Sum("paid_amount"))["s"] or 0,
        "decided_on_time": (decided.filter(decided_late=False).count(), decided.count()),
        "served_on_time": (served.filter(served_late=False).count(), served.count()),
        "published_on_time": (
            sum(
                1
                for c in published.only("published_at", "publish_due")
                if c.publish_due and timezone.localtime(c.published_at).date() <= c.publish_due
            ),
            published.count(),
        ),
    }


def enforcement_nav_items(user) -> list[NavItem]:
    if not is_business_staff(user):
        return []
    return [NavItem(str(_("行政执法")), reverse("enforcement:cases"), "shield-exclamation")]


def enforcement_home_cards(user) -> list[StatCard]:
    if not is_business_staff(user):
        return []
    cases = cases_visible_to(user)
    cards = []
    running = cases.exclude(status__in=[Status.CLOSED, Status.NOT_FILED]).count()
    if running:
        cards.append(
            StatCard(
                str(_("办理中的案件")), running, reverse("enforcement:cases"), "shield-exclamation"
            )
        )
    late = publication_overdue(cases).count()
    if late:
        cards.append(
            StatCard(
                str(_("处罚决定逾期未公示")),
                late,
                reverse("enforcement:cases") + "?late=1",
                "exclamation-triangle",
            )
        )
    return cards


# — Work queues (待办): each names who acts; the case page offers that person the step —

OPEN = [Status.FILED, Status.NOTIFIED, Status.HEARING, Status.DECIDED, Status.SERVED]


def _case_row(detail):
    def row(case: Case) -> QueueRow:
        due = detail(case)
        return QueueRow(
            title=str(case),
            url=case.get_absolute_url(),
            detail=f"{case.get_status_display()} · {case.unit.name}",
            due=due,
            late=bool(due and due < timezone.localdate()),
        )

    return row


def enforcement_work_queues(user) -> list[WorkQueue]:
    if not is_business_staff(user):
        return []
    cases = Case.objects.select_related("unit")
    led = led_filter(user, "unit")
    queues = []
    if getattr(user, "role", None) == Role.LEADER:
        queues += [
            WorkQueue(
                "enforcement-filing",
                str(_("待立案审批")),
                "folder-plus",
                cases.filter(led, status=Status.LEAD).order_by("created_at"),
                _case_row(lambda c: None),
                more_url=reverse("enforcement:cases") + "?status=" + Status.LEAD,
                hint=str(_("案源已登记，由负责人决定立案或不予立案。")),
            ),
            WorkQueue(
                "enforcement-decision",
                str(_("待作出决定")),
                "pen",
                cases.filter(led, status=Status.NOTIFIED, review_passed=True).order_by(
                    "decision_deadline"
                ),
                _case_row(lambda c: c.decision_deadline),
                hint=str(_("法制审核已通过，由负责人作出处罚或不予处罚决定。")),
            ),
            WorkQueue(
                "enforcement-closing",
                str(_("待结案审批")),
                "archive",
                cases.filter(led)
                .filter(
                    Q(status__in=[Status.SERVED, Status.ENFORCING], paid_at__isnull=False)
                    | (Q(status=Status.DECIDED) & ~Q(outcome=Outcome.PENALTY))
                )
                .order_by("decided_at"),
                _case_row(lambda c: None),
                hint=str(_("罚款已缴清或决定不予处罚，由负责人审批结案。")),
            ),
            WorkQueue(
                "enforcement-summary-report",
                str(_("待备案")),
                "journal-check",
                cases.filter(
                    led, summary_procedure=True, summary_reported_at__isnull=True
                ).order_by("summary_report_due"),
                _case_row(lambda c: c.summary_report_due),
                hint=str(
                    _("当场作出的处罚决定，负责人在三个工作日内接收备案（行政处罚法第五十二条）。")
                ),
            ),
        ]
    if _awaiting_review_by(user) is not None:
        queues.append(
            WorkQueue(
                "enforcement-review",
                str(_("待法制审核")),
                "clipboard-check",
                cases_awaiting_review(user).select_related("unit").order_by("updated_at"),
                _case_row(lambda c: c.decision_deadline),
                more_url=reverse("enforcement:cases") + "?status=" + Status.REVIEWING,
                hint=str(_("作出重大执法决定前由法制审核人员审核（行政处罚法第五十八条）。")),
            )
        )
    if Case.objects.filter(hearing_chair=user).exists():
        queues.append(
            WorkQueue(
                "enforcement-hearing",
                str(_("待主持听证")),
                "people",
                cases.filter(hearing_chair=user, status=Status.HEARING).order_by("hearing_at"),
                lambda c: QueueRow(
                    title=str(c),
                    url=c.get_absolute_url(),
                    detail=str(_("听证时间 %(t)s")) % {"t": _moment(c.hearing_at)},
                ),
                hint=str(_("您被指定为听证主持人：按期举行听证并制作听证笔录。")),
            )
        )
    if Officer.objects.filter(user=user).exists():
        queues.append(
            WorkQueue(
                "enforcement-mine",
                str(_("我承办的案件")),
                "shield-exclamation",
                cases.filter(case_officers__user=user, status__in=[*OPEN, Status.ENFORCING])
                .distinct()
                .order_by("decision_deadline", "created_at"),
                _case_row(lambda c: None if c.decided_at else c.decision_deadline),
                more_url=reverse("enforcement:cases"),
                hint=str(_("调查取证、告知、送达、催告：承办人办理的步骤。")),
            )
        )
    return queues


def _moment(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else str(_("未定"))


def what_happens_next(case: Case) -> str:
    """For a user with no step to take: who acts next on the case, in words (never a bare
    "办结" on a case that is still running)."""
    officers = "、".join(o.user.full_name for o in case.case_officers.select_related("user"))
    texts = {
        Status.LEAD: _("案源已登记，等待%(u)s负责人审批立案（立案或不予立案）。"),
        Status.NOT_FILED: _("负责人决定不予立案，本案源已终结。"),
        Status.FILED: _("已立案，由承办人%(o)s调查取证并制作事先告知书。"),
        Status.NOTIFIED: _("已告知当事人，由承办人%(o)s听取陈述申辩，再报法制审核和负责人决定。"),
        Status.HEARING: _("当事人申请了听证，由听证主持人%(c)s主持听证。"),
        Status.REVIEWING: _("已提交法制审核，等待%(u)s所属执法主体的法制审核人员审核。"),
        Status.DECIDED: _("已作出决定，由承办人%(o)s在七个工作日内送达当事人。"),
        Status.SERVED: _("决定已送达，等待当事人履行；缴清后由负责人审批结案。"),
        Status.ENFORCING: _("当事人逾期未履行，由承办人%(o)s催告，负责人决定申请法院强制执行。"),
        Status.CLOSED: _("本案已结案。"),
    }
    chair = case.hearing_chair.full_name if case.hearing_chair else _("（尚未指定）")
    return str(texts[Status(case.status)]) % {"u": case.unit.name, "o": officers or "", "c": chair}


# — Maps: the construction sites, a patrol's route —

# A case still running: neither closed nor declined.
CASE_ENDED = (Status.CLOSED, Status.NOT_FILED)


def _point(lat, lng) -> tuple[float, float] | None:
    """A stored position as floats, or None when it has none."""
    return None if lat is None or lng is None else (float(lat), float(lng))


class SiteSituation:
    """What a site shows on the enforcement map, worst first."""

    OPEN_CASE = "open_case"
    FINDING = "finding"
    NONE = "none"
    CHOICES = (
        (OPEN_CASE, _("有未结案件")),
        (FINDING, _("有巡查发现")),
        (NONE, _("无案件和巡查发现")),
    )


@dataclass
class SitePlace:
    name: str
    url: str
    status: str
    situation: str
    label: str
    division: str
    open_cases: list[tuple[str, str]]  # (number or 案源, url)
    last_finding: str
    last_finding_url: str
    latitude: float | None
    longitude: float | None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class SitesMap:
    places: list[SitePlace]
    counts: dict[str, int]  # per situation, before the situation filter

    @property
    def located(self) -> list[SitePlace]:
        return [p for p in self.places if p.located]

    @property
    def unlocated(self) -> list[SitePlace]:
        return [p for p in self.places if not p.located]


def sites_map(user, *, division=None, status: str = "", situation: str = "") -> SitesMap:
    """The construction sites of the site register as the user sees it (the register's own
    scope), each with the cases on it the user may see that are still running and the latest
    finding of a patrol the user may see."""
    from longcheng.accounts.scoping import scope_queryset
    from longcheng.core.models import Division
    from longcheng.parties.models import Site

    sites = scope_queryset(Site.objects.filter(kind=Site.Kind.CONSTRUCTION), user)
    if division is not None:
        within = {division.pk}
        frontier = {division.pk}
        while frontier:
            frontier = (
                set(Division.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
                - within
            )
            within |= frontier
        sites = sites.filter(division_id__in=within)
    if status:
        sites = sites.filter(status=status)
    sites = sites.select_related("division").order_by("name", "pk")
    site_ids = [s.pk for s in sites]
    cases: dict[int, list[tuple[str, str]]] = {}
    for case in (
        cases_visible_to(user)
        .filter(site_id__in=site_ids)
        .exclude(status__in=CASE_ENDED)
        .order_by("created_at", "pk")
    ):
        cases.setdefault(case.site_id, []).append(  # type: ignore[arg-type]
            (case.number or _("案源"), case.get_absolute_url())
        )
    findings: dict[int, Finding] = {}
    for finding in (
        Finding.objects.filter(patrol__in=patrols_visible_to(user), site_id__in=site_ids)
        .select_related("patrol")
        .order_by("found_at", "pk")
    ):
        findings[finding.site_id] = finding  # type: ignore[index]
    labels = dict(SiteSituation.CHOICES)
    counts = dict.fromkeys(labels, 0)
    places = []
    for site in sites:
        last = findings.get(site.pk)
        if cases.get(site.pk):
            code = SiteSituation.OPEN_CASE
        elif last is not None:
            code = SiteSituation.FINDING
        else:
            code = SiteSituation.NONE
        counts[code] += 1
        if situation and code != situation:
            continue
        point = _point(site.latitude, site.longitude)
        places.append(
            SitePlace(
                name=site.name,
                url=site.get_absolute_url(),
                status=site.get_status_display(),
                situation=code,
                label=str(labels[code]),
                division=str(site.division or ""),
                open_cases=cases.get(site.pk, []),
                last_finding=(
                    f"{timezone.localtime(last.found_at):%Y-%m-%d} "
                    f"{last.get_outcome_display()}：{last.description[:60]}"
                    if last
                    else ""
                ),
                last_finding_url=last.patrol.get_absolute_url() if last else "",
                latitude=point[0] if point else None,
                longitude=point[1] if point else None,
            )
        )
    return SitesMap(places=places, counts=counts)


@dataclass
class RouteStop:
    """One finding of a patrol, numbered in time order, with where it was found."""

    number: int
    finding: Finding
    latitude: float | None
    longitude: float | None
    located_by: str

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class PatrolRoute:
    stops: list[RouteStop]
    # Sites on the patrol's list with a point and no finding: visited, time unknown.
    quiet_sites: list[tuple[str, str, float, float]]  # (name, url, lat, lng)

    @property
    def line(self) -> list[tuple[float, float]]:
        return [
            (s.latitude, s.longitude)
            for s in self.stops
            if s.latitude is not None and s.longitude is not None
        ]

    @property
    def unlocated(self) -> list[RouteStop]:
        return [s for s in self.stops if not s.located]


def patrol_route(user, patrol: Patrol) -> PatrolRoute:
    """The patrol's route as its record allows: a patrol stores no track, so the route joins
    its findings in the order they were found, each at its site's registered point, else at
    the first located evidence photo of a case the finding became (a case the user may see)."""
    findings = list(patrol.findings.select_related("site", "enterprise").order_by("found_at", "pk"))
    evidence_points: dict[int, tuple[float, float] | None] = {}
    for finding_id, lat, lng in (
        Evidence.objects.filter(
            case__finding__in=[f.pk for f in findings],
            case__in=cases_visible_to(user),
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .order_by("-recorded_at", "-pk")
        .values_list("case__finding_id", "latitude", "longitude")
    ):
        evidence_points[finding_id] = _point(lat, lng)  # the earliest is kept, coming last
    stops = []
    for number, finding in enumerate(findings, start=1):
        site = finding.site
        point = _point(site.latitude, site.longitude) if site is not None else None
        located_by = _("场所登记坐标") if point else ""
        if point is None and evidence_points.get(finding.pk):
            point, located_by = evidence_points[finding.pk], _("取证照片定位")
        stops.append(
            RouteStop(
                number,
                finding,
                point[0] if point else None,
                point[1] if point else None,
                located_by,
            )
        )
    from longcheng.accounts.scoping import scope_queryset

    found_sites = {f.site_id for f in findings if f.site_id}
    readable = set(  # a site's page opens only within the register's scope
        scope_queryset(patrol.sites.all(), user).values_list("pk", flat=True)
    )
    quiet = []
    for site in patrol.sites.exclude(pk__in=found_sites).order_by("pk"):
        point = _point(site.latitude, site.longitude)
        if point is not None:
            url = site.get_absolute_url() if site.pk in readable else ""
            quiet.append((site.name, url, point[0], point[1]))
    return PatrolRoute(stops=stops, quiet_sites=quiet)
