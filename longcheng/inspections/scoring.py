"""Scoring a visit: pure functions over the template and the answers, so the rule is tested
on its own and the visit page, the report and the PDF all say the same.

- A pass/fail item scores its full points when it passes and 0 when it fails; a score item
  scores what the inspector gave (0 to its points); 不适用 leaves the item out entirely.
- A section's share is points ÷ applicable points; the visit's score is the weighted mean of the
  sections' shares × 100 (sections with nothing applicable drop out).
- 合格 when nothing failed; 责令整改 when something failed but the score reaches the pass mark
  and no serious item failed; 不合格 otherwise."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .workflow import AnswerType, Result, Verdict


@dataclass(frozen=True)
class ItemAnswer:
    section: int
    section_weight: Decimal
    answer_type: str
    max_score: int
    serious: bool
    verdict: str = ""
    score: Decimal | None = None


@dataclass(frozen=True)
class Outcome:
    score: Decimal | None
    result: str
    failed: int
    serious_failed: int


def item_failed(answer: ItemAnswer) -> bool:
    if answer.answer_type == AnswerType.PASS_FAIL:
        return answer.verdict == Verdict.FAIL
    if answer.answer_type == AnswerType.SCORE:
        return answer.score is not None and answer.score < answer.max_score
    return False


def score_visit(answers: list[ItemAnswer], pass_score: int) -> Outcome:
    earned: dict[int, Decimal] = {}
    possible: dict[int, Decimal] = {}
    weights: dict[int, Decimal] = {}
    failed = serious_failed = 0
    for a in answers:
        if a.answer_type not in (AnswerType.PASS_FAIL, AnswerType.SCORE):
            continue
        if a.verdict == Verdict.NOT_APPLICABLE:
            continue
        if a.answer_type == AnswerType.PASS_FAIL:
            points = Decimal(a.max_score) if a.verdict == Verdict.PASS else Decimal(0)
        else:
            points = min(Decimal(a.max_score), max(Decimal(0), a.score or Decimal(0)))
        weights[a.section] = a.section_weight
        earned[a.section] = earned.get(a.section, Decimal(0)) + points
        possible[a.section] = possible.get(a.section, Decimal(0)) + a.max_score
        if item_failed(a):
            failed += 1
            serious_failed += int(a.serious)
    sections = [s for s in possible if possible[s] > 0]
    total_weight = sum((weights[s] for s in sections), Decimal(0))
    if not sections or total_weight == 0:
        score = None
    else:
        share = sum((weights[s] * earned[s] / possible[s] for s in sections), Decimal(0))
        score = (share / total_weight * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if failed == 0:
        result = Result.PASS
    elif serious_failed or (score is not None and score < pass_score):
        result = Result.FAIL
    else:
        result = Result.RECTIFY
    return Outcome(score=score, result=result, failed=failed, serious_failed=serious_failed)
