"""Keeping `MapCellTally` (loop.map_cells, ADR 0025): the triggers that move a matter between
tally rows in the transaction that writes it, and the recount from the matters that rebuilds or
checks the tally (`loop_rollups`).

Triggers rather than hooks in the services: a point is placed by the intake, moved by a
correction, set by an import or a bulk `UPDATE`, and a status moves in a dozen services; a
trigger sees every one of them, on both databases. Each counts a matter at every level of
`LEVELS` when it has a point: on PostgreSQL three triggers calling one PL/pgSQL function, on
SQLite three triggers of plain statements (no loops there). PostgreSQL writes a matter's rows
in one order (level, then key), so two transactions never wait on each other's rows
crosswise; SQLite has one writer at a time.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Floor, TruncDate

from .map_cells import BAND_DONE, BANDS, HEIGHT_Z0, LEVELS, NEVER, WIDTH_Z0, cell_size
from .models import MapCellTally, Matter
from .workflow import HANDLING, OPEN

TABLE = "loop_mapcelltally"
KEY = "level, cell_row, cell_col, band, received_day, deadline_day"
WATCHED = "status, latitude, longitude, received_at, handle_deadline"
TRIGGERS = ("matter_map_tally_insert", "matter_map_tally_update", "matter_map_tally_delete")


def _quoted(statuses) -> str:
    return ", ".join(f"'{s}'" for s in sorted(str(s) for s in statuses))


class Micro(Func):
    """A coordinate in whole millionths of a degree. PostgreSQL's numeric is exact; SQLite keeps
    a float (37.8706 × 10⁶ = 37870599.99…), so it rounds before truncating."""

    template = "CAST((%(expressions)s * 1000000) AS bigint)"
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND(%(expressions)s * 1000000) AS integer)",
            **extra_context,
        )


def cell_expressions(zoom: int) -> dict:
    """The cell row and column of a matter at `zoom`, as the triggers compute them."""
    height, width = cell_size(zoom)
    return {
        "cell_row": Cast(Floor(Micro("latitude") / Value(height)), IntegerField()),
        "cell_col": Cast(Floor(Micro("longitude") / Value(width)), IntegerField()),
    }


# — The triggers —


def _postgresql_sql() -> list[str]:
    zone = settings.TIME_ZONE
    levels = ", ".join(str(level) for level in LEVELS)
    return [
        f"""
CREATE OR REPLACE FUNCTION longcheng_map_key(m loop_matter, lvl int,
    OUT cell_row int, OUT cell_col int, OUT band smallint, OUT received_day date,
    OUT deadline_day date, OUT lat bigint, OUT lng bigint)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    lat := (m.latitude * 1000000)::bigint;
    lng := (m.longitude * 1000000)::bigint;
    cell_row := floor(lat / ({float(HEIGHT_Z0)}::float8 / 2.0::float8 ^ lvl))::int;
    cell_col := floor(lng / ({float(WIDTH_Z0)}::float8 / 2.0::float8 ^ lvl))::int;
    band := CASE WHEN m.status IN ({_quoted(HANDLING)}) THEN 0
        WHEN m.status IN ({_quoted(OPEN)}) THEN 1 ELSE {BAND_DONE} END;
    received_day := (m.received_at AT TIME ZONE '{zone}')::date;
    deadline_day := CASE WHEN band = 0 AND m.handle_deadline IS NOT NULL
        THEN (m.handle_deadline AT TIME ZONE '{zone}')::date ELSE DATE '{NEVER}' END;
END $$""",
        # Every name and value in these statements is the code's own; nothing comes from input.
        f"""
CREATE OR REPLACE FUNCTION longcheng_map_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lvl int;
    was_counted boolean := false;
    is_counted boolean := false;
    o record;
    k record;
    steps int[];
    step int;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        was_counted := OLD.latitude IS NOT NULL AND OLD.longitude IS NOT NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        is_counted := NEW.latitude IS NOT NULL AND NEW.longitude IS NOT NULL;
    END IF;
    IF NOT (was_counted OR is_counted) THEN
        RETURN NULL;  -- without a point, before and after
    END IF;
    FOREACH lvl IN ARRAY ARRAY[{levels}] LOOP
        -- -1 takes the old row, +1 adds the new one, in the order of their keys.
        IF was_counted AND is_counted THEN
            o := longcheng_map_key(OLD, lvl);
            k := longcheng_map_key(NEW, lvl);
            IF o = k THEN
                CONTINUE;  -- the same row: nothing moves
            ELSIF (o.cell_row, o.cell_col, o.band, o.received_day, o.deadline_day)
                > (k.cell_row, k.cell_col, k.band, k.received_day, k.deadline_day) THEN
                steps := ARRAY[1, -1];
            ELSE
                steps := ARRAY[-1, 1];
            END IF;
        ELSIF was_counted THEN
            o := longcheng_map_key(OLD, lvl);
            steps := ARRAY[-1];
        ELSE
            k := longcheng_map_key(NEW, lvl);
            steps := ARRAY[1];
        END IF;
        FOREACH step IN ARRAY steps LOOP
            IF step = 1 THEN
                INSERT INTO {TABLE} ({KEY}, n, lat_sum, lng_sum)
                VALUES (lvl, k.cell_row, k.cell_col, k.band, k.received_day, k.deadline_day,
                        1, k.lat, k.lng)
                ON CONFLICT ({KEY}) DO UPDATE SET n = {TABLE}.n + 1,
                    lat_sum = {TABLE}.lat_sum + excluded.lat_sum,
                    lng_sum = {TABLE}.lng_sum + excluded.lng_sum;
            ELSE
                UPDATE {TABLE} SET n = n - 1, lat_sum = lat_sum - o.lat,
                    lng_sum = lng_sum - o.lng
                WHERE ({KEY}) = (lvl, o.cell_row, o.cell_col, o.band, o.received_day,
                    o.deadline_day);
                DELETE FROM {TABLE} WHERE ({KEY}) = (lvl, o.cell_row, o.cell_col, o.band,
                    o.received_day, o.deadline_day) AND n = 0;
            END IF;
        END LOOP;
    END LOOP;
    RETURN NULL;
END $$""",  # noqa: S608
        *(f"DROP TRIGGER IF EXISTS {name} ON loop_matter" for name in TRIGGERS),
        # The WHEN clauses spare the function call for a matter without a point (a historical
        # import) and for a write that leaves the watched columns as they were.
        "CREATE TRIGGER matter_map_tally_insert AFTER INSERT ON loop_matter "
        f"FOR EACH ROW WHEN ({_counted('NEW')}) EXECUTE FUNCTION longcheng_map_tally()",
        "CREATE TRIGGER matter_map_tally_delete AFTER DELETE ON loop_matter "
        f"FOR EACH ROW WHEN ({_counted('OLD')}) EXECUTE FUNCTION longcheng_map_tally()",
        f"CREATE TRIGGER matter_map_tally_update AFTER UPDATE OF {WATCHED} ON loop_matter "
        f"FOR EACH ROW WHEN ({_changed('IS DISTINCT FROM')}) "
        "EXECUTE FUNCTION longcheng_map_tally()",
    ]


def _changed(differs: str) -> str:
    """A watched column differs between OLD and NEW (`differs`: the dialect's null-safe ≠)."""
    return " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in WATCHED.split(", "))


def _sqlite_offset() -> str:
    """SQLite has no time zones: the zone's offset, which for China (no daylight saving since
    1991) is one number. `differences()` would name any day it got wrong."""
    offset = datetime.datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE)).utcoffset()
    assert offset is not None
    return f"{offset.total_seconds():+.0f} seconds"


def _sqlite_key(p: str, level: int) -> dict[str, str]:
    height, width = cell_size(level)
    offset = _sqlite_offset()

    def floor(quotient: str) -> str:
        return f"(CAST({quotient} AS integer) - ({quotient} < CAST({quotient} AS integer)))"

    lat = f"CAST(ROUND({p}.latitude * 1000000) AS integer)"
    lng = f"CAST(ROUND({p}.longitude * 1000000) AS integer)"
    handling = f"{p}.status IN ({_quoted(HANDLING)})"
    return {
        "level": str(level),
        "cell_row": floor(f"({lat} / {height!r})"),
        "cell_col": floor(f"({lng} / {width!r})"),
        "band": (
            f"(CASE WHEN {handling} THEN 0 WHEN {p}.status IN ({_quoted(OPEN)}) THEN 1 "
            f"ELSE {BAND_DONE} END)"
        ),
        "received_day": f"date({p}.received_at, '{offset}')",
        "deadline_day": (
            f"(CASE WHEN {handling} AND {p}.handle_deadline IS NOT NULL "
            f"THEN date({p}.handle_deadline, '{offset}') ELSE '{NEVER}' END)"
        ),
        "lat": lat,
        "lng": lng,
    }


def _counted(p: str) -> str:
    return f"{p}.latitude IS NOT NULL AND {p}.longitude IS NOT NULL"


def _sqlite_add(level: int) -> str:
    k = _sqlite_key("NEW", level)
    keys = ", ".join(k[c] for c in KEY.split(", "))
    return (
        f"INSERT INTO {TABLE} ({KEY}, n, lat_sum, lng_sum) "
        f"SELECT {keys}, 1, {k['lat']}, {k['lng']} WHERE {_counted('NEW')} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1, lat_sum = lat_sum + excluded.lat_sum, "
        "lng_sum = lng_sum + excluded.lng_sum;"
    )


def _sqlite_take(level: int) -> str:
    k = _sqlite_key("OLD", level)
    match = " AND ".join(f"{c} = {k[c]}" for c in KEY.split(", "))
    return (
        f"UPDATE {TABLE} SET n = n - 1, lat_sum = lat_sum - {k['lat']}, "  # noqa: S608
        f"lng_sum = lng_sum - {k['lng']} WHERE {match} AND {_counted('OLD')}; "
        f"DELETE FROM {TABLE} WHERE {match} AND n = 0;"
    )


def _sqlite_sql() -> list[str]:
    # SQLite runs one writer at a time: the order of the rows does not matter here.
    add = " ".join(_sqlite_add(level) for level in LEVELS)
    take = " ".join(_sqlite_take(level) for level in LEVELS)
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
        f"CREATE TRIGGER matter_map_tally_insert AFTER INSERT ON loop_matter "
        f"FOR EACH ROW WHEN {_counted('NEW')} BEGIN {add} END",
        f"CREATE TRIGGER matter_map_tally_delete AFTER DELETE ON loop_matter "
        f"FOR EACH ROW WHEN {_counted('OLD')} BEGIN {take} END",
        f"CREATE TRIGGER matter_map_tally_update AFTER UPDATE OF {WATCHED} ON loop_matter "
        f"FOR EACH ROW WHEN (({_counted('OLD')}) OR ({_counted('NEW')})) "
        f"AND ({_changed('IS NOT')}) BEGIN {take} {add} END",
    ]


def install_triggers(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": _postgresql_sql, "sqlite": _sqlite_sql}[vendor]()
    for statement in statements:
        schema_editor.execute(statement)


def remove_triggers(schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON loop_matter" * postgresql))
    if postgresql:
        schema_editor.execute("DROP FUNCTION IF EXISTS longcheng_map_tally()")
        schema_editor.execute("DROP FUNCTION IF EXISTS longcheng_map_key(loop_matter, int)")


# — Recounting from the matters —

TallyKey = tuple[int, int, int, int, datetime.date, datetime.date]


def counted_matters():
    return Matter.objects.filter(latitude__isnull=False, longitude__isnull=False)


def band_expression() -> Case:
    return Case(
        *(When(status=status, then=Value(band)) for status, band in BANDS.items()),
        default=Value(BAND_DONE),
        output_field=IntegerField(),
    )


def deadline_day_expression() -> Case:
    return Case(
        When(
            Q(status__in=list(HANDLING), handle_deadline__isnull=False),
            then=TruncDate("handle_deadline"),
        ),
        default=Value(NEVER),
        output_field=DateField(),
    )


COLUMNS = f"{KEY}, n, lat_sum, lng_sum"


def _recount(level: int) -> tuple[str, list]:
    """SQL for every tally row of `level` as the matters make it (at 10 M matters the rows run
    to millions: they are written and compared in the database, never loaded here)."""
    grouped = (
        counted_matters()
        .order_by()
        .annotate(
            **cell_expressions(level),
            b=band_expression(),
            rday=TruncDate("received_at"),
            dday=deadline_day_expression(),
        )
        .values("cell_row", "cell_col", "b", "rday", "dday")
        .annotate(total=Count("pk"), lat=Sum(Micro("latitude")), lng=Sum(Micro("longitude")))
    )
    sql, params = grouped.query.sql_with_params()
    return (
        f"SELECT {int(level)} AS level, g.cell_row, g.cell_col, g.b AS band, "  # noqa: S608
        "g.rday AS received_day, g.dday AS deadline_day, g.total AS n, g.lat AS lat_sum, "
        f"g.lng AS lng_sum FROM ({sql}) g",
        list(params),
    )


def stored() -> dict[TallyKey, tuple[int, int, int]]:
    return {
        (t.level, t.cell_row, t.cell_col, t.band, t.received_day, t.deadline_day): (
            t.n,
            t.lat_sum,
            t.lng_sum,
        )
        for t in MapCellTally.objects.iterator(chunk_size=5000)
    }


def rebuild() -> int:
    """Recount the tally from the matters; writers of matters wait meanwhile."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
            cursor.execute("LOCK TABLE loop_matter IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        for level in LEVELS:
            sql, params = _recount(level)
            cursor.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {sql}", params)
        return MapCellTally.objects.count()


def differences(limit: int = 20) -> list[str]:
    """The tally's rows that differ from a recount: each as stored, or as the matters make it."""
    problems: list[str] = []
    with connection.cursor() as cursor:
        for level in LEVELS:
            counted, params = _recount(level)
            stored_rows = f"SELECT {COLUMNS} FROM {TABLE} WHERE level = {int(level)}"  # noqa: S608
            for name, first, first_params, second, second_params in (
                ("counted, not in the tally", counted, params, stored_rows, []),
                ("in the tally, not counted", stored_rows, [], counted, params),
            ):
                cursor.execute(
                    f"SELECT * FROM (SELECT * FROM ({first}) a EXCEPT "  # noqa: S608
                    f"SELECT * FROM ({second}) b) d LIMIT {int(limit)}",
                    [*first_params, *second_params],
                )
                problems += [f"map {name}: {row}" for row in cursor.fetchall()]
    return problems[:limit]
