"""Rectification: the party's evidence and the hand-off to enforcement."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from longcheng.accounts.policies import inspects_visit, owns_campaign
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.errors import PermissionRefused
from longcheng.core.transactions import service
from longcheng.loop import services as loop
from longcheng.loop.attachments import attachment_add, clean_image

from .. import hooks
from ..models import (
    EvidencePhoto,
    InspectionVisit,
    Rectification,
)
from ..workflow import (
    RECTIFICATION_DONE,
    RectificationStatus,
)
from ._shared import (
    InspectionRefused,
)


@service
def rectification_report(*, rectification: Rectification, note: str, photos=()) -> Rectification:
    """The party reports what it fixed, with photos; the inspector verifies on re-inspection."""
    if rectification.status in RECTIFICATION_DONE:
        raise InspectionRefused(_("该项整改已经完结，无需再报。"))
    if len(note.strip()) < 5:
        raise InspectionRefused(_("请写明整改情况（不少于 5 个字）。"))
    now = clock.now()
    rectification.status = RectificationStatus.EVIDENCE
    rectification.evidence_note = note.strip()
    rectification.evidence_at = now
    rectification.save(update_fields=["status", "evidence_note", "evidence_at"])
    matter = rectification.visit.matter
    event = None
    if matter is not None:
        event = loop.matter_add_external_note(
            matter=matter,
            text=_("被检查单位报送整改情况（%(i)s）：%(n)s")
            % {"i": rectification.item.text, "n": note.strip()},
            source=str(rectification.visit.party),
        )
    for upload in photos:
        content, _type, extension = clean_image(upload.read())
        photo = EvidencePhoto(rectification=rectification, uploaded_at=now)
        photo.file.save(f"evidence{extension}", ContentFile(content), save=False)
        photo.save()
        if matter is not None:
            upload.seek(0)
            attachment_add(matter=matter, upload=upload, actor=None, event=event)
    return rectification


@service
def rectification_transfer(*, actor, rectification: Rectification, reason: str) -> Rectification:
    """移送立案: a serious finding goes to enforcement in one step, with its evidence."""
    if rectification.status in RECTIFICATION_DONE:
        raise InspectionRefused(_("该项整改已经完结或已移送。"))
    if not reason.strip():
        raise InspectionRefused(_("请写明移送理由。"))
    _require_inspector_or_manager(actor, rectification.visit)
    visit = rectification.visit
    evidence = hooks.TransferEvidence(
        rectification=rectification,
        party=visit.party,
        finding=rectification.finding,
        legal_basis=rectification.item.legal_basis,
        photos=list(visit.photos.filter(item=rectification.item))
        + list(rectification.evidence_photos.all()),
        reason=reason.strip(),
    )
    reference = hooks.transfer_to_enforcement(actor=actor, evidence=evidence)
    rectification.status = RectificationStatus.TRANSFERRED
    rectification.case_reference = reference
    rectification.transferred_at = clock.now()
    rectification.save(update_fields=["status", "case_reference", "transferred_at"])
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=visit,
        detail={"transfer": rectification.pk, "case": reference, "reason": reason},
    )
    return rectification


def _require_inspector_or_manager(actor, visit: InspectionVisit) -> None:
    if not (inspects_visit(actor, visit) or owns_campaign(actor, visit.campaign)):
        raise PermissionRefused(_("只有检查人员或组织单位可以处理整改要求。"))
