"""Demo routing: a model trained on the demo's dispatched matters, promoted, and a hot-spot
report for the last week, so that suggestions show on the matters waiting for dispatch; area
rules that send everyday street problems in 小店区 and 迎泽区 to the street's office."""

import datetime

from django.utils import timezone

from longcheng.accounts.models import User
from longcheng.core.models import Division, Unit
from longcheng.loop.models import Category

from .hotspots import hotspots_compute
from .models import AreaRule, HotSpotReport, RoutingModel
from .services import RoutingError, area_rule_create, routing_promote
from .training import routing_train


def seed(log) -> None:
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
