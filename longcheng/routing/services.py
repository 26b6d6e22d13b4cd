"""Training, versioning and suggesting. The model learns from the matters dispatchers have
already categorised (their corrections included: the category a matter was dispatched under
is the label), and answers only when it is sure enough; otherwise the keyword rules do."""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass

import joblib
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit

from longcheng.accounts.roles import Role
from longcheng.audit.models import Action as AuditAction
from longcheng.audit.services import audit_record
from longcheng.core.errors import LongchengError, PermissionRefused
from longcheng.loop.models import Category, Matter

from . import classifier
from .models import RoutingModel

logger = logging.getLogger(__name__)

MIN_PER_CLASS = 5
# From this many examples a single stratified hold-out of a fifth replaces 5-fold
# cross-validation: five extra trainings on a large history cost minutes and say no more.
HOLD_OUT_FROM = 20_000
HOLD_OUT_SHARE = 0.2
# Below this confidence the model says it is unsure and the keyword rules answer.
CONFIDENCE_FLOOR = 0.45


class RoutingError(LongchengError):
    pass


def _training_window():
    """The most recent categorised dispatches, at most LONGCHENG_ROUTING_TRAINING_LIMIT: a
    city's dispatch habits change, and a bounded window keeps training within minutes however
    long the history grows (newest first by primary key: an index walk, never a sort)."""
    return Matter.objects.filter(category__isnull=False, dispatched_at__isnull=False).order_by(
        "-pk"
    )[: settings.LONGCHENG_ROUTING_TRAINING_LIMIT]


def training_data() -> tuple[list[tuple[str, str]], list[str]]:
    """The training window's matters, from classes with enough examples."""
    rows = list(_training_window().values_list("title", "description", "category__code"))
    counts: dict[str, int] = {}
    for _t, _d, code in rows:
        counts[code] = counts.get(code, 0) + 1
    keep = [(t, d, c) for t, d, c in rows if counts[c] >= MIN_PER_CLASS]
    return [(t, d) for t, d, _c in keep], [c for _t, _d, c in keep]


def _evaluation_splits(labels: list[str], folds: int):
    if len(labels) >= HOLD_OUT_FROM:
        splitter = StratifiedShuffleSplit(n_splits=1, test_size=HOLD_OUT_SHARE, random_state=0)
        return "holdout", splitter.split(labels, labels)
    splits = min(folds, min(labels.count(c) for c in set(labels)))
    return f"cv{splits}", StratifiedKFold(splits, shuffle=True, random_state=0).split(
        labels, labels
    )


def routing_train(*, actor=None, folds: int = 5) -> RoutingModel:
    pairs, labels = training_data()
    if len(set(labels)) < 2:
        raise RoutingError(
            _("可用于训练的已分类事项不足（至少需要两个类别、每类 %(n)d 件）。")
            % {"n": MIN_PER_CLASS}
        )
    started = time.perf_counter()
    ranked, truth = [], []
    method, splits = _evaluation_splits(labels, folds)
    for train_index, test_index in splits:
        model = classifier.train([pairs[i] for i in train_index], [labels[i] for i in train_index])
        ranked += classifier.top_k(model, [pairs[i] for i in test_index])
        truth += [labels[i] for i in test_index]
    evaluation = classifier.evaluate(truth, ranked).as_dict()
    model = classifier.train(pairs, labels)
    evaluation["method"] = method
    evaluation["seconds"] = round(time.perf_counter() - started, 1)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    with transaction.atomic():
        version = (
            RoutingModel.objects.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
        record = RoutingModel(version=version, trained_on=len(labels), evaluation=evaluation)
        record.file.save(f"routing-v{version}.joblib", ContentFile(buffer.getvalue()), save=False)
        record.save()
        audit_record(
            actor=actor,
            actor_repr="" if actor else "routing_train",
            action=AuditAction.CREATE,
            target=record,
            detail={"accuracy": evaluation["accuracy"], "top3": evaluation["top3"]},
        )
    return record


def _require_sysadmin(actor) -> None:
    if actor is not None and actor.role != Role.SYSADMIN:
        raise PermissionRefused(_("只有系统管理员可以启用或回退分拨模型。"))


def routing_promote(*, record: RoutingModel, actor) -> RoutingModel:
    """Make `record` the active version (also how an administrator rolls back)."""
    _require_sysadmin(actor)
    with transaction.atomic():
        RoutingModel.objects.filter(state=RoutingModel.State.ACTIVE).exclude(pk=record.pk).update(
            state=RoutingModel.State.RETIRED
        )
        record.state = RoutingModel.State.ACTIVE
        record.promoted_at, record.promoted_by = timezone.now(), actor
        record.save()
        audit_record(
            actor=actor,
            actor_repr="" if actor else "routing",
            target=record,
            action=AuditAction.STATE_CHANGE,
            detail={"promoted": record.version},
        )
    _cache.clear()
    return record


# The active model, loaded once per process and per version.
_cache: dict[int, object] = {}
_unloadable: set[int] = set()


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

    @property
    def lead_unit(self):
        return self.category.default_lead_unit


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


def category_counts() -> dict[str, int]:
    """Examples per category in the training window (what the next training would use)."""
    return dict(
        Matter.objects.filter(pk__in=_training_window().values("pk"))
        .values_list("category__code")
        .annotate(n=Count("id"))
    )
