"""Pure rules of inspections: no database write, no request. The publication deadline, which
columns hold a party, a stored answer as the scorer reads it, the party's signed link, and the
replay of a recorded draw."""

from __future__ import annotations

from django.core import signing

from . import sampling
from .models import Answer, ChecklistItem, Draw, InspectionVisit
from .scoring import ItemAnswer

# 双随机、一公开: results are published within 20 working days of being formed.
PUBLISH_WITHIN_WORKING_DAYS = 20


def party_fields(party) -> dict:
    """The party in the column of its type (institution, site or enterprise), the others empty."""
    name = type(party).__name__.lower()
    return {"institution": None, "site": None, "enterprise": None, name: party}


def to_scoring(item: ChecklistItem, answer: Answer) -> ItemAnswer:
    """A stored answer to an item, as the scoring rules read it."""
    return ItemAnswer(
        section=item.section_id,
        section_weight=item.section.weight,
        answer_type=item.answer_type,
        max_score=item.max_score,
        serious=item.serious,
        verdict=answer.verdict,
        score=answer.score,
    )


# The party reaches its rectification page by a signed link (the QR code on the order).
PARTY_SALT = "longcheng.inspections.party"


def party_token(visit: InspectionVisit) -> str:
    return signing.Signer(salt=PARTY_SALT).sign(str(visit.pk))


def draw_verify(draw: Draw) -> bool:
    """Re-run the recorded draw from its own record; True when it gives the same result."""
    result = sampling.draw(
        candidates=[sampling.Candidate(**c) for c in draw.candidates],
        roster=draw.roster["users"],
        conflicts={k: set(v) for k, v in draw.roster["conflicts"].items()},
        ratio=float(draw.ratio),
        seed=draw.seed,
    )
    return result.selected == draw.selected and result.assignments == draw.assignments
