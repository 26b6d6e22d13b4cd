"""Benchmark of the cockpit at city scale (not a test: it prints figures).

    DATABASE_URL=postgres://root@127.0.0.1:5432/longcheng_cockpit \
        .venv/bin/python bench/bench_cockpit.py --matters 10000000

Builds (or reuses) a PostgreSQL database with N matters over five years and three events
each (派单, 办结, 回访评价 — 3N events), with skewed, realistic distributions of channel,
category, district, kind and status; rebuilds the roll-ups from them (timed), then measures
each cockpit panel as the city-wide dispatcher and as a unit leader, for one month, one year
and the whole five years (warm, p50/p95 of --runs). As the reference for what a full scan
costs, the same figures are computed by DuckDB (in-process, columnar, all cores) from a copy
of the columns the panels need, and by PostgreSQL scanning the event table directly (the
unit league as it was computed before the roll-ups).
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

YEARS = 5


def build(total: int) -> None:
    from django.core.management import call_command

    from longcheng.accounts import demo as accounts_demo
    from longcheng.core import demo as core_demo
    from longcheng.loop import demo as loop_demo
    from longcheng.loop import rollups
    from longcheng.loop.models import Matter

    call_command("migrate", verbosity=0)
    if Matter.objects.count() >= total:
        print(f"reusing {Matter.objects.count():,} matters")
        return
    core_demo.seed(lambda *_: None)
    accounts_demo.seed(lambda *_: None)
    loop_demo._catalogue()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(id ORDER BY path) FROM loop_category WHERE depth = 2")
        categories = cursor.fetchone()[0]
        cursor.execute(
            "SELECT array_agg(COALESCE(default_lead_unit_id, 0) ORDER BY path) "
            "FROM loop_category WHERE depth = 2"
        )
        category_units = cursor.fetchone()[0]
        cursor.execute(
            "SELECT array_agg(id ORDER BY code) FROM core_division WHERE level = 'district'"
        )
        districts = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM core_unit WHERE code = 'ty-12345'")
        hotline = cursor.fetchone()[0]
        # Skewed like a city's intake: a few categories and districts carry most matters
        # (random()^2 favours the first ones), hotline and the public form dominate, matters
        # grow year on year (sqrt), the last month is still being handled.
        cursor.execute(
            """
            INSERT INTO loop_matter (number, title, description, channel, kind, urgency, status,
                address, anonymous, reporter_name, reporter_phone, received_at, lead_unit_id,
                category_id, division_id, dispatched_at, answered_at, signed_late, answered_late,
                answer_text, rating, rating_defaulted, return_count, reopen_count, overdue,
                created_at, updated_at, version)
            SELECT 'C' || lpad(g::text, 12, '0'), '生成的事项 ' || g, '生成的诉求内容', ch, kd,
                   'normal', st, '', false, '', '', rec, un, cat, dv,
                   rec + interval '1 hour',
                   CASE WHEN st IN ('closed', 'archived', 'answered')
                        THEN rec + interval '6 days' END,
                   false, false, '', '', false, 0, 0, false, rec, rec, 1
            FROM (
                SELECT g, rec, cat_i,
                       (%(categories)s::bigint[])[cat_i] AS cat,
                       NULLIF((%(units)s::bigint[])[cat_i], 0) AS un,
                       (%(districts)s::bigint[])[1 + floor(power(random(), 1.5)
                            * array_length(%(districts)s::bigint[], 1))::int] AS dv,
                       CASE WHEN r1 < 0.45 THEN 'hotline' WHEN r1 < 0.72 THEN 'public_form'
                            WHEN r1 < 0.82 THEN 'window' WHEN r1 < 0.88 THEN 'supervisor'
                            WHEN r1 < 0.93 THEN 'inspection' WHEN r1 < 0.97 THEN 'enforcement'
                            ELSE 'leader' END AS ch,
                       CASE WHEN r2 < 0.5 THEN 'complaint' WHEN r2 < 0.7 THEN 'help'
                            WHEN r2 < 0.85 THEN 'consultation' WHEN r2 < 0.95 THEN 'report'
                            ELSE 'suggestion' END AS kd,
                       CASE WHEN rec < now() - interval '40 days'
                                THEN CASE WHEN r3 < 0.9 THEN 'archived' ELSE 'closed' END
                            WHEN r3 < 0.2 THEN 'dispatched' WHEN r3 < 0.6 THEN 'in_progress'
                            WHEN r3 < 0.8 THEN 'answered' ELSE 'closed' END AS st
                FROM (
                    SELECT g, random() AS r1, random() AS r2, random() AS r3,
                           now() - (1 - sqrt(random())) * %(years)s * interval '1 year' AS rec,
                           1 + floor(power(random(), 2)
                               * array_length(%(categories)s::bigint[], 1))::int AS cat_i
                    FROM generate_series(1, %(total)s) AS g
                ) raw
            ) m
            """,
            {
                "categories": categories,
                "units": category_units,
                "districts": districts,
                "total": total,
                "years": YEARS,
            },
        )
        print(f"generated {total:,} matters in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        # Three events a matter: dispatched to the lead unit, answered (late one time in
        # eight, 3–12 working days), rated (satisfied 80 %, resolved 85 %).
        cursor.execute(
            """
            INSERT INTO loop_matterevent (matter_id, kind, at, unit_id, actor_unit_id,
                from_status, to_status, note, data)
            SELECT id, 'dispatched', received_at + interval '1 hour', lead_unit_id, %(hotline)s,
                   'received', 'dispatched', '', '{}'::jsonb
            FROM loop_matter WHERE lead_unit_id IS NOT NULL
            """,
            {"hotline": hotline},
        )
        cursor.execute(
            """
            INSERT INTO loop_matterevent (matter_id, kind, at, unit_id, actor_unit_id,
                from_status, to_status, note, data)
            SELECT id, 'answered', answered_at, lead_unit_id, lead_unit_id, 'in_progress',
                   'answered', '',
                   jsonb_build_object('late', id %% 8 = 0, 'working_days', 3 + id %% 10)
            FROM loop_matter WHERE answered_at IS NOT NULL AND lead_unit_id IS NOT NULL
            """,
            {},
        )
        cursor.execute(
            """
            INSERT INTO loop_matterevent (matter_id, kind, at, unit_id, actor_unit_id,
                from_status, to_status, note, data)
            SELECT id, 'rated', answered_at + interval '2 days', lead_unit_id, %(hotline)s,
                   'answered', 'closed', '',
                   jsonb_build_object(
                       'rating', CASE WHEN id %% 10 < 8 THEN 'satisfied'
                                      WHEN id %% 10 = 8 THEN 'basically' ELSE 'dissatisfied' END,
                       'resolved', id %% 20 >= 3)
            FROM loop_matter WHERE status IN ('closed', 'archived') AND lead_unit_id IS NOT NULL
            """,
            {"hotline": hotline},
        )
        cursor.execute("SELECT count(*) FROM loop_matterevent")
        events = cursor.fetchone()[0]
        print(f"generated {events:,} events in {time.perf_counter() - started:.1f} s")
        cursor.execute("VACUUM ANALYZE loop_matter")
        cursor.execute("VACUUM ANALYZE loop_matterevent")
    started = time.perf_counter()
    matter_rows, day_rows = rollups.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE loop_mattertally")
        cursor.execute("VACUUM ANALYZE loop_unitdaytally")
    print(
        f"roll-ups rebuilt from scratch in {time.perf_counter() - started:.1f} s: "
        f"{matter_rows:,} matter tally rows, {day_rows:,} unit-day rows"
    )


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def timed(function, runs: int) -> tuple[float, float]:
    function()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 95)


def periods():
    from longcheng.cockpit.panels import period_of_months

    today = timezone.localdate().replace(day=1)
    last_month = (today - datetime.timedelta(days=1)).replace(day=1)
    return {
        "month": period_of_months(last_month, last_month),
        "year": period_of_months(today.replace(year=today.year - 1), last_month),
        f"{YEARS} years": period_of_months(today.replace(year=today.year - YEARS), today),
    }


def measure_panels(runs: int) -> None:
    from longcheng.accounts.models import User
    from longcheng.cockpit import panels

    users = {
        "dispatcher (city)": User.objects.get(username="dispatcher"),
        "cg_leader (unit)": User.objects.get(username="cg_leader"),
    }
    print(f"\ncockpit panels, warm, {runs} runs each (ms, p50 / p95):")
    print(f"{'panel':<22}{'user':<20}" + "".join(f"{name:>18}" for name in periods()))
    for panel_name, panel in (
        ("matters (4 charts)", panels.matters_panel),
        ("unit league table", panels.league_panel),
    ):
        for label, user in users.items():
            cells = []
            for period in periods().values():
                p50, p95 = timed(lambda f=panel, u=user, p=period: f(u, p), runs)
                cells.append(f"{p50:8.1f} / {p95:6.1f}")
            print(f"{panel_name:<22}{label:<20}" + "".join(f"{c:>18}" for c in cells))


def measure_scans(runs: int) -> None:
    """What the same figures cost without roll-ups: PostgreSQL over the event table (the
    league as computed before), DuckDB over a columnar copy of the needed columns."""
    import duckdb

    from longcheng.accounts.models import User
    from longcheng.accounts.scoping import visible_units
    from longcheng.loop.models import MatterEvent
    from longcheng.loop.rollups import unit_day_counts

    dispatcher = User.objects.get(username="dispatcher")
    units = list(visible_units(dispatcher))
    tz = timezone.get_current_timezone()
    print("\nfull-scan references (ms, p50 / p95):")
    for name, period in periods().items():
        start = datetime.datetime.combine(period.first, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(
            period.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        p50, p95 = timed(
            lambda s=start, e=end: unit_day_counts(
                MatterEvent.objects.filter(unit__in=units, at__gte=s, at__lt=e)
            ),
            max(3, runs // 10),
        )
        print(f"  PostgreSQL event scan, unit league, {name:<10}{p50:10.1f} / {p95:8.1f}")

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        matters_csv = Path(folder) / "matters.csv"
        events_csv = Path(folder) / "events.csv"
        with connection.cursor() as cursor:
            copy = cursor.cursor.copy
            with (
                open(matters_csv, "wb") as out,
                copy(
                    "COPY (SELECT received_at, division_id, lead_unit_id, status, channel, "
                    "category_id, kind FROM loop_matter) TO STDOUT WITH (FORMAT csv)"
                ) as stream,
            ):
                for block in stream:
                    out.write(block)
            with (
                open(events_csv, "wb") as out,
                copy(
                    "COPY (SELECT at, unit_id, kind, (data->>'late')::boolean, "
                    "(data->>'working_days')::int, data->>'rating', (data->>'resolved')::boolean "
                    "FROM loop_matterevent WHERE unit_id IS NOT NULL) TO STDOUT WITH (FORMAT csv)"
                ) as stream,
            ):
                for block in stream:
                    out.write(block)
        db = duckdb.connect()
        db.execute(
            f"CREATE TABLE m AS SELECT * FROM read_csv('{matters_csv}', header=false, columns="
            "{'received_at':'TIMESTAMPTZ','division_id':'BIGINT','lead_unit_id':'BIGINT',"
            "'status':'VARCHAR','channel':'VARCHAR','category_id':'BIGINT','kind':'VARCHAR'})"
        )
        db.execute(
            f"CREATE TABLE e AS SELECT * FROM read_csv('{events_csv}', header=false, columns="
            "{'ts':'TIMESTAMPTZ','unit_id':'BIGINT','kind':'VARCHAR','late':'BOOLEAN',"
            "'working_days':'INTEGER','rating':'VARCHAR','resolved':'BOOLEAN'})"
        )
        print(f"  (copied the columns to DuckDB in {time.perf_counter() - started:.1f} s)")
        for name, period in periods().items():
            start = datetime.datetime.combine(period.first, datetime.time.min, tzinfo=tz)
            end = datetime.datetime.combine(
                period.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
            )

            def matters_scan(s=start, e=end):
                for column in ("status", "channel", "category_id", "kind"):
                    db.execute(
                        f"SELECT {column}, count(*) FROM m WHERE received_at >= ? AND "
                        f"received_at < ? GROUP BY 1",
                        [s, e],
                    ).fetchall()
                db.execute(
                    "SELECT division_id, count(*) FROM m WHERE received_at >= ? AND "
                    "received_at < ? GROUP BY 1",
                    [s, e],
                ).fetchall()

            def league_scan(s=start, e=end):
                db.execute(
                    "SELECT unit_id, count(*) FILTER (kind = 'dispatched'), "
                    "count(*) FILTER (kind = 'answered'), "
                    "count(*) FILTER (kind = 'answered' AND NOT late), "
                    "sum(working_days) FILTER (kind = 'answered'), "
                    "count(*) FILTER (kind = 'rated'), "
                    "count(*) FILTER (kind = 'rated' AND rating IN ('satisfied', 'basically')), "
                    "count(*) FILTER (kind = 'rated' AND resolved) "
                    "FROM e WHERE ts >= ? AND ts < ? GROUP BY 1",
                    [s, e],
                ).fetchall()

            for label, function in (("matters", matters_scan), ("unit league", league_scan)):
                p50, p95 = timed(function, runs)
                print(f"  DuckDB full scan, {label:<12} {name:<10}{p50:10.1f} / {p95:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-scans", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: DATABASE_URL=postgres://…")
    build(args.matters)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM loop_matter")
        matters = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM loop_matterevent")
        events = cursor.fetchone()[0]
    print(f"database: {matters:,} matters, {events:,} events")
    measure_panels(args.runs)
    if not args.no_scans:
        measure_scans(args.runs)


if __name__ == "__main__":
    main()
