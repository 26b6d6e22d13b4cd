"""The loop's timers through real Celery processes on the real Redis, against the test database.

1. The beat's schedule fires the deadline sweep, a worker runs it, the reminder is issued —
   once, however often the timer fires again.
2. A worker killed with SIGKILL in the middle of a sweep (its writes held back by a lock, so the
   moment is certain): the task, acknowledged late, is delivered again to a new worker, which
   completes it — every matter gets exactly one reminder, none twice, none lost.

Skipped where Redis is not running (the embedded demo's machines); `.ci/run` starts it."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone

from longcheng.loop import services
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.models import Matter, Notification, SupervisionNotice
from longcheng.loop.workflow import Channel, Kind, Urgency
from tests.processes import subprocess_database_url

BROKER = os.environ.get("LONGCHENG_TEST_BROKER_URL", "redis://127.0.0.1:6379/13")
CELERY = str(Path(sys.executable).with_name("celery"))
ROOT = Path(__file__).resolve().parents[2]

# One Redis broker: with several test processes, these tests run on one of them (loadgroup).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("redis")]


@pytest.fixture
def broker():
    client = redis.Redis.from_url(BROKER, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("LONGCHENG_REQUIRE_REDIS"):  # CI: a missing Redis is a failure
            pytest.fail(f"Redis is not running at {BROKER}")
        pytest.skip(f"Redis is not running at {BROKER} (the embedded demo's machines)")
    client.flushdb()
    yield client
    client.flushdb()


class Celery:
    """Worker and beat processes started as an operator would, logs kept for the failure."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.processes: list[tuple[subprocess.Popen, Path]] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": subprocess_database_url(),
            "CELERY_BROKER_URL": BROKER,
            "CELERY_RESULT_BACKEND": BROKER,
            "LONGCHENG_TIMERS": "celery",
            "LONGCHENG_TIMER_INTERVAL_SECONDS": "2",
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        }

    def start(self, *arguments, ready: str) -> subprocess.Popen:
        log = self.tmp_path / f"celery-{len(self.processes)}.log"
        process = subprocess.Popen(
            [CELERY, "-A", "config", *arguments, "--loglevel=INFO"],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the pool too
        )
        self.processes.append((process, log))
        deadline = time.monotonic() + 60
        while ready not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"celery did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        return process

    def worker(self, name: str) -> subprocess.Popen:
        return self.start(
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            f"--hostname={name}@%h",
            "--without-gossip",
            "--without-mingle",
            ready="ready.",
        )

    def beat(self) -> subprocess.Popen:
        schedule = self.tmp_path / "beat-schedule"
        return self.start("beat", f"--schedule={schedule}", ready="beat: Starting")

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process, _log in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)

    def logs(self) -> str:
        return "\n".join(log.read_text()[-2000:] for _p, log in self.processes)


@pytest.fixture
def celery(broker, tmp_path):
    processes = Celery(tmp_path)
    yield processes
    processes.stop_all()


def _overdue_for_signing(users, org, count: int) -> list[Matter]:
    """Matters dispatched to brigade 1 whose time to sign has passed an hour ago."""
    matters = []
    for number in range(count):
        matter = services.matter_receive(
            MatterDraft(
                title=f"工地夜间施工噪音 {number}",
                description="晚上11点后仍在施工。",
                channel=Channel.HOTLINE,
                kind=Kind.COMPLAINT,
                urgency=Urgency.NORMAL,
                reporter_phone="13912340001",
            ),
            actor=users.dispatcher,
        )
        matters.append(
            services.matter_dispatch(matter=matter, actor=users.dispatcher, lead_unit=org.brigade1)
        )
    Matter.objects.filter(pk__in=[m.pk for m in matters]).update(
        sign_deadline=timezone.now() - timedelta(hours=1)
    )
    return matters


def _wait_for(condition, seconds: float, what: str, celery: Celery) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen in {seconds} s\n{celery.logs()}")
        time.sleep(0.2)


def test_the_beat_fires_the_sweep_and_the_reminder_is_issued_once(celery, catalogue, users, org):
    (matter,) = _overdue_for_signing(users, org, 1)
    celery.worker("timers")
    celery.beat()
    notices = SupervisionNotice.objects.filter(matter=matter, kind=SupervisionNotice.Kind.REMINDER)
    _wait_for(notices.exists, 60, "the sign reminder", celery)
    time.sleep(5)  # two more beats at 2 s: the sweep runs again and finds nothing new
    assert notices.count() == 1
    reminders = Notification.objects.filter(recipient__unit=org.brigade1, title__startswith="催办")
    assert reminders.count() == org.brigade1.staff.count() >= 1  # one message each, once


@contextmanager
def _writes_held_back():
    """Hold the database's write lock (SQLite) or the notices table (PostgreSQL)."""
    if connection.vendor == "sqlite":
        blocker = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
    else:
        import psycopg

        db = connection.settings_dict
        with psycopg.connect(
            dbname=db["NAME"], user=db.get("USER") or None, host=db.get("HOST") or "127.0.0.1"
        ) as blocker:
            blocker.execute("LOCK TABLE loop_supervisionnotice IN EXCLUSIVE MODE")
            yield
            blocker.rollback()


def _send(task_name: str):
    """Publish on the drill's broker with an app of its own: the project's app keeps its
    connection pool once used, so changing its broker setting here would publish elsewhere."""
    from celery import Celery

    return Celery("drill", broker=BROKER, backend=BROKER).send_task(task_name)


def _a_writer_is_waiting() -> bool:
    """PostgreSQL shows a lock request not granted; SQLite shows nothing, so there the worker's
    log must say the task started and a moment is left for the sweep to reach its write."""
    if connection.vendor == "sqlite":
        time.sleep(2)
        return True
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db.get("USER") or None, host=db.get("HOST") or "127.0.0.1"
    ) as observer:
        return observer.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()[0] > 0


def test_a_worker_killed_mid_sweep_still_yields_exactly_one_reminder_each(
    celery, broker, catalogue, users, org
):
    matters = _overdue_for_signing(users, org, 40)
    first = celery.worker("first")
    notices = SupervisionNotice.objects.filter(kind=SupervisionNotice.Kind.REMINDER)
    with _writes_held_back():
        result = _send("longcheng.loop.tasks.loop_sweep_task")
        # Taken (held unacknowledged in Redis), then stuck on the lock in the middle of the sweep.
        _wait_for(lambda: broker.hlen("unacked") == 1, 60, "the worker taking the task", celery)
        _wait_for(_a_writer_is_waiting, 60, "the sweep reaching its first write", celery)
        assert notices.count() == 0
        celery.kill(first)
    assert notices.count() == 0  # nothing half-written by the killed worker
    assert broker.hlen("unacked") == 1  # the task: taken, not acknowledged, not lost

    celery.worker("second")  # finds the unacknowledged task after the visibility timeout
    outcome = result.get(timeout=90)
    assert outcome["sign_reminders"] == len(matters)
    assert notices.count() == len(matters)
    assert notices.values("matter").distinct().count() == len(matters)
