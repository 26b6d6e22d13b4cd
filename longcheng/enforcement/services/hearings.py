"""Hearings (Arts. 63-65): the party's request, the notice, the record."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.core import clock
from longcheng.core.calendar import add_working_days
from longcheng.core.transactions import service
from longcheng.core.versioning import save_versioned

from ..checks import Given
from ..models import Case
from ..rules import (
    HEARING_NOTICE_WORKING_DAYS,
    HEARING_REQUEST_WORKING_DAYS,
    CaseRefused,
    hearing_eligible,
)
from ..rules import today as _today
from ..workflow import ClosedHearing, DocumentKind, Signature, Status, Step
from ._steps import REVIEW_FIELDS, _advance, _event, _require_unit, _void_review
from .documents import document_issue


@service
def case_record_notice_receipt(*, actor, case: Case, received_on: datetime.date) -> Case:
    """Art. 64: the party's five working days to ask for a hearing run from the day it
    received the notice (recorded from the service receipt), not from the day it was made."""
    _require_unit(actor, case)
    if case.status not in (Status.NOTIFIED, Status.HEARING) or case.notice_at is None:
        raise CaseRefused(_("只有已告知、尚未决定的案件可以记录告知书送达日期。"))
    noticed_on = timezone.localtime(case.notice_at).date()
    if not noticed_on <= received_on <= _today():
        raise CaseRefused(_("收到告知书的日期须在告知日 %(d)s 与今天之间。") % {"d": noticed_on})
    expected = case.version
    case.notice_received_on = received_on
    case.statement_due = add_working_days(received_on, HEARING_REQUEST_WORKING_DAYS)
    save_versioned(case, expected_version=expected, fields=["notice_received_on", "statement_due"])
    _event(case, "notice_received", actor, data={"on": received_on.isoformat()})
    return case


@service
def case_record_hearing_waiver(*, actor, case: Case, record: str) -> Case:
    """Art. 64: only the party's written waiver lets a decision come before its five days end;
    a statement of defence is not one."""
    _require_unit(actor, case)
    if case.status != Status.NOTIFIED or not hearing_eligible(case):
        raise CaseRefused(_("只有达到听证条件、已告知的案件可以记录书面放弃听证。"))
    if len(record.strip()) < 4:
        raise CaseRefused(_("请写明书面放弃听证的文书（如：放弃听证声明书，当事人签名及日期）。"))
    expected = case.version
    case.hearing_waived_at, case.hearing_waiver = clock.now(), record.strip()[:200]
    save_versioned(case, expected_version=expected, fields=["hearing_waived_at", "hearing_waiver"])
    _event(case, "hearing_waived", actor, note=record.strip()[:200])
    return case


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
def case_schedule_hearing(
    *,
    actor,
    case: Case,
    chair,
    hearing_at: datetime.datetime,
    public: bool = True,
    closed_reason: str = "",
) -> Case:
    """Art. 64: chaired by someone who did not investigate; notified seven working days ahead;
    public unless it touches state secrets, trade secrets or personal privacy."""
    if not public and closed_reason not in ClosedHearing.values:
        raise CaseRefused(
            _(
                "听证公开举行；只有涉及国家秘密、商业秘密或者个人隐私的才可以不公开"
                "（《行政处罚法》第六十四条第三项），请选择不公开的理由。"
            )
        )
    if case.status != Status.HEARING:
        raise CaseRefused(_("当事人未申请听证。"))
    _require_unit(actor, case)
    if case.case_officers.filter(user=chair).exists():
        raise CaseRefused(_("听证主持人不得由本案调查人员担任（《行政处罚法》第六十四条）。"))
    earliest = add_working_days(_today(), HEARING_NOTICE_WORKING_DAYS)
    if timezone.localtime(hearing_at).date() < earliest:
        raise CaseRefused(_("听证应在通知当事人七个工作日后举行，最早 %(d)s。") % {"d": earliest})
    expected = case.version
    case.hearing_chair, case.hearing_at = chair, hearing_at
    case.hearing_public = public
    case.hearing_closed_reason = "" if public else closed_reason
    save_versioned(
        case,
        expected_version=expected,
        fields=["hearing_chair", "hearing_at", "hearing_public", "hearing_closed_reason"],
    )
    document_issue(
        actor=actor,
        kind=DocumentKind.HEARING_NOTICE,
        case=case,
        content={
            "at": timezone.localtime(hearing_at).strftime("%Y-%m-%d %H:%M"),
            "chair": chair.full_name,
            "public": public,
            "closed_reason": "" if public else str(ClosedHearing(closed_reason).label),
        },
    )
    return case


@service
def case_hold_hearing(
    *, actor, case: Case, record: str, signature: str = "", refusal_note: str = ""
) -> Case:
    """Art. 64 (8): the record is read to the party, who signs it; a refusal to sign is noted on
    the record. A hearing after the legal review voids the review (Art. 58)."""
    if signature not in Signature.values:
        raise CaseRefused(
            _(
                "听证笔录应当交当事人核对无误后签字或者盖章；当事人拒绝签字的，由听证主持人"
                "在笔录中注明（《行政处罚法》第六十四条第八项）：请选择签字情况。"
            )
        )
    if signature == Signature.REFUSED and len(refusal_note.strip()) < 4:
        raise CaseRefused(_("当事人拒绝签字的，请注明拒签的情况（第六十四条第八项）。"))
    voided = []

    def mutate(c: Case) -> None:
        c.hearing_record = record.strip()
        c.hearing_signature = signature
        c.hearing_signature_note = (
            refusal_note.strip()[:200] if signature == Signature.REFUSED else ""
        )
        voided.append(_void_review(c))

    case = _advance(
        case,
        Step.HOLD_HEARING,
        actor,
        given=Given(actor=actor, text=record),
        mutate=mutate,
        fields=["hearing_record", "hearing_signature", "hearing_signature_note", *REVIEW_FIELDS],
    )
    document_issue(
        actor=actor,
        kind=DocumentKind.HEARING_RECORD,
        case=case,
        content={
            "at": timezone.localtime(case.hearing_at).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]
            if case.hearing_at
            else "",
            "chair": actor.full_name,
            "public": case.hearing_public,
            "closed_reason": case.get_hearing_closed_reason_display(),
            "record": record.strip(),
            "signature": signature,
            "refusal_note": case.hearing_signature_note,
        },
    )
    if any(voided):
        _event(
            case, "review_voided", actor, note=_("审核后举行了听证，须重新法制审核（第五十八条）")
        )
    return case
