import pytest

from longcheng.appeals.models import MonitoringPoint, Supervisor
from tests.fixtures.loop import at


@pytest.fixture
def point(org):
    return MonitoringPoint.objects.create(
        code="xd-hall",
        name="小店政务大厅",
        unit=org.committee,
        division=org.xiaodian,
        fallback_window=True,
    )


@pytest.fixture
def other_point(org):
    return MonitoringPoint.objects.create(
        code="xd-yitong", name="易通天下产业孵化基地", unit=org.committee, division=org.xiaodian
    )


@pytest.fixture
def supervisor(users, org):
    from conftest import UserFactory

    user = UserFactory(username="sup1", full_name="贺文静", role="supervisor", phone="13912340001")
    return Supervisor.objects.create(
        user=user, committee=org.committee, appointed_on=at(2022, 1, 24).date()
    )


@pytest.fixture(autouse=True)
def frozen_clock(clock):
    """These tests run on the loop's frozen clock (2023-09-25 09:00, moved by hand)."""
    return clock
