"""Nothing gets stuck: for every status a matter can be in, someone finds it in a tab of their
inbox and its page offers them an action; a matter merged into another or archived stays
readable. A status added without a row here fails the first test."""

import pytest
from django.urls import reverse

from longcheng.loop.models import Matter
from longcheng.loop.selectors import Box, inbox_queryset
from longcheng.loop.workflow import Status

# status -> (who acts, the inbox tab they find it in)
RUNNING = {
    Status.RECEIVED: ("dispatcher", Box.TO_DISPATCH),
    Status.DISPATCHED: ("clerk1", Box.TO_SIGN),
    Status.RETURNED: ("dispatcher", Box.RETURNED),
    Status.SIGNED: ("clerk1", Box.HANDLING),
    Status.IN_PROGRESS: ("clerk1", Box.HANDLING),
    Status.REOPENED: ("clerk1", Box.HANDLING),
    Status.SUSPENDED: ("dispatcher", Box.HANDLING),
    Status.ANSWERED: ("dispatcher", Box.CALLBACK),
    Status.CLOSED: ("dispatcher", Box.DONE),  # to be archived
}
FINISHED = {Status.ARCHIVED, Status.MERGED}


def test_the_table_names_every_status():
    assert set(RUNNING) | FINISHED == set(Status.values)


@pytest.mark.parametrize("status", list(RUNNING))
def test_someone_finds_the_matter_in_a_tab_and_can_act(status, dispatched, users, login):
    matter = dispatched()
    Matter.objects.filter(pk=matter.pk).update(status=status)
    user = getattr(users, RUNNING[status][0])

    assert matter in inbox_queryset(user, RUNNING[status][1])
    page = login(user).get(reverse("loop:matter_detail", args=[matter.pk])).content.decode()
    assert f'action="{reverse("loop:matter_detail", args=[matter.pk])}act/' in page


@pytest.mark.parametrize("status", sorted(FINISHED))
def test_a_finished_matter_stays_readable(status, dispatched, users, login):
    matter = dispatched()
    Matter.objects.filter(pk=matter.pk).update(status=status)
    page = login(users.dispatcher).get(reverse("loop:matter_detail", args=[matter.pk]))
    assert page.status_code == 200
