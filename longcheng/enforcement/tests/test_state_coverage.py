"""Nothing gets stuck: for every status a penalty case can be in, someone sees the case in a
work queue and its page offers them a step; a finished case stays readable. A status added
without a row here fails the first test."""

import pytest

from longcheng.enforcement.models import Case
from longcheng.enforcement.workflow import Status

# status -> (who acts, the queue they find it in, what the case must hold to be in that state)
RUNNING = {
    Status.LEAD: ("leader", "enforcement-filing", {}),
    Status.FILED: ("a", "enforcement-mine", {}),
    Status.NOTIFIED: ("a", "enforcement-mine", {}),
    Status.HEARING: ("c", "enforcement-hearing", {"hearing_chair": "c"}),
    Status.REVIEWING: ("reviewer", "enforcement-review", {}),
    Status.DECIDED: ("a", "enforcement-mine", {}),
    Status.SERVED: ("a", "enforcement-mine", {}),
    Status.ENFORCING: ("a", "enforcement-mine", {}),
}
FINISHED = {Status.NOT_FILED, Status.CLOSED}


def test_the_table_names_every_status():
    assert set(RUNNING) | FINISHED == set(Status.values)


@pytest.mark.parametrize("status", list(RUNNING))
def test_someone_finds_the_case_in_a_queue_and_can_act(status, filed, officers, login):
    who, queue, fields = RUNNING[status]
    values = {k: getattr(officers, v) for k, v in fields.items()}
    Case.objects.filter(pk=filed.pk).update(status=status, **values)
    client = login(getattr(officers, who))

    rows = client.get("/todo/", {"queue": queue}).context["rows"]
    assert filed.get_absolute_url() in [row.url for row in rows]
    page = client.get(filed.get_absolute_url()).content.decode()
    assert f'action="/enforcement/{filed.pk}/step/' in page


@pytest.mark.parametrize("status", sorted(FINISHED))
def test_a_finished_case_stays_readable_and_says_so(status, filed, officers, login):
    Case.objects.filter(pk=filed.pk).update(status=status)
    page = login(officers.leader).get(filed.get_absolute_url())
    assert page.status_code == 200
    assert page.context["next_step"]
