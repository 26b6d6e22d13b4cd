"""Two clerks acting on one matter at once: exactly one wins, the other is told.

Real concurrent connections on both databases: on PostgreSQL the row lock and the version
decide; on SQLite the IMMEDIATE transactions (config.settings) queue the writers and the version
check tells every one after the first that it acted on a stale matter."""

import threading

import pytest
from django.db import connections

from longcheng.core.errors import ConcurrentEditError
from longcheng.loop import services
from longcheng.loop.models import Matter, MatterEvent
from longcheng.loop.workflow import Status

pytestmark = pytest.mark.django_db(transaction=True)


def _race(workers: int, act) -> list:
    barrier = threading.Barrier(workers)
    outcomes: list = [None] * workers

    def run(i):
        try:
            barrier.wait()
            act(i)
            outcomes[i] = "won"
        except ConcurrentEditError:
            outcomes[i] = "stale"
        except services.TransitionRefused:
            outcomes[i] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_concurrent_sign_and_return_exactly_one_wins(dispatched, users):
    for _round in range(10):
        matter = dispatched()
        version = matter.version

        def act(i, matter=matter, version=version):
            fresh = Matter.objects.get(pk=matter.pk)
            if i % 2:
                services.matter_sign(matter=fresh, actor=users.clerk1, expected_version=version)
            else:
                services.matter_return(
                    matter=fresh,
                    actor=users.clerk1,
                    reason="非本单位职责",
                    expected_version=version,
                )

        outcomes = _race(6, act)
        assert outcomes.count("won") == 1
        assert set(outcomes) <= {"won", "stale"}
        final = Matter.objects.get(pk=matter.pk)
        assert final.status in (Status.SIGNED, Status.RETURNED)
        assert final.version == version + 1
        kinds = set(final.events.values_list("kind", flat=True))
        assert len(kinds & {MatterEvent.Kind.SIGNED, MatterEvent.Kind.RETURNED}) == 1


def test_concurrent_numbers_never_collide(receive):
    numbers = []

    def act(i):
        numbers.append(receive().number)

    assert _race(8, act).count("won") == 8
    assert len(set(numbers)) == 8
