"""Patrols and what they find: an order on the loop, a case lead, or a note."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.errors import PermissionRefused
from longcheng.core.transactions import service
from longcheng.inspections.rules import seen_time_problem
from longcheng.loop import services as loop
from longcheng.loop.workflow import Channel

from ..models import Case, Finding, LegalProvision, Patrol
from ..rules import CaseRefused
from ..workflow import DocumentKind
from ._steps import _officer
from .cases import case_register_lead
from .documents import document_issue


@service
def patrol_record(
    *,
    actor,
    shift: str,
    started_at: datetime.datetime,
    ended_at: datetime.datetime | None,
    officers: Iterable,
    sites: Iterable = (),
    route_notes: str = "",
) -> Patrol:
    team = list({u.pk: u for u in [actor, *officers]}.values())
    if len(team) < 2:
        raise CaseRefused(_("巡查须由两名以上执法人员进行。"))
    for user in team:
        _officer(user)
    if ended_at and ended_at < started_at:
        raise CaseRefused(_("结束时间不能早于开始时间。"))
    patrol = Patrol.objects.create(
        unit=actor.unit,
        shift=shift,
        started_at=started_at,
        ended_at=ended_at,
        route_notes=route_notes,
        created_by=actor,
    )
    patrol.officers.set(team)
    patrol.sites.set(list(sites))
    audit_record(actor=actor, action=AuditAction.CREATE, target=patrol)
    return patrol


@service
def finding_record(
    *,
    actor,
    patrol: Patrol,
    description: str,
    outcome: str,
    site=None,
    enterprise=None,
    deadline: datetime.date | None = None,
    provision: LegalProvision | None = None,
    found_at: datetime.datetime | None = None,
) -> Finding:
    """Each finding becomes an order (a loop matter with its deadline and a numbered notice),
    a case lead, or a note. 发现时间 is when the officers saw it (by default now), never in the
    future nor before the patrol began; the notice prints it."""
    if not patrol.officers.filter(pk=actor.pk).exists():
        raise PermissionRefused(_("只有参加巡查的执法人员可以记录巡查发现。"))
    if len(description.strip()) < 5:
        raise CaseRefused(_("请写明发现的问题。"))
    now = clock.now()
    found_at = found_at or now
    problem = seen_time_problem(
        found_at, began_at=patrol.started_at, now=now, began=_("巡查开始时间")
    )
    if problem:
        raise CaseRefused(problem)
    if site is None and enterprise is None:
        raise CaseRefused(_("请选择场所或当事单位。"))
    if enterprise is None and site is not None:
        enterprise = site.builder
    orders = (Finding.Outcome.ORDER, Finding.Outcome.STOP_WORK)
    if outcome in orders and deadline is None:
        raise CaseRefused(_("责令改正须写明整改期限。"))
    if outcome == Finding.Outcome.CASE and enterprise is None:
        raise CaseRefused(_("转为案源须确定当事单位（该场所未登记建设/施工单位）。"))
    finding = Finding.objects.create(
        patrol=patrol,
        site=site,
        enterprise=enterprise,
        description=description.strip(),
        outcome=outcome,
        deadline=deadline if outcome in orders else None,
        found_at=min(found_at, now),
    )
    place = site or enterprise
    if outcome in orders:
        assert deadline is not None
        matter = loop.matter_open_for_unit(
            actor=actor,
            title=_("%(o)s：%(p)s") % {"o": finding.get_outcome_display(), "p": place},
            description=finding.description,
            channel=Channel.ENFORCEMENT,
            deadline=deadline,
            division=getattr(place, "division", None),
            address=getattr(place, "address", ""),
        )
        finding.matter = matter
        finding.save(update_fields=["matter"])
        document_issue(
            actor=actor,
            kind=DocumentKind.STOP_WORK
            if outcome == Finding.Outcome.STOP_WORK
            else DocumentKind.ORDER,
            finding=finding,
            content={
                "party": str(enterprise or site),
                "place": str(place),
                "facts": finding.description,
                "deadline": deadline.isoformat(),
                "basis": str(provision) if provision else "",
            },
        )
    elif outcome == Finding.Outcome.CASE:
        case_register_lead(
            actor=actor,
            source=Case.Source.PATROL,
            finding=finding,
            enterprise=enterprise,
            site=site,
            provision=provision,
            facts=finding.description,
            occurred_on=timezone.localtime(finding.found_at).date(),
        )
    return finding
