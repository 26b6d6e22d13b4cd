"""Fund metrics, pure functions over a fund's figures. Formulas (docs/funds.md):

- 放大倍数 (leverage): subscribed basis = fund size ÷ government commitments; paid-in basis =
  total paid in ÷ government paid in. Government money = the guidance fund and provincial money.
- 返投 (reinvestment), only where the fund has the rule: investments in companies registered in
  the fund's "local" divisions ÷ government commitments (subscribed).
- DPI = distributions ÷ paid in; RVPI = latest NAV ÷ paid in; TVPI = DPI + RVPI.
- Net IRR: XIRR (pyxirr) over the partners' cash flows — calls negative, distributions
  positive — with the latest NAV as a final positive flow on its date. Without both a negative
  and a positive flow there is no IRR, and the reason says so."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pyxirr


@dataclass(frozen=True)
class Ratio:
    value: Decimal | None
    reason: str = ""  # why there is no value
    basis: str = ""  # how it is computed, said next to the figure

    def __str__(self) -> str:
        return f"{self.value:.2f}" if self.value is not None else "—"


def _ratio(numerator: Decimal, denominator: Decimal, missing: str, basis: str = "") -> Ratio:
    if not denominator:
        return Ratio(None, missing, basis)
    return Ratio((numerator / denominator).quantize(Decimal("0.0001")), basis=basis)


def leverage(
    *,
    basis: str,
    size: Decimal,
    government_commitments: Decimal,
    paid_in: Decimal,
    government_paid_in: Decimal,
) -> Ratio:
    if basis == "paid_in":
        return _ratio(paid_in, government_paid_in, "尚无政府资金实缴", "实缴合计 ÷ 政府实缴")
    return _ratio(size, government_commitments, "无政府出资", "基金规模 ÷ 政府认缴")


FOREST_LEVERAGE_BASIS = "（政府 + 社会资本）认缴合计 ÷ 政府认缴"


def forest_leverage(*, government_commitments: Decimal, social_commitments: Decimal) -> Ratio:
    """每 1 元政府资金撬动: the one figure of the forest, on the total basis (government and
    social money together ÷ government money), not social ÷ government; the basis travels with
    the figure so the page says it next to it."""
    return _ratio(
        government_commitments + social_commitments,
        government_commitments,
        "无政府出资",
        FOREST_LEVERAGE_BASIS,
    )


def reinvestment(*, local_investments: Decimal, government_commitments: Decimal) -> Ratio:
    return _ratio(local_investments, government_commitments, "无政府出资")


def dpi(distributions: Decimal, paid_in: Decimal) -> Ratio:
    return _ratio(distributions, paid_in, "尚无实缴")


def rvpi(nav: Decimal, paid_in: Decimal) -> Ratio:
    return _ratio(nav, paid_in, "尚无实缴")


def tvpi(distributions: Decimal, nav: Decimal, paid_in: Decimal) -> Ratio:
    return _ratio(distributions + nav, paid_in, "尚无实缴")


@dataclass(frozen=True)
class Irr:
    value: float | None
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.value:.2%}" if self.value is not None else "不可计算"


def net_irr(flows: list[tuple[datetime.date, Decimal]]) -> Irr:
    """`flows` from the partners' side: calls negative, distributions and the final NAV
    positive."""
    flows = [(d, a) for d, a in flows if a]
    if not flows:
        return Irr(None, "尚无现金流")
    if not any(a < 0 for _d, a in flows) or not any(a > 0 for _d, a in flows):
        return Irr(None, "现金流没有正负变化（只有出资或只有回报），内部收益率不可计算")
    try:
        value = pyxirr.xirr([d for d, _a in flows], [float(a) for _d, a in flows])
    except (pyxirr.InvalidPaymentsError, ValueError) as error:
        return Irr(None, f"内部收益率不可计算：{error}")
    if value is None:
        return Irr(None, "迭代未收敛，内部收益率不可计算")
    return Irr(float(value))
