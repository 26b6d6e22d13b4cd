"""Publication (一公开): the visits' results, and the draws' records on the campaign's public
page; the daily sweep that raises a supervision matter when a draw is not published in time."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.transactions import service
from longcheng.loop import services as loop
from longcheng.loop.workflow import Channel

from ..models import (
    Campaign,
    Draw,
    InspectionVisit,
)
from ..rules import DRAW_BASIS, publish_within_working_days
from ..workflow import (
    VisitStatus,
)
from ._shared import (
    InspectionRefused,
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


@service
def draws_publish(*, actor, campaign: Campaign) -> int:
    """Publish every draw of the campaign not yet public — the one in force and any it
    superseded, with their reasons — on the campaign's public page (seed, time, digest of the
    candidate list, result and how to re-draw it). A published draw is never withdrawn."""
    _require_manager(actor, campaign)
    pending = list(
        Draw.objects.select_for_update()
        .filter(campaign=campaign, published_at__isnull=True)
        .order_by("number")
    )
    if not pending:
        raise InspectionRefused(_("没有待公示的抽取记录。"))
    now = clock.now()
    Draw.objects.filter(pk__in=[d.pk for d in pending]).update(published_at=now)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=campaign,
        detail={"draws_published": [d.number for d in pending]},
    )
    return len(pending)


@service
def draws_publication_sweep(*, today: datetime.date | None = None) -> int:
    """Daily: a campaign with a draw still unpublished after its publication day
    (`Draw.publish_due`, the period's working days after the draw) gets one supervision
    matter for its organising unit, recorded on the campaign; a later sweep raises no other."""
    today = today or timezone.localtime(clock.now()).date()
    days = publish_within_working_days()
    overdue = (
        Draw.objects.filter(
            published_at__isnull=True,
            publish_due__lt=today,
            campaign__draw_overdue_matter__isnull=True,
        )
        .values_list("campaign", flat=True)
        .distinct()
    )
    raised = 0
    for campaign in Campaign.objects.select_for_update().filter(pk__in=list(overdue)):
        if campaign.draw_overdue_matter_id is not None:
            continue
        late = (
            campaign.draws.filter(published_at__isnull=True, publish_due__lt=today)
            .order_by("number")
            .first()
        )
        if late is None:
            continue
        matter = loop.matter_raise_for_unit(
            title=_("双随机抽取记录逾期未公示：%(c)s") % {"c": campaign.name},
            description=_(
                "第 %(n)d 次随机抽取于 %(d)s 进行，抽取记录和结果应于 %(due)s 前向社会公示"
                "（抽取之日起 %(days)d 个工作日），至今未公示。请在专项检查页面公示抽取记录，"
                "并说明逾期原因。"
            )
            % {
                "n": late.number,
                "d": timezone.localtime(late.drawn_at).date(),
                "due": late.publish_due,
                "days": days,
            },
            channel=Channel.INSPECTION,
            unit=campaign.unit,
            note=_("双随机抽取结果逾期未公示督办（%(basis)s；“双随机、一公开”）")
            % {"basis": DRAW_BASIS},
        )
        Campaign.objects.filter(pk=campaign.pk).update(draw_overdue_matter=matter)
        audit_record(
            actor=None,
            actor_repr="system",
            action=AuditAction.UPDATE,
            target=campaign,
            detail={"draw_overdue_matter": matter.pk, "draw": late.number},
        )
        raised += 1
    return raised
