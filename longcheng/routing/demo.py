"""Demo routing: a model trained on the demo's dispatched matters, promoted, and a hot-spot
report for the last week, so that suggestions show on the matters waiting for dispatch; area
rules that send everyday street problems in 小店区 and 迎泽区 to the street's office; two
dispatch disputes (派单争议), one ruled with the catalogue's keywords changed, one open."""

import datetime

from django.utils import timezone

from longcheng.accounts.models import User
from longcheng.core import clock
from longcheng.core.models import Division, Unit
from longcheng.loop import services as loop
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.models import Category, Matter
from longcheng.loop.workflow import Channel, Kind, ReturnReason, Urgency

from .hotspots import hotspots_compute
from .models import AreaRule, DispatchDispute, HotSpotReport, RoutingModel
from .services import (
    RoutingError,
    area_rule_create,
    dispute_raise_if_due,
    dispute_rule,
    routing_promote,
)
from .training import routing_train


def seed(log) -> None:
    _disputes(log)
    if not RoutingModel.objects.exists():
        try:
            record = routing_train()
        except RoutingError as error:
            log(f"分拨模型：{error.message}")
        else:
            routing_promote(record=record, actor=None)
            log(
                f"分拨模型 v{record.version}：{record.trained_on} 件训练，"
                f"交叉验证准确率 {record.evaluation['accuracy']:.0%}（演示数据文字重复，偏高）。"
            )
    if not HotSpotReport.objects.exists():
        end = timezone.now()
        report = hotspots_compute(start=end - datetime.timedelta(days=7), end=end)
        log(f"热点：近 7 天 {report.matters} 件事项，{len(report.clusters)} 个热点。")
    _area_rules(log)


# Everyday street problems that a street office handles itself (市容环境, 市政设施 and every
# category below them), in the districts whose streets the demo has (core.demo STREETS);
# elsewhere the catalogue's lead unit stands.
STREET_CATEGORIES = ["urban", "municipal"]
STREET_DISTRICTS = ["140105", "140106"]


def _area_rules(log) -> None:
    if AreaRule.objects.exists():
        return
    dispatcher = User.objects.filter(username="dispatcher").first()
    categories = list(Category.objects.filter(code__in=STREET_CATEGORIES))
    if dispatcher is None or not categories:
        return
    offices = Unit.objects.filter(
        kind=Unit.Kind.STREET_OFFICE,
        is_active=True,
        division__level__in=[Division.Level.STREET, Division.Level.TOWNSHIP],
        division__parent__code__in=STREET_DISTRICTS,
    ).select_related("division")
    made = 0
    for office in offices:
        for category in categories:
            area_rule_create(
                actor=dispatcher,
                category=category,
                division=office.division,
                lead_unit=office,
                note="街面日常问题由属地街道（乡镇）主办",
            )
            made += 1
    log(f"区域分拨规则 {made} 条：小店区、迎泽区各街道（乡镇）的市容环境、市政设施事项派属地。")


# — Dispatch disputes (派单争议) —

HOUR = datetime.timedelta(hours=1)

# A dug-up pavement: 市住建局 and 市城管执法队 each return it; the dispatch centre rules it to
# 市政设施中心 under 道路与人行道 and adds the words the catalogue lacked.
ROAD = {
    "title": "胜利街燃气管道施工开挖人行道后一个多月未回填",
    "description": (
        "胜利街与新建路口东南角，燃气管道施工把人行道挖开，完工一个多月了一直没有回填恢复，"
        "只拿几块彩钢板挡着，晚上老人孩子走路很危险，请尽快督促恢复路面。"
    ),
    "address": "太原市杏花岭区胜利街与新建路交叉口东南角",
    "returns": [
        (
            "housing",
            "zj_clerk",
            "住建局负责房屋建筑工地的监管；城市道路挖掘后的路面恢复属市政设施管理，"
            "不属本局职责，建议改派。",
        ),
        (
            "urban",
            "cg_leader",
            "经查该处施工已办理道路挖掘许可，不属未经许可占道挖掘；督促施工单位按期恢复路面"
            "应由道路管理部门负责，建议改派市政设施管理中心。",
        ),
    ],
    "ruling": {
        "unit": "ty-szss",
        "category": "municipal-road",
        "keywords": "开挖,挖掘,未恢复",
        "reasons": (
            "依据《城市道路管理条例》，挖掘城市道路由市政工程行政主管部门审批，施工结束后"
            "由其监督恢复路面。本件属“道路与人行道”，由市政设施中心主办并督促施工单位回填；"
            "住建局、城管执法队所退理由成立。派单目录“道路与人行道”增加关键词“开挖、挖掘、"
            "未恢复”，今后同类事项直接派市政设施中心。"
        ),
    },
}

# A lift that keeps stopping: 市市场监管局 and 市住建局 each say it is the other's.
LIFT = {
    "title": "小区电梯频繁停运多次困人，物业维修不及时",
    "description": (
        "万柏林区千峰南路某小区 3 号楼电梯一个月内停运五六次，上周还困了人，物业只说等配件，"
        "一直没有彻底维修。请相关部门尽快处理。"
    ),
    "address": "太原市万柏林区千峰南路",
    "returns": [
        (
            "market-consume",
            "scjg_clerk",
            "电梯的日常维护保养和维修属物业服务内容，应由住建部门督促物业企业履行，"
            "建议改派住建局。",
        ),
        (
            "property",
            "zj_clerk",
            "电梯困人、带病运行属特种设备安全问题，由市场监管部门负责监督检查，"
            "不属物业管理范畴，建议改派市场监管局。",
        ),
    ],
}


def _disputed_matter(case: dict, dispatcher, staff, categories, division, start) -> Matter:
    moment = start
    with clock.frozen_at(moment):
        matter = loop.matter_receive(
            MatterDraft(
                title=case["title"],
                description=case["description"],
                channel=Channel.HOTLINE,
                kind=Kind.COMPLAINT,
                urgency=Urgency.NORMAL,
                category=categories[case["returns"][0][0]],
                division=division,
                address=case["address"],
                reporter_name="群众",
                reporter_phone="13934560178",
            ),
            actor=dispatcher,
        )
    for index, (code, username, reason) in enumerate(case["returns"]):
        category, clerk = categories[code], staff[username]
        moment += HOUR
        with clock.frozen_at(moment):
            matter = loop.matter_dispatch(
                matter=matter,
                actor=dispatcher,
                lead_unit=category.default_lead_unit,
                category=category,
                redispatch=index > 0,
            )
        moment += 3 * HOUR
        with clock.frozen_at(moment):
            matter = loop.matter_return(
                matter=matter, actor=clerk, reason_kind=ReturnReason.NOT_OURS, reason=reason
            )
    # The loop's signal would raise it after this seed's commit; the demo rules it now.
    with clock.frozen_at(moment + HOUR / 4):
        dispute_raise_if_due(matter=matter)
    return matter


def _disputes(log) -> None:
    if DispatchDispute.objects.exists():
        return
    staff = {u.username: u for u in User.objects.filter(is_active=True)}
    codes = {code for case in (ROAD, LIFT) for code, _u, _r in case["returns"]}
    categories = {c.code: c for c in Category.objects.filter(code__in=codes | {"municipal-road"})}
    needed = {"dispatcher", "zj_clerk", "cg_leader", "scjg_clerk"}
    divisions = {d.code: d for d in Division.objects.filter(code__in=["140107", "140109"])}
    if not needed <= set(staff) or len(categories) < len(codes) + 1 or len(divisions) < 2:
        return
    dispatcher = staff["dispatcher"]
    today = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    road = _disputed_matter(
        ROAD, dispatcher, staff, categories, divisions["140107"], today - 4 * 24 * HOUR
    )
    dispute = DispatchDispute.objects.get(matter=road)
    ruling = ROAD["ruling"]
    with clock.frozen_at(today - 3 * 24 * HOUR + HOUR):
        dispute_rule(
            dispute=dispute,
            actor=dispatcher,
            expected_version=dispute.version,
            responsible_unit=Unit.objects.get(code=ruling["unit"]),
            category=categories[ruling["category"]],
            reasons=ruling["reasons"],
            change=DispatchDispute.Change.KEYWORDS,
            keywords=ruling["keywords"],
        )
    lift = _disputed_matter(
        LIFT, dispatcher, staff, categories, divisions["140109"], today - 24 * HOUR
    )
    log(
        f"派单争议：{road.number}（道路开挖未回填，市住建局、市城管执法队先后退单）已裁定由"
        f"市政设施中心主办，“道路与人行道”增加关键词；{lift.number}（电梯困人，"
        "市市场监管局、市住建局先后退单）待裁定。"
    )
