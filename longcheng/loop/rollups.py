"""Incremental roll-ups for the cockpit (ADR 0014).

Every change to a matter or a counted event adds to, or moves between, rows of `MatterTally`
and `UnitDayTally` in the same transaction, with one upsert (INSERT … ON CONFLICT … DO UPDATE
SET n = n + excluded.n, the same SQL on PostgreSQL and SQLite). A cockpit panel therefore reads
a few hundred tally rows instead of scanning millions of matters, and is exact the moment the
change commits. `rebuild()` recomputes both tables from the source rows (after a bulk import
or to repair), `differences()` compares them with the source (the scheduled check), and the
map's cell tally with them (loop.map_tally, kept by triggers; `loop_rollups --rebuild` recounts
it too)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from . import map_tally
from .models import Matter, MatterEvent, MatterTally, UnitDayTally
from .workflow import Rating, metric_scope_of

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
    "due",
    "due_on_time",
    "working_days",
    "rated",
    "satisfied",
    "resolved",
    "rated_default",
    "reopened",
    "overdue",
    "supervised",
    "response_due",
    "responded_on_time",
    "unreasonable",
]

# (day, unit_id, scope) -> measures
UnitDayKey = tuple[datetime.date, int, str]


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


def _counted_rating(data: dict) -> dict[str, int]:
    """A rating the citizen gave counts in 满意率 and 解决率; a defaulted one only as such,
    and one on a certified unreasonable appeal not at all."""
    if data.get("unreasonable"):
        return {}
    if data.get("defaulted"):
        return {"rated_default": 1}
    return {
        "rated": 1,
        "satisfied": int(data.get("rating") in (Rating.SATISFIED, Rating.BASICALLY)),
        "resolved": int(data.get("resolved") is True),
    }


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def event_rows(event: MatterEvent) -> list[tuple[datetime.date, dict[str, int]]]:
    """What one event adds to its unit's days (docs/metrics.md). Most measures count on the
    event's own day; a deadline counts on the deadline's day, a response on the dispatch's."""
    data = event.data or {}
    kind = event.kind
    today = timezone.localdate(event.at)
    rows: list[tuple[datetime.date, dict[str, int]]] = []
    if kind in (E.DISPATCHED, E.REDISPATCHED) and not data.get("self_assigned"):
        rows.append((today, {"dispatched": 1, "response_due": int(bool(data.get("response_due")))}))
    elif kind == E.SIGNED and not data.get("self_assigned"):
        rows.append((today, {"signed": 1, "signed_on_time": int(data.get("late") is False)}))
    elif kind == E.RETURNED:
        rows.append((today, {"returned": 1}))
    elif kind == E.ANSWERED:
        rows.append((today, {"answered": 1, "working_days": int(data.get("working_days", 0))}))
    elif kind == E.RATED:
        rows.append((today, _counted_rating(data)))
    elif kind == E.REOPENED:
        rows.append((today, {"reopened": 1}))
    elif kind == E.OVERDUE:
        rows.append((today, {"overdue": 1}))
    elif kind in (E.SUPERVISION, E.ESCALATION):
        rows.append((today, {"supervised": 1}))
    elif kind == E.UNREASONABLE_CERTIFIED:
        rows.append((today, {"unreasonable": 1}))
    if data.get("due_day"):
        rows.append(
            (_day(data["due_day"]), {"due": 1, "due_on_time": int(bool(data.get("due_on_time")))})
        )
    if data.get("response_day") and data.get("responded_on_time"):
        rows.append((_day(data["response_day"]), {"responded_on_time": 1}))
    return [(day, measures) for day, measures in rows if any(measures.values())]


def add_unit_days(rows: Iterable[tuple[datetime.date, int, str, dict[str, int]]]) -> None:
    # One row per key: an upsert may not touch the same row twice (PostgreSQL refuses), and an
    # answer on its deadline's day counts the answer and the deadline in the same row.
    merged: dict[UnitDayKey, Counter] = {}
    for day, unit_id, scope, measures in rows:
        merged.setdefault((day, unit_id, scope), Counter()).update(measures)
    table = [
        (day, unit_id, scope, *(measures.get(m, 0) for m in UNIT_MEASURES))
        for (day, unit_id, scope), measures in merged.items()
    ]
    _upsert(UnitDayTally._meta.db_table, ["day", "unit_id", "scope"], UNIT_MEASURES, table)


def _withdrawn_ratings(event: MatterEvent) -> list[tuple[datetime.date, int, dict[str, int]]]:
    """Certifying an appeal unreasonable takes its earlier ratings back out of the figures."""
    rows = []
    earlier = MatterEvent.objects.filter(matter_id=event.matter_id, kind=E.RATED, at__lte=event.at)
    for at, unit_id, data in earlier.values_list("at", "unit_id", "data"):
        counted = _counted_rating(data or {})
        if unit_id is not None and counted.get("rated"):
            rows.append((timezone.localdate(at), unit_id, {k: -v for k, v in counted.items()}))
    return rows


def event_recorded(event: MatterEvent) -> None:
    if event.unit_id is None:
        return
    scope = metric_scope_of(event.matter.channel)
    rows = [(day, event.unit_id, scope, m) for day, m in event_rows(event)]
    if event.kind == E.UNREASONABLE_CERTIFIED:
        rows += [(day, unit, scope, m) for day, unit, m in _withdrawn_ratings(event)]
    if rows:
        add_unit_days(rows)


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


def _unset(flag: str) -> Q:
    """The event's data lacks `flag` or holds false (a plain negation would drop the rows
    without the key: NOT NULL is not true in SQL)."""
    return Q(**{f"data__{flag}__isnull": True}) | Q(**{f"data__{flag}": False})


def counted_dispatch() -> Q:
    """Dispatches a unit is measured on (not the matters it opened for itself)."""
    return Q(kind__in=[E.DISPATCHED, E.REDISPATCHED]) & _unset("self_assigned")


def counted_sign() -> Q:
    return Q(kind=E.SIGNED) & _unset("self_assigned")


def citizen_rating() -> Q:
    """Ratings the citizen gave, on appeals not certified unreasonable (满意率, 解决率)."""
    certified = MatterEvent.objects.filter(kind=E.UNREASONABLE_CERTIFIED).values("matter_id")
    return (
        Q(kind=E.RATED) & _unset("unreasonable") & _unset("defaulted") & ~Q(matter_id__in=certified)
    )


def unit_day_counts(events: QuerySet[MatterEvent]) -> dict[UnitDayKey, dict]:
    """The unit-day tallies recomputed from the events, in the database: each measure is
    counted grouped by (day, unit, channel) — on the event's day, or for deadlines and
    responses on the day the event names — and the channels folded into their scope."""
    events = events.filter(unit__isnull=False)
    certified = MatterEvent.objects.filter(kind=E.UNREASONABLE_CERTIFIED).values("matter_id")
    counted_rating = Q(kind=E.RATED) & _unset("unreasonable") & ~Q(matter_id__in=certified)
    given = citizen_rating()
    dispatch = counted_dispatch()
    signed = counted_sign()
    working_days = Cast(KeyTextTransform("working_days", "data"), IntegerField())
    by_event_day = {
        "dispatched": Count("id", filter=dispatch),
        "response_due": Count("id", filter=dispatch & Q(data__response_due=True)),
        "signed": Count("id", filter=signed),
        "signed_on_time": Count("id", filter=signed & Q(data__late=False)),
        "returned": Count("id", filter=Q(kind=E.RETURNED)),
        "answered": Count("id", filter=Q(kind=E.ANSWERED)),
        "working_days": Coalesce(Sum(working_days, filter=Q(kind=E.ANSWERED)), 0),
        "rated": Count("id", filter=given),
        "satisfied": Count(
            "id", filter=given & Q(data__rating__in=[Rating.SATISFIED, Rating.BASICALLY])
        ),
        "resolved": Count("id", filter=given & Q(data__resolved=True)),
        "rated_default": Count("id", filter=counted_rating & Q(data__defaulted=True)),
        "reopened": Count("id", filter=Q(kind=E.REOPENED)),
        "overdue": Count("id", filter=Q(kind=E.OVERDUE)),
        "supervised": Count("id", filter=Q(kind__in=[E.SUPERVISION, E.ESCALATION])),
        "unreasonable": Count("id", filter=Q(kind=E.UNREASONABLE_CERTIFIED)),
    }
    out: dict[UnitDayKey, dict] = {}

    def add(day, unit_id, channel, measures):
        if isinstance(day, str):
            day = _day(day)
        key = (day, unit_id, metric_scope_of(channel))
        row = out.setdefault(key, dict.fromkeys(UNIT_MEASURES, 0))
        for name, value in measures.items():
            if name in row:
                row[name] += value or 0

    grouped = events.annotate(d=TruncDate("at")).values("d", "unit_id", "matter__channel")
    for row in grouped.annotate(**by_event_day):
        add(row["d"], row["unit_id"], row["matter__channel"], {m: row[m] for m in by_event_day})
    due_day = KeyTextTransform("due_day", "data")
    for row in (
        events.filter(data__has_key="due_day")
        .annotate(d=due_day)
        .values("d", "unit_id", "matter__channel")
        .annotate(due=Count("id"), due_on_time=Count("id", filter=Q(data__due_on_time=True)))
    ):
        add(row["d"], row["unit_id"], row["matter__channel"], row)
    response_day = KeyTextTransform("response_day", "data")
    for row in (
        events.filter(data__has_key="response_day", data__responded_on_time=True)
        .annotate(d=response_day)
        .values("d", "unit_id", "matter__channel")
        .annotate(responded_on_time=Count("id"))
    ):
        add(row["d"], row["unit_id"], row["matter__channel"], row)
    return {key: m for key, m in out.items() if any(m.values())}


def add_source_rows(matters: QuerySet[Matter], events: QuerySet[MatterEvent]) -> None:
    """Count rows written in bulk (an import) that the per-change hooks did not see."""
    add_matter_counts(matter_counts(matters))
    add_unit_days((*key, m) for key, m in unit_day_counts(events).items())


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
        key = (tally.day, tally.unit_id, tally.scope)
        want = expected_days.pop(key, dict.fromkeys(UNIT_MEASURES, 0))
        if measures != want:
            problems.append(f"unit {tally.unit_id} {tally.day} {tally.scope}: {measures} ≠ {want}")
    problems.extend(f"unit {u} {d} {scope}: missing" for (d, u, scope) in expected_days)
    problems.extend(map_tally.differences(limit))  # the map's cells (ADR 0025)
    return problems[:limit]
