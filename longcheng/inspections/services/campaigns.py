"""Campaigns: creation, the target list from the scope rule, the double-random draw, closing."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.calendar import add_working_days
from longcheng.core.errors import PermissionRefused
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned

from .. import sampling
from ..models import (
    Campaign,
    CampaignTarget,
    ChecklistTemplate,
    Draw,
    InspectionVisit,
)
from ..rules import (
    candidates_digest,
    document_prefix,
    draw_reason_problem,
    party_fields,
    publish_within_working_days,
)
from ..scope import parties_in_scope
from ..selectors import (
    conflicts_for,
    party_risk_weight,
)
from ..workflow import (
    CampaignStatus,
    Mode,
    TemplateStatus,
    VisitStatus,
)
from ._shared import (
    InspectionRefused,
    _require_manager,
)


@service
def campaign_create(
    *,
    actor,
    name: str,
    template: ChecklistTemplate,
    mode: str,
    scope: dict,
    start_date: datetime.date,
    end_date: datetime.date,
    inspectors: Iterable,
    sample_ratio: Decimal | None = None,
    stratify_by: str = "",
    rectification_days: int = 10,
    basis: str = "",
    doc_prefix: str = "",
) -> Campaign:
    """`doc_prefix` heads the 文号 of the visits' documents; left empty, the organising unit's
    short name."""
    if actor.unit is None:
        raise PermissionRefused(_("只有所属单位的工作人员可以组织专项检查。"))
    if template.status != TemplateStatus.PUBLISHED:
        raise InspectionRefused(_("请选择已发布的检查表。"))
    if scope.get("party_type") != template.party_type:
        raise InspectionRefused(_("检查表适用的对象类型与检查范围不一致。"))
    if end_date < start_date:
        raise InspectionRefused(_("结束日期不能早于开始日期。"))
    if mode == Mode.RANDOM_SAMPLING and not sample_ratio:
        raise InspectionRefused(_("双随机抽查须填写抽查比例。"))
    parties_in_scope(scope)  # validates the rule
    campaign = Campaign.objects.create(
        name=name,
        unit=actor.unit,
        template=template,
        mode=mode,
        scope=scope,
        start_date=start_date,
        end_date=end_date,
        sample_ratio=sample_ratio if mode == Mode.RANDOM_SAMPLING else None,
        stratify_by=stratify_by,
        rectification_days=rectification_days,
        basis=basis,
        doc_prefix=doc_prefix.strip() or document_prefix(actor.unit),
        created_by=actor,
    )
    campaign.inspectors.set(list(inspectors))
    audit_record(actor=actor, action=AuditAction.CREATE, target=campaign)
    return campaign


def _stratum(party, stratify_by: str) -> str:
    if stratify_by == "division":
        return party.division.name if party.division_id else ""
    if stratify_by == "grade":
        return getattr(party, "grade", "")
    return ""


@service
def campaign_launch(*, actor, campaign: Campaign) -> Campaign:
    """Fix the target list from the scope rule. Full coverage: every party is to be visited.
    Random sampling: the parties are the candidates of the draw that follows."""
    _require_manager(actor, campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise InspectionRefused(_("专项检查已启动。"))
    parties = list(parties_in_scope(campaign.scope))
    if not parties:
        raise InspectionRefused(_("检查范围内没有登记的检查对象，请调整范围。"))
    sampling_mode = campaign.mode == Mode.RANDOM_SAMPLING
    CampaignTarget.objects.bulk_create(
        [
            CampaignTarget(
                campaign=campaign,
                stratum=_stratum(party, campaign.stratify_by),
                weight=party_risk_weight(party) if sampling_mode else 1,
                selected=not sampling_mode,
                **party_fields(party),
            )
            for party in parties
        ]
    )
    expected = campaign.version
    campaign.status = CampaignStatus.ACTIVE
    save_versioned(campaign, expected_version=expected, fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=campaign,
        after={"status": campaign.status, "targets": len(parties)},
    )
    return campaign


@service
def campaign_draw(*, actor, campaign: Campaign, reason: str) -> Draw:
    """双随机抽取. Nobody chooses the seed: the system takes it from its cryptographic source
    (`secrets`) and records it — with the time, the reason, the candidate list and its digest —
    before the result is computed; the result is written into that record afterwards. Every
    draw needs a reason; a re-draw is numbered and marks the earlier record superseded, which
    stays. No re-draw once a drawn visit has begun."""
    _require_manager(actor, campaign)
    if campaign.mode != Mode.RANDOM_SAMPLING:
        raise InspectionRefused(_("全覆盖检查不需要随机抽取。"))
    if campaign.status != CampaignStatus.ACTIVE:
        raise InspectionRefused(_("请先启动专项检查，确定候选名单。"))
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    previous = Draw.objects.filter(campaign=locked).count()
    problem = draw_reason_problem(reason, previous)
    if problem:
        raise InspectionRefused(problem)
    if locked.visits.exclude(status=VisitStatus.PLANNED).exists():
        raise InspectionRefused(_("已有抽中对象开始检查，不能重新抽取。"))
    targets = list(locked.targets.select_related("institution", "site", "enterprise"))
    names = {t.party_key: str(t.party) for t in targets}
    candidates = [
        sampling.Candidate(key=t.party_key, stratum=t.stratum, weight=float(t.weight))
        for t in targets
    ]
    recorded = [
        {"key": c.key, "name": names[c.key], "stratum": c.stratum, "weight": c.weight}
        for c in candidates
    ]
    roster = sorted(locked.inspectors.values_list("pk", flat=True))
    conflicts = conflicts_for({c.key for c in candidates})
    ratio = locked.sample_ratio or Decimal(0)
    drawn_at = clock.now()
    # The record first: seed, time, reason and the digest of the candidates, result empty.
    draw = Draw.objects.create(
        campaign=locked,
        number=previous + 1,
        seed=secrets.token_hex(16),
        ratio=ratio,
        candidates=recorded,
        candidates_digest=candidates_digest(recorded),
        roster={
            "users": roster,
            "conflicts": {k: sorted(v) for k, v in sorted(conflicts.items())},
        },
        reason=reason.strip(),
        drawn_at=drawn_at,
        drawn_by=actor,
        publish_due=add_working_days(
            timezone.localtime(drawn_at).date(), publish_within_working_days()
        ),
    )
    # Then the result, from what was recorded.
    result = sampling.draw(
        candidates=candidates,
        roster=roster,
        conflicts=conflicts,
        ratio=float(ratio),
        seed=draw.seed,
        names=names,
    )
    Draw.objects.filter(pk=draw.pk).update(selected=result.selected, assignments=result.assignments)
    draw.selected, draw.assignments = result.selected, result.assignments
    Draw.objects.filter(campaign=locked, superseded_by__isnull=True).exclude(pk=draw.pk).update(
        superseded_by=draw
    )
    by_key = {t.party_key: t for t in targets}
    locked.visits.filter(status=VisitStatus.PLANNED).delete()
    CampaignTarget.objects.filter(campaign=locked).update(selected=False)
    CampaignTarget.objects.filter(pk__in=[by_key[k].pk for k in result.selected]).update(
        selected=True
    )
    for key in result.selected:
        target = by_key[key]
        visit = InspectionVisit.objects.create(
            campaign=locked,
            target=target,
            template=locked.template,
            institution=target.institution,
            site=target.site,
            enterprise=target.enterprise,
        )
        visit.inspectors.set(result.assignments[key])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=draw,
        detail={
            "seed": draw.seed,
            "candidates_digest": draw.candidates_digest,
            "selected": len(result.selected),
            "reason": draw.reason,
            "supersedes": previous or None,
        },
    )
    return draw


@service
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    _require_manager(actor, campaign)
    if campaign.status != CampaignStatus.ACTIVE:
        raise InspectionRefused(_("只有检查中的专项检查可以结束。"))
    unfinished = campaign.visits.filter(status=VisitStatus.IN_PROGRESS).count()
    if unfinished:
        raise InspectionRefused(
            _("还有 %(n)d 次现场检查未提交，请先提交或作废后再结束。") % {"n": unfinished}
        )
    expected = campaign.version
    campaign.status = CampaignStatus.CLOSED
    save_versioned(campaign, expected_version=expected, fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=campaign,
        after={"status": campaign.status},
    )
    return campaign
