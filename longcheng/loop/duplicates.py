"""Finding open matters like a new one (并单 candidates), by an indexed narrow query and a
text similarity on the few rows it returns — never a scan of all matters."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Matter
from .workflow import OPEN, Status

WINDOW = datetime.timedelta(days=14)
THRESHOLD = 0.3
CANDIDATES = 200


def _grams(text: str) -> set[str]:
    text = "".join(ch for ch in (text or "") if not ch.isspace())[:400]
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams: robust for Chinese without a dictionary."""
    ga, gb = _grams(a), _grams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


@dataclass
class Similar:
    matter: Matter
    score: float
    reason: str


def similar_open_matters(
    *,
    text: str,
    category=None,
    division=None,
    address: str = "",
    exclude_pk=None,
    now=None,
    limit: int = 3,
) -> list[Similar]:
    now = now or timezone.now()
    # Same category, same division or same address — each an indexed narrow query.
    related = Q()
    if category is not None:
        related |= Q(category=category)
    if division is not None:
        related |= Q(division=division)
    if address:
        related |= Q(address=address)
    if not related:
        return []
    candidates = (
        Matter.objects.filter(
            related,
            status__in=[*OPEN, Status.ANSWERED],
            received_at__gte=now - WINDOW,
            master__isnull=True,
        )
        .exclude(pk=exclude_pk)
        .only(
            "pk",
            "number",
            "title",
            "description",
            "status",
            "category_id",
            "division_id",
            "address",
            "received_at",
        )
        .order_by("-received_at")[:CANDIDATES]
    )
    found = []
    for matter in candidates:
        score = max(
            similarity(text, f"{matter.title}{matter.description}"), similarity(text, matter.title)
        )
        if score < THRESHOLD:
            continue
        reasons = []
        if category is not None and matter.category_id == getattr(category, "pk", None):
            reasons.append(_("同一类别"))
        if division is not None and matter.division_id == getattr(division, "pk", None):
            reasons.append(_("同一区划"))
        if address and matter.address == address:
            reasons.append(_("同一地点"))
        days = (now - matter.received_at).days
        reasons.append(_("%(d)s 天内") % {"d": max(days, 0)})
        reasons.append(_("文字相似度 %(s)d%%") % {"s": round(score * 100)})
        found.append(Similar(matter, score, "、".join(reasons)))
    found.sort(key=lambda s: -s.score)
    return found[:limit]


def duplicates_of(matter: Matter) -> list[Similar]:
    """The open matters this one may repeat (for 并单), computed once per page: the routing
    panel and the merge form both show them."""
    if not hasattr(matter, "_duplicates"):
        matter._duplicates = similar_open_matters(
            text=f"{matter.title}{matter.description}",
            category=matter.category,
            division=matter.division,
            address=matter.address,
            exclude_pk=matter.pk,
        )
    return matter._duplicates
