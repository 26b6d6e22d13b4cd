"""Volunteer selection and rosters at the sizes the issue names (prints figures; never fails).

    .venv/bin/python bench/bench_volunteers.py

Allocation: 1,200 applicants to 379 places and 20,000 to 5,000 (exact min-cost flow).
Roster: 379 people × 15 days × 3 venues × 3 shifts with every rule (10 h a day, 11 h rest,
6 days in a row, newcomers paired with experienced volunteers, fair hours): CP-SAT for 10 s
and for 60 s, with the solver's bound, against a greedy baseline scored the same way."""

import datetime
import math
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from longcheng.volunteers.solvers import (
    Candidate,
    Person,
    ShiftSlot,
    allocate,
    check_roster,
    greedy,
    roster,
)


def allocation(applicants: int, places: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    positions = [f"P{i}" for i in range(max(5, places // 60))]
    capacities = {p: places // len(positions) for p in positions}
    capacities[positions[0]] += places - sum(capacities.values())
    english = {}
    candidates = []
    for i in range(applicants):
        key = f"a{i}"
        english[key] = rng.randint(0, 6)
        candidates.append(
            Candidate(key, round(rng.gauss(72, 9), 2), tuple(rng.sample(positions, 3)))
        )
    demanding = set(positions[: len(positions) // 4])  # a quarter need English B2

    def why_not(candidate, position):
        return "英语水平低于 B2" if position in demanding and english[candidate] < 4 else None

    started = time.perf_counter()
    result = allocate(candidates, capacities, why_not, limit=places)
    elapsed = time.perf_counter() - started
    print(
        f"allocation {applicants:,} → {places:,}: {result.status}, placed {len(result.placed):,}, "
        f"objective {result.objective:,}, {elapsed:.2f} s (incl. reasons for the rest)"
    )


def objective(people, shifts, assignments) -> int:
    """The solver's objective, computed independently for any roster."""
    demand = {s.key: s.demand for s in shifts}
    filled = defaultdict(int)
    experienced = {p.key for p in people if p.experienced}
    has_exp = defaultdict(bool)
    minutes = defaultdict(int)
    by_key = {s.key: s for s in shifts}
    for person, shift in assignments:
        filled[shift] += 1
        has_exp[shift] |= person in experienced
        minutes[person] += by_key[shift].minutes
    shortage = sum(max(0, demand[k] - filled[k]) for k in demand)
    missing = sum(1 for s in shifts if s.demand >= 2 and not has_exp[s.key])
    unit = math.gcd(*[s.minutes for s in shifts])  # the solver's fairness unit
    hours = [minutes[p.key] // unit for p in people]
    return 100_000 * shortage + 1_000 * missing + (max(hours) - min(hours))


def roster_problem(seed: int = 2):
    rng = random.Random(seed)
    start = datetime.date(2023, 8, 25)
    days = [start + datetime.timedelta(days=i) for i in range(15)]
    shifts = []
    for venue in range(3):
        for day in days:
            for index, (a, b) in enumerate(((7, 12), (12, 17), (17, 22))):
                shifts.append(
                    ShiftSlot(
                        f"v{venue}d{day:%m%d}s{index}",
                        f"venue{venue}",
                        datetime.datetime.combine(day, datetime.time(a)),
                        datetime.datetime.combine(day, datetime.time(b)),
                        10,
                    )
                )
    people = []
    for i in range(379):
        available = frozenset(rng.sample(days, rng.randint(8, 15)))
        people.append(Person(f"p{i}", f"venue{i % 3}", available, rng.random() < 0.3))
    return people, shifts


def main():
    allocation(1_200, 379)
    allocation(20_000, 5_000)
    people, shifts = roster_problem()
    demand = sum(s.demand for s in shifts)
    print(f"roster: {len(people)} people, {len(shifts)} shifts, demand {demand:,} person-shifts")
    started = time.perf_counter()
    baseline = greedy(people, shifts)
    print(
        f"  greedy baseline: objective {objective(people, shifts, baseline):,} "
        f"({len(check_roster(people, shifts, baseline))} rule or cover problems), "
        f"{time.perf_counter() - started:.1f} s"
    )
    for limit in (10, 60):
        result = roster(people, shifts, seconds=limit)
        problems = check_roster(people, shifts, result.assignments)
        print(
            f"  CP-SAT {limit:>2} s: {result.status}, objective {result.objective:,.0f}, "
            f"bound {result.bound:,.0f}, gap {result.gap:.2%}, shortage {result.shortage}, "
            f"checker: {len(problems)} problems, "
            f"independent objective {objective(people, shifts, result.assignments):,}, "
            f"{result.seconds:.1f} s"
        )


if __name__ == "__main__":
    main()
