"""The only code that writes enforcement records, one module per part of the work:
numbered documents (`documents`), patrols and their findings (`patrols`), a case from lead to
closing (`cases`), hearings (`hearings`), payment and enforcement (`payment`) and publication
(`publication`). Every step of a case goes through `_steps._advance`, which checks the step table
in `workflow.py` and the step's legal prerequisites. Every public function is one transaction
(`@service`); reads are in `selectors`, pure legal rules and arithmetic in `rules`.

`from longcheng.enforcement import services; services.case_file(...)` reaches them all."""

from longcheng.core.errors import PermissionRefused

from ..rules import CaseRefused
from .cases import (
    case_close,
    case_decide,
    case_decline,
    case_discuss,
    case_extend_deadline,
    case_file,
    case_notify,
    case_record_statement,
    case_register_lead,
    case_review,
    case_review_statement,
    case_serve,
    case_submit_review,
    case_summary,
    case_summary_report,
    evidence_record,
    preservation_decide,
    preservation_release,
    transfer_from_inspection,
)
from .documents import document_correct, document_issue, document_revise, next_document_number
from .hearings import (
    case_hold_hearing,
    case_record_hearing_waiver,
    case_record_notice_receipt,
    case_request_hearing,
    case_schedule_hearing,
)
from .patrols import finding_record, patrol_record
from .payment import (
    case_apply_court,
    case_defer_payment,
    case_demand,
    case_end_challenge,
    case_record_challenge,
    case_record_demand_service,
    case_record_payment,
)
from .publication import case_publish, case_record_revocation, case_withdraw_publication
from .sweeps import enforcement_overdue_sweep

__all__ = [
    "CaseRefused",
    "PermissionRefused",
    "case_apply_court",
    "case_close",
    "case_decide",
    "case_decline",
    "case_defer_payment",
    "case_demand",
    "case_discuss",
    "case_end_challenge",
    "case_extend_deadline",
    "case_file",
    "case_hold_hearing",
    "case_notify",
    "case_publish",
    "case_record_challenge",
    "case_record_demand_service",
    "case_record_hearing_waiver",
    "case_record_notice_receipt",
    "case_record_payment",
    "case_record_revocation",
    "case_record_statement",
    "case_register_lead",
    "case_request_hearing",
    "case_review",
    "case_review_statement",
    "case_schedule_hearing",
    "case_serve",
    "case_submit_review",
    "case_summary",
    "case_summary_report",
    "case_withdraw_publication",
    "document_correct",
    "document_issue",
    "document_revise",
    "enforcement_overdue_sweep",
    "evidence_record",
    "finding_record",
    "next_document_number",
    "patrol_record",
    "preservation_decide",
    "preservation_release",
    "transfer_from_inspection",
]
