"""Reads of the 12345 workbench: a category's intake questions and the answer templates that
fit a matter's category and stage, with their placeholders filled in."""

from __future__ import annotations

import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from longcheng.core.models import Unit
from longcheng.loop.models import AnswerTemplate, Category, CategoryQuestion, Matter

# The steplen of the catalogue's materialised path (treebeard MP_Node).
STEP = Category.steplen


def category_line(category: Category | None) -> list[str]:
    """The paths of the category and of the categories above it, nearest last."""
    if category is None:
        return []
    path = category.path
    return [path[:end] for end in range(STEP, len(path) + 1, STEP)]


def questions_for(category: Category | None) -> list[CategoryQuestion]:
    """The active questions the intake asks for this category: its ancestors' first (a
    question of 供水 applies to 停水与水压), each category's in its order."""
    paths = category_line(category)
    if not paths:
        return []
    return list(
        CategoryQuestion.objects.filter(category__path__in=paths, is_active=True)
        .select_related("category")
        .order_by("category__path", "sort_order", "pk")
    )


def question_options(question: CategoryQuestion) -> list[str]:
    return [line.strip() for line in question.options.splitlines() if line.strip()]


# — Answer templates —

PLACEHOLDERS = {
    "编号": lambda m: m.number,
    "标题": lambda m: m.title,
    "诉求人称呼": lambda m: _caller(m),
    "办理单位": lambda m: m.lead_unit.name if m.lead_unit_id else _("12345热线"),
    "派单目录": lambda m: m.category.name if m.category_id else "",
    "受理日期": lambda m: timezone.localtime(m.received_at).strftime("%Y年%m月%d日"),
}
PLACEHOLDER_RE = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def _caller(matter: Matter) -> str:
    if matter.anonymous or not matter.reporter_name:
        return _("市民")
    return matter.reporter_name.strip()


def fill(text: str, matter: Matter) -> str:
    """The template's placeholders ({编号} {诉求人称呼} {办理单位} …) replaced for the matter;
    an unknown one stays as typed, for the clerk to see."""
    return PLACEHOLDER_RE.sub(lambda found: str(PLACEHOLDERS[found.group(1)](matter)), text)


def templates_for(matter: Matter, stage: str) -> list[AnswerTemplate]:
    """The active templates for the matter's stage: the lead unit's own (its or a unit above
    it) first, then the city's; within each, the nearest category first, general ones last."""
    paths = category_line(matter.category)
    unit_paths = []
    if matter.lead_unit is not None:
        unit_path = matter.lead_unit.path
        unit_step = Unit.steplen
        unit_paths = [unit_path[:end] for end in range(unit_step, len(unit_path) + 1, unit_step)]
    found = list(
        AnswerTemplate.objects.filter(
            Q(category__path__in=paths) | Q(category__isnull=True),
            Q(unit__isnull=True) | Q(unit__path__in=unit_paths),
            stage=stage,
            is_active=True,
        ).select_related("category", "unit")
    )

    def order(template: AnswerTemplate):
        unit_rank = 0 if template.unit_id else 1
        depth = len(template.category.path) if template.category is not None else 0
        return (unit_rank, -depth, template.title)

    return sorted(found, key=order)


def templates_managed_by(user, *, city: bool, unit_ids: list[int]):
    condition = Q(unit_id__in=unit_ids)
    if city:
        condition |= Q(unit__isnull=True)
    return AnswerTemplate.objects.filter(condition).select_related("category", "unit")


def fingerprint(record) -> str:
    """What the record said when the form was shown: saving over a change made meanwhile is
    refused (these tables carry no version column)."""
    import hashlib

    fields = [f.attname for f in record._meta.concrete_fields if f.attname != "updated_at"]
    text = "|".join(str(getattr(record, name)) for name in fields)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
