"""Demo routing: a model trained on the demo's dispatched matters, promoted, and a hot-spot
report for the last week, so that suggestions show on the matters waiting for dispatch."""

import datetime

from django.utils import timezone

from .hotspots import hotspots_compute
from .models import HotSpotReport, RoutingModel
from .services import RoutingError, routing_promote
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
