"""The header's matter search at city scale (issue 27): words through the character-bigram index
(loop.search, ADR 0022) against the `icontains` scan it replaces. Not a test: it prints figures
for docs/benchmarks.md.

    psql -h 127.0.0.1 -U root -d postgres -c "CREATE DATABASE longcheng_search_1m"
    DATABASE_URL=postgres://root@127.0.0.1:5432/longcheng_search_1m \
        .venv/bin/python bench/bench_search.py --matters 1000000

Builds (or reuses) N matters over five years, stored in the order they were received (as a
city's are), whose titles and contents are the 936 citizens'
messages of ../shared/data/appeals-routing/train.csv (skewed: a few subjects come back often;
content cut to 60–140 characters) with a Taiyuan address each, then builds the word index
(timed). Then, as the dispatch centre (it sees every matter) and as a brigade clerk, the whole
page `/loop/?box=all&q=…` — the first 20 hits newest first and their capped count — for words
from very common to absent, warm, p50/p95 of --runs; and the same words by the scan the page
used before (`icontains` on number, title, content, address), fewer runs.
"""

import argparse
import csv
import importlib
import os
import statistics
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

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

MIGRATION = "longcheng.loop.migrations.0013_matter_words_index"
COST = "longcheng.loop.migrations.0020_bigrams_cost"
MESSAGES = ROOT.parent / "shared" / "data" / "appeals-routing" / "train.csv"
ROADS = (
    "坞城路 长风街 并州路 迎泽大街 府西街 建设路 学府街 平阳路 体育路 亲贤街 南内环街 "
    "滨河东路 晋祠路 和平路 胜利街 解放路 新建路 五一路"
).split()
DISTRICTS = "小店区 迎泽区 杏花岭区 尖草坪区 万柏林区 晋源区 清徐县 阳曲县 娄烦县 古交市".split()

# From very common to absent, as a dispatcher types them.
WORDS = [
    ("施工", "common word (in ~1 in 6 matters)"),
    ("人行道", "frequent word"),
    ("噪音 扰民", "two words"),
    ("烂尾", "less frequent word"),
    ("杜鹃文苑", "a place named in one message"),
    ("坞城路", "a road of the address"),
    ("漏", "one character"),
    ("鼎", "a rarer character"),
    ("地铁站漏水", "absent phrase (its bigrams occur apart)"),
]


def build(total: int) -> None:
    from django.core.management import call_command

    from longcheng.accounts import demo as accounts_demo
    from longcheng.core import demo as core_demo
    from longcheng.loop import demo as loop_demo
    from longcheng.loop.models import Matter

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # the function as the migrations define it now
        cursor.execute(importlib.import_module(MIGRATION).BIGRAMS)
        cursor.execute(importlib.import_module(COST).COST)  # a replaced function loses it
    existing = Matter.objects.count()
    if existing >= total:
        print(f"reusing {existing:,} matters")
        build_index()
        return
    core_demo.seed(lambda *_: None)
    accounts_demo.seed(lambda *_: None)
    loop_demo._catalogue()
    with open(MESSAGES, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    subjects = [r["subject"][:200] for r in rows]
    details = [r["detail"][:140] for r in rows]
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(id ORDER BY path) FROM loop_category WHERE depth = 2")
        categories = cursor.fetchone()[0]
        cursor.execute(
            "SELECT array_agg(COALESCE(default_lead_unit_id, 0) ORDER BY path) "
            "FROM loop_category WHERE depth = 2"
        )
        units = cursor.fetchone()[0]
        cursor.execute("DROP INDEX IF EXISTS matter_words_idx")  # built once, after the rows
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO loop_matter (number, title, description, channel, kind, urgency, status,
                address, anonymous, reporter_name, reporter_phone, reporter_phone_index,
                received_at, lead_unit_id, category_id, dispatched_at, signed_late,
                answered_late, answer_text, rating, rating_defaulted, return_count,
                reopen_count, overdue, created_at, updated_at, version, legal_hold)
            SELECT 'S' || lpad(g::text, 12, '0'), (%(subjects)s::text[])[m],
                   left((%(details)s::text[])[m], 60 + (g %% 81)::int),
                   'hotline', 'complaint', 'normal',
                   CASE WHEN rec < now() - interval '40 days' THEN 'archived'
                        ELSE 'in_progress' END,
                   (%(districts)s::text[])[1 + g %% 10] || (%(roads)s::text[])[1 + g %% 18]
                       || (g %% 300 + 1) || '号',
                   false, '', '', '', rec, NULLIF((%(units)s::bigint[])[c], 0),
                   (%(categories)s::bigint[])[c], rec + interval '1 hour',
                   false, false, '', '', false, 0, 0, false, rec, rec, 1, ''
            FROM (
                SELECT g, 1 + floor(power(random(), 1.6) * %(n)s)::int AS m,
                       1 + (g %% array_length(%(categories)s::bigint[], 1))::int AS c,
                       now() - (1 - sqrt(random())) * 5 * interval '1 year' AS rec
                FROM generate_series(%(first)s, %(total)s) AS g
            ) raw
            ORDER BY rec
            """,
            {
                "subjects": subjects,
                "details": details,
                "n": len(rows),
                "districts": DISTRICTS,
                "roads": ROADS,
                "units": units,
                "categories": categories,
                "first": existing + 1,
                "total": total,
            },
        )
        print(f"generated {total - existing:,} matters in {time.perf_counter() - started:.0f} s")
    build_index()


def build_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'matter_words_idx'")
        if cursor.fetchone():
            return
        started = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "CREATE INDEX matter_words_idx ON loop_matter USING gin "
            "(longcheng_bigrams(title || ' ' || description || ' ' || address))"
        )
        print(f"word index built in {time.perf_counter() - started:.0f} s", flush=True)
        # The statistics target the migration sets: the plan choice reads which bigrams are
        # common from them, and the default target lists too few at city scale.
        cursor.execute(importlib.import_module(MIGRATION).STATISTICS)
        cursor.execute("VACUUM ANALYZE loop_matter")
        cursor.execute(
            "SELECT pg_size_pretty(pg_relation_size('loop_matter')),"
            " pg_size_pretty(pg_relation_size('matter_words_idx'))"
        )
        table, index = cursor.fetchone()
        print(f"table {table}, word index {index}")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def signed_in(username: str) -> Client:
    from longcheng.accounts.demo import ready_for_sign_in
    from longcheng.accounts.models import User
    from longcheng.accounts.testing import sign_in_verified

    ready_for_sign_in(lambda *_: None)
    client = Client()
    sign_in_verified(client, User.objects.get(username=username))
    return client


def timed_page(client: Client, q: str, runs: int) -> tuple[list[float], str]:
    client.get("/loop/", {"box": "all", "q": q})  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/loop/", {"box": "all", "q": q})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times, hits(q)


def hits(q: str) -> str:
    """What the page counts (up to the cap), by the same search."""
    from longcheng.core.counting import capped_count, shown_count
    from longcheng.loop.models import Matter
    from longcheng.loop.search import matter_search

    return shown_count(capped_count(matter_search(Matter.objects.all(), q)[0]))


def timed_scan(q: str, runs: int) -> list[float]:
    """The search the page made before: one icontains over four columns, newest first."""
    from longcheng.core.counting import capped_count
    from longcheng.loop.models import Matter

    condition = (
        Q(number__icontains=q)
        | Q(title__icontains=q)
        | Q(description__icontains=q)
        | Q(address__icontains=q)
    )
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        queryset = Matter.objects.filter(condition).order_by("-received_at", "-pk")
        list(queryset[:20])
        capped_count(queryset)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--scan-runs", type=int, default=3)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "the word index is PostgreSQL's"
    build(args.matters)

    print(f"\nword search, whole page /loop/?box=all&q=…, warm, {args.runs} runs, ms")
    print(
        "| words | what | hits (capped) | dispatch centre p50 / p95 | brigade clerk p50 / p95 |"
        f" scan before, p50 of {args.scan_runs} |"
    )
    dispatcher, clerk = signed_in("dispatcher"), signed_in("cg_clerk1")
    everything = []
    for q, what in WORDS:
        centre, hits = timed_page(dispatcher, q, args.runs)
        brigade, _ = timed_page(clerk, q, args.runs)
        scan = timed_scan(q, args.scan_runs) if " " not in q else None
        everything += centre
        print(
            f"| {q} | {what} | {hits} | {statistics.median(centre):.0f} / "
            f"{percentile(centre, 95):.0f} | {statistics.median(brigade):.0f} / "
            f"{percentile(brigade, 95):.0f} | "
            + (f"{statistics.median(scan):.0f} |" if scan else "— |")
        )
    print(
        f"\nall words, dispatch centre: p50 {statistics.median(everything):.0f} ms,"
        f" p95 {percentile(everything, 95):.0f} ms"
    )


if __name__ == "__main__":
    main()
