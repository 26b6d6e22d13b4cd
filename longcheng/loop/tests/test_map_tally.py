"""The map's per-cell tally (ADR 0025): the triggers keep it exact through every kind of write
(the services, a bulk UPDATE, a deletion), and a map read from it shows exactly what counting
the matters shows — for the default, overdue-only and period filters, at every zoom it serves,
on either side of midnight (today's deadlines and the period's first day are the edges)."""

import datetime
import random
from decimal import Decimal

import pytest

from longcheng.loop import map_selectors, map_tally, services
from longcheng.loop.map_cells import BAND_DONE, LEVELS, NEVER
from longcheng.loop.map_selectors import MapFilters, Viewport, map_data, tally_level
from longcheng.loop.models import MapCellTally, Matter
from longcheng.loop.workflow import HANDLING, Status
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db

VIEWS = [
    Viewport(111.4, 37.3, 113.3, 38.5, zoom=9),  # the city
    Viewport(112.3, 37.6, 112.9, 38.0, zoom=10),
    Viewport(112.5, 37.75, 112.62, 37.9, zoom=12),  # a district
    Viewport(110.0, 36.0, 115.0, 40.0, zoom=6),  # the province: the first level added up
]
FILTERS = [
    MapFilters(),  # open, received in the last 90 days
    MapFilters(overdue=True),
    MapFilters(days=7),
    MapFilters(days=0),
    MapFilters(days=30, overdue=True),
    MapFilters(scope="all"),  # 全部可见事项: closed ones too
    MapFilters(scope="all", days=0),
]


def _scatter(receive, now: datetime.datetime, count: int, seed: int) -> list[Matter]:
    """Matters of every status around 小店区 and 迎泽区, received over four months, with
    deadlines before, on and after today; a few without a point. Written by bulk UPDATEs,
    which no service sees: the triggers must."""
    rng = random.Random(seed)
    statuses = [s for s in Status.values if s != Status.MERGED]
    made = []
    for i in range(count):
        matter = receive()
        received = now - datetime.timedelta(minutes=rng.randrange(0, 120 * 24 * 60))
        deadline = received + datetime.timedelta(hours=rng.randrange(0, 30 * 24))
        status = rng.choice(statuses)
        if i % 4 == 0:  # being handled, due today or tomorrow, some hours either side of now
            status = rng.choice(sorted(HANDLING))
            deadline = now + datetime.timedelta(minutes=rng.randrange(-10 * 60, 40 * 60))
        placed = i % 9 != 0
        Matter.objects.filter(pk=matter.pk).update(
            status=status,
            received_at=received,
            handle_deadline=deadline if i % 7 else None,
            latitude=Decimal(f"{rng.gauss(37.85, 0.05):.6f}") if placed else None,
            longitude=Decimal(f"{rng.gauss(112.57, 0.06):.6f}") if placed else None,
        )
        made.append(matter)
    return made


def _shown(data) -> tuple:
    clusters = sorted((c["lat"], c["lng"], c["count"], c["overdue"]) for c in data.clusters)
    points = sorted((p["id"], p["overdue"]) for p in data.points)
    return data.in_view, clusters, points


@pytest.mark.parametrize(
    "moment",
    [
        at(2023, 9, 25, 9, 0),
        at(2023, 9, 25, 23, 59, 59),  # the last second of a day…
        at(2023, 9, 26, 0, 0, 1),  # …and the first of the next: today's deadlines change
    ],
)
def test_the_map_from_the_tally_shows_what_counting_the_matters_shows(
    monkeypatch, clock, receive, users, moment
):
    _scatter(receive, at(2023, 9, 25, 9, 0), count=70, seed=7)
    assert map_tally.differences() == []
    clock.to(moment)
    monkeypatch.setattr(map_selectors, "POINTS_BELOW", 0)  # clusters, however few
    compared = 0
    for viewport in VIEWS:
        for filters in FILTERS:
            assert tally_level(users.dispatcher, filters, viewport) is not None
            from_tally = map_data(users.dispatcher, filters, viewport)
            with monkeypatch.context() as live:
                live.setattr(map_selectors, "tally_level", lambda *args: None)
                counted = map_data(users.dispatcher, filters, viewport)
            assert _shown(from_tally) == _shown(counted), (viewport, filters)
            compared += from_tally.in_view
    assert compared > 100  # the views held matters to compare


def test_the_tally_serves_only_the_dispatch_centres_open_matters(users, catalogue):
    city = VIEWS[0]
    assert tally_level(users.dispatcher, MapFilters(), city) == LEVELS[1]
    streets = Viewport(112.5, 37.8, 112.6, 37.9, zoom=15)
    assert tally_level(users.dispatcher, MapFilters(), streets) is None
    assert tally_level(users.dispatcher, MapFilters(scope="all", days=0), city) == LEVELS[1]
    for narrowed in (
        MapFilters(scope="to_sign"),
        MapFilters(status="dispatched"),
        MapFilters(category=str(catalogue["noise"].pk)),
    ):
        assert tally_level(users.dispatcher, narrowed, city) is None
    assert tally_level(users.clerk1, MapFilters(), city) is None  # a unit's own matters


def test_every_write_moves_the_tally_and_a_row_at_zero_is_gone(receive, users, org, clock):
    def placed():
        return sum(MapCellTally.objects.filter(level=LEVELS[0]).values_list("n", flat=True))

    matter = receive(latitude=Decimal("37.850000"), longitude=Decimal("112.560000"))
    assert placed() == 1
    matter = services.matter_dispatch(
        matter=matter, actor=users.dispatcher, lead_unit=org.brigade1, assisting_units=[]
    )
    matter = services.matter_sign(matter=matter, actor=users.clerk1)
    row = MapCellTally.objects.get(level=LEVELS[0])
    assert (row.n, row.band, row.lat_sum) == (1, 0, 37_850_000)  # being handled, its deadline day
    assert row.deadline_day == matter.handle_deadline.astimezone(at(2023, 1, 1).tzinfo).date()
    Matter.objects.filter(pk=matter.pk).update(latitude=Decimal("37.950000"))  # moved by hand
    assert MapCellTally.objects.get(level=LEVELS[0]).lat_sum == 37_950_000
    Matter.objects.filter(pk=matter.pk).update(status=Status.CLOSED)
    row = MapCellTally.objects.get(level=LEVELS[0])  # the old row gone at zero, a new one
    assert (row.n, row.band, row.deadline_day) == (1, BAND_DONE, NEVER)
    Matter.objects.filter(pk=matter.pk).update(status=Status.REOPENED)
    assert MapCellTally.objects.get(level=LEVELS[0]).band == 0
    Matter.objects.filter(pk=matter.pk).update(latitude=None)
    assert not MapCellTally.objects.exists()  # without a point, on no map
    Matter.objects.filter(pk=matter.pk).update(latitude=Decimal("37.950000"))
    assert placed() == 1
    Matter.objects.filter(pk=matter.pk).delete()
    assert not MapCellTally.objects.exists()
    assert map_tally.differences() == []


def test_a_rebuild_recounts_what_the_triggers_kept(receive, clock):
    _scatter(receive, at(2023, 9, 25, 9, 0), count=25, seed=3)
    kept = map_tally.stored()
    MapCellTally.objects.update(n=99)
    assert map_tally.differences()  # the check names the drift
    assert map_tally.rebuild() == len(kept)
    assert map_tally.stored() == kept and map_tally.differences() == []
