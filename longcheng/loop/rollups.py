"""Incremental roll-ups for the cockpit (ADR 0014).

Every change to a matter or a counted event adds to, or moves between, rows of `MatterTally`
and `UnitDayTally` in the same transaction, with one upsert (INSERT … ON CONFLICT … DO UPDATE
SET n = n + excluded.n, the same SQL on PostgreSQL and SQLite). A cockpit panel therefore reads
a few hundred tally rows instead of scanning millions of matters, and is exact the moment the
change commits. `rebuild()` recomputes both tables from the source rows (after a bulk import
or to repair), `differences()` compares them with the source (the scheduled check)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from .models import Matter, MatterEvent, MatterTally, UnitDayTally
from .workflow import Rating

E = MatterEvent.Kind
D = MatterTally.Dimension

# (month, division_id, lead_unit_id, dimension, key)
TallyKey = tuple[datetime.date, int, int, str, str]

UNIT_MEASURES = [
    "dispatched",
    "signed",
    "signed_on_time",
    "returned",
    "answered",
    "answered_on_time",
    "working_days",
    "rated",
    "satisfied",
    "resolved",
    "reopened",
    "overdue",
    "supervised",
]


def _month(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


def tally_keys(
    *, received_at, division_id, lead_unit_id, status, channel, category_id, kind
) -> list[TallyKey]:
    """The tally rows one matter counts in."""
    base = (_month(received_at), division_id or 0, lead_unit_id or 0)
    return [
        (*base, D.STATUS.value, status),
        (*base, D.CHANNEL.value, channel),
        (*base, D.CATEGORY.value, str(category_id or 0)),
        (*base, D.KIND.value, kind),
    ]


def matter_keys(matter: Matter) -> list[TallyKey]:
    return tally_keys(
        received_at=matter.received_at,
        division_id=matter.division_id,
        lead_unit_id=matter.lead_unit_id,
        status=matter.status,
        channel=matter.channel,
        category_id=matter.category_id,
        kind=matter.kind,
    )


def _upsert(table: str, key_columns: list[str], value_columns: list[str], rows: list[tuple]):
    """Add each row's values to the row with its key (created at zero when missing)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [*key_columns, *value_columns])
    placeholder = "(" + ", ".join(["%s"] * (len(key_columns) + len(value_columns))) + ")"
    conflict = ", ".join(quote(c) for c in key_columns)
    add = ", ".join(
        f"{quote(c)} = {quote(table)}.{quote(c)} + excluded.{quote(c)}" for c in value_columns
    )
    # Sorted so that two transactions touch shared rows in the same order (no deadlock).
    rows = sorted(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            # Table and column names come from the models; every value is a parameter.
            sql = (
                f"INSERT INTO {quote(table)} ({columns}) VALUES "  # noqa: S608
                f"{', '.join([placeholder] * len(chunk))} "
                f"ON CONFLICT ({conflict}) DO UPDATE SET {add}"
            )
            cursor.execute(
                sql,
                [value for row in chunk for value in row],
            )


def add_matter_counts(counts: Counter) -> None:
    rows = [(*key, n) for key, n in counts.items() if n]
    _upsert(
        MatterTally._meta.db_table,
        ["month", "division_id", "lead_unit_id", "dimension", "key"],
        ["n"],
        rows,
    )


def matter_added(matter: Matter) -> None:
    add_matter_counts(Counter(matter_keys(matter)))


def matter_changed(before: list[TallyKey], matter: Matter) -> None:
    after = matter_keys(matter)
    if before == after:
        return
    counts: Counter = Counter()
    counts.update(after)
    counts.subtract(before)
    add_matter_counts(counts)


def stored_keys(pk: int) -> list[TallyKey]:
    return matter_keys(Matter.objects.get(pk=pk))


def event_measures(event: MatterEvent) -> dict[str, int]:
    """What one event adds to its unit's day (docs/metrics.md)."""
    data = event.data or {}
    kind = event.kind
    if kind in (E.DISPATCHED, E.REDISPATCHED):
        return {"dispatched": 1}
    if kind == E.SIGNED:
        return {"signed": 1, "signed_on_time": int(data.get("late") is False)}
    if kind == E.RETURNED:
        return {"returned": 1}
    if kind == E.ANSWERED:
        return {
            "answered": 1,
            "answered_on_time": int(data.get("late") is False),
            "working_days": int(data.get("working_days", 0)),
        }
    if kind == E.RATED:
        return {
            "rated": 1,
            "satisfied": int(data.get("rating") in (Rating.SATISFIED, Rating.BASICALLY)),
            "resolved": int(data.get("resolved") is True),
        }
    if kind == E.REOPENED:
        return {"reopened": 1}
    if kind == E.OVERDUE:
        return {"overdue": 1}
    if kind in (E.SUPERVISION, E.ESCALATION):
        return {"supervised": 1}
    return {}


def add_unit_days(rows: Iterable[tuple[datetime.date, int, dict[str, int]]]) -> None:
    table = [
        (day, unit_id, *(measures.get(m, 0) for m in UNIT_MEASURES))
        for day, unit_id, measures in rows
    ]
    _upsert(UnitDayTally._meta.db_table, ["day", "unit_id"], UNIT_MEASURES, table)


def event_recorded(event: MatterEvent) -> None:
    if event.unit_id is None:
        return
    measures = event_measures(event)
    if measures:
        add_unit_days([(timezone.localdate(event.at), event.unit_id, measures)])


# — Recomputing from the source rows —


def matter_counts(matters: QuerySet[Matter]) -> Counter:
    counts: Counter = Counter()
    grouped = matters.annotate(m=TruncMonth("received_at")).values(
        "m", "division_id", "lead_unit_id"
    )
    for dimension, field in (
        (D.STATUS, "status"),
        (D.CHANNEL, "channel"),
        (D.CATEGORY, "category_id"),
        (D.KIND, "kind"),
    ):
        for row in grouped.values("m", "division_id", "lead_unit_id", field).annotate(
            n=Count("id")
        ):
            month = row["m"].date() if isinstance(row["m"], datetime.datetime) else row["m"]
            key = (
                month,
                row["division_id"] or 0,
                row["lead_unit_id"] or 0,
                dimension.value,
                str(row[field] or 0) if field == "category_id" else row[field],
            )
            counts[key] += row["n"]
    return counts


def _late_is(value: bool) -> Q:
    return Q(data__late=value)


def unit_day_counts(events: QuerySet[MatterEvent]) -> dict[tuple[datetime.date, int], dict]:
    working_days = Cast(KeyTextTransform("working_days", "data"), IntegerField())
    rows = (
        events.filter(unit__isnull=False)
        .annotate(d=TruncDate("at"))
        .values("d", "unit_id")
        .annotate(
            dispatched=Count("id", filter=Q(kind__in=[E.DISPATCHED, E.REDISPATCHED])),
            signed=Count("id", filter=Q(kind=E.SIGNED)),
            signed_on_time=Count("id", filter=Q(kind=E.SIGNED) & _late_is(False)),
            returned=Count("id", filter=Q(kind=E.RETURNED)),
            answered=Count("id", filter=Q(kind=E.ANSWERED)),
            answered_on_time=Count("id", filter=Q(kind=E.ANSWERED) & _late_is(False)),
            working_days=Coalesce(Sum(working_days, filter=Q(kind=E.ANSWERED)), 0),
            rated=Count("id", filter=Q(kind=E.RATED)),
            satisfied=Count(
                "id", filter=Q(kind=E.RATED, data__rating__in=[Rating.SATISFIED, Rating.BASICALLY])
            ),
            resolved=Count("id", filter=Q(kind=E.RATED, data__resolved=True)),
            reopened=Count("id", filter=Q(kind=E.REOPENED)),
            overdue=Count("id", filter=Q(kind=E.OVERDUE)),
            supervised=Count("id", filter=Q(kind__in=[E.SUPERVISION, E.ESCALATION])),
        )
    )
    out = {}
    for row in rows:
        measures = {m: row[m] for m in UNIT_MEASURES}
        if any(measures.values()):
            out[(row["d"], row["unit_id"])] = measures
    return out


def add_source_rows(matters: QuerySet[Matter], events: QuerySet[MatterEvent]) -> None:
    """Count rows written in bulk (an import) that the per-change hooks did not see."""
    add_matter_counts(matter_counts(matters))
    add_unit_days((day, unit, m) for (day, unit), m in unit_day_counts(events).items())


def _lock_tallies() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (MatterTally, UnitDayTally):
                cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")


def rebuild() -> tuple[int, int]:
    """Recompute both tallies from matters and events; writers wait meanwhile."""
    with transaction.atomic():
        _lock_tallies()
        MatterTally.objects.all().delete()
        UnitDayTally.objects.all().delete()
        add_source_rows(Matter.objects.all(), MatterEvent.objects.all())
        return MatterTally.objects.count(), UnitDayTally.objects.count()


def differences(limit: int = 20) -> list[str]:
    """Where the tallies disagree with the source rows (empty when they are exact)."""
    problems = []
    expected = {k: n for k, n in matter_counts(Matter.objects.all()).items() if n}
    stored = {
        (t.month, t.division_id, t.lead_unit_id, t.dimension, t.key): t.n
        for t in MatterTally.objects.all()
        if t.n
    }
    for key in sorted(set(expected) | set(stored), key=str):
        if expected.get(key, 0) != stored.get(key, 0):
            problems.append(f"matter {key}: {stored.get(key, 0)} ≠ {expected.get(key, 0)}")
    expected_days = unit_day_counts(MatterEvent.objects.all())
    for tally in UnitDayTally.objects.all():
        measures = {m: getattr(tally, m) for m in UNIT_MEASURES}
        want = expected_days.pop((tally.day, tally.unit_id), dict.fromkeys(UNIT_MEASURES, 0))
        if measures != want:
            problems.append(f"unit {tally.unit_id} {tally.day}: {measures} ≠ {want}")
    problems.extend(f"unit {u} {d}: missing" for (d, u) in expected_days)
    return problems[:limit]
