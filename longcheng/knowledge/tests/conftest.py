"""The knowledge tests run on the frozen clock of the loop's fixtures (Monday 25 September
2023) with a few Taiyuan articles made through the services."""

import datetime

import pytest

from longcheng.knowledge import services
from longcheng.knowledge.models import Article
from longcheng.knowledge.search import forget_statistics

TODAY = datetime.date(2023, 9, 25)


@pytest.fixture(autouse=True)
def frozen(clock):
    forget_statistics()
    return clock


def make(actor, unit, *, publish=True, **fields) -> Article:
    fields.setdefault("body", "请按本口径答复来电人。")
    fields.setdefault("kind", Article.Kind.ANSWER)
    return services.article_create(actor=actor, unit=unit, publish=publish, **fields)


@pytest.fixture
def articles(users, org):
    """Heating, water and property answers of the first brigade's team, one draft."""
    a = type("Articles", (), {})()
    a.heating = make(
        users.clerk1,
        org.brigade1,
        title="供暖期室温不达标（暖气不热）的处理",
        keywords="暖气不热,室温,供暖",
        summary="室温低于18℃可要求供热企业上门测温",
        body="太原市供暖期为每年11月1日至次年3月31日，室温不得低于18℃。"
        "来电人反映暖气不热的，请告知可先拨打所在供热企业客服电话报修，供热企业应在24小时内上门测温。",
    )
    a.fee = make(
        users.clerk1,
        org.brigade1,
        title="取暖费缴纳时间与标准",
        keywords="取暖费,供暖费,缴费",
        body="居民取暖费按建筑面积每平方米每月4.4元计收，于供暖期开始前缴纳。"
        "供暖期间室温不达标的可按规定申请退费。",
    )
    a.water = make(
        users.clerk2,
        org.brigade2,
        title="计划停水通知的查询方式",
        keywords="停水,没水,水压",
        body="计划停水由供水企业提前24小时公告，可关注供水企业公众号查询停水区域和恢复时间。",
    )
    a.property = make(
        users.clerk2,
        org.brigade2,
        title="物业服务收费争议",
        keywords="物业费,物业",
        body="物业服务收费争议请先与物业服务企业协商，协商不成可向所在街道物业主管部门反映。"
        "冬季暖气不热的问题请联系供热企业，不属于物业服务范围。",
    )
    a.draft = make(
        users.clerk1,
        org.brigade1,
        publish=False,
        title="暖气不热报修流程（草稿）",
        keywords="暖气不热",
    )
    return a
