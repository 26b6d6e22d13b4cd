"""Checklist templates and their versions: a version a visit has used is never changed."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core import clock
from longcheng.core.transactions import service

from ..models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
)
from ..selectors import (
    template_in_use,
)
from ..workflow import (
    TemplateStatus,
)
from ._shared import (
    InspectionRefused,
)


def _require_editable(template: ChecklistTemplate) -> None:
    if template_in_use(template):
        raise InspectionRefused(
            _("“%(t)s”已被现场检查使用，不能直接修改。请建立新版本后修改，已完成的检查仍按原版本。")
            % {"t": template}
        )
    if template.status == TemplateStatus.RETIRED:
        raise InspectionRefused(_("已停用的检查表不能修改。"))


@service
def template_create(
    *,
    actor,
    code: str,
    name: str,
    party_type: str,
    pass_score: int = 80,
    basis: str = "",
    sections: Iterable[dict] = (),
) -> ChecklistTemplate:
    """`sections`: [{"name", "weight", "items": [{"text", ...ChecklistItem fields}]}]."""
    if ChecklistTemplate.objects.filter(code=code).exists():
        raise InspectionRefused(_("检查表编码“%(c)s”已存在。") % {"c": code})
    template = ChecklistTemplate.objects.create(
        code=code,
        name=name,
        party_type=party_type,
        pass_score=pass_score,
        basis=basis,
        owner_unit=actor.unit,
        created_by=actor,
    )
    for order, section in enumerate(sections, 1):
        row = ChecklistSection.objects.create(
            template=template,
            name=section["name"],
            weight=section.get("weight", 1),
            order=order,
        )
        for item_order, item in enumerate(section.get("items", []), 1):
            ChecklistItem.objects.create(section=row, order=item_order, **item)
    audit_record(actor=actor, action=AuditAction.CREATE, target=template)
    return template


@service
def template_item_save(
    *, actor, template: ChecklistTemplate, section: ChecklistSection, item: ChecklistItem
) -> ChecklistItem:
    """Add or change an item of a version that no visit has used yet."""
    _require_editable(template)
    if section.template_id != template.pk:
        raise InspectionRefused(_("检查领域不属于该检查表。"))
    item.section = section
    if not item.order:
        item.order = section.items.count() + 1
    item.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=template,
        detail={"item": item.pk, "text": item.text},
    )
    return item


@service
def template_item_delete(*, actor, template: ChecklistTemplate, item: ChecklistItem) -> None:
    _require_editable(template)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=template,
        detail={"item": item.pk, "text": item.text},
    )
    item.delete()


@service
def template_publish(*, actor, template: ChecklistTemplate) -> ChecklistTemplate:
    if template.status != TemplateStatus.DRAFT:
        raise InspectionRefused(_("只有草稿可以发布。"))
    if not ChecklistItem.objects.filter(section__template=template).exists():
        raise InspectionRefused(_("检查表还没有检查项，不能发布。"))
    # One published version per code: the previous one stops being offered for new campaigns.
    ChecklistTemplate.objects.filter(code=template.code, status=TemplateStatus.PUBLISHED).update(
        status=TemplateStatus.RETIRED
    )
    template.status = TemplateStatus.PUBLISHED
    template.published_at = clock.now()
    template.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.STATE_CHANGE,
        target=template,
        after={"status": template.status},
    )
    return template


@service
def template_new_version(*, actor, template: ChecklistTemplate) -> ChecklistTemplate:
    """A copy as the next draft version; the visits keep the version they used."""
    latest = ChecklistTemplate.objects.filter(code=template.code).order_by("-version").first()
    assert latest is not None
    if ChecklistTemplate.objects.filter(code=template.code, status=TemplateStatus.DRAFT).exists():
        raise InspectionRefused(_("该检查表已有未发布的新版本，请在该版本上修改。"))
    copy = ChecklistTemplate.objects.create(
        code=template.code,
        version=latest.version + 1,
        name=template.name,
        party_type=template.party_type,
        pass_score=template.pass_score,
        basis=template.basis,
        owner_unit=template.owner_unit,
        created_by=actor,
    )
    for section in template.sections.prefetch_related("items"):
        new_section = ChecklistSection.objects.create(
            template=copy, name=section.name, order=section.order, weight=section.weight
        )
        for item in section.items.all():
            item.pk = None
            item.section = new_section
            item.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=copy,
        detail={"copied_from": template.pk, "version": copy.version},
    )
    return copy
