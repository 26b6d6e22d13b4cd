"""Benchmark of the closed-loop engine at city scale (not a test: it prints figures).

    DATABASE_URL=postgres://root@127.0.0.1:5432/longcheng_bench \
        .venv/bin/python bench/bench_loop.py --matters 1000000

Builds (or reuses) a PostgreSQL database with N matters — one brigade holding 10,000 open
ones — then measures, in-process with Django's test client (server time: view, queries,
template):
  * the brigade clerk's inbox page (tab 办理中, first page, sorted by deadline) — p50/p95
  * one transition (签收) committed through the service — p50/p95
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
# As in production: DEBUG off, so templates are compiled once and cached.
os.environ.setdefault("DJANGO_DEBUG", "false")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

BRIGADE_OPEN = 10_000


def build(total: int) -> None:
    from django.core.management import call_command

    from longcheng.accounts import demo as accounts_demo
    from longcheng.core import demo as core_demo
    from longcheng.loop import demo as loop_demo
    from longcheng.loop.models import Matter

    call_command("migrate", verbosity=0)
    if Matter.objects.count() >= total:
        print(f"reusing {Matter.objects.count():,} matters")
        return
    core_demo.seed(print)
    accounts_demo.seed(lambda *_: None)
    loop_demo._catalogue()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM core_unit WHERE code = 'ty-cg-zfd-1'")
        brigade = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id) FROM core_unit")
        units = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM accounts_user WHERE username = 'dispatcher'")
        dispatcher = cursor.fetchone()[0]
        # History: mostly archived and closed matters spread over ten years and all units;
        # then the brigade's 10,000 open ones and a few thousand waiting to be signed.
        cursor.execute(
            """
            INSERT INTO loop_matter (number, title, description, channel, kind, urgency, status,
                address, anonymous, reporter_name, reporter_phone, received_at, received_by_id,
                lead_unit_id, dispatched_at, handle_deadline, handle_window_start, remind_at,
                signed_late, answered_late, answer_text, rating, rating_defaulted,
                return_count, reopen_count, overdue, created_at, updated_at, version)
            SELECT 'B' || lpad(g::text, 12, '0'),
                   '历史事项 ' || g, '批量生成的历史事项内容 ' || g, 'hotline', 'complaint',
                   'normal',
                   CASE WHEN g <= %(open)s THEN 'in_progress'
                        WHEN g <= %(open)s + 3000 THEN 'dispatched'
                        WHEN g %% 10 = 0 THEN 'closed' ELSE 'archived' END,
                   '太原市', false, '群众', '139' || lpad((g %% 100000000)::text, 8, '0'),
                   now() - (g %% 3650) * interval '1 day', %(dispatcher)s,
                   CASE WHEN g <= %(open)s + 3000 THEN %(brigade)s
                        ELSE (%(units)s::bigint[])[1 + g %% array_length(%(units)s::bigint[], 1)]
                        END,
                   now() - (g %% 3650) * interval '1 day',
                   now() + ((g %% 40) - 10) * interval '1 day',
                   now() - (g %% 3650) * interval '1 day',
                   now() + ((g %% 40) - 12) * interval '1 day',
                   false, false, '', '', false, 0, 0, false, now(), now(), 1
            FROM generate_series(1, %(total)s) AS g
            """,
            {
                "open": BRIGADE_OPEN,
                "total": total,
                "brigade": brigade,
                "units": units,
                "dispatcher": dispatcher,
            },
        )
        # What autovacuum does in production after a bulk load: statistics and the visibility
        # map (without it counts cannot use index-only scans).
        cursor.execute("VACUUM ANALYZE loop_matter")
    print(f"generated {total:,} matters in {time.perf_counter() - started:.1f} s")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def measure_inbox(runs: int) -> list[float]:
    from longcheng.accounts.demo import ready_for_sign_in
    from longcheng.accounts.models import User
    from longcheng.accounts.testing import sign_in_verified

    ready_for_sign_in(lambda *_: None)  # the demo accounts' first-password flag cleared
    client = Client()
    sign_in_verified(client, User.objects.get(username="cg_clerk1"))
    client.get("/loop/?box=handling")  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/loop/?box=handling")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


def measure_transitions(runs: int) -> list[float]:
    from longcheng.accounts.models import User
    from longcheng.loop import services
    from longcheng.loop.models import Matter

    clerk = User.objects.get(username="cg_clerk1")
    matters = list(Matter.objects.filter(status="dispatched", lead_unit=clerk.unit)[:runs])
    times = []
    for matter in matters:
        started = time.perf_counter()
        services.matter_sign(matter=matter, actor=clerk, expected_version=matter.version)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it will be filled).")
    build(args.matters)
    inbox = measure_inbox(args.runs)
    sign = measure_transitions(args.runs)
    from longcheng.loop.models import Matter

    print(
        f"matters: {Matter.objects.count():,}; brigade open: "
        f"{Matter.objects.filter(lead_unit__code='ty-cg-zfd-1', status='in_progress').count():,}"
    )
    for name, values in (("inbox page (办理中)", inbox), ("transition (签收)", sign)):
        print(
            f"{name}: n={len(values)} p50={statistics.median(values):.1f} ms "
            f"p95={percentile(values, 95):.1f} ms max={max(values):.1f} ms"
        )


if __name__ == "__main__":
    main()
