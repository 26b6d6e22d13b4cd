"""The three pieces of arithmetic behind selection, pure and testable on their own:

- `normalise`: judges' totals → one score per applicant, each judge calibrated against their
  own mean and spread once they have scored enough people, so a harsh or lenient panel does not
  decide who is chosen; large disagreements are flagged.
- `allocate`: applicants → positions, maximising score and preference fit under each
  position's places and requirements, exactly (OR-Tools min-cost flow: the most places filled,
  then the highest total value), with a reason for everyone not placed.
- `roster` / `repair` / `check_roster`: volunteers → shifts with OR-Tools CP-SAT under the
  working-time rules; a repair after a drop-out changes as few other assignments as possible;
  the checker verifies any roster independently of the solver."""

from __future__ import annotations

import datetime
import itertools
import math
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

# — Interview scores —


@dataclass(frozen=True)
class JudgeTotal:
    applicant: str
    judge: str
    total: float  # 0–100, the rubric's weighted sum


@dataclass(frozen=True)
class Normalised:
    score: float
    raw_mean: float
    spread: float  # highest minus lowest judge total
    flagged: bool


def normalise(
    totals: list[JudgeTotal], *, min_scores: int = 5, flag_points: float = 20.0
) -> dict[str, Normalised]:
    """z-score each total against its judge's mean and standard deviation (a judge with fewer
    than `min_scores` totals, or no spread, is not calibrated: the pool's figures stand in),
    average an applicant's z-scores, and put the result back on the pool's 0–100 scale."""
    if not totals:
        return {}
    values = [t.total for t in totals]
    pool_mean = statistics.fmean(values)
    pool_sd = statistics.pstdev(values) or 1.0
    by_judge: dict[str, list[float]] = defaultdict(list)
    for t in totals:
        by_judge[t.judge].append(t.total)
    calibration = {}
    for judge, scores in by_judge.items():
        sd = statistics.pstdev(scores) if len(scores) > 1 else 0.0
        if len(scores) >= min_scores and sd > 0:
            calibration[judge] = (statistics.fmean(scores), sd)
        else:
            calibration[judge] = (pool_mean, pool_sd)
    by_applicant: dict[str, list[JudgeTotal]] = defaultdict(list)
    for t in totals:
        by_applicant[t.applicant].append(t)
    result = {}
    for applicant, rows in by_applicant.items():
        z = statistics.fmean(
            (t.total - calibration[t.judge][0]) / calibration[t.judge][1] for t in rows
        )
        raw = [t.total for t in rows]
        spread = max(raw) - min(raw)
        result[applicant] = Normalised(
            score=round(pool_mean + pool_sd * z, 2),
            raw_mean=round(statistics.fmean(raw), 2),
            spread=round(spread, 2),
            flagged=spread > flag_points,
        )
    return result


# — Allocation —

# A first choice is worth three points of interview score, a second two, a third one.
PREFERENCE_BONUS = (300, 200, 100)


@dataclass(frozen=True)
class Candidate:
    key: str
    score: float
    preferences: tuple[str, ...]


@dataclass
class Allocation:
    placed: dict[str, str]
    status: str
    objective: int
    seconds: float
    reasons: dict[str, str] = field(default_factory=dict)
    waiting: list[str] = field(default_factory=list)


def value(score: float, rank: int) -> int:
    bonus = PREFERENCE_BONUS[rank] if rank < len(PREFERENCE_BONUS) else 0
    return round(score * 100) + bonus


def allocate(
    candidates: list[Candidate],
    capacities: dict[str, int],
    why_not: Callable[[str, str], str | None],
    *,
    limit: int | None = None,
) -> Allocation:
    """`why_not(candidate, position)` returns None when the candidate meets the position's
    requirements, else the reason in a sentence. Arcs only run to eligible preferences."""
    started = time.perf_counter()
    flow = min_cost_flow.SimpleMinCostFlow()
    positions = sorted(capacities)
    source, gate, sink = 0, 1, 2
    node = {p: 3 + i for i, p in enumerate(positions)}
    first_candidate = 3 + len(positions)
    total_places = sum(capacities.values())
    flow.add_arc_with_capacity_and_unit_cost(
        source, gate, min(limit or total_places, total_places), 0
    )
    arcs: dict[int, tuple[str, str]] = {}
    for i, c in enumerate(candidates):
        cnode = first_candidate + i
        flow.add_arc_with_capacity_and_unit_cost(gate, cnode, 1, 0)
        for rank, p in enumerate(c.preferences):
            if p in node and why_not(c.key, p) is None:
                arc = flow.add_arc_with_capacity_and_unit_cost(
                    cnode, node[p], 1, -value(c.score, rank)
                )
                arcs[arc] = (c.key, p)
    for p in positions:
        flow.add_arc_with_capacity_and_unit_cost(node[p], sink, capacities[p], 0)
    flow.set_node_supply(source, total_places)
    flow.set_node_supply(sink, -total_places)
    # Slack so the supply can stay unused: source → sink directly, at a prohibitive cost
    # relative to any placement, hence only for places nobody can fill.
    flow.add_arc_with_capacity_and_unit_cost(source, sink, total_places, 10**9)
    status = flow.solve()
    placed = {}
    if status == flow.OPTIMAL:
        for arc, (ckey, p) in arcs.items():
            if flow.flow(arc) > 0:
                placed[ckey] = p
    objective = (
        -sum(flow.unit_cost(arc) * flow.flow(arc) for arc in arcs if flow.flow(arc) > 0)
        if status == flow.OPTIMAL
        else 0
    )
    result = Allocation(
        placed=placed,
        status="OPTIMAL" if status == flow.OPTIMAL else str(status),
        objective=objective,
        seconds=time.perf_counter() - started,
    )
    explain(result, candidates, capacities, why_not)
    return result


def explain(result: Allocation, candidates: list[Candidate], capacities, why_not) -> None:
    """A reason for everyone not placed, and the waiting list by score."""
    lowest: dict[str, float] = {}
    scores = {c.key: c.score for c in candidates}
    for ckey, p in result.placed.items():
        lowest[p] = min(lowest.get(p, 10**9), scores[ckey])
    waiting = []
    for c in sorted(candidates, key=lambda c: (-c.score, c.key)):
        if c.key in result.placed:
            continue
        parts = []
        eligible_any = False
        for p in c.preferences:
            if p not in capacities:
                continue
            reason = why_not(c.key, p)
            if reason:
                parts.append(f"{p}：{reason}")
            else:
                eligible_any = True
                parts.append(
                    f"{p}：名额已满（录用最低成绩 {lowest.get(p, 0):.2f}，本人 {c.score:.2f}）"
                )
        if not c.preferences:
            parts.append("未填报岗位志愿")
        result.reasons[c.key] = "；".join(parts)
        if eligible_any:
            waiting.append(c.key)
    result.waiting = waiting


# — Rosters —


@dataclass(frozen=True)
class ShiftSlot:
    key: str
    position: str
    starts: datetime.datetime
    ends: datetime.datetime
    demand: int

    @property
    def day(self) -> datetime.date:
        return self.starts.date()

    @property
    def minutes(self) -> int:
        return int((self.ends - self.starts).total_seconds() // 60)


@dataclass(frozen=True)
class Person:
    key: str
    position: str
    available: frozenset  # dates
    experienced: bool


@dataclass(frozen=True)
class Rules:
    max_minutes_per_day: int = 600  # 10 hours
    min_rest_minutes: int = 660  # 11 hours between separate working periods
    max_consecutive_days: int = 6
    pair_newcomers: bool = True  # a shift of two or more includes an experienced volunteer


@dataclass
class Roster:
    assignments: set[tuple[str, str]]  # (person, shift)
    status: str
    objective: float
    bound: float
    seconds: float
    shortage: int

    @property
    def gap(self) -> float:
        if not self.objective:
            return 0.0
        return abs(self.objective - self.bound) / max(abs(self.objective), 1e-9)


def _conflicting(a: ShiftSlot, b: ShiftSlot, rules: Rules) -> bool:
    """Two shifts one person cannot both work: overlapping, or with a break shorter than the
    rest period (back-to-back shifts form one working period and are allowed)."""
    first, second = (a, b) if a.starts <= b.starts else (b, a)
    gap = (second.starts - first.ends).total_seconds() / 60
    return gap < 0 or 0 < gap < rules.min_rest_minutes


def _eligible(person: Person, shift: ShiftSlot) -> bool:
    return person.position == shift.position and shift.day in person.available


def roster(
    people: list[Person],
    shifts: list[ShiftSlot],
    rules: Rules = Rules(),
    *,
    seconds: float = 10.0,
    previous: set[tuple[str, str]] | None = None,
    workers: int = 2,
) -> Roster:
    """Cover every shift's demand under the rules, spreading hours fairly; with `previous`,
    change as few of its assignments as possible (the repair after a drop-out)."""
    started = time.perf_counter()
    model = cp_model.CpModel()
    x: dict[tuple[str, str], cp_model.IntVar] = {}
    by_person: dict[str, list[ShiftSlot]] = defaultdict(list)
    for shift in shifts:
        for person in people:
            if _eligible(person, shift):
                x[person.key, shift.key] = model.new_bool_var(f"x_{person.key}_{shift.key}")
                by_person[person.key].append(shift)
    shortage = {}
    for shift in shifts:
        cover = [x[p.key, shift.key] for p in people if (p.key, shift.key) in x]
        shortage[shift.key] = model.new_int_var(0, shift.demand, f"short_{shift.key}")
        model.add(sum(cover) + shortage[shift.key] == shift.demand)
    missing_experience = []
    experienced = {p.key for p in people if p.experienced}
    if rules.pair_newcomers:
        for shift in shifts:
            if shift.demand < 2:
                continue
            cover_exp = [x[k, shift.key] for k in experienced if (k, shift.key) in x]
            lacking = model.new_bool_var(f"noexp_{shift.key}")
            model.add(sum(cover_exp) + lacking >= 1)
            missing_experience.append(lacking)
    hours = {}
    for person in people:
        mine = sorted(by_person[person.key], key=lambda s: s.starts)
        if not mine:
            continue
        days: dict[datetime.date, list[ShiftSlot]] = defaultdict(list)
        for shift in mine:
            days[shift.day].append(shift)
        for day_shifts in days.values():
            model.add(
                sum(s.minutes * x[person.key, s.key] for s in day_shifts)
                <= rules.max_minutes_per_day
            )
        for i, a in enumerate(mine):
            for b in mine[i + 1 :]:
                if (b.starts - a.ends).total_seconds() / 60 >= rules.min_rest_minutes:
                    break
                if _conflicting(a, b, rules):
                    model.add_bool_or([x[person.key, a.key].Not(), x[person.key, b.key].Not()])
        works = {}
        for day, day_shifts in days.items():
            works[day] = model.new_bool_var(f"w_{person.key}_{day}")
            for s in day_shifts:
                model.add_implication(x[person.key, s.key], works[day])
        ordered_days = sorted(works)
        window = rules.max_consecutive_days + 1
        for i in range(len(ordered_days)):
            span = [d for d in ordered_days[i : i + window] if (d - ordered_days[i]).days < window]
            if len(span) == window:
                model.add(sum(works[d] for d in span) <= rules.max_consecutive_days)
        hours[person.key] = sum(s.minutes * x[person.key, s.key] for s in mine)
    # Fairness in units of the shifts' common length (5-hour shifts: one unit = one shift), so
    # the solver's bound is in the same steps as any real difference in hours.
    unit = math.gcd(*[s.minutes for s in shifts]) if shifts else 1
    longest = max((s.minutes for s in shifts), default=0)
    horizon = longest * len(shifts) // unit
    most = model.new_int_var(0, horizon, "most")
    least = model.new_int_var(0, horizon, "least")
    units = {key: expression for key, expression in hours.items()}
    for key in units:
        units[key] = sum((s.minutes // unit) * x[key, s.key] for s in by_person[key])
        model.add(most >= units[key])
        model.add(least <= units[key])
    if units:
        # Redundant but strong: the busiest works at least the average, the least busy at most.
        total = sum(units.values())
        model.add(most * len(units) >= total)
        model.add(least * len(units) <= total)
    # Shortage first, then experienced pairing, then changes (repair), then fairness.
    objective = 100_000 * sum(shortage.values()) + 1_000 * sum(missing_experience)
    if previous is not None:
        changes = []
        for pair, var in x.items():
            if pair in previous:
                changes.append(1 - var)
                model.add_hint(var, 1)
            else:
                changes.append(var)
        objective += 10_000 * sum(changes)
    objective += most - least
    model.minimize(objective)
    solver = cp_model.CpSolver()
    # The search is bounded by the solver's deterministic time (work done, about a second on
    # an unloaded core), not the wall clock: on a busy machine it takes longer but finds the
    # same roster, instead of stopping with none. The wall clock only guards against a hang.
    solver.parameters.max_deterministic_time = seconds
    solver.parameters.max_time_in_seconds = seconds * 10
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    assignments = set()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignments = {key for key, var in x.items() if solver.value(var)}
    return Roster(
        assignments=assignments,
        status=solver.status_name(status),
        objective=solver.objective_value if assignments else 0.0,
        bound=solver.best_objective_bound if assignments else 0.0,
        seconds=time.perf_counter() - started,
        shortage=sum(solver.value(v) for v in shortage.values()) if assignments else 0,
    )


def repair(
    people: list[Person],
    shifts: list[ShiftSlot],
    previous: set[tuple[str, str]],
    dropped: set[str],
    rules: Rules = Rules(),
    *,
    seconds: float = 10.0,
) -> Roster:
    remaining = [p for p in people if p.key not in dropped]
    kept = {(p, s) for p, s in previous if p not in dropped}
    return roster(remaining, shifts, rules, seconds=seconds, previous=kept)


def greedy(
    people: list[Person], shifts: list[ShiftSlot], rules: Rules = Rules()
) -> set[tuple[str, str]]:
    """The baseline a clerk might do by hand: shifts in time order, the least-worked eligible
    person who breaks no rule."""
    worked: dict[str, int] = defaultdict(int)
    taken: dict[str, list[ShiftSlot]] = defaultdict(list)
    result = set()

    def fits(person: Person, shift: ShiftSlot) -> bool:
        mine = taken[person.key]
        if any(_conflicting(shift, other, rules) for other in mine):
            return False
        same_day = sum(o.minutes for o in mine if o.day == shift.day)
        if same_day + shift.minutes > rules.max_minutes_per_day:
            return False
        days = {o.day for o in mine} | {shift.day}
        run, day = 1, shift.day
        while day - datetime.timedelta(days=1) in days:
            run, day = run + 1, day - datetime.timedelta(days=1)
        day = shift.day
        while day + datetime.timedelta(days=1) in days:
            run, day = run + 1, day + datetime.timedelta(days=1)
        return run <= rules.max_consecutive_days

    for shift in sorted(shifts, key=lambda s: s.starts):
        pool = sorted(
            (p for p in people if _eligible(p, shift)), key=lambda p: (worked[p.key], p.key)
        )
        filled = 0
        for person in pool:
            if filled >= shift.demand:
                break
            if fits(person, shift):
                result.add((person.key, shift.key))
                worked[person.key] += shift.minutes
                taken[person.key].append(shift)
                filled += 1
    return result


def check_roster(
    people: list[Person],
    shifts: list[ShiftSlot],
    assignments: set[tuple[str, str]],
    rules: Rules = Rules(),
    *,
    cover: bool = True,
) -> list[str]:
    """Every rule broken by a roster, in words — written without the solver's model."""
    problems = []
    people_by_key = {p.key: p for p in people}
    shifts_by_key = {s.key: s for s in shifts}
    per_shift: dict[str, int] = defaultdict(int)
    per_person: dict[str, list[ShiftSlot]] = defaultdict(list)
    for person_key, shift_key in assignments:
        person, shift = people_by_key[person_key], shifts_by_key[shift_key]
        if not _eligible(person, shift):
            problems.append(f"{person_key} 不能上 {shift_key}（岗位或日期不符）")
        per_shift[shift_key] += 1
        per_person[person_key].append(shift)
    for shift in shifts:
        if per_shift[shift.key] > shift.demand:
            problems.append(f"{shift.key} 超员")
        if cover and per_shift[shift.key] < shift.demand:
            problems.append(f"{shift.key} 缺 {shift.demand - per_shift[shift.key]} 人")
    for person_key, mine in per_person.items():
        mine.sort(key=lambda s: s.starts)
        minutes_by_day: dict[datetime.date, int] = defaultdict(int)
        for s in mine:
            minutes_by_day[s.day] += s.minutes
        for day, minutes in minutes_by_day.items():
            if minutes > rules.max_minutes_per_day:
                problems.append(f"{person_key} 在 {day} 工作超过 10 小时")
        for i, a in enumerate(mine):
            for b in mine[i + 1 :]:
                if _conflicting(a, b, rules):
                    problems.append(f"{person_key} 的 {a.key} 与 {b.key} 间隔不足 11 小时")
        days = sorted(minutes_by_day)
        run = 1
        for previous_day, day in itertools.pairwise(days):
            run = run + 1 if (day - previous_day).days == 1 else 1
            if run > rules.max_consecutive_days:
                problems.append(f"{person_key} 连续工作超过 {rules.max_consecutive_days} 天")
                break
    return problems
