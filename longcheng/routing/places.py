"""Routing by place: the area rules ("category × area → lead unit", Signalen's routing rules).

The whole API, for views, tests and other apps' tests:

    division_at(lat, lng) -> Division | None
        The smallest division (grid, street/township, district) holding a WGS-84 point
        (`core.placing`; a matter created with a point and no division is placed by it in
        `appeals.services.appeal_submit`).
    areas_of(matter) -> list[Area]
        Every division the matter lies in, smallest first: those holding its point, and its
        recorded division with each division above it (a street's district, the city …).
    rule_for(category, areas) -> AreaRule | None
        The rule that speaks for a category in these areas. A rule on a category applies to
        every category below it. The most specific rule wins: the smallest area first, then
        the deepest category (a street × 市容环境 rule beats a district × 占道经营 one).
    rule_for_matter(matter, category) -> AreaRule | None
        The two above together.
    describe(rule) -> str
        "按区域规则：小店区坞城街道 × 市政设施 → 坞城街道办事处", what the suggestion shows.

Without a rule the catalogue's own lead unit stands (`Category.default_lead_unit`).
The rules are written by `services.area_rule_create / _update / _delete` (dispatch centre).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from longcheng.core import geo
from longcheng.core.models import Division
from longcheng.core.placing import division_at
from longcheng.loop.models import Category, Matter

from .models import AreaRule

__all__ = [
    "Area",
    "areas_of",
    "describe",
    "division_at",
    "rule_for",
    "rule_for_matter",
]


@dataclass(frozen=True)
class Area:
    division_id: int
    rank: int  # geo.LEVEL_RANK: grid 5, street 4, district 3, city 2, province 1


# Grid → street → district → city → province: four steps up reach the top.
_UP = tuple("parent__" * n for n in range(1, 5))


def _with_parents(division_ids: Iterable[int]) -> list[Area]:
    """The divisions and every division above them, smallest first (one query)."""
    ids = {pk for pk in division_ids if pk}
    if not ids:
        return []
    columns = ["pk", "level"]
    for up in _UP:
        columns += [f"{up}id", f"{up}level"]
    seen: dict[int, int] = {}
    for row in Division.objects.filter(pk__in=ids).values_list(*columns):
        for pk, level in zip(row[::2], row[1::2], strict=True):
            if pk is not None:
                seen[pk] = geo.LEVEL_RANK.get(level, 0)
    return sorted((Area(pk, rank) for pk, rank in seen.items()), key=lambda a: -a.rank)


def areas_of(matter: Matter) -> list[Area]:
    ids: list[int] = []
    if matter.latitude is not None and matter.longitude is not None:
        ids.extend(geo.place_point(float(matter.latitude), float(matter.longitude)).division_ids)
    if matter.division_id:
        ids.append(matter.division_id)
    return _with_parents(ids)


def _category_paths(category: Category) -> list[str]:
    step = Category.steplen
    return [category.path[:end] for end in range(step, len(category.path) + 1, step)]


def rule_for(category: Category, areas: list[Area]) -> AreaRule | None:
    if not areas:
        return None
    rank = {a.division_id: a.rank for a in areas}
    rules = AreaRule.objects.filter(
        division_id__in=rank,
        category__path__in=_category_paths(category),
        lead_unit__is_active=True,
    ).select_related("category", "division__parent", "lead_unit")
    # Without the boundaries: a district's runs to thousands of points.
    rules = rules.defer("division__boundary", "division__parent__boundary").order_by()
    return max(
        rules,
        key=lambda r: (rank[r.division_id], len(r.category.path), -r.pk),
        default=None,
    )


def rule_for_matter(matter: Matter, category: Category) -> AreaRule | None:
    return rule_for(category, areas_of(matter))


def area_name(division: Division) -> str:
    """A street with its district, as people say it: 小店区坞城街道."""
    parent = division.parent
    small = (Division.Level.STREET, Division.Level.TOWNSHIP, Division.Level.GRID)
    if division.level in small and parent is not None and not division.name.startswith(parent.name):
        return f"{parent.name}{division.name}"
    return division.name


def describe(rule: AreaRule) -> str:
    return _("按区域规则：%(area)s × %(category)s → %(unit)s") % {
        "area": area_name(rule.division),
        "category": rule.category.name,
        "unit": rule.lead_unit.name,
    }
