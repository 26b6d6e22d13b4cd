import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from longcheng.loop import services
from longcheng.loop.models import Category, TimeLimit
from longcheng.loop.workflow import Channel, Kind, Urgency

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def clock():
    """Every loop test runs on a frozen clock, moved by hand: clock.to(at(2023, 9, 25, 9))."""

    class Clock:
        traveller = None

        def to(self, moment):
            if self.traveller:
                self.traveller.stop()
            self.traveller = time_machine.travel(moment, tick=False)
            self.traveller.start()

    c = Clock()
    c.to(at(2023, 9, 25, 9, 0))  # Monday before the 2023 National Day holiday
    yield c
    c.traveller.stop()


@pytest.fixture
def catalogue(org):
    for kind in Kind.values:
        TimeLimit.objects.create(
            kind=kind,
            urgency=Urgency.NORMAL,
            sign_hours=2,
            handle_days=3 if kind == Kind.CONSULTATION else 13,
        )
        TimeLimit.objects.create(kind=kind, urgency=Urgency.URGENT, sign_hours=1, handle_days=0)
    root = Category.objects.add_root({"code": "urban", "name": "城市管理"})
    noise = Category.objects.add_child(
        root, {"code": "noise", "name": "夜间施工噪音", "default_lead_unit": org.brigade1}
    )
    return {"root": Category.objects.get(pk=root.pk), "noise": noise}


@pytest.fixture
def receive(users, catalogue, org):
    def _receive(**overrides):
        data = {
            "actor": users.committee_clerk,
            "division": org.xiaodian,  # the committee's district
            "title": "富力壹品工地夜间施工噪音扰民",
            "description": "晚上11点后仍在施工，影响休息。",
            "channel": Channel.SUPERVISOR,
            "kind": Kind.COMPLAINT,
            "urgency": Urgency.NORMAL,
            "category": catalogue["noise"],
            "reporter_name": "贺文静",
            "reporter_phone": "13912340001",
        }
        data.update(overrides)
        return services.matter_receive(**data)

    return _receive


@pytest.fixture
def dispatched(receive, users, org):
    def _dispatched(**overrides):
        matter = receive(**overrides)
        return services.matter_dispatch(
            matter=matter,
            actor=users.dispatcher,
            lead_unit=org.brigade1,
            assisting_units=[org.committee],
        )

    return _dispatched
