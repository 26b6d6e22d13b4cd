"""Writes of the 12345 workbench's own records: the catalogue's intake questions and the
answer templates. The calls themselves are the loop's (matter_receive, matter_answer_on_call,
matter_caller_follow)."""

from __future__ import annotations

from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from longcheng.accounts.policies import manages_answer_templates, require_runs_hotline
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core.errors import ConcurrentEditError, LongchengError, PermissionRefused
from longcheng.core.transactions import service
from longcheng.loop.models import AnswerTemplate, CategoryQuestion

from .selectors import fingerprint

QUESTION_FIELDS = ("category", "label", "help_text", "kind", "options", "required", "sort_order")
TEMPLATE_FIELDS = ("category", "stage", "unit", "title", "text")


def _state(record, fields) -> dict:
    return {k: str(v) for k, v in model_to_dict(record, fields=[*fields, "is_active"]).items()}


def _locked(model, record, expected: str):
    locked = model.objects.select_for_update().get(pk=record.pk)
    if expected and fingerprint(locked) != expected:
        raise ConcurrentEditError(_("该记录已被他人修改，请刷新页面查看最新内容后再保存。"))
    return locked


def _check_question(values: dict) -> None:
    if values.get("kind") == CategoryQuestion.Kind.CHOICE:
        options = [o for o in (values.get("options") or "").splitlines() if o.strip()]
        if len(options) < 2:
            raise LongchengError(_("选项类问题至少要有两个选项，每行一个。"))


# — Category questions (the dispatch centre's) —


def _update(actor, locked, fields, *, is_active: bool, values: dict):
    """Write the edited fields of a locked question or template, with before and after."""
    before = _state(locked, fields)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.is_active = is_active
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=locked,
        before=before,
        after=_state(locked, fields),
    )
    return locked


@service
def category_question_save(
    *, actor, question: CategoryQuestion | None, expected: str = "", is_active: bool, **values
) -> CategoryQuestion:
    require_runs_hotline(actor)
    _check_question(values)
    if question is None:
        question = CategoryQuestion.objects.create(is_active=is_active, **values)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target=question,
            after=_state(question, QUESTION_FIELDS),
        )
        return question
    locked = _locked(CategoryQuestion, question, expected)
    return _update(actor, locked, QUESTION_FIELDS, is_active=is_active, values=values)


@service
def category_question_delete(*, actor, question: CategoryQuestion, expected: str = "") -> None:
    """Answers already given stay on their matters (they keep the question's words)."""
    require_runs_hotline(actor)
    locked = _locked(CategoryQuestion, question, expected)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=locked,
        before=_state(locked, QUESTION_FIELDS),
    )
    locked.delete()


# — Answer templates (the city's by the dispatch centre, a unit's by its leader) —


def _require_manages(actor, unit) -> None:
    if not manages_answer_templates(actor, unit):
        raise PermissionRefused(
            _("全市通用模板由派单中心维护，单位模板由本单位负责人维护。")
            if unit is None
            else _("只有%(u)s的负责人可以维护该单位的答复模板。") % {"u": unit.name}
        )


@service
def answer_template_save(
    *, actor, template: AnswerTemplate | None, expected: str = "", is_active: bool, **values
) -> AnswerTemplate:
    _require_manages(actor, values.get("unit"))
    if len((values.get("text") or "").strip()) < 5:
        raise LongchengError(_("模板内容过短，请写出完整的答复文字。"))
    if template is None:
        template = AnswerTemplate.objects.create(is_active=is_active, **values)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target=template,
            after=_state(template, TEMPLATE_FIELDS),
        )
        return template
    locked = _locked(AnswerTemplate, template, expected)
    _require_manages(actor, locked.unit)
    return _update(actor, locked, TEMPLATE_FIELDS, is_active=is_active, values=values)


@service
def answer_template_delete(*, actor, template: AnswerTemplate, expected: str = "") -> None:
    locked = _locked(AnswerTemplate, template, expected)
    _require_manages(actor, locked.unit)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        target=locked,
        before=_state(locked, TEMPLATE_FIELDS),
    )
    locked.delete()
