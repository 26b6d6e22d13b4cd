"""A large import as the clerk sees it: the batch page shows the background job's progress and
turns into the result by itself when the job ends (htmx polling, no reload by hand)."""

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from longcheng.accounts.models import User
from longcheng.imports import pipeline
from longcheng.imports.models import ImportBatch

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def test_the_batch_page_follows_the_job_to_its_end(page):
    cache.clear()
    dispatcher = User.objects.get(username="dispatcher")
    batch = ImportBatch.objects.create(
        kind="matters",
        file_name="2023年8月热线工单.xlsx",
        status=ImportBatch.Status.CHECKING,
        created_by=dispatcher,
        running_for=dispatcher,
        job_heartbeat_at=timezone.now(),
    )
    pipeline._reporter(batch.pk)(48000)
    sign_in(page, "dispatcher")
    page.goto(f"{page.base}/imports/{batch.pk}/")
    expect(page.get_by_test_id("progress-rows")).to_contain_text("已检查 48000 行")
    pipeline._reporter(batch.pk)(96000)
    expect(page.get_by_test_id("progress-rows")).to_contain_text("已检查 96000 行")
    shot(page, "import-progress.png")
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.CHECKED, total_rows=96000, running_for=None
    )
    expect(page.get_by_test_id("commit")).to_contain_text("96000 行全部正确", timeout=10000)
    expect(page.get_by_test_id("progress")).to_have_count(0)
