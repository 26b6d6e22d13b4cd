"""Celery: background work on Redis (timers, notifications). Workers and beat run the same
code as the in-process demo scheduler: `longcheng.loop.timers.loop_sweep`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("longcheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
