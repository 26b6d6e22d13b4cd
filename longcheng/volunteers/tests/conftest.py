import datetime
import itertools

import pytest
from stdnum.cn import ric

from longcheng.volunteers.models import (
    InterviewSession,
    InterviewSlot,
    Position,
    RecruitmentCampaign,
    Venue,
)
from tests.factories import ApplicationFactory
from tests.fixtures.loop import at

RUBRIC = [
    {"code": "intro", "name": "自我介绍", "weight": 30},
    {"code": "english", "name": "英语口语", "weight": 40},
    {"code": "general", "name": "综合能力", "weight": 30},
]

_sequence = itertools.count(100)


def id_number(birth=datetime.date(2002, 5, 1)) -> str:
    body = f"140105{birth:%Y%m%d}{next(_sequence) % 1000:03d}"
    return body + ric.calc_check_digit(body)


@pytest.fixture
def forum(org, users):
    hall = Venue.objects.create(name="山西潇河国际会议中心")
    airport = Venue.objects.create(name="太原武宿国际机场")
    campaign = RecruitmentCampaign.objects.create(
        name="2023太原能源低碳发展论坛志愿者招募",
        unit=org.team,
        apply_until=datetime.date(2023, 10, 10),
        service_from=datetime.date(2023, 10, 16),
        service_until=datetime.date(2023, 10, 20),
        places=3,
        rubric=RUBRIC,
        slug="forum",
    )
    service = Position.objects.create(
        campaign=campaign,
        name="会议服务",
        venue=hall,
        required=2,
        shift_pattern=[["07:00", "12:00"], ["12:00", "17:00"]],
        shift_demand=1,
    )
    liaison = Position.objects.create(
        campaign=campaign,
        name="外宾联络",
        venue=airport,
        required=1,
        language="英语",
        language_level=4,
        shift_pattern=[["08:00", "13:00"]],
        shift_demand=1,
    )
    session = InterviewSession.objects.create(
        campaign=campaign, date=datetime.date(2023, 10, 12), room="第一考场"
    )
    session.judges.set([users.leader, users.clerk2])
    InterviewSlot.objects.create(session=session, starts_at=at(2023, 10, 12, 9), capacity=10)

    class Forum:
        pass

    f = Forum()
    f.campaign, f.service, f.liaison, f.hall, f.airport, f.session = (
        campaign,
        service,
        liaison,
        hall,
        airport,
        session,
    )
    return f


def apply(forum, name, english=0, birth=datetime.date(2002, 5, 1), prefs=None, **extra):
    return ApplicationFactory(
        campaign=forum.campaign,
        full_name=name,
        id_number=extra.pop("id_number", None) or id_number(birth),
        languages=[{"language": "英语", "level": english}] if english else [],
        preferences=prefs or [forum.service],
        **extra,
    )


def publish_and_confirm(forum, users, clock):
    """Publish the list on the test's Monday, 25 September 2023; its five working days end with
    Sunday 8 October (a make-up workday after the National Day holiday); confirm on the 9th."""
    from longcheng.volunteers import services

    services.publicity_publish(actor=users.leader, campaign=forum.campaign)
    clock.to(at(2023, 10, 9, 9))
    services.selection_confirm(actor=users.leader, campaign=forum.campaign)


__all__ = ["at"]


@pytest.fixture(autouse=True)
def frozen_clock(clock):
    """These tests run on the loop's frozen clock (2023-09-25 09:00, moved by hand)."""
    return clock
