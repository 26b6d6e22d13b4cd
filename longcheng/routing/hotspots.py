"""Hot spots: the issues many people raised in one period — clusters of similar matters.

Matters are grouped by category (a cluster never mixes unrelated departments' business),
then clustered on character uni- and bigram frequencies with a cosine radius (DBSCAN); only
groups of at least MIN_SIZE matters are reported, biggest first. Each hot spot also counts
the matters of the period before that lie within its radius (week-on-week change)."""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_distances

from longcheng.loop.models import Matter

from .classifier import clean
from .models import HotSpotReport

MIN_SIZE = 3
RADIUS = 0.5  # cosine distance


def _vectorizer() -> TfidfVectorizer:
    # Term frequencies without idf: within one category the shared place and problem words
    # are what make two complaints the same issue, so they must not be discounted.
    return TfidfVectorizer(
        analyzer="char", ngram_range=(1, 2), use_idf=False, sublinear_tf=True, max_features=50000
    )


def _clusters(vectors) -> list[list[int]]:
    if vectors.shape[0] < MIN_SIZE:
        return []
    labels = DBSCAN(eps=RADIUS, min_samples=MIN_SIZE, metric="cosine").fit_predict(vectors)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        if label >= 0:
            groups.setdefault(label, []).append(index)
    return list(groups.values())


def _representative(texts: list[str], members: list[int]) -> int:
    vectors = _vectorizer().fit_transform([texts[i] for i in members])
    centroid = np.asarray(vectors.mean(axis=0))
    return members[int(np.argmax(vectors @ centroid.T))]


def _nearby(vectors, members: list[int], others) -> int:
    """How many of `others` lie within the cluster radius of one of its members: the matters
    of another period the same hot spot would have taken in (as DBSCAN takes in a border
    point next to one of its matters)."""
    if others.shape[0] == 0:
        return 0
    distances = cosine_distances(others, vectors[members])
    return int((distances.min(axis=1) <= RADIUS + 1e-9).sum())


_FIELDS = (
    "pk",
    "number",
    "title",
    "description",
    "category__name",
    "division__name",
    "address",
    "lead_unit__name",
)


def _by_category(rows) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for row in rows:
        grouped.setdefault(row[4] or "—", []).append(row)
    return grouped


def _text(row) -> str:
    return clean(f"{row[2]}。{row[3]}")[:300]


def hotspots_compute(*, start, end, limit: int = 20) -> HotSpotReport:
    """The period's clusters, each with the count of the same issue in the period of the same
    length just before (the previous week for the weekly report): week-on-week change."""
    started = time.perf_counter()
    rows = list(
        Matter.objects.filter(received_at__gte=start, received_at__lt=end).values_list(*_FIELDS)
    )
    before = _by_category(
        Matter.objects.filter(
            received_at__gte=start - (end - start), received_at__lt=start
        ).values_list(*_FIELDS)
    )
    found = []
    for category, members in _by_category(rows).items():
        texts = [_text(r) for r in members]
        earlier = [_text(r) for r in before.get(category, [])]
        # Term frequencies without idf: the earlier texts add words to the vocabulary but
        # (below max_features) change no distance between this period's matters, so the
        # clusters are the period's own.
        vectors = _vectorizer().fit_transform(texts + earlier)
        current, previous = vectors[: len(texts)], vectors[len(texts) :]
        for group in _clusters(current):
            best = members[_representative(texts, group)]
            places = Counter(members[i][5] or members[i][6] or "—" for i in group)
            units = Counter(members[i][7] for i in group if members[i][7])
            found.append(
                {
                    "category": category,
                    "count": len(group),
                    "previous": _nearby(current, group, previous),
                    "text": f"{best[2]}：{best[3][:120]}",
                    "example": best[1],
                    "places": [f"{p}（{n}）" for p, n in places.most_common(5)],
                    "units": [u for u, _n in units.most_common(5)],
                    "numbers": [members[i][1] for i in group],
                }
            )
    found.sort(key=lambda c: -c["count"])
    return HotSpotReport.objects.create(
        period_start=start,
        period_end=end,
        matters=len(rows),
        clusters=found[:limit],
        seconds=round(time.perf_counter() - started, 2),
    )


def change(cluster: dict) -> dict | None:
    """This period's count against the previous period's for the same hot spot: the arrow and
    the percentage the page shows; None for a report made before the counts were kept."""
    previous = cluster.get("previous")
    if previous is None:
        return None
    count = cluster["count"]
    if previous == 0:
        return {"direction": "new", "previous": 0, "percent": None}
    percent = round((count - previous) * 100 / previous)
    direction = "up" if count > previous else "down" if count < previous else "same"
    return {"direction": direction, "previous": previous, "percent": percent}


def clusters_visible_to(user, report: HotSpotReport | None) -> list[dict]:
    """The report's clusters as this viewer may see them. The dispatch centre sees the city;
    anyone else sees only clusters holding a matter they may see, quoted from such a matter,
    so a hot spot never shows a citizen's words from outside the viewer's units."""
    from longcheng.accounts.scoping import Scope, user_scope
    from longcheng.loop.selectors import matters_visible_to

    if report is None or user_scope(user) == Scope.NONE:
        return []
    indexed = [
        {**cluster, "index": index, "change": change(cluster)}
        for index, cluster in enumerate(report.clusters)
    ]
    if user_scope(user) == Scope.ALL:
        return indexed
    numbers = {n for cluster in report.clusters for n in cluster.get("numbers", [])}
    visible = {
        number: (title, description)
        for number, title, description in matters_visible_to(user)
        .filter(number__in=numbers)
        .values_list("number", "title", "description")
    }
    shown = []
    for cluster in indexed:
        mine = [n for n in cluster.get("numbers", []) if n in visible]
        if not mine:
            continue
        example = cluster["example"] if cluster["example"] in visible else mine[0]
        title, description = visible[example]
        shown.append(
            {
                **cluster,
                "example": example,
                "text": f"{title}：{description[:120]}",
                "mine": len(mine),
            }
        )
    return shown
