"""Reads for inspections: who sees which campaign and visit, progress, the report figures."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import acts_filter
from longcheng.accounts.scoping import unit_filter
from longcheng.core import clock
from longcheng.loop.models import Matter
from longcheng.loop.workflow import Channel
from longcheng.web.access import is_business_staff
from longcheng.web.home import NavItem, StatCard
from longcheng.web.queues import QueueRow, WorkQueue

from .models import (
    Answer,
    Campaign,
    CampaignTarget,
    ChecklistItem,
    ChecklistTemplate,
    Draw,
    InspectionVisit,
    InspectorConflict,
    Rectification,
)
from .rules import (
    PARTY_SALT,
    candidates_canonical,
    candidates_digest,
    party_fields,
    redraw_snippet,
    to_scoring,
)
from .scoring import ItemAnswer, item_failed
from .workflow import (
    RECTIFICATION_DONE,
    CampaignStatus,
    Mode,
    RectificationStatus,
    Result,
    Verdict,
    VisitStatus,
)


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """The organising unit's staff (by scope) and every inspector on the campaign's roster."""
    if not is_business_staff(user):
        return Campaign.objects.none()
    condition = unit_filter(user, "unit")
    queryset = Campaign.objects.all()
    if condition is not None:
        queryset = queryset.filter(condition | Q(inspectors=user)).distinct()
    return queryset


def visits_visible_to(user) -> QuerySet[InspectionVisit]:
    if not is_business_staff(user):
        return InspectionVisit.objects.none()
    condition = unit_filter(user, "campaign__unit")
    queryset = InspectionVisit.objects.all()
    if condition is not None:
        queryset = queryset.filter(condition | Q(inspectors=user)).distinct()
    return queryset


def my_open_visits(user) -> QuerySet[InspectionVisit]:
    return (
        InspectionVisit.objects.filter(inspectors=user)
        .exclude(status=VisitStatus.SUBMITTED)
        .select_related("campaign", "institution", "site", "enterprise")
        .order_by("campaign__end_date", "pk")
    )


def my_targets_to_start(user) -> QuerySet[CampaignTarget]:
    """Full-coverage targets on campaigns where the user is on the roster, not yet visited."""
    return (
        CampaignTarget.objects.filter(
            campaign__status=CampaignStatus.ACTIVE,
            campaign__mode=Mode.FULL_COVERAGE,
            campaign__inspectors=user,
            selected=True,
            visits__isnull=True,
        )
        .select_related("campaign", "institution", "site", "enterprise")
        .order_by("campaign__end_date", "pk")
    )


@dataclass
class Progress:
    targets: int
    to_visit: int
    visited: int
    passed: int
    rectify: int
    failed: int
    open_rectifications: int
    unpublished_overdue: int

    @property
    def coverage(self) -> float | None:
        return self.visited / self.to_visit if self.to_visit else None


def unpublished_overdue(visits: QuerySet[InspectionVisit]) -> QuerySet[InspectionVisit]:
    """Submitted results whose publication date has passed unpublished: the one definition
    behind the home card, the campaign page and the cockpit."""
    today = timezone.localtime(clock.now()).date()
    return visits.filter(
        status=VisitStatus.SUBMITTED, published_at__isnull=True, publish_due__lt=today
    )


def campaign_progress(campaign: Campaign) -> Progress:
    firsts = campaign.visits.filter(parent__isnull=True, status=VisitStatus.SUBMITTED)
    results = Counter(firsts.values_list("result", flat=True))
    return Progress(
        targets=campaign.targets.count(),
        to_visit=campaign.targets.filter(selected=True).count(),
        visited=firsts.count(),
        passed=results.get(Result.PASS, 0),
        rectify=results.get(Result.RECTIFY, 0),
        failed=results.get(Result.FAIL, 0),
        open_rectifications=Rectification.objects.filter(visit__campaign=campaign)
        .exclude(status__in=RECTIFICATION_DONE)
        .count(),
        unpublished_overdue=unpublished_overdue(campaign.visits.all()).count(),
    )


@dataclass
class ItemFigure:
    item: ChecklistItem
    checked: int
    failed: int
    notes: list[str]

    @property
    def pass_rate(self) -> float | None:
        return (self.checked - self.failed) / self.checked if self.checked else None


@dataclass
class SectionFigure:
    name: str
    checked: int
    failed: int

    @property
    def pass_rate(self) -> float | None:
        return (self.checked - self.failed) / self.checked if self.checked else None


def campaign_item_figures(campaign: Campaign) -> tuple[list[SectionFigure], list[ItemFigure]]:
    """Pass rates by area and item over first visits (re-inspections would count twice)."""
    answers = Answer.objects.filter(
        visit__campaign=campaign,
        visit__parent__isnull=True,
        visit__status=VisitStatus.SUBMITTED,
    ).select_related("item__section")
    by_item: dict[int, ItemFigure] = {}
    for item in ChecklistItem.objects.filter(section__template=campaign.template).select_related(
        "section"
    ):
        by_item[item.pk] = ItemFigure(item=item, checked=0, failed=0, notes=[])
    for answer in answers:
        figure = by_item.get(answer.item_id)
        if figure is None or answer.verdict == Verdict.NOT_APPLICABLE:
            continue
        if not figure.item.scored:
            continue
        figure.checked += 1
        scoring = ItemAnswer(
            section=0,
            section_weight=figure.item.section.weight,
            answer_type=figure.item.answer_type,
            max_score=figure.item.max_score,
            serious=figure.item.serious,
            verdict=answer.verdict,
            score=answer.score,
        )
        if item_failed(scoring):
            figure.failed += 1
            if answer.note:
                figure.notes.append(answer.note)
    sections: dict[str, SectionFigure] = {}
    for figure in by_item.values():
        name = figure.item.section.name
        row = sections.setdefault(name, SectionFigure(name=name, checked=0, failed=0))
        row.checked += figure.checked
        row.failed += figure.failed
    return list(sections.values()), list(by_item.values())


def typical_problems(items: list[ItemFigure], limit: int = 5) -> list[ItemFigure]:
    return sorted((f for f in items if f.failed), key=lambda f: (-f.failed, f.item.pk))[:limit]


def party_history(party) -> QuerySet[InspectionVisit]:
    field = type(party).__name__.lower()
    return (
        InspectionVisit.objects.filter(**{field: party}, status=VisitStatus.SUBMITTED)
        .select_related("campaign")
        .order_by("-submitted_at")
    )


def published_campaigns() -> QuerySet[Campaign]:
    """Campaigns with a published result or a published draw record."""
    return (
        Campaign.objects.filter(
            Q(pk__in=InspectionVisit.objects.filter(published_at__isnull=False).values("campaign"))
            | Q(pk__in=Draw.objects.filter(published_at__isnull=False).values("campaign"))
        )
        .annotate(
            published=Count("visits", filter=Q(visits__published_at__isnull=False), distinct=True)
        )
        .order_by("-start_date")
    )


@dataclass
class PublicDraw:
    """What the public page shows of one published draw: no person named (the drawing officer
    and the inspectors' roster with its conflicts of interest stay inside)."""

    draw: Draw
    digest: str
    selected: list[tuple[str, str]]  # (key, name)
    snippet: str


def published_draws(campaign: Campaign) -> list[PublicDraw]:
    rows = []
    for draw in campaign.draws.filter(published_at__isnull=False).select_related("superseded_by"):
        names = {c["key"]: c.get("name", "") for c in draw.candidates}
        rows.append(
            PublicDraw(
                draw=draw,
                # The digest recorded before the draw; the download must hash to it.
                digest=draw.candidates_digest or candidates_digest(draw.candidates),
                selected=[(key, names.get(key, "")) for key in draw.selected],
                snippet=redraw_snippet(seed=draw.seed, ratio=draw.ratio),
            )
        )
    return rows


def published_draw_candidates(campaign: Campaign, number: int) -> bytes | None:
    """The public download of a published draw's candidate list (`candidates.json`), in the
    canonical form its digest is computed from; None when there is no such published draw."""
    draw = campaign.draws.filter(published_at__isnull=False, number=number).first()
    return candidates_canonical(draw.candidates) if draw else None


def published_results(campaign: Campaign) -> list[dict]:
    """What the public page shows: party, date, result and the problems — no person named."""
    visits = (
        campaign.visits.filter(published_at__isnull=False, parent__isnull=True)
        .select_related("institution", "site", "enterprise")
        .prefetch_related("rectifications__item")
        .order_by("submitted_at", "pk")
    )
    rows = []
    for visit in visits:
        rectifications = list(visit.rectifications.all())
        rows.append(
            {
                "party": str(visit.party),
                "date": timezone.localtime(visit.submitted_at).date(),
                "result": visit.get_result_display(),
                "result_code": visit.result,
                "problems": [r.item.text for r in rectifications],
                "rectified": bool(rectifications)
                and all(r.status in RECTIFICATION_DONE for r in rectifications),
            }
        )
    return rows


def reinspection_rows(visit: InspectionVisit) -> list[dict]:
    """The original finding beside each follow-up, for the re-inspection page and record."""
    root = visit.parent or visit
    follow_ups = list(root.reinspections.order_by("pk").prefetch_related("answers"))
    rows = []
    for rectification in root.rectifications.select_related("item").order_by("pk"):
        history = []
        for follow_up in follow_ups:
            answer = next(
                (a for a in follow_up.answers.all() if a.item_id == rectification.item_id), None
            )
            if answer is not None:
                history.append((follow_up, answer))
        rows.append({"rectification": rectification, "history": history})
    return rows


def overdue_publication_count(user) -> int:
    return unpublished_overdue(visits_visible_to(user)).count()


def inspections_nav_items(user) -> list[NavItem]:
    if not is_business_staff(user):
        return []
    return [NavItem(str(_("专项检查")), reverse("inspections:campaigns"), "clipboard-check")]


def inspections_home_cards(user) -> list[StatCard]:
    if not is_business_staff(user):
        return []
    overdue = overdue_publication_count(user)
    if not overdue:
        return []
    return [
        StatCard(
            str(_("检查结果逾期未公示")),
            overdue,
            reverse("inspections:campaigns"),
            "exclamation-triangle",
        )
    ]


def _visit_row(visit: InspectionVisit) -> QueueRow:
    return QueueRow(
        title=str(visit.party),
        url=visit.get_absolute_url(),
        detail=" · ".join(
            [visit.campaign.name, visit.get_result_display() or visit.get_status_display()]
        ),
        due=visit.publish_due,
        late=bool(visit.publish_due and visit.publish_due < timezone.localdate()),
    )


# What a rectification's row reads: its visit's campaign and party, and the item.
RECTIFICATION_ROW = (
    "visit__campaign",
    "visit__institution",
    "visit__site",
    "visit__enterprise",
    "item",
)


def _rectification_row(r: Rectification, text: str, *, late: bool = False) -> QueueRow:
    return QueueRow(
        title=str(r.visit.party),
        url=r.visit.get_absolute_url(),
        detail=f"{r.item} · {text[:60]}",
        due=r.deadline,
        late=late,
    )


def inspections_work_queues(user) -> list[WorkQueue]:
    """The inspector's targets and open visits; the organising unit's results to review and
    publish, and the rectifications whose evidence waits for a re-inspection."""
    if not is_business_staff(user):
        return []
    today = timezone.localdate()
    queues = []
    if Campaign.objects.filter(inspectors=user).exists():
        queues += [
            WorkQueue(
                "inspections-to-visit",
                str(_("待检查")),
                "geo-alt",
                my_targets_to_start(user),
                lambda t: QueueRow(
                    title=str(t.party),
                    url=reverse("inspections:mine") + f"#target-{t.pk}",
                    detail=t.campaign.name,
                    due=t.campaign.end_date,
                    late=t.campaign.end_date < today,
                ),
                more_url=reverse("inspections:mine"),
                hint=str(_("全覆盖检查中分配给您的检查对象：到现场后开始检查。")),
            ),
            WorkQueue(
                "inspections-visiting",
                str(_("检查中")),
                "clipboard",
                my_open_visits(user),
                lambda v: QueueRow(
                    title=str(v.party),
                    url=reverse("inspections:visit_form", args=[v.pk]),
                    detail=v.campaign.name,
                    due=v.campaign.end_date,
                    late=v.campaign.end_date < today,
                ),
                hint=str(_("已开始尚未提交的检查：填完检查表并提交。")),
            ),
        ]
    owned = acts_filter(user, "campaign__unit")
    if Campaign.objects.filter(acts_filter(user, "unit")).exists():
        queues += [
            WorkQueue(
                "inspections-campaigns",
                str(_("组织中的检查")),
                "flag",
                Campaign.objects.filter(
                    acts_filter(user, "unit"),
                    status__in=[CampaignStatus.DRAFT, CampaignStatus.ACTIVE],
                ).order_by("end_date", "pk"),
                lambda c: QueueRow(
                    title=c.name,
                    url=c.get_absolute_url(),
                    detail=c.get_status_display(),
                    due=c.end_date,
                    late=c.end_date < today,
                ),
                hint=str(_("筹备中的检查由组织单位启动；检查期满后结束检查并公示结果。")),
            ),
            WorkQueue(
                "inspections-review",
                str(_("待审核公示")),
                "clipboard-check",
                InspectionVisit.objects.filter(
                    owned, status=VisitStatus.SUBMITTED, published_at__isnull=True
                )
                .select_related("campaign", "institution", "site", "enterprise")
                .order_by("publish_due", "pk"),
                _visit_row,
                hint=str(_("检查人员已提交的结果：组织单位审核后在期限内公示。")),
            ),
            WorkQueue(
                "inspections-reinspect",
                str(_("整改待复查")),
                "arrow-repeat",
                Rectification.objects.filter(
                    acts_filter(user, "visit__campaign__unit") | Q(visit__inspectors=user),
                    status=RectificationStatus.EVIDENCE,
                )
                .distinct()
                .select_related(*RECTIFICATION_ROW)
                .order_by("evidence_at"),
                lambda r: _rectification_row(r, r.evidence_note),
                hint=str(_("被检查单位已报送整改材料：安排复查，复查不合格的可移送立案。")),
            ),
            WorkQueue(
                "inspections-rectification-late",
                str(_("整改逾期")),
                "alarm",
                Rectification.objects.filter(
                    acts_filter(user, "visit__campaign__unit"),
                    status=RectificationStatus.OPEN,
                    deadline__lt=today,
                )
                .select_related(*RECTIFICATION_ROW)
                .order_by("deadline"),
                lambda r: _rectification_row(r, r.requirement, late=True),
                hint=str(_("期限已过仍未报送整改材料：复查或移送立案。")),
            ),
        ]
    return queues


# — Moved from services: reads the services and the pages share —


def template_in_use(template: ChecklistTemplate) -> bool:
    """A visit used this version: it is not changed any more, a new version is made."""
    return template.visits.exists()


def party_risk_weight(party) -> Decimal:
    """1, plus 1 for each failed or to-be-rectified visit before, plus 1 for each matter of the
    last twelve months whose title names the party (complaints are not linked to registers yet,
    so the name is the link)."""
    fields = party_fields(party)
    bad = (
        InspectionVisit.objects.filter(**{k: v for k, v in fields.items() if v is not None})
        .filter(result__in=[Result.FAIL, Result.RECTIFY])
        .count()
    )
    since = clock.now() - datetime.timedelta(days=365)
    complaints = (
        Matter.objects.filter(received_at__gte=since, title__contains=party.name)
        .exclude(channel=Channel.INSPECTION)
        .count()
    )
    return Decimal(1 + bad + complaints)


def conflicts_for(keys: set[str]) -> dict[str, set[int]]:
    """For each party key, the inspectors recorded as having an interest in it (回避)."""
    conflicts: dict[str, set[int]] = {}
    for row in InspectorConflict.objects.select_related("institution", "site", "enterprise"):
        if row.party_key in keys:
            conflicts.setdefault(row.party_key, set()).add(row.user_id)
    return conflicts


def visit_items(visit: InspectionVisit) -> list[ChecklistItem]:
    """What the visit asks: the whole template, or for a re-inspection the items still open."""
    items = ChecklistItem.objects.filter(section__template=visit.template).select_related("section")
    if visit.parent_id is None:
        return list(items)
    if visit.status == VisitStatus.SUBMITTED:  # what it asked then
        asked = list(Answer.objects.filter(visit=visit).values_list("item_id", flat=True))
    else:
        asked = list(
            Rectification.objects.filter(visit_id=visit.parent_id)
            .exclude(status__in=RECTIFICATION_DONE)
            .values_list("item_id", flat=True)
        )
    return list(items.filter(pk__in=asked))


def visit_missing(visit: InspectionVisit) -> list[str]:
    """What stops the visit from being submitted, each in a sentence."""
    items = visit_items(visit)
    answers = {a.item_id: a for a in visit.answers.all()}
    photographed = set(visit.photos.values_list("item_id", flat=True))
    problems = []
    for item in items:
        answer = answers.get(item.pk)
        empty = answer is None or (
            not answer.verdict
            and answer.score is None
            and answer.number is None
            and not answer.text
        )
        if (item.required or visit.parent_id) and empty:
            problems.append(_("“%(t)s”未作答。") % {"t": item.text})
        if item.photo_required and item.pk not in photographed:
            if answer is None or answer.verdict != Verdict.NOT_APPLICABLE:
                problems.append(_("“%(t)s”须拍摄现场照片。") % {"t": item.text})
        if answer is not None and item_failed(to_scoring(item, answer)) and not answer.note:
            problems.append(_("“%(t)s”不符合，请写明发现的问题。") % {"t": item.text})
    return problems


def visit_from_party_token(token: str) -> InspectionVisit | None:
    """The submitted first visit a party's signed link points to, or None."""
    try:
        pk = signing.Signer(salt=PARTY_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return InspectionVisit.objects.filter(
        pk=pk, status=VisitStatus.SUBMITTED, parent__isnull=True
    ).first()


# — The campaign's map —

# What a target shows on the map, in the app's own words: the result of its latest submitted
# visit (a re-inspection's counts), else whether a visit is under way, else 待检查.
MAP_CATEGORIES: tuple[tuple[str, Any], ...] = (
    (Result.PASS, Result.PASS.label),
    (Result.RECTIFY, Result.RECTIFY.label),
    (Result.FAIL, Result.FAIL.label),
    (VisitStatus.IN_PROGRESS, VisitStatus.IN_PROGRESS.label),
    (VisitStatus.PLANNED, VisitStatus.PLANNED.label),
)


@dataclass
class MapPlace:
    """One target of a campaign as the map shows it."""

    name: str
    category: str
    label: str
    detail: str
    url: str
    latitude: float | None
    longitude: float | None
    located_by: str

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class CampaignMap:
    places: list[MapPlace]  # after every filter, located or not
    counts: dict[str, int]  # per category, before the category filter

    @property
    def located(self) -> list[MapPlace]:
        return [p for p in self.places if p.located]

    @property
    def unlocated(self) -> list[MapPlace]:
        return [p for p in self.places if not p.located]


def _division_ids(division) -> set[int] | None:
    """A division and the divisions under it (streets, grids), or None for anywhere."""
    if division is None:
        return None
    from longcheng.core.models import Division

    ids = {division.pk}
    frontier = {division.pk}
    while frontier:
        frontier = set(Division.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= ids
        ids |= frontier
    return ids


def _photo_points(visits: QuerySet[InspectionVisit], field: str, ids: set[int]) -> dict:
    """The latest located photo of a visit to each party: where the inspector stood."""
    from .models import VisitPhoto

    points: dict[int, tuple[float, float, datetime.datetime]] = {}
    photos = (
        VisitPhoto.objects.filter(visit__in=visits, latitude__isnull=False, longitude__isnull=False)
        .filter(**{f"visit__{field}_id__in": ids})
        .order_by("taken_at", "pk")
        .values_list(f"visit__{field}_id", "latitude", "longitude", "taken_at")
    )
    for party_id, lat, lng, taken_at in photos:
        points[party_id] = (float(lat), float(lng), taken_at)
    return points


def campaign_map(user, campaign: Campaign, *, category: str = "", division=None) -> CampaignMap:
    """The campaign's targets to be visited (the campaign page's 应检对象), each with its
    latest result and a point: the party's registered one (sites), else the position of the
    latest located photo of a visit to it the user may see. Only users who see the campaign
    get here; a link goes to the visit when the user may open it, else to the party's record
    when it is in the user's scope."""
    from longcheng.accounts.scoping import scope_queryset
    from longcheng.parties.models import Enterprise, Institution, Site

    within = _division_ids(division)
    targets = [
        t
        for t in campaign.targets.filter(selected=True)
        .select_related("institution", "site", "enterprise")
        .order_by("pk")
        if within is None or t.party.division_id in within
    ]
    visits = list(
        campaign.visits.filter(
            Q(target__in=[t.pk for t in targets]) | Q(parent__target__in=[t.pk for t in targets])
        ).select_related("parent")
    )
    chains: dict[int, list[InspectionVisit]] = {}
    for visit in visits:
        target_id = visit.target_id or (visit.parent.target_id if visit.parent else None)
        if target_id is not None:
            chains.setdefault(target_id, []).append(visit)
    visible = visits_visible_to(user)
    openable = set(visible.filter(campaign=campaign).values_list("pk", flat=True))
    by_type: dict[str, set[int]] = {"institution": set(), "site": set(), "enterprise": set()}
    for target in targets:
        by_type[type(target.party).__name__.lower()].add(target.party.pk)
    photo_points = {field: _photo_points(visible, field, ids) for field, ids in by_type.items()}
    models: dict[str, Any] = {"institution": Institution, "site": Site, "enterprise": Enterprise}
    in_scope = {
        field: set(
            scope_queryset(models[field].objects.filter(pk__in=ids), user).values_list(
                "pk", flat=True
            )
        )
        for field, ids in by_type.items()
    }

    labels = dict(MAP_CATEGORIES)
    places = []
    counts = dict.fromkeys(labels, 0)
    for target in targets:
        party = target.party
        field = type(party).__name__.lower()
        chain = chains.get(target.pk, [])
        submitted = sorted(
            (v for v in chain if v.status == VisitStatus.SUBMITTED),
            key=lambda v: (v.submitted_at, v.pk),
        )
        latest = submitted[-1] if submitted else None
        if latest is not None and latest.result:
            code = latest.result
            when = timezone.localtime(latest.submitted_at).date()
            kind = _("复查") if latest.parent_id else _("检查")
            detail = f"{when:%Y-%m-%d} {kind}"
            if latest.score is not None:
                detail += " · " + _("得分 %(s)s") % {"s": latest.score}
        elif any(v.status == VisitStatus.IN_PROGRESS for v in chain):
            code, detail = VisitStatus.IN_PROGRESS, ""
        else:
            code, detail = VisitStatus.PLANNED, ""
        counts[code] += 1
        if category and code != category:
            continue
        shown = [v for v in (submitted or chain) if v.pk in openable]
        if shown:
            url = reverse("inspections:visit_detail", args=[shown[-1].pk])
        elif party.pk in in_scope[field]:
            url = party.get_absolute_url()
        else:
            url = ""
        lat, lng, located_by = None, None, ""
        registered = getattr(party, "latitude", None), getattr(party, "longitude", None)
        if registered[0] is not None and registered[1] is not None:
            lat, lng, located_by = float(registered[0]), float(registered[1]), _("登记坐标")
        elif party.pk in photo_points[field]:
            lat, lng, taken_at = photo_points[field][party.pk]
            located_by = _("现场检查照片定位（%(d)s）") % {
                "d": f"{timezone.localtime(taken_at):%Y-%m-%d}"
            }
        places.append(
            MapPlace(
                name=str(party),
                category=code,
                label=str(labels[code]),
                detail=detail,
                url=url,
                latitude=lat,
                longitude=lng,
                located_by=located_by,
            )
        )
    return CampaignMap(places=places, counts=counts)
