"""Reading dispatch disputes (派单争议): the dispatch centre's queue and the page's rows."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from longcheng.accounts.policies import rules_disputes
from longcheng.core.models import Division
from longcheng.loop.models import Matter
from longcheng.web.queues import QueueRow, WorkQueue

from . import places
from .models import DispatchDispute


def open_disputes():
    return (
        DispatchDispute.objects.filter(status=DispatchDispute.Status.OPEN)
        .select_related("matter")
        .prefetch_related("units")
        .order_by("raised_at", "pk")
    )


def unit_names(dispute: DispatchDispute) -> str:
    return "、".join(u.name for u in dispute.units.all())


def dispute_work_queues(user) -> list[WorkQueue]:
    """派单争议: the open disputes, oldest first, for the dispatch centre to rule."""
    if not rules_disputes(user):
        return []
    return [
        WorkQueue(
            "routing-disputes",
            str(_("派单争议")),
            "arrow-left-right",
            open_disputes(),
            lambda d: QueueRow(
                title=f"{d.matter.number} {d.matter.title}",
                url=d.get_absolute_url(),
                detail=_("%(units)s 先后退单") % {"units": unit_names(d)},
                due=None,
            ),
            more_url=reverse("routing:disputes") + "?status=open",
            hint=str(
                _(
                    "一个单位两次退单、或两个单位各自退单的事项：查看各方理由，"
                    "裁定责任单位和目录，必要时调整派单目录。"
                )
            ),
        )
    ]


def return_rows(dispute: DispatchDispute) -> list[dict]:
    """Each return with its time as a datetime, for the page."""
    rows = []
    for row in dispute.returns:
        at = parse_datetime(row.get("at") or "")
        rows.append({**row, "at": at if isinstance(at, datetime.datetime) else None})
    return rows


def rule_areas(matter: Matter) -> list[Division]:
    """Where a ruling's area rule may apply: the matter's street (township) and district."""
    ranks = {a.division_id: a.rank for a in places.areas_of(matter)}
    levels = (
        Division.Level.STREET,
        Division.Level.TOWNSHIP,
        Division.Level.DISTRICT,
        Division.Level.COUNTY,
        Division.Level.COUNTY_CITY,
    )
    divisions = Division.objects.filter(pk__in=ranks, level__in=levels).select_related("parent")
    return sorted(divisions.defer("boundary", "parent__boundary"), key=lambda d: -ranks[d.pk])
