"""Benchmarks at city scale, and how they grow from 1,000,000 to 10,000,000 matters (issue 13).
Not a test: it prints figures for docs/benchmarks.md.

    psql -h 127.0.0.1 -U root -d postgres -c "CREATE DATABASE longcheng_scale_10m"
    DATABASE_URL=postgres://root@127.0.0.1:5432/longcheng_scale_10m \
        .venv/bin/python bench/bench_scale.py --matters 10000000

Builds (or reuses) a PostgreSQL database of N matters over five years with the cockpit
generator's distributions (channels, categories and districts skewed, growth year on year, the
last 40 days open) and about six events a matter (受理 for each; 派单, 签收, 办理进展, 办结,
回访评价 where the matter got that far), plus one brigade's working set (10,000 matters in
hand, 3,000 waiting to be signed) as in bench_loop. Then, against that database:

  * the brigade clerk's inbox (tab 办理中, first page by deadline) — p50/p95, in-process
  * one transition (签收) through the service — p50/p95
  * the cockpit panels (whole city and one leader; month, year, five years) — p50/p95
  * public submissions through gunicorn (4 workers, 50 clients) against a bare one-row insert
    on the same server — throughput, p50/p99, their ratio, and each worker's memory (RSS)
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("LONGCHENG_DEMO", "1")

import bench_cockpit  # noqa: E402  (sets Django up)
import bench_loop  # noqa: E402
from django.db import connection  # noqa: E402

BRIGADE_OPEN, BRIGADE_WAITING = 10_000, 3_000


def add_events() -> None:
    """The steps the cockpit generator leaves out: 受理 for every matter, and 签收 and 办理进展
    where the matter got that far (≈ 5.9 events a matter in all). Each kind once."""
    steps = (
        # kind, matters, at, unit, from_status, to_status
        ("received", "true", "received_at", "receiving_unit_id", "", "received"),
        (
            "signed",
            "lead_unit_id IS NOT NULL AND status <> 'dispatched'",
            "received_at + interval '2 hours'",
            "lead_unit_id",
            "dispatched",
            "signed",
        ),
        (
            "progress",
            "lead_unit_id IS NOT NULL AND status <> 'dispatched'",
            "received_at + interval '3 days'",
            "lead_unit_id",
            "signed",
            "in_progress",
        ),
    )
    with connection.cursor() as cursor:
        for kind, where, at, unit, status_from, status_to in steps:
            # Added already if the first matter it applies to has one (matters the service
            # received since, e.g. bench_appeals' submissions, have theirs of course).
            cursor.execute(
                f"SELECT 1 FROM loop_matterevent WHERE kind = %s AND matter_id = "
                f"(SELECT min(id) FROM loop_matter WHERE {where})",
                [kind],
            )
            if cursor.fetchone():
                continue
            started = time.perf_counter()
            cursor.execute(
                f"""
                INSERT INTO loop_matterevent (matter_id, kind, at, unit_id, actor_unit_id,
                    from_status, to_status, note, data)
                SELECT id, %(kind)s, {at}, {unit}, {unit}, %(from)s, %(to)s, '', '{{}}'::jsonb
                FROM loop_matter m WHERE {where} AND NOT EXISTS (SELECT 1 FROM loop_matterevent e
                    WHERE e.matter_id = m.id AND e.kind = %(kind)s)
                """,
                {"kind": kind, "from": status_from, "to": status_to},
            )
            print(
                f"added {cursor.rowcount:,} {kind} events in {time.perf_counter() - started:.1f} s"
            )
        cursor.execute("VACUUM ANALYZE loop_matterevent")


def add_brigade_work() -> None:
    """The brigade clerk's working set, with deadlines around today (as bench_loop)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM core_unit WHERE code = 'ty-cg-zfd-1'")
        brigade = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM loop_matter WHERE lead_unit_id = %s AND number LIKE 'W%%'",
            [brigade],
        )
        if cursor.fetchone()[0]:
            return
        cursor.execute("SELECT id FROM accounts_user WHERE username = 'dispatcher'")
        dispatcher = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO loop_matter (number, title, description, channel, kind, urgency, status,
                address, anonymous, reporter_name, reporter_phone, received_at, received_by_id,
                lead_unit_id, dispatched_at, handle_deadline, handle_window_start, remind_at,
                signed_late, answered_late, answer_text, rating, rating_defaulted,
                return_count, reopen_count, overdue, created_at, updated_at, version)
            SELECT 'W' || lpad(g::text, 12, '0'), '在办事项 ' || g, '大队在办事项内容 ' || g,
                   'hotline', 'complaint', 'normal',
                   CASE WHEN g <= %(open)s THEN 'in_progress' ELSE 'dispatched' END,
                   '太原市', false, '', '', now() - (g %% 30) * interval '1 day',
                   %(dispatcher)s, %(brigade)s, now() - (g %% 30) * interval '1 day',
                   now() + ((g %% 40) - 10) * interval '1 day',
                   now() - (g %% 30) * interval '1 day',
                   now() + ((g %% 40) - 12) * interval '1 day',
                   false, false, '', '', false, 0, 0, false, now(), now(), 1
            FROM generate_series(1, %(total)s) AS g
            """,
            {
                "open": BRIGADE_OPEN,
                "total": BRIGADE_OPEN + BRIGADE_WAITING,
                "brigade": brigade,
                "dispatcher": dispatcher,
            },
        )
        cursor.execute("VACUUM ANALYZE loop_matter")


def summary(name: str, values: list[float]) -> str:
    return (
        f"{name}: n={len(values)} p50={statistics.median(values):.1f} ms "
        f"p95={bench_loop.percentile(values, 95):.1f} ms max={max(values):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--panel-runs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: DATABASE_URL=postgres://…")
    bench_cockpit.build(args.matters)
    add_brigade_work()
    add_events()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM loop_matter")
        matters = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM loop_matterevent")
        events = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(f"\ndatabase: {matters:,} matters, {events:,} events, {size}")
    print(summary("inbox page (办理中, 10,000 in hand)", bench_loop.measure_inbox(args.runs)))
    print(summary("transition (签收)", bench_loop.measure_transitions(args.runs)))
    bench_cockpit.measure_panels(args.panel_runs)
    connection.close()
    print()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_appeals.py"),
            "--clients",
            str(args.clients),
            "--per-client",
            str(args.per_client),
        ],
        cwd=ROOT,
        check=True,
    )


if __name__ == "__main__":
    main()
