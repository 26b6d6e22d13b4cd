"""Training and evaluating the routing model. The model learns from the matters dispatchers have
already categorised (their corrections included: the category a matter was dispatched under
is the label). Training reads for minutes, so it is not a transaction: only the new version's
record is written, by `services.routing_model_add`."""

from __future__ import annotations

import io
import time

import joblib
from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _
from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit

from longcheng.loop.models import Category, Matter

from . import classifier, services
from .models import DispatchDispute, RoutingModel
from .services import RoutingError

MIN_PER_CLASS = 5
# From this many examples a single stratified hold-out of a fifth replaces 5-fold
# cross-validation: five extra trainings on a large history cost minutes and say no more.
HOLD_OUT_FROM = 20_000
HOLD_OUT_SHARE = 0.2
# A dispute ruling is a label the dispatch centre weighed with reasons: the final model sees
# each such matter this many times (the evaluation once, as any other matter).
DISPUTE_WEIGHT = 3
# The newest ruled disputes taken, however old: they are few, and each was argued over.
DISPUTE_LIMIT = 10_000


def _training_window():
    """The most recent categorised dispatches, at most LONGCHENG_ROUTING_TRAINING_LIMIT: a
    city's dispatch habits change, and a bounded window keeps training within minutes however
    long the history grows (newest first by primary key: an index walk, never a sort)."""
    return Matter.objects.filter(category__isnull=False, dispatched_at__isnull=False).order_by(
        "-pk"
    )[: settings.LONGCHENG_ROUTING_TRAINING_LIMIT]


def dispute_labels() -> list[tuple[int, str, str, str]]:
    """Ruled disputes as labels: (matter id, title, description, ruled category), newest
    ruling first, inside the training window or not."""
    seen: set[int] = set()
    rows = []
    for row in (
        DispatchDispute.objects.filter(status=DispatchDispute.Status.RULED, category__isnull=False)
        .order_by("-ruled_at", "-pk")
        .values_list("matter_id", "matter__title", "matter__description", "category__code")[
            :DISPUTE_LIMIT
        ]
    ):
        if row[0] not in seen:  # a matter ruled twice: the latest ruling speaks
            seen.add(row[0])
            rows.append(row)
    return rows


def labelled_examples() -> tuple[list[tuple[str, str]], list[str], int]:
    """The training window's matters and the ruled disputes' (each matter once, a dispute's
    ruled category as its label), from classes with enough examples; and how many of them
    are dispute labels (they come last)."""
    disputes = dispute_labels()
    ruled = {matter_id for matter_id, _t, _d, _c in disputes}
    rows = [
        (t, d, c)
        for pk, t, d, c in _training_window().values_list(
            "pk", "title", "description", "category__code"
        )
        if pk not in ruled
    ]
    rows += [(t, d, c) for _pk, t, d, c in disputes]
    first_dispute = len(rows) - len(disputes)
    counts: dict[str, int] = {}
    for _t, _d, code in rows:
        counts[code] = counts.get(code, 0) + 1
    kept = [i for i, (_t, _d, c) in enumerate(rows) if counts[c] >= MIN_PER_CLASS]
    pairs = [(rows[i][0], rows[i][1]) for i in kept]
    labels = [rows[i][2] for i in kept]
    return pairs, labels, sum(1 for i in kept if i >= first_dispute)


def training_data() -> tuple[list[tuple[str, str]], list[str]]:
    """What the final model learns from: every labelled example, and each dispute label
    DISPUTE_WEIGHT times (a ruling outweighs an everyday dispatch)."""
    return _weighted(*labelled_examples())


def _weighted(pairs, labels, disputes: int) -> tuple[list[tuple[str, str]], list[str]]:
    if disputes:
        extra_pairs, extra_labels = pairs[-disputes:], labels[-disputes:]
        for _copy in range(DISPUTE_WEIGHT - 1):
            pairs, labels = pairs + extra_pairs, labels + extra_labels
    return pairs, labels


def _evaluation_splits(labels: list[str], folds: int):
    if len(labels) >= HOLD_OUT_FROM:
        splitter = StratifiedShuffleSplit(n_splits=1, test_size=HOLD_OUT_SHARE, random_state=0)
        return "holdout", splitter.split(labels, labels)
    splits = min(folds, min(labels.count(c) for c in set(labels)))
    return f"cv{splits}", StratifiedKFold(splits, shuffle=True, random_state=0).split(
        labels, labels
    )


def routing_train(*, actor=None, folds: int = 5) -> RoutingModel:
    # Evaluated on each example once (copies of one text on both sides of a split would flatter
    # the figures); the final model is trained with the dispute labels weighted.
    pairs, labels, disputes = labelled_examples()
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
    # The categories' names as they were: a category renamed or retired later still reads as
    # the one the version was checked on.
    evaluation["names"] = dict(
        Category.objects.filter(code__in=evaluation["labels"]).values_list("code", "name")
    )
    model = classifier.train(*_weighted(pairs, labels, disputes))
    evaluation["method"] = method
    evaluation["dispute_labels"] = disputes
    evaluation["seconds"] = round(time.perf_counter() - started, 1)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    # Training reads for minutes; only the new version's record is a (short) transaction.
    return services.routing_model_add(
        actor=actor, content=buffer.getvalue(), trained_on=len(labels), evaluation=evaluation
    )


def category_counts() -> dict[str, int]:
    """Examples per category in the training window (what the next training would use)."""
    return dict(
        Matter.objects.filter(pk__in=_training_window().values("pk"))
        .values_list("category__code")
        .annotate(n=Count("id"))
    )
