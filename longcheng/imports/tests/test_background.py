"""Imports run as background jobs (issue 23, item 6): the page shows progress, one import per
person runs at a time, a dead job frees its slot, and the thread of the embedded demo really
runs the work after the upload's transaction."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from longcheng.imports import pipeline, services
from longcheng.imports.models import ImportBatch
from longcheng.loop.models import Matter

from .test_imports import (
    columns,
    matter_row,
    xlsx,
)


def _running(user, minutes_ago=0, status=ImportBatch.Status.CHECKING):
    return ImportBatch.objects.create(
        kind="matters",
        file_name="big.xlsx",
        status=status,
        created_by=user,
        running_for=user,
        job_heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


@pytest.mark.django_db
def test_one_running_import_per_person(users, road):
    running = _running(users.dispatcher)
    upload = xlsx(columns("matters"), [matter_row("P1")])
    with pytest.raises(pipeline.ImportRefused, match=f"批次 {running.pk}"):
        services.import_start_check(user=users.dispatcher, kind="matters", upload=upload)
    assert ImportBatch.objects.count() == 1
    # The commit of another, checked batch waits as well.
    checked = ImportBatch.objects.create(
        kind="matters", file_name="x.xlsx", status="checked", created_by=users.dispatcher
    )
    with pytest.raises(pipeline.ImportRefused, match="正在进行"):
        services.import_start_commit(user=users.dispatcher, batch=checked)


@pytest.mark.django_db
def test_a_dead_job_frees_the_slot_and_says_so(users, road):
    dead = _running(users.dispatcher, minutes_ago=20)
    upload = xlsx(columns("matters"), [matter_row("P1")])
    batch = services.import_start_check(user=users.dispatcher, kind="matters", upload=upload)
    batch.refresh_from_db()
    dead.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED and batch.running_for is None
    assert dead.status == ImportBatch.Status.REJECTED and dead.running_for is None
    assert "后台任务中断" in dead.errors[0]["message"]


@pytest.mark.django_db
def test_the_page_polls_the_progress_until_the_job_ends(login, users):
    batch = _running(users.dispatcher)
    pipeline._reporter(batch.pk)(1200)
    client = login(users.dispatcher)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'data-testid="progress"' in page and "已检查 1200 行" in page
    partial = client.get(f"/imports/{batch.pk}/progress/")
    assert "已检查 1200 行" in partial.content.decode() and "HX-Refresh" not in partial
    ImportBatch.objects.filter(pk=batch.pk).update(status="checked", running_for=None)
    done = client.get(f"/imports/{batch.pk}/progress/")
    assert done["HX-Refresh"] == "true"
    assert login(users.clerk2).get(f"/imports/{batch.pk}/progress/").status_code in (403, 404)


@pytest.mark.django_db(transaction=True)
def test_the_demo_thread_checks_and_writes_after_the_upload(settings, login, users, road):
    settings.LONGCHENG_TIMERS = "inprocess"
    client = login(users.dispatcher)
    upload = xlsx(columns("matters"), [matter_row("T1"), matter_row("T2")])
    client.post("/imports/", {"kind": "matters", "file": upload})
    batch = ImportBatch.objects.get()
    batch = _wait(batch, "checked")
    client.post(f"/imports/{batch.pk}/", {"confirm": "1"})
    _wait(batch, "committed")
    assert Matter.objects.count() == 2


def _wait(batch, status, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status == status:
            return batch
        time.sleep(0.1)
    raise AssertionError(f"batch stayed {batch.status}")
