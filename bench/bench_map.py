"""The matters map's viewport query at city scale (issue 28): the matters of a box and the
inbox's filters, clustered on the database server (loop.map_selectors) — from the per-cell
tally where it answers (ADR 0025), otherwise through the indexes of migration 0019 (index-only
scans) — against counting the matters without the tally and a plain scan. Not a test: it
prints figures for docs/benchmarks.md.

    psql -h 127.0.0.1 -U root -d postgres -c "CREATE DATABASE longcheng_map_1m"
    DATABASE_URL=postgres://root@127.0.0.1:5432/longcheng_map_1m \\
        .venv/bin/python bench/bench_map.py --matters 1000000

Builds (or reuses) N matters received over three years (more of them recent), each with a
point over Taiyuan: 70 % around the centre (a normal spread of about 9 km), 30 % anywhere in the
city's box; open matters are the last weeks' (about 5 %), the rest archived; a tenth went
overdue. Then, warm, p50/p95 of --runs for the whole city (zoom 9), one district (zoom 12) and
a few streets (zoom 15), as the dispatch centre (sees every matter) and as a brigade clerk
(its unit's), with the map's default (open matters, last 90 days), any status in 90 days,
overdue only, one category, and no filter at all (every matter ever received); where the
tally answers, the same view counted from the matters; the same queries with index scans
switched off and without the tally (a plain scan), fewer runs; and the whole request
/loop/map/data/ for the default at each view. The insert runs with the tally's trigger off
and counts the tally once after.
"""

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("LONGCHENG_DEMO", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

CENTRE = (37.8706, 112.5489)
CITY_BOX = (111.5, 37.4, 113.2, 38.4)  # min lng, min lat, max lng, max lat
VIEWS = [
    ("city", (111.4, 37.3, 113.3, 38.5), 9),
    ("district", (112.50, 37.70, 112.72, 37.86), 12),
    ("streets", (112.535, 37.855, 112.565, 37.875), 15),
]


def build(total: int) -> None:
    from django.core.management import call_command

    from longcheng.accounts import demo as accounts_demo
    from longcheng.core import demo as core_demo
    from longcheng.loop import demo as loop_demo
    from longcheng.loop.models import Matter

    call_command("migrate", verbosity=0)
    existing = Matter.objects.count()
    if existing >= total:
        print(f"reusing {existing:,} matters")
        analyse()
        return
    core_demo.seed(lambda *_: None)
    accounts_demo.seed(lambda *_: None)
    loop_demo._catalogue()
    with connection.cursor() as cursor:
        # The map reads no words: the search's bigram index would only slow the insert tenfold.
        cursor.execute("DROP INDEX IF EXISTS matter_words_idx")
        # The map's cell tally is counted once after the insert, not row by row by its trigger.
        cursor.execute("ALTER TABLE loop_matter DISABLE TRIGGER matter_map_tally_insert")
        cursor.execute("SELECT array_agg(id ORDER BY path) FROM loop_category WHERE depth = 2")
        categories = cursor.fetchone()[0]
        cursor.execute(
            "SELECT array_agg(COALESCE(default_lead_unit_id, 0) ORDER BY path) "
            "FROM loop_category WHERE depth = 2"
        )
        units = cursor.fetchone()[0]
        cursor.execute(
            "SELECT array_agg(id ORDER BY code) FROM core_division "
            "WHERE level IN ('district', 'county', 'county_city')"
        )
        divisions = cursor.fetchone()[0]
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO loop_matter (number, title, description, channel, kind, urgency, status,
                address, anonymous, reporter_name, reporter_phone, reporter_phone_index,
                received_at, lead_unit_id, category_id, division_id, dispatched_at,
                handle_deadline, latitude, longitude, signed_late, answered_late, answer_text,
                rating, rating_defaulted, return_count, reopen_count, overdue, created_at,
                updated_at, version, legal_hold)
            SELECT 'M' || lpad(g::text, 12, '0'), '路灯不亮', '路灯不亮，请尽快维修。',
                   'hotline', 'complaint', 'normal',
                   CASE WHEN rec < now() - interval '40 days' THEN 'archived'
                        WHEN g %% 7 = 0 THEN 'dispatched'
                        WHEN g %% 7 = 1 THEN 'received'
                        WHEN g %% 7 = 2 THEN 'answered'
                        ELSE 'in_progress' END,
                   '', false, '', '', '', rec, NULLIF((%(units)s::bigint[])[c], 0),
                   (%(categories)s::bigint[])[c],
                   (%(divisions)s::bigint[])[1 + g %% array_length(%(divisions)s::bigint[], 1)],
                   rec + interval '1 hour', rec + interval '12 days',
                   round(CASE WHEN u < 0.7
                         THEN 37.8706 + 0.08 * sqrt(-2 * ln(1 - r1)) * cos(2 * pi() * r2)
                         ELSE 37.4 + 1.0 * r1 END::numeric, 6),
                   round(CASE WHEN u < 0.7
                         THEN 112.5489 + 0.10 * sqrt(-2 * ln(1 - r1)) * sin(2 * pi() * r2)
                         ELSE 111.5 + 1.7 * r2 END::numeric, 6),
                   false, false, '', '', false, 0, 0, (g %% 10 = 0), rec, rec, 1, ''
            FROM (
                SELECT g, random() AS u, random() AS r1, random() AS r2,
                       1 + (g %% array_length(%(categories)s::bigint[], 1))::int AS c,
                       now() - (1 - sqrt(random())) * 3 * interval '1 year' AS rec
                FROM generate_series(%(first)s, %(total)s) AS g
            ) raw
            ORDER BY rec
            """,
            {
                "units": units,
                "categories": categories,
                "divisions": divisions,
                "first": existing + 1,
                "total": total,
            },
        )
        print(f"generated {total - existing:,} matters in {time.perf_counter() - started:.0f} s")
        cursor.execute("ALTER TABLE loop_matter ENABLE TRIGGER matter_map_tally_insert")
    from longcheng.loop import map_tally

    started = time.perf_counter()
    rows = map_tally.rebuild()
    print(f"map cell tally: {rows:,} rows counted in {time.perf_counter() - started:.0f} s")
    analyse()


def analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE loop_matter")
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_size_pretty(pg_relation_size(indexrelid)) "
            "FROM pg_index WHERE indexrelid::regclass::text LIKE 'matter_map%%' "
            "OR indexrelid::regclass::text = 'matter_overdue_idx'"
        )
        sizes = ", ".join(f"{name} {size}" for name, size in cursor.fetchall())
        cursor.execute(
            "SELECT pg_size_pretty(pg_relation_size('loop_matter')), count(*) FILTER "
            "(WHERE status IN ('received','dispatched','returned','signed','in_progress',"
            "'reopened','suspended')) FROM loop_matter"
        )
        table, open_matters = cursor.fetchone()
        print(f"table {table}, open matters {open_matters:,}; indexes: {sizes or 'none'}")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def filters_for() -> list[tuple[str, dict]]:
    from longcheng.loop.models import Category

    category = Category.objects.filter(depth=2).order_by("path").first()
    return [
        ("default: open, 90 days", {}),
        ("any status, 90 days", {"scope": "all"}),
        ("open, overdue only", {"overdue": True}),
        ("open, one category", {"category": str(category.pk)}),
        ("no filter (every matter)", {"scope": "all", "days": 0}),
    ]


def timed(
    user, filters, viewport, runs: int, *, scan: bool, tally: bool = True
) -> tuple[list[float], int]:
    from unittest import mock

    from django.db import transaction

    from longcheng.loop import map_selectors
    from longcheng.loop.map_selectors import map_data

    times, in_view = [], 0
    counting = mock.patch.object(map_selectors, "tally_level", lambda *args: None)
    with transaction.atomic(), counting if not tally else contextlib.nullcontext():
        with connection.cursor() as cursor:
            off = "off" if scan else "on"
            for setting in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
                cursor.execute(f"SET LOCAL {setting} = {off}")
        map_data(user, filters, viewport)  # warm up
        for _ in range(runs):
            started = time.perf_counter()
            data = map_data(user, filters, viewport)
            times.append((time.perf_counter() - started) * 1000)
            in_view = data.in_view
    return times, in_view


def write_cost(count: int) -> None:
    """What the tally's triggers add to a write: `count` open matters with a point each moved
    to another band and back (two UPDATEs, each its own transaction, as a transition is), with
    the triggers on and off."""
    from django.db import transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM loop_matter WHERE status = 'dispatched' AND latitude IS NOT NULL "
            "ORDER BY id DESC LIMIT %s",
            [count],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for state in ("ENABLE", "DISABLE", "ENABLE"):
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE loop_matter {state} TRIGGER matter_map_tally_update")
        started = time.perf_counter()
        for pk in ids:
            for status in ("in_progress", "dispatched"):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("UPDATE loop_matter SET status = %s WHERE id = %s", [status, pk])
        per = (time.perf_counter() - started) / (2 * len(ids)) * 1e6
        print(f"one status UPDATE with the tally's trigger {state.lower()}d: {per:.0f} µs")


def signed_in(username: str) -> Client:
    from longcheng.accounts.demo import ready_for_sign_in
    from longcheng.accounts.models import User
    from longcheng.accounts.testing import sign_in_verified

    ready_for_sign_in(lambda *_: None)
    client = Client()
    sign_in_verified(client, User.objects.get(username=username))
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--scan-runs", type=int, default=3)
    parser.add_argument("--build-only", action="store_true", help="generate, then stop")
    parser.add_argument("--writes", type=int, default=0, help="measure N writes and stop")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "the map's indexes are PostgreSQL's"
    build(args.matters)
    if args.writes:
        write_cost(args.writes)
        return
    if args.build_only:
        return

    from longcheng.accounts.models import User
    from longcheng.loop.map_selectors import MapFilters, Viewport, tally_level

    users = [("dispatch centre", "dispatcher"), ("brigade clerk", "cg_clerk1")]
    print(f"\nviewport query (clusters + points), warm, {args.runs} runs, ms")
    print(
        f"| who | view | filters | in view | p50 | p95 | counting the matters p50 "
        f"| plain scan p50 of {args.scan_runs} |"
    )
    print("|---|---|---|---|---|---|---|---|")
    everything = []
    for who, username in users:
        user = User.objects.get(username=username)
        for view, box, zoom in VIEWS:
            viewport = Viewport(*box, zoom=zoom)
            for label, values in filters_for():
                filters = MapFilters(**values)
                times, in_view = timed(user, filters, viewport, args.runs, scan=False)
                counted = "—"  # the same as p50 where the tally does not answer
                if tally_level(user, filters, viewport) is not None:
                    live, _ = timed(
                        user, filters, viewport, args.scan_runs, scan=False, tally=False
                    )
                    counted = f"{statistics.median(live):.0f}"
                scan, _ = timed(user, filters, viewport, args.scan_runs, scan=True, tally=False)
                if who == "dispatch centre":
                    everything += times
                print(
                    f"| {who} | {view} z{zoom} | {label} | {in_view:,} | "
                    f"{statistics.median(times):.0f} | {percentile(times, 95):.0f} | "
                    f"{counted} | {statistics.median(scan):.0f} |",
                    flush=True,
                )
    print(
        f"\nall views and filters, dispatch centre: p50 {statistics.median(everything):.0f} ms,"
        f" p95 {percentile(everything, 95):.0f} ms"
    )

    print(f"\nwhole request /loop/map/data/ (dispatch centre, default filters), {args.runs} runs")
    client = signed_in("dispatcher")
    for view, box, zoom in VIEWS:
        params = {"bbox": ",".join(str(v) for v in box), "zoom": zoom}
        client.get("/loop/map/data/", params)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get("/loop/map/data/", params)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content
        print(
            f"{view} z{zoom}: p50 {statistics.median(times):.0f} ms,"
            f" p95 {percentile(times, 95):.0f} ms"
        )


if __name__ == "__main__":
    main()
