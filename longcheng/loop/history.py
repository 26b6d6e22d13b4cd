"""Matters closed before the platform: the loop's bulk writer for a historical load (the
imports app checks the rows; this writes them as archived matters with their receiving
event, COPY on PostgreSQL). The roll-ups are the caller's to add (`rollups.add_matter_counts`)."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from psycopg.types.json import Jsonb

from .models import Matter, MatterEvent
from .workflow import Status


class HistoricalMatter(NamedTuple):
    number: str
    title: str
    description: str
    channel: str
    kind: str
    category_id: int | None
    division_id: int | None
    lead_unit_id: int | None
    address: str
    received_at: datetime.datetime
    answered_at: datetime.datetime
    answer_text: str
    rating: str

    def as_matter(self) -> Matter:
        return Matter(
            **self._asdict(),
            dispatched_at=self.received_at,
            signed_at=self.received_at,
            rated_at=self.answered_at if self.rating else None,
            archived_at=self.answered_at,
            status=Status.ARCHIVED,
        )


def write_archived(
    items: list[HistoricalMatter], *, actor, note: str, source: dict, batch_size: int = 2000
) -> None:
    """Write archived matters and their receiving events, in the caller's transaction (an
    import writes every row or none). No state machine: these were closed elsewhere."""
    if connection.vendor == "postgresql":
        _copy(items, actor, note, source)
        return
    made = Matter.objects.bulk_create([item.as_matter() for item in items], batch_size=batch_size)
    MatterEvent.objects.bulk_create(
        [
            MatterEvent(
                matter=m,
                kind=MatterEvent.Kind.RECEIVED,
                at=m.received_at,
                actor=actor,
                to_status=m.status,
                note=note,
                data={**source, "channel": m.channel},
            )
            for m in made
        ],
        batch_size=batch_size,
    )


def _copy(items: list[HistoricalMatter], user, note: str, source: dict) -> None:
    """PostgreSQL: ids drawn from the table's sequence, then COPY of the matters and their
    events (an order of magnitude faster than INSERT for a historical load)."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('loop_matter', 'id')) "
            "FROM generate_series(1, %s)",
            [len(items)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(
            "COPY loop_matter (id, number, title, description, channel, kind, category_id, "
            "division_id, lead_unit_id, address, received_at, answered_at, answer_text, rating, "
            "dispatched_at, signed_at, rated_at, archived_at, status, urgency, anonymous, "
            "reporter_name, reporter_phone, reporter_phone_index, signed_late, answered_late, "
            "rating_defaulted, return_count, reopen_count, overdue, created_at, updated_at, "
            "version) FROM STDIN"
        ) as copy:
            for pk, item in zip(ids, items, strict=True):
                copy.write_row(
                    (
                        pk,
                        *item,
                        item.received_at,
                        item.received_at,
                        item.answered_at if item.rating else None,
                        item.answered_at,
                        Status.ARCHIVED.value,
                        "normal",
                        False,
                        "",
                        "",
                        "",
                        False,
                        False,
                        False,
                        0,
                        0,
                        False,
                        now,
                        now,
                        1,
                    )
                )
        data = Jsonb(source)
        with cursor.cursor.copy(
            "COPY loop_matterevent (matter_id, kind, at, actor_id, from_status, to_status, "
            "note, data) FROM STDIN"
        ) as copy:
            for pk, item in zip(ids, items, strict=True):
                copy.write_row(
                    (pk, "received", item.received_at, user.pk, "", "archived", note, data)
                )
