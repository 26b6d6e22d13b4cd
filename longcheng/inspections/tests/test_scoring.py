from decimal import Decimal

import pytest

from longcheng.inspections.scoring import ItemAnswer, score_visit
from longcheng.inspections.workflow import Result


def a(section, verdict="", score=None, kind="pass_fail", max_score=10, serious=False, weight=1):
    return ItemAnswer(
        section=section,
        section_weight=Decimal(weight),
        answer_type=kind,
        max_score=max_score,
        serious=serious,
        verdict=verdict,
        score=None if score is None else Decimal(score),
    )


def test_all_pass_scores_100_and_passes():
    outcome = score_visit([a(1, "pass"), a(1, "pass"), a(2, "pass")], 80)
    assert outcome.score == Decimal("100.0")
    assert outcome.result == Result.PASS


def test_weighted_sections_by_hand():
    # Section 1 (weight 2): 10 of 20 = 0.5; section 2 (weight 1): 7 of 10 = 0.7.
    # (2 × 0.5 + 1 × 0.7) ÷ 3 × 100 = 56.7
    answers = [
        a(1, "pass", weight=2),
        a(1, "fail", weight=2),
        a(2, score=7, kind="score", weight=1),
    ]
    outcome = score_visit(answers, 80)
    assert outcome.score == Decimal("56.7")
    assert outcome.failed == 2  # the fail and the score below full marks
    assert outcome.result == Result.FAIL  # below the pass mark


def test_not_applicable_items_leave_the_denominator():
    outcome = score_visit([a(1, "pass"), a(1, "na"), a(1, "na")], 80)
    assert outcome.score == Decimal("100.0")


def test_minor_failure_above_the_mark_means_rectify():
    answers = [a(1, "pass") for _ in range(9)] + [a(1, "fail")]
    outcome = score_visit(answers, 80)
    assert outcome.score == Decimal("90.0")
    assert outcome.result == Result.RECTIFY


def test_a_serious_failure_fails_whatever_the_score():
    answers = [a(1, "pass") for _ in range(19)] + [a(1, "fail", serious=True)]
    outcome = score_visit(answers, 80)
    assert outcome.score == Decimal("95.0")
    assert outcome.result == Result.FAIL
    assert outcome.serious_failed == 1


@pytest.mark.parametrize("answers", [[], [a(1, "na")], [a(1, kind="text")]])
def test_nothing_scored_gives_no_score(answers):
    outcome = score_visit(answers, 80)
    assert outcome.score is None
    assert outcome.result == Result.PASS
