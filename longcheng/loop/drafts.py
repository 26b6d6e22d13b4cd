"""What a matter is received with, whatever the channel: the 受理 form, the public form and
Open311 (through appeals), an internal unit raising its own matter, the demo."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from longcheng.core.models import Division

    from .models import Category


@dataclass(frozen=True)
class MatterDraft:
    title: str
    description: str
    channel: str
    kind: str
    urgency: str
    category: Category | None = None
    division: Division | None = None
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    anonymous: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""
    # The answers to the category's extra questions (CategoryQuestion), by question id:
    # {"<id>": {"label": ..., "value": ...}} (the label kept as it was asked).
    intake_answers: dict | None = None
