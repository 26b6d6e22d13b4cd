import datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from .hotspots import hotspots_compute
from .training import routing_train


@shared_task
def routing_train_task(actor_id: int | None = None) -> int:
    """Nightly from beat, or when an administrator asks (the page does not wait minutes)."""
    actor = get_user_model().objects.get(pk=actor_id) if actor_id else None
    return routing_train(actor=actor).version


@shared_task
def hotspots_weekly_task() -> int:
    end = timezone.now()
    return hotspots_compute(start=end - datetime.timedelta(days=7), end=end).pk
