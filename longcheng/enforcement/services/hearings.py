"""Hearings (Arts. 63-65): the party's request, the notice, the record."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.accounts.policies import acts_for
from longcheng.core import clock
from longcheng.core.calendar import add_working_days
from longcheng.core.errors import PermissionRefused
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned

from ..checks import Given
from ..models import Case
from ..rules import HEARING_NOTICE_WORKING_DAYS, CaseRefused
from ..rules import today as _today
from ..workflow import DocumentKind, Status, Step
from ._steps import REVIEW_FIELDS, _advance, _event, _void_review
from .documents import document_issue


@service
def case_request_hearing(*, actor, case: Case) -> Case:
    def mutate(c: Case) -> None:
        c.hearing_requested_at = clock.now()

    return _advance(
        case,
        Step.REQUEST_HEARING,
        actor,
        mutate=mutate,
        fields=["hearing_requested_at"],
    )


@service
def case_schedule_hearing(*, actor, case: Case, chair, hearing_at: datetime.datetime) -> Case:
    """Art. 64: chaired by someone who did not investigate; notified seven working days ahead."""
    if case.status != Status.HEARING:
        raise CaseRefused(_("当事人未申请听证。"))
    if not acts_for(actor, case.unit):
        raise PermissionRefused(_("只有办案单位的人员可以办理本案。"))
    if case.case_officers.filter(user=chair).exists():
        raise CaseRefused(_("听证主持人不得由本案调查人员担任（《行政处罚法》第六十四条）。"))
    earliest = add_working_days(_today(), HEARING_NOTICE_WORKING_DAYS)
    if timezone.localtime(hearing_at).date() < earliest:
        raise CaseRefused(_("听证应在通知当事人七个工作日后举行，最早 %(d)s。") % {"d": earliest})
    expected = case.version
    case.hearing_chair, case.hearing_at = chair, hearing_at
    save_versioned(case, expected_version=expected, fields=["hearing_chair", "hearing_at"])
    document_issue(
        actor=actor,
        kind=DocumentKind.HEARING_NOTICE,
        case=case,
        content={
            "at": timezone.localtime(hearing_at).strftime("%Y-%m-%d %H:%M"),
            "chair": chair.full_name,
        },
    )
    return case


@service
def case_hold_hearing(*, actor, case: Case, record: str) -> Case:
    voided = []

    def mutate(c: Case) -> None:
        c.hearing_record = record.strip()
        voided.append(_void_review(c))

    case = _advance(
        case,
        Step.HOLD_HEARING,
        actor,
        given=Given(actor=actor, text=record),
        mutate=mutate,
        fields=["hearing_record", *REVIEW_FIELDS],
    )
    if any(voided):
        _event(
            case, "review_voided", actor, note=_("审核后举行了听证，须重新法制审核（第五十八条）")
        )
    return case
