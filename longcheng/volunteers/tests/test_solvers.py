import datetime

import pytest

from longcheng.volunteers.solvers import (
    Candidate,
    JudgeTotal,
    Person,
    Rules,
    ShiftSlot,
    allocate,
    check_roster,
    greedy,
    normalise,
    repair,
    roster,
    value,
)


def test_normalisation_by_hand():
    # Judge H is harsh (mean 60), judge L lenient (mean 80); both spread their marks by 10.
    totals = [
        JudgeTotal("a", "H", 70),
        JudgeTotal("b", "H", 50),
        JudgeTotal("c", "L", 90),
        JudgeTotal("d", "L", 70),
    ]
    result = normalise(totals, min_scores=2)
    # Pool mean 70, pool sd 14.142…; a and c are each one sd above their judge's mean.
    assert result["a"].score == result["c"].score == pytest.approx(84.14, abs=0.01)
    assert result["b"].score == result["d"].score == pytest.approx(55.86, abs=0.01)
    # Raw totals would have put c (90) far above a (70); calibrated, they are equal.


def test_an_uncalibrated_judge_is_read_against_the_pool():
    totals = [JudgeTotal(k, "H", v) for k, v in (("a", 70), ("b", 50))] + [JudgeTotal("c", "N", 90)]
    result = normalise(totals, min_scores=2)
    assert result["c"].score == pytest.approx(90.0)  # N has one score: not calibrated


def test_large_disagreement_is_flagged():
    totals = [JudgeTotal("a", "H", 90), JudgeTotal("a", "L", 60)] + [
        JudgeTotal(f"x{i}", j, 70 + i) for i in range(5) for j in "HL"
    ]
    result = normalise(totals, min_scores=5, flag_points=20)
    assert result["a"].flagged and result["a"].spread == 30
    assert not result["x1"].flagged


REQUIREMENTS = {"外宾联络": "英语口语须达到 B2"}


def why_not_factory(english):
    def why_not(candidate, position):
        if position == "外宾联络" and english.get(candidate, 0) < 4:
            return "英语水平低于 B2"
        return None

    return why_not


def test_allocation_fills_quotas_by_score_and_respects_requirements():
    candidates = [
        Candidate("a", 90, ("外宾联络", "会议服务")),
        Candidate("b", 85, ("外宾联络",)),
        Candidate("c", 80, ("外宾联络", "会议服务")),
        Candidate("d", 70, ("会议服务",)),
        Candidate("e", 95, ("外宾联络",)),  # the best score, but English A2
    ]
    english = {"a": 5, "b": 4, "c": 4, "d": 0, "e": 2}
    result = allocate(candidates, {"外宾联络": 2, "会议服务": 2}, why_not_factory(english))
    assert result.status == "OPTIMAL"
    assert result.placed == {"a": "外宾联络", "b": "外宾联络", "c": "会议服务", "d": "会议服务"}
    assert "英语水平低于 B2" in result.reasons["e"]
    assert result.objective == sum(value(s, r) for s, r in ((90, 0), (85, 0), (80, 1), (70, 0)))


def test_places_are_filled_before_preferences_are_honoured():
    # Giving a their first choice would leave a place empty; the exact solve fills both.
    candidates = [Candidate("a", 90, ("A", "B")), Candidate("b", 80, ("A",))]
    result = allocate(candidates, {"A": 1, "B": 1}, lambda c, p: None)
    assert result.placed == {"a": "B", "b": "A"}


def test_shortlist_limit_and_waiting_list():
    candidates = [Candidate(k, s, ("A",)) for k, s in (("a", 90), ("b", 80), ("c", 70))]
    result = allocate(candidates, {"A": 3}, lambda c, p: None, limit=2)
    assert set(result.placed) == {"a", "b"}
    assert result.waiting == ["c"] and "名额已满" in result.reasons["c"]


DAY = datetime.date(2023, 8, 25)


def shifts_for(days=3, demand=2):
    rows = []
    for d in range(days):
        day = DAY + datetime.timedelta(days=d)
        for i, (a, b) in enumerate(((7, 12), (12, 17), (17, 22))):
            rows.append(
                ShiftSlot(
                    f"s{d}{i}",
                    "P",
                    datetime.datetime.combine(day, datetime.time(a)),
                    datetime.datetime.combine(day, datetime.time(b)),
                    demand,
                )
            )
    return rows


def people_for(n=8, days=3):
    dates = frozenset(DAY + datetime.timedelta(days=d) for d in range(days))
    return [Person(f"v{i}", "P", dates, i % 3 == 0) for i in range(n)]


def test_the_roster_covers_every_shift_and_the_checker_agrees():
    people, shifts = people_for(), shifts_for()
    result = roster(people, shifts, seconds=10)
    assert result.status in ("OPTIMAL", "FEASIBLE") and result.shortage == 0
    assert check_roster(people, shifts, result.assignments) == []


def test_the_checker_catches_broken_rules():
    people, shifts = people_for(), shifts_for()
    bad = {("v1", "s00"), ("v1", "s02")}  # 07–12 and 17–22: a 5-hour break
    problems = check_roster(people, shifts, bad, cover=False)
    assert any("间隔不足 11 小时" in p for p in problems)
    long_day = {("v1", "s00"), ("v1", "s01"), ("v1", "s02")}
    assert any("超过 10 小时" in p for p in check_roster(people, shifts, long_day, cover=False))


def test_consecutive_days_are_limited():
    people = people_for(n=1, days=8)
    shifts = [s for s in shifts_for(days=8, demand=1) if s.key.endswith("0")]
    result = roster(people, shifts, Rules(max_consecutive_days=6), seconds=10)
    worked = {key for _p, key in result.assignments}
    # Eight mornings, one person, at most six days in a row: one day must be off.
    assert len(worked) == 7 and result.shortage == 1
    assert (
        check_roster(people, shifts, result.assignments, Rules(max_consecutive_days=6), cover=False)
        == []
    )


def test_repair_changes_few_assignments():
    people, shifts = people_for(n=10), shifts_for()
    first = roster(people, shifts, seconds=10)
    dropped = next(p for p, _s in sorted(first.assignments))
    fixed = repair(people, shifts, first.assignments, {dropped}, seconds=10)
    assert fixed.shortage == 0
    assert not any(p == dropped for p, _s in fixed.assignments)
    lost = {a for a in first.assignments if a[0] == dropped}
    kept = first.assignments - lost
    changed = len(kept - fixed.assignments) + len(fixed.assignments - first.assignments)
    assert changed <= 2 * len(lost)  # each lost slot refilled, nothing else moved much
    assert check_roster([p for p in people if p.key != dropped], shifts, fixed.assignments) == []


def test_greedy_baseline_breaks_no_rule():
    people, shifts = people_for(), shifts_for()
    assert check_roster(people, shifts, greedy(people, shifts), cover=False) == []
