"""Personal data inside free text (answers, descriptions) before it is shown to the public.

Finds mainland mobile numbers (a pattern), resident ID numbers (18 characters, checked with
python-stdnum's `cn.ric`, so a 18-digit order number is not taken for one) and bank card
numbers (UnionPay, Visa, Mastercard prefixes passing the Luhn check). Office landlines such as
0351-4040000 are public contact points and are left as they are. `mask_personal_data` replaces
each finding with its masked form (core.masking), the way every page shows such numbers.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.cn import ric

from .masking import mask_id_number, mask_phone

# Digits not glued to other digits (a number inside a longer number is not a finding).
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")
_ID = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
# UnionPay (62), Visa (4) and Mastercard (51–55) numbers; other long numbers (order and case
# numbers) pass the Luhn check one time in ten and are not cards.
_CARD = re.compile(r"(?<![0-9])(?:62[0-9]{14,17}|4[0-9]{15}|5[1-5][0-9]{14})(?![0-9])")

KIND_LABELS = {"mobile": _("手机号码"), "id_number": _("身份证号码"), "bank_card": _("银行卡号")}


@dataclass(frozen=True)
class Finding:
    kind: str  # mobile, id_number, bank_card
    start: int
    end: int
    masked: str

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


def find_personal_data(text: str) -> list[Finding]:
    """Every finding in text, in order, none overlapping."""
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in _ID.finditer(text):
        if ric.is_valid(match.group()):
            found.append(
                Finding("id_number", match.start(), match.end(), mask_id_number(match.group()))
            )
            taken.append(match.span())
    for match in _CARD.finditer(text):
        if free(*match.span()) and luhn.is_valid(match.group()):
            digits = match.group()
            found.append(
                Finding(
                    "bank_card",
                    match.start(),
                    match.end(),
                    digits[:4] + "*" * (len(digits) - 8) + digits[-4:],
                )
            )
            taken.append(match.span())
    for match in _MOBILE.finditer(text):
        if free(*match.span()):
            digits = re.sub(r"[ -]", "", match.group())
            found.append(Finding("mobile", match.start(), match.end(), mask_phone(digits)))
            taken.append(match.span())
    return sorted(found, key=lambda f: f.start)


def mask_personal_data(text: str) -> str:
    """The text as the public may read it: every finding masked."""
    if not text:
        return text
    out, last = [], 0
    for finding in find_personal_data(text):
        out.append(text[last : finding.start])
        out.append(finding.masked)
        last = finding.end
    out.append(text[last:])
    return "".join(out)


def describe_findings(findings: list[Finding]) -> str:
    """For the clerk: what was found, masked (never repeated in clear)."""
    return "、".join(f"{f.label} {f.masked}" for f in findings)
