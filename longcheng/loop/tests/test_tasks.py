"""The timers as a background task, in process. Through real Celery worker and beat processes
on Redis (both databases, killed workers included): tests/celery_worker/."""

import pytest

from longcheng.loop import services
from longcheng.loop.models import SupervisionNotice
from longcheng.loop.tasks import loop_sweep_task
from tests.fixtures.loop import at


def _signed(dispatched, users):
    return services.matter_sign(matter=dispatched(), actor=users.clerk1)


@pytest.mark.django_db
def test_the_sweep_task_runs_in_process(dispatched, users, clock):
    matter = _signed(dispatched, users)
    clock.to(at(2023, 10, 19, 9, 0))
    result = loop_sweep_task.apply().get()
    assert result["overdue"] == 1
    assert SupervisionNotice.objects.filter(matter=matter, kind="overdue").count() == 1
