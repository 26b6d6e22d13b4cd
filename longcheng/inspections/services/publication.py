"""Publication of results (一公开)."""

from __future__ import annotations

from collections.abc import Iterable

from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.transactions import service

from ..models import (
    Campaign,
    InspectionVisit,
)
from ..workflow import (
    VisitStatus,
)
from ._shared import (
    _require_manager,
)


@service
def visits_publish(*, actor, campaign: Campaign, visits: Iterable[InspectionVisit]) -> int:
    _require_manager(actor, campaign)
    now = clock.now()
    count = 0
    for visit in visits:
        if visit.campaign_id != campaign.pk or visit.status != VisitStatus.SUBMITTED:
            continue
        if visit.published_at:
            continue
        InspectionVisit.objects.filter(pk=visit.pk).update(published_at=now)
        count += 1
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=campaign,
        detail={"published": count},
    )
    return count
