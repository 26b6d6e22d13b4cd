"""Suggesting a category for a matter: the promoted model answers when it is sure enough,
otherwise the catalogue's keyword rules do. Each suggested category's lead unit is the one an
area rule gives for where the matter is (`places`), else the catalogue's."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import joblib

from longcheng.loop.models import Category, Matter

from . import classifier, places
from .models import AreaRule, RoutingModel

logger = logging.getLogger(__name__)

# Below this confidence the model says it is unsure and the keyword rules answer.
CONFIDENCE_FLOOR = 0.45


# The active model, loaded once per process and per version.
_cache: dict[int, object] = {}
_unloadable: set[int] = set()


def forget_loaded_models() -> None:
    _cache.clear()


def active_model():
    """The promoted version and its loaded model, or (None, None). A model file that cannot be
    read (storage moved, file lost) must not take the matter page down with it: the keyword
    rules answer instead, and the failure is logged once per version."""
    record = RoutingModel.objects.filter(state=RoutingModel.State.ACTIVE).first()
    if record is None:
        return None, None
    if record.version not in _cache:
        try:
            with record.file.open("rb") as handle:
                model = joblib.load(handle)
        except Exception:
            if record.version not in _unloadable:
                _unloadable.add(record.version)
                logger.exception("routing model v%s cannot be loaded", record.version)
            return None, None
        _cache.clear()
        _cache[record.version] = model
    return record, _cache[record.version]


@dataclass
class Suggestion:
    category: Category
    confidence: float | None
    rule: AreaRule | None = None  # the area rule that names the lead unit, if one speaks

    @property
    def lead_unit(self):
        return self.rule.lead_unit if self.rule else self.category.default_lead_unit

    @property
    def rule_text(self) -> str:
        return places.describe(self.rule) if self.rule else ""


@dataclass
class Suggestions:
    source: str  # "model" or "rules"
    version: int | None
    items: list[Suggestion]


def keyword_suggestions(text: str, limit: int = 3) -> list[Suggestion]:
    """Admin-maintained keyword rules (the catalogue's keywords): most matching words first."""
    scored = []
    for category in Category.objects.filter(is_active=True).exclude(keywords=""):
        words = [w.strip() for w in category.keywords.replace("，", ",").split(",") if w.strip()]
        hits = sum(1 for w in words if w in text)
        if hits:
            scored.append((hits, category.depth, category))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    return [Suggestion(c, None) for _h, _d, c in scored[:limit]]


def suggest(matter: Matter) -> Suggestions:
    suggestions = _by_text(matter)
    if suggestions.items:
        areas = places.areas_of(matter)
        for item in suggestions.items:
            item.rule = places.rule_for(item.category, areas)
    return suggestions


def _by_text(matter: Matter) -> Suggestions:
    record, model = active_model()
    if model is not None:
        ranked = classifier.top_k(model, [(matter.title, matter.description)])[0]
        by_code = {
            c.code: c
            for c in Category.objects.filter(code__in=[code for code, _p in ranked], is_active=True)
        }
        items = [Suggestion(by_code[code], p) for code, p in ranked if code in by_code]
        top = items[0].confidence if items else None
        if top is not None and top >= CONFIDENCE_FLOOR:
            return Suggestions("model", record.version, items)
    return Suggestions("rules", None, keyword_suggestions(f"{matter.title}{matter.description}"))
