import datetime

from celery import shared_task
from django.utils import timezone

from .hotspots import hotspots_compute
from .services import routing_train


@shared_task
def routing_train_task() -> int:
    return routing_train().version


@shared_task
def hotspots_weekly_task() -> int:
    end = timezone.now()
    return hotspots_compute(start=end - datetime.timedelta(days=7), end=end).pk
