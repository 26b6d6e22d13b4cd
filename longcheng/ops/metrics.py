"""The Prometheus endpoint: request, database and cache figures from django-prometheus (summed
over every gunicorn worker when PROMETHEUS_MULTIPROC_DIR is set) plus the platform's own gauges,
read when scraped: the work waiting and overdue, and the Celery queue's length."""

import os

from django.conf import settings
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector


class PlatformCollector:
    def collect(self):
        from longcheng.loop.models import Matter
        from longcheng.loop.workflow import Status
        from longcheng.privacy.models import DataRequest
        from longcheng.privacy.models import Status as RequestStatus

        open_matters = Matter.objects.exclude(status__in=[Status.ARCHIVED, Status.CLOSED])
        gauge = GaugeMetricFamily(
            "longcheng_matters_open", "Matters not yet archived, by overdue", labels=["overdue"]
        )
        gauge.add_metric(["false"], open_matters.filter(overdue=False).count())
        gauge.add_metric(["true"], open_matters.filter(overdue=True).count())
        yield gauge
        yield GaugeMetricFamily(
            "longcheng_data_requests_waiting",
            "Personal-data requests not yet answered",
            value=DataRequest.objects.filter(status=RequestStatus.RECEIVED).count(),
        )
        queue = _celery_queue_length()
        if queue is not None:
            yield GaugeMetricFamily(
                "longcheng_celery_queue_length", "Tasks waiting in the default queue", value=queue
            )


def _celery_queue_length() -> int | None:
    if settings.LONGCHENG_TIMERS != "celery" or not settings.CELERY_BROKER_URL.startswith("redis"):
        return None
    import redis

    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1)
        return int(client.llen("celery"))
    except redis.RedisError:
        return None


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        workers = CollectorRegistry()
        MultiProcessCollector(workers)
        text = generate_latest(workers)
    else:
        text = generate_latest(REGISTRY)
    platform = CollectorRegistry()
    platform.register(PlatformCollector())
    return text + generate_latest(platform)
