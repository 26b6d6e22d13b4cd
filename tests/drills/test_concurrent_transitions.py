"""Reliability drill: many clerks act on one matter at the same moment.

Each round, LONGCHENG_DRILL_THREADS threads (default 50) all read the matter at the same
version and then, released together, attempt conflicting transitions (sign against return,
suspend against progress …), each with that version. Over LONGCHENG_DRILL_ROUNDS rounds
(default 200) on whichever database the suite runs on (SQLite in `make test`, PostgreSQL in
`make test-pg`): exactly one winner per round, every loser refused in plain words (never a
database error), no lost update (the version rises by one per round and one event is written
per win), and replaying the event log gives the matter's final state."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from longcheng.core.errors import LongchengError
from longcheng.loop import services
from longcheng.loop.models import Matter, MatterEvent
from longcheng.loop.workflow import Status

THREADS = int(os.environ.get("LONGCHENG_DRILL_THREADS", 50))
ROUNDS = int(os.environ.get("LONGCHENG_DRILL_ROUNDS", 200))


def _contenders(status: str, users, org):
    """The conflicting attempts a round offers in this state, as f(matter, version)."""
    lead, dispatcher = users.clerk1, users.dispatcher
    if status == Status.DISPATCHED:
        return [
            lambda m, v: services.matter_sign(matter=m, actor=lead, expected_version=v),
            lambda m, v: services.matter_return(
                matter=m, actor=lead, reason="不属于本单位职责", expected_version=v
            ),
        ]
    if status == Status.RETURNED:
        return [
            lambda m, v: services.matter_dispatch(
                matter=m,
                actor=dispatcher,
                lead_unit=org.brigade1,
                redispatch=True,
                note="请直属一大队办理",
                expected_version=v,
            )
        ]
    if status == Status.SUSPENDED:
        return [lambda m, v: services.matter_resume(matter=m, actor=dispatcher, expected_version=v)]
    return [  # signed or in progress
        lambda m, v: services.matter_suspend(
            matter=m, actor=dispatcher, reason="等待鉴定结果", expected_version=v
        ),
        lambda m, v: services.matter_add_progress(
            matter=m, actor=lead, text="已到现场核查", expected_version=v
        ),
    ]


def _round(pk: int, contenders, pool) -> tuple[int, list[str]]:
    """One round; returns the number of winners and the unexpected errors."""
    version = Matter.objects.get(pk=pk).version
    barrier = threading.Barrier(THREADS)

    def attempt(index: int):
        try:
            own_copy = Matter.objects.get(pk=pk)  # read before the start, as a clerk's page
            barrier.wait()
            contenders[index % len(contenders)](own_copy, version)
            return "won"
        except LongchengError:
            return "refused"
        except Exception as exc:  # a database error is a failure of the drill
            return f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()

    outcomes = list(pool.map(attempt, range(THREADS)))
    return outcomes.count("won"), [o for o in outcomes if o not in ("won", "refused")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("clock")  # 2023, a known calendar
def test_one_winner_per_round_no_lost_update_and_the_log_replays(dispatched, users, org):
    matter = dispatched()
    start_version = Matter.objects.get(pk=matter.pk).version
    start_events = MatterEvent.objects.filter(matter=matter).count()
    rounds_without_one_winner, errors = [], []
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for number in range(ROUNDS):
            status = Matter.objects.get(pk=matter.pk).status
            winners, unexpected = _round(matter.pk, _contenders(status, users, org), pool)
            if winners != 1:
                rounds_without_one_winner.append((number, status, winners))
            errors.extend(unexpected)
    assert not errors, errors[:5]
    assert not rounds_without_one_winner, rounds_without_one_winner[:5]

    final = Matter.objects.get(pk=matter.pk)
    assert final.version == start_version + ROUNDS  # one write per round, none lost
    events = list(MatterEvent.objects.filter(matter=matter).order_by("id"))
    # A matter returned twice raises one 派单争议 after the commit (routing): a record beside
    # the transitions, not one of them.
    transitions = [e for e in events if e.kind != MatterEvent.Kind.DISPUTE_RAISED]
    assert len(transitions) == start_events + ROUNDS  # one event per win, none doubled
    assert len(events) - len(transitions) <= 1  # at most one open dispute per matter
    state = ""
    for event in events:  # replay: each transition starts where the previous one ended
        if event.from_status:
            assert event.from_status == state, (event.kind, event.from_status, state)
        state = event.to_status
    assert state == final.status
