"""Pure arithmetic of the funds rules (财预〔2015〕210号): no database, so each is tested with
plain numbers and shared by the services that act on it and the selectors that show it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

IDLE_DAYS = 365  # 财预〔2015〕210号: money paid in and not used for a year
SETUP_DAYS = 365  # a fund approved and not set up within a year


def idle_amount(
    calls: Iterable[tuple[datetime.date, Decimal]],
    uses: Iterable[tuple[datetime.date, Decimal]],
    today: datetime.date,
) -> Decimal:
    """Paid-in money (`calls`) not used (`uses`: invested, or spent on fees) for more than
    `IDLE_DAYS`, first in first out."""
    ordered_calls = sorted(calls)
    left = [amount for _on, amount in ordered_calls]  # unspent money of each call, oldest first
    for _on, amount in sorted(uses):
        for index, unspent in enumerate(left):
            take = min(unspent, amount)
            left[index] -= take
            amount -= take
            if not amount:
                break
    limit = today - datetime.timedelta(days=IDLE_DAYS)
    return sum((left[i] for i, (on, _a) in enumerate(ordered_calls) if on < limit), Decimal(0))


def not_set_up(
    approved_on: datetime.date, established_on: datetime.date | None, today: datetime.date
) -> bool:
    """Approved more than `SETUP_DAYS` ago and still not established."""
    return established_on is None and today > approved_on + datetime.timedelta(days=SETUP_DAYS)


# — The investment committee's rule (投决会议事规则) —

_DIGITS = "零一二三四五六七八九十"


def _chinese_number(n: int) -> str:
    if 0 <= n <= 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + _DIGITS[n - 10]
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def fraction_words(numerator: int, denominator: int) -> str:
    """2, 3 -> 三分之二; 1, 1 -> 全部 (everyone)."""
    if numerator == denominator:
        return "全部"
    return f"{_chinese_number(denominator)}分之{_chinese_number(numerator)}"


def at_least(count: int, numerator: int, denominator: int, members: int) -> bool:
    """`count` is `numerator`/`denominator` of `members` or more: “以上” includes the number
    itself (民法典 Art. 1259), so 2 of 3 is “三分之二以上”. Integers only, no rounding."""
    return count * denominator >= members * numerator


def votes_needed(numerator: int, denominator: int, members: int) -> int:
    """The fewest votes that reach `numerator`/`denominator` of `members` (ceiling)."""
    return -(-members * numerator // denominator)


def pro_rata(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` split in proportion to `weights`, to the fen (0.01), the shares adding up to
    `total` exactly: each share rounded down, the fen left over go to the largest remainders."""
    cent = Decimal("0.01")
    whole = sum(weights, Decimal(0))
    if not whole or total <= 0:
        return [Decimal(0) for _w in weights]
    exact = [total * w / whole for w in weights]
    shares = [(e / cent).to_integral_value(rounding="ROUND_FLOOR") * cent for e in exact]
    left = int(((total - sum(shares, Decimal(0))) / cent).to_integral_value())
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in by_remainder[:left]:
        shares[index] += cent
    return shares


@dataclass(frozen=True)
class CommitteeRule:
    """A fund's committee rule: a deal passes when `pass_numerator`/`pass_denominator` of all
    the meeting's members or more vote for it (abstentions and absence count against), and the
    meeting decides only once `quorum_numerator`/`quorum_denominator` of them or more have
    voted. Today's rule for both is two thirds."""

    pass_numerator: int = 2
    pass_denominator: int = 3
    quorum_numerator: int = 2
    quorum_denominator: int = 3

    def passes(self, votes_for: int, members: int) -> bool:
        return at_least(votes_for, self.pass_numerator, self.pass_denominator, members)

    def quorate(self, votes_cast: int, members: int) -> bool:
        return at_least(votes_cast, self.quorum_numerator, self.quorum_denominator, members)

    def needed(self, members: int) -> int:
        return votes_needed(self.pass_numerator, self.pass_denominator, members)

    def quorum(self, members: int) -> int:
        return votes_needed(self.quorum_numerator, self.quorum_denominator, members)

    @property
    def pass_words(self) -> str:
        """The decision's words: 经全体委员三分之二以上（含本数）同意."""
        share = fraction_words(self.pass_numerator, self.pass_denominator)
        if share == "全部":
            return "经全体委员一致同意"
        return f"经全体委员{share}以上（含本数）同意"

    @property
    def quorum_words(self) -> str:
        share = fraction_words(self.quorum_numerator, self.quorum_denominator)
        if share == "全部":
            return "全体委员均参加表决方可作出决议"
        return f"全体委员{share}以上（含本数）参加表决方可作出决议"

    def __str__(self) -> str:
        return f"议事规则：{self.pass_words}为通过，弃权和未表决按不同意计；{self.quorum_words}。"
