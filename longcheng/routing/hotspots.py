"""Hot spots: the issues many people raised in one period — clusters of similar matters.

Matters are grouped by category (a cluster never mixes unrelated departments' business),
then clustered on character uni- and bigram frequencies with a cosine radius (DBSCAN); only
groups of at least MIN_SIZE matters are reported, biggest first."""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.feature_extraction.text import TfidfVectorizer

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


def _clusters(texts: list[str]) -> list[list[int]]:
    if len(texts) < MIN_SIZE:
        return []
    vectors = _vectorizer().fit_transform(texts)
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


def hotspots_compute(*, start, end, limit: int = 20) -> HotSpotReport:
    started = time.perf_counter()
    rows = list(
        Matter.objects.filter(received_at__gte=start, received_at__lt=end).values_list(
            "pk",
            "number",
            "title",
            "description",
            "category__name",
            "division__name",
            "address",
            "lead_unit__name",
        )
    )
    by_category: dict[str, list[tuple]] = {}
    for row in rows:
        by_category.setdefault(row[4] or "—", []).append(row)
    found = []
    for category, members in by_category.items():
        texts = [clean(f"{r[2]}。{r[3]}")[:300] for r in members]
        for group in _clusters(texts):
            best = members[_representative(texts, group)]
            places = Counter(members[i][5] or members[i][6] or "—" for i in group)
            units = Counter(members[i][7] for i in group if members[i][7])
            found.append(
                {
                    "category": category,
                    "count": len(group),
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


def clusters_visible_to(user, report: HotSpotReport | None) -> list[dict]:
    """The report's clusters as this viewer may see them. The dispatch centre sees the city;
    anyone else sees only clusters holding a matter they may see, quoted from such a matter,
    so a hot spot never shows a citizen's words from outside the viewer's units."""
    from longcheng.accounts.scoping import Scope, user_scope
    from longcheng.loop.selectors import matters_visible_to

    if report is None or user_scope(user) == Scope.NONE:
        return []
    if user_scope(user) == Scope.ALL:
        return report.clusters
    numbers = {n for cluster in report.clusters for n in cluster.get("numbers", [])}
    visible = {
        number: (title, description)
        for number, title, description in matters_visible_to(user)
        .filter(number__in=numbers)
        .values_list("number", "title", "description")
    }
    shown = []
    for cluster in report.clusters:
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
