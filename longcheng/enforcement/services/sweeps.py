"""The daily sweep of the periods reality can miss: a decision not served within seven
working days (Art. 61), not published within seven working days (Art. 48), a publication not
withdrawn within three working days of the decision's change or revocation (Art. 48 (2)), an
on-the-spot decision not reported (备案) in time (Art. 52). Each overdue case gets one
supervision matter to its unit on the loop (`_steps._escalate`); a later sweep, or the late
step itself, raises no other."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from longcheng.core.calendar import add_working_days
from longcheng.core.transactions import service

from ..models import Case, CaseEvent
from ..rules import SERVICE_WORKING_DAYS
from ..rules import today as _today
from ..workflow import Outcome
from ._steps import ESCALATED, _escalate


@dataclass(frozen=True)
class Overdue:
    what: str
    due: Callable[[Case], datetime.date | None]
    pending: Callable[[datetime.date], Q]
    title: Promise
    note: Promise


def _service_due(case: Case) -> datetime.date | None:
    if case.decided_at is None:
        return None
    return add_working_days(timezone.localtime(case.decided_at).date(), SERVICE_WORKING_DAYS)


OVERDUE = (
    Overdue(
        "service",
        _service_due,
        # Seven working days are at least seven calendar days: a cheap bound, then the exact one.
        lambda today: Q(
            decided_at__isnull=False,
            served_at__isnull=True,
            closed_at__isnull=True,
            revoked_on__isnull=True,
            decided_at__date__lt=today - datetime.timedelta(days=SERVICE_WORKING_DAYS),
        ),
        gettext_lazy("逾期未送达：%(n)s"),
        gettext_lazy("决定书逾期未送达督办（《行政处罚法》第六十一条）"),
    ),
    Overdue(
        "publication",
        lambda case: case.publish_due,
        lambda today: Q(
            outcome=Outcome.PENALTY,
            published_at__isnull=True,
            revoked_on__isnull=True,
            publish_due__lt=today,
        ),
        gettext_lazy("逾期未公示：%(n)s"),
        gettext_lazy("处罚决定逾期未公示督办（《行政处罚法》第四十八条）"),
    ),
    Overdue(
        "withdrawal",
        lambda case: case.withdraw_due,
        lambda today: Q(
            published_at__isnull=False, withdrawn_at__isnull=True, withdraw_due__lt=today
        ),
        gettext_lazy("逾期未撤回公示：%(n)s"),
        gettext_lazy("决定变更或撤销后逾期未撤回公示督办（《行政处罚法》第四十八条）"),
    ),
    Overdue(
        "summary_report",
        lambda case: case.summary_report_due,
        lambda today: Q(
            summary_procedure=True, summary_reported_at__isnull=True, summary_report_due__lt=today
        ),
        gettext_lazy("当场处罚逾期未备案：%(n)s"),
        gettext_lazy("当场处罚决定逾期未备案督办（《行政处罚法》第五十二条）"),
    ),
)


@service
def enforcement_overdue_sweep(*, today: datetime.date | None = None) -> int:
    """Daily and idempotent: how many supervision matters it raised."""
    today = today or _today()
    raised = 0
    for overdue in OVERDUE:
        escalated = CaseEvent.objects.filter(step=ESCALATED, data__what=overdue.what)
        cases = (
            Case.objects.select_for_update()
            .filter(overdue.pending(today))
            .exclude(pk__in=escalated.values("case_id"))
            .select_related("unit")
            .order_by("pk")
        )
        for case in cases:
            due = overdue.due(case)
            if due is None or today <= due:
                continue
            number = case.decision_number or case.number
            raised += _escalate(
                case,
                overdue.what,
                title=str(overdue.title) % {"n": number},
                description=_("%(w)s：%(n)s（%(p)s），期限 %(d)s，至 %(t)s 仍未办理。")
                % {"w": overdue.note, "n": number, "p": case.party_name, "d": due, "t": today},
                note=str(overdue.note),
            )
    return raised
