"""双随机: draw the parties to inspect and the inspectors to send, reproducibly.

Everything the draw depends on goes in (the candidates with their strata and weights, the
roster, the conflicts, the ratio and the seed) and the same inputs always give the same
result, so anyone holding the published record can re-draw and check it.

- Parties: in each stratum, round(ratio × size) parties (at least one where the stratum is not
  empty) by weighted sampling without replacement (Efraimidis–Spirakis: key = u ** (1 / w),
  the largest keys win), so a party with complaints or a bad record is more likely drawn.
- Inspectors: at least two per party, never one linked to the party; the least-loaded
  eligible inspectors first, ties broken by the same seeded generator."""

import math
import random
from dataclasses import dataclass

from django.utils.translation import gettext as _

from longcheng.core.errors import LongchengError


class DrawRefused(LongchengError):
    pass


@dataclass(frozen=True)
class Candidate:
    key: str  # "institution:12"
    stratum: str
    weight: float


@dataclass(frozen=True)
class DrawResult:
    selected: list[str]
    assignments: dict[str, list[int]]


INSPECTORS_PER_VISIT = 2


def stratum_quota(size: int, ratio: float) -> int:
    if size == 0:
        return 0
    return min(size, max(1, math.floor(size * ratio + 0.5)))


def draw(
    *,
    candidates: list[Candidate],
    roster: list[int],
    conflicts: dict[str, set[int]],
    ratio: float,
    seed: str,
    names: dict[str, str] | None = None,
) -> DrawResult:
    if not 0 < ratio <= 1:
        raise DrawRefused(_("抽查比例须大于 0 且不超过 100%。"))
    rng = random.Random(seed)
    strata: dict[str, list[Candidate]] = {}
    for candidate in sorted(candidates, key=lambda c: c.key):
        strata.setdefault(candidate.stratum, []).append(candidate)
    selected: list[str] = []
    for stratum in sorted(strata):
        members = strata[stratum]
        keyed = [(rng.random() ** (1.0 / max(c.weight, 1e-6)), c.key) for c in members]
        keyed.sort(reverse=True)
        selected.extend(key for _k, key in keyed[: stratum_quota(len(members), ratio)])

    load = {user_id: 0 for user_id in sorted(roster)}
    assignments: dict[str, list[int]] = {}
    for key in selected:
        eligible = [u for u in load if u not in conflicts.get(key, set())]
        if len(eligible) < INSPECTORS_PER_VISIT:
            label = (names or {}).get(key, key)
            raise DrawRefused(
                _("“%(party)s”可派的无利害关系检查人员不足两名，请先补充执法检查人员名录。")
                % {"party": label}
            )
        rng.shuffle(eligible)
        eligible.sort(key=lambda u: load[u])  # stable: shuffled order breaks ties
        team = sorted(eligible[:INSPECTORS_PER_VISIT])
        for user_id in team:
            load[user_id] += 1
        assignments[key] = team
    return DrawResult(selected=selected, assignments=assignments)
