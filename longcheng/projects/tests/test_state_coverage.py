"""Nothing gets stuck: a month a project must report waits in its unit's 待报送 until reported,
and a yellow or red month waits as a supervision matter in the lead unit's inbox until it is
answered. A colour added without a row here fails the table's test."""

from decimal import Decimal

import pytest

from longcheng.loop.selectors import Box, inbox_queryset
from longcheng.projects import services
from longcheng.projects.models import TrafficLightSupervision
from longcheng.projects.workflow import Colour

# colour of the month -> the inbox tab its supervision matter waits in (None: nothing to do)
COLOURS = {Colour.GREEN: None, Colour.YELLOW: Box.TO_SIGN, Colour.RED: Box.TO_SIGN}
# By August, 66.7 % of the 1,200 planned should be done.
AUGUST = {Colour.GREEN: 720, Colour.YELLOW: 500, Colour.RED: 100}


def test_the_table_names_every_colour():
    assert set(COLOURS) == set(Colour.values)


def _queue(client):
    return {q.key: q for q in client.get("/todo/").context["queues"]}["projects-report"]


@pytest.mark.parametrize("colour", list(COLOURS))
def test_a_month_waits_for_its_report_then_for_its_supervision(colour, project, users, login):
    client = login(users.clerk1)
    assert [project.code in r.title for r in _queue(client).rows()] == [True]

    services.report_submit(
        actor=users.clerk1,
        project=project,
        year=2023,
        month=8,
        investment=Decimal(AUGUST[colour]),
        progress="主体施工",
    )
    assert _queue(client).count == 0
    supervision = TrafficLightSupervision.objects.filter(project=project, year=2023, month=8)
    if COLOURS[colour] is None:
        assert not supervision.exists()
        return
    matter = supervision.get().matter
    assert matter in inbox_queryset(users.clerk1, COLOURS[colour])
