"""Numbered enforcement documents: issued, redone before service, corrected after."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.transactions import service

from .. import documents
from ..models import Case, CaseDocument, DocumentSequence, EnforcementBody, Finding
from ..rules import CaseRefused
from ..selectors import body_for
from ..workflow import NUMBER_WORDS, DocumentKind
from ._steps import _event


@service
def next_document_number(*, body: EnforcementBody, kind: str, year: int) -> str:
    """Taken inside the caller's transaction: a rollback gives the number back."""
    word = NUMBER_WORDS[DocumentKind(kind)]
    row, _created = DocumentSequence.objects.select_for_update().get_or_create(
        prefix=body.doc_prefix, word=word, year=year
    )
    row.value += 1
    row.save(update_fields=["value"])
    return f"{body.doc_prefix}{word}字〔{year}〕第{row.value:04d}号"


@service
def document_issue(
    *,
    actor,
    kind: str,
    case: Case | None = None,
    finding: Finding | None = None,
    content: dict | None = None,
    corrects: CaseDocument | None = None,
) -> CaseDocument:
    unit = case.unit if case else finding.patrol.unit  # type: ignore[union-attr]
    body = body_for(unit)
    now = clock.now()
    number = next_document_number(body=body, kind=kind, year=timezone.localtime(now).year)
    document = CaseDocument(
        case=case,
        finding=finding,
        kind=kind,
        number=number,
        issued_at=now,
        issued_by=actor,
        content=content or {},
        corrects=corrects,
    )
    pdf = documents.render(document, body)
    document.file.save(f"{kind}-{number}.pdf", ContentFile(pdf), save=False)
    document.save()
    if case is not None:
        _event(case, kind, actor, note=number, data={"document": number})
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=document,
        detail={"number": number, "kind": kind},
    )
    return document


@service
def document_revise(*, actor, document: CaseDocument, content: dict) -> CaseDocument:
    """Before service a document may be redone under its own number; after service only a
    correction (a new document naming the old one) is possible."""
    if document.served_at:
        raise CaseRefused(_("%(d)s 已送达，不能修改；如需更正，请制作更正文书。") % {"d": document})
    body = body_for(document.case.unit if document.case else document.finding.patrol.unit)  # type: ignore[union-attr]
    document.content = {**document.content, **content}
    pdf = documents.render(document, body)
    document.file.save(f"{document.kind}-{document.number}.pdf", ContentFile(pdf), save=False)
    document.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, target=document, detail={"revised": True})
    return document


@service
def document_correct(*, actor, document: CaseDocument, content: dict) -> CaseDocument:
    return document_issue(
        actor=actor,
        kind=document.kind,
        case=document.case,
        finding=document.finding,
        content={**document.content, **content, "corrects": document.number},
        corrects=document,
    )
