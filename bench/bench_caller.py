"""The 12345 workbench's caller history at city scale (issue 29): the caller's earlier matters
through the phone's blind index (loop.selectors.caller_history, newest first, at most 20), the
open similar ones (caller_open_similar) and the fragment the workbench shows. Not a test: it
prints figures for docs/benchmarks.md.

    psql -h 127.0.0.1 -U root -d postgres -c "CREATE DATABASE longcheng_caller"
    DATABASE_URL=postgres://root@127.0.0.1:5432/longcheng_caller \
        .venv/bin/python bench/bench_caller.py --matters 10000000

Generates (or reuses) N matters with generate_series — only the columns the history reads
are varied; 3,000,000 background callers (blind index values, most with a few matters) — with
the table's secondary indexes dropped during the insert and only the phone's blind index built
after it (timed). Then 200 phones with 0, 1, 5 and 50 earlier matters each are added under
their real blind index, and each group is looked up warm: p50/p95 of the selector alone and
of selector + similarity + the rendered fragment.
"""

import argparse
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
from django.template.loader import render_to_string  # noqa: E402

GROUPS = (0, 1, 5, 50)
PHONES_PER_GROUP = 200
BACKGROUND_CALLERS = 3_000_000
STATUSES = ["archived", "closed", "in_progress", "answered", "dispatched"]


def phone_of(group: int, n: int) -> str:
    return f"139{group:02d}{n:06d}"


def build(total: int) -> None:
    from django.core.management import call_command

    from longcheng.core import demo as core_demo
    from longcheng.loop import demo as loop_demo
    from longcheng.loop.models import Matter

    call_command("migrate", verbosity=0)
    existing = Matter.objects.filter(number__startswith="B").count()
    if existing >= total:
        print(f"reusing {existing:,} matters")
        index()
        return
    core_demo.seed(lambda *_: None)
    loop_demo._catalogue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(id ORDER BY path) FROM loop_category WHERE depth = 2")
        categories = cursor.fetchone()[0]
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'loop_matter' "
            "AND indexname NOT LIKE '%%pkey' AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO loop_matter (number, title, description, channel, kind, urgency, status,
                address, anonymous, reporter_name, reporter_phone, reporter_phone_index,
                received_at, category_id, signed_late, answered_late, answer_text, rating,
                rating_defaulted, return_count, reopen_count, overdue, created_at, updated_at,
                version, legal_hold)
            SELECT 'B' || lpad(g::text, 12, '0'), '小区暖气不热，室温不达标', '已反映多次。',
                   'hotline', 'complaint', 'normal', (%(statuses)s::text[])[1 + g %% 5], '',
                   false, '', '',
                   left(md5('caller' || (hashtext(g::text) %% %(callers)s)::text), 32),
                   now() - random() * 5 * interval '1 year',
                   (%(categories)s::bigint[])[1 + g %% array_length(%(categories)s::bigint[], 1)],
                   false, false, '', '', false, 0, 0, false, now(), now(), 1, ''
            FROM generate_series(%(first)s, %(total)s) AS g
            """,
            {
                "statuses": STATUSES,
                "callers": BACKGROUND_CALLERS,
                "categories": categories,
                "first": existing + 1,
                "total": total,
            },
        )
        print(f"generated {total - existing:,} matters in {time.perf_counter() - started:.0f} s")
    add_callers(categories)
    index()


def add_callers(categories) -> None:
    from longcheng.loop.models import Matter

    field = Matter._meta.get_field("reporter_phone")
    indexes, counts = [], []
    for group in GROUPS:
        for n in range(PHONES_PER_GROUP):
            if group:
                indexes.append(field.lookup_value(phone_of(group, n)))
                counts.append(group)
    with connection.cursor() as cursor:
        # Added once (a DELETE would check the self-referencing master_id of every row, whose
        # index the generator dropped).
        cursor.execute("SELECT 1 FROM loop_matter WHERE number LIKE 'K%%' LIMIT 1")
        if cursor.fetchone():
            return
        cursor.execute(
            """
            INSERT INTO loop_matter (number, title, description, channel, kind, urgency, status,
                address, anonymous, reporter_name, reporter_phone, reporter_phone_index,
                received_at, category_id, signed_late, answered_late, answer_text, rating,
                rating_defaulted, return_count, reopen_count, overdue, created_at, updated_at,
                version, legal_hold)
            SELECT 'K' || lpad(c::text, 5, '0') || lpad(k::text, 3, '0'),
                   '家里暖气不热', '暖气片上热下凉，室温只有十四度。', 'hotline', 'complaint',
                   'normal', (%(statuses)s::text[])[1 + k %% 5], '', false, '', '', idx,
                   now() - random() * 5 * interval '1 year',
                   (%(categories)s::bigint[])[1 + k %% 3], false, false, '', '', false, 0, 0,
                   false, now(), now(), 1, ''
            FROM unnest(%(indexes)s::text[], %(counts)s::int[]) WITH ORDINALITY AS t(idx, n, c),
                 generate_series(1, n) AS k
            """,
            {
                "statuses": STATUSES,
                "categories": categories,
                "indexes": indexes,
                "counts": counts,
            },
        )


def index() -> None:
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_matter_phone_idx "
            "ON loop_matter (reporter_phone_index)"
        )
        cursor.execute("ANALYZE loop_matter")
        print(f"built the phone's blind index in {time.perf_counter() - started:.0f} s")


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=1_000_000)
    args = parser.parse_args()
    build(args.matters)

    from longcheng.core.masking import mask_phone
    from longcheng.loop.selectors import caller_history, caller_open_similar
    from longcheng.loop.workflow import OPEN

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM loop_matter")
        print(f"matters: {cursor.fetchone()[0]:,}")
    print(f"{'earlier':>8} {'found':>6} {'select p50':>11} {'p95':>7} {'page p50':>9} {'p95':>7}")
    for group in GROUPS:
        phones = [phone_of(group or 99, n) for n in range(PHONES_PER_GROUP)]
        for phone in phones[:20]:  # warm up
            caller_history(phone)
        selects, pages, found = [], [], 0
        for phone in phones:
            started = time.perf_counter()
            history = caller_history(phone)
            selects.append((time.perf_counter() - started) * 1000)
            similar = caller_open_similar(history, text="暖气不热，室温不达标")
            render_to_string(
                "hotline/_history.html",
                {
                    "masked": mask_phone(phone),
                    "history": history,
                    "similar": similar,
                    "similar_pks": {m.pk for m, _r in similar},
                    "open_states": OPEN,
                    "limit": len(history),
                },
            )
            pages.append((time.perf_counter() - started) * 1000)
            found = max(found, len(history))
        print(
            f"{group:>8} {found:>6} {statistics.median(selects):>9.1f}ms "
            f"{percentile(selects, 95):>5.1f}ms {statistics.median(pages):>7.1f}ms "
            f"{percentile(pages, 95):>5.1f}ms"
        )


if __name__ == "__main__":
    main()
