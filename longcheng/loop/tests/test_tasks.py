"""The timers as background tasks: in-process (eager) everywhere, and through a real Celery
worker on Redis when the suite runs on PostgreSQL (CI)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from longcheng.loop import services
from longcheng.loop.models import SupervisionNotice
from longcheng.loop.tasks import loop_sweep_task

from .conftest import at


def _signed(dispatched, users):
    return services.matter_sign(matter=dispatched(), actor=users.clerk1)


@pytest.mark.django_db
def test_the_sweep_task_runs_in_process(dispatched, users, clock):
    matter = _signed(dispatched, users)
    clock.to(at(2023, 10, 19, 9, 0))
    result = loop_sweep_task.apply().get()
    assert result["overdue"] == 1
    assert SupervisionNotice.objects.filter(matter=matter, kind="overdue").count() == 1


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real `celery worker` process on the real Redis, reading the test database."""
    db = connection.settings_dict
    broker = "redis://127.0.0.1:6379/14"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        env=env,
        cwd=settings.BASE_DIR,
    )
    from config.celery import app

    app.conf.broker_url = broker
    app.conf.result_backend = broker
    try:
        yield app
    finally:
        worker.terminate()
        worker.wait(timeout=30)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker process shares the PostgreSQL test database",
)
def test_a_real_worker_fires_the_deadline_timer_once(dispatched, users, celery_worker_process):
    # Data made in 2023 (frozen clock): by the worker's real clock the deadline has long passed.
    matter = _signed(dispatched, users)
    first = loop_sweep_task.delay().get(timeout=120)
    second = loop_sweep_task.delay().get(timeout=60)
    assert first["overdue"] == 1 and second["overdue"] == 0
    assert SupervisionNotice.objects.filter(matter=matter, kind="overdue").count() == 1
