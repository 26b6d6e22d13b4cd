import datetime
from decimal import Decimal

import pytest

from conftest import UserFactory
from longcheng.funds import services
from longcheng.funds.models import Fund
from tests.fixtures.loop import at


@pytest.fixture
def fund(org, users, catalogue):
    return Fund.objects.create(
        name="太忻一体化产业基金",
        kind="industrial",
        manager="山西某私募基金管理有限公司",
        management_unit=org.brigade1,
        size=Decimal(100000),
        approved_on=datetime.date(2021, 3, 1),
        established_on=datetime.date(2021, 6, 1),
        vintage=2021,
        reinvestment_enabled=True,
        reinvestment_divisions=["1401"],
        policy_industries=["C38", "C39"],
    )


@pytest.fixture
def partners(fund, users):
    guidance = services.partner_add(
        actor=users.clerk1,
        fund=fund,
        name="太原市政府引导基金",
        kind="guidance",
        commitment=Decimal(20000),
    )
    province = services.partner_add(
        actor=users.clerk1,
        fund=fund,
        name="山西省产业基金",
        kind="provincial",
        commitment=Decimal(10000),
    )
    social = services.partner_add(
        actor=users.clerk1, fund=fund, name="某上市公司", kind="social", commitment=Decimal(70000)
    )
    return guidance, province, social


@pytest.fixture
def members(org):
    return [UserFactory(username=f"ic{i}", role="clerk", unit=org.brigade1) for i in range(3)]


__all__ = ["at"]


@pytest.fixture(autouse=True)
def frozen_clock(clock):
    """These tests run on the loop's frozen clock (2023-09-25 09:00, moved by hand)."""
    return clock
