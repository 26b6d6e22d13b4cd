"""Duplicate lookup at intake with 1,000,000 matters, and hot-spot clustering of a week of
20,000 matters, on PostgreSQL (prints figures; never passes or fails). Run bench_loop.py first
to build the 1,000,000 matters, then:

    DATABASE_URL=postgres://root@127.0.0.1:5432/longcheng_bench LONGCHENG_DEMO=1 \
        .venv/bin/python bench/bench_routing_db.py \
        --messages ../shared/data/appeals-routing/train.csv
"""

import argparse
import csv
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django

django.setup()

from django.db import connection  # noqa: E402

WEEK_START = datetime.datetime(2020, 1, 6, tzinfo=datetime.UTC)


def spread_categories():
    """Give the generated matters categories and districts (once)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM loop_matter WHERE category_id IS NULL")
        if cursor.fetchone()[0] == 0:
            return
        cursor.execute("SELECT array_agg(id) FROM loop_category")
        categories = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id) FROM core_division WHERE level = 'district'")
        divisions = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE loop_matter SET category_id = (%s::bigint[])[1 + id %% %s],"
            " division_id = (%s::bigint[])[1 + (id / 7) %% %s] WHERE category_id IS NULL",
            [categories, len(categories), divisions, len(divisions)],
        )
        cursor.execute("VACUUM ANALYZE loop_matter")


def load_messages(path):
    with open(path, encoding="utf-8-sig") as handle:
        return [(r["subject"], r["detail"], r["label"]) for r in csv.DictReader(handle)]


def week_of_matters(messages, count=20_000):
    """20,000 matters in one week of 2020, texts from the messages (many raised repeatedly)."""
    from longcheng.loop.models import Category, Matter

    if (
        Matter.objects.filter(
            received_at__gte=WEEK_START, received_at__lt=WEEK_START + datetime.timedelta(days=7)
        ).count()
        >= count
    ):
        return
    categories = list(Category.objects.all())
    labels = sorted({m[2] for m in messages})
    by_label = {label: categories[i % len(categories)] for i, label in enumerate(labels)}
    rng = random.Random(11)
    rows = []
    for i in range(count):
        subject, detail, label = rng.choice(messages)
        rows.append(
            Matter(
                number=f"W{i:09d}",
                title=subject[:200],
                description=detail[:500],
                channel="hotline",
                kind="complaint",
                urgency="normal",
                status="archived",
                category=by_label[label],
                received_at=WEEK_START + datetime.timedelta(seconds=rng.randint(0, 7 * 86400 - 1)),
            )
        )
    Matter.objects.bulk_create(rows, batch_size=2000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", required=True)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    from longcheng.core.models import Division
    from longcheng.loop.duplicates import similar_open_matters
    from longcheng.loop.models import Category, Matter
    from longcheng.routing.hotspots import hotspots_compute

    spread_categories()
    messages = load_messages(args.messages)
    categories, divisions = (
        list(Category.objects.all()),
        list(Division.objects.filter(level="district")),
    )
    rng = random.Random(3)
    similar_open_matters(text="预热", category=categories[0])
    times, hits = [], 0
    for _run in range(args.runs):
        subject, detail, _label = rng.choice(messages)
        started = time.perf_counter()
        found = similar_open_matters(
            text=subject + detail, category=rng.choice(categories), division=rng.choice(divisions)
        )
        times.append((time.perf_counter() - started) * 1000)
        hits += bool(found)
    times.sort()
    print(f"matters: {Matter.objects.count():,}")
    print(
        f"duplicate lookup at intake: n={len(times)} p50={statistics.median(times):.1f} ms "
        f"p95={times[int(0.95 * (len(times) - 1))]:.1f} ms (suggestions found in {hits})"
    )
    week_of_matters(messages)
    started = time.perf_counter()
    report = hotspots_compute(start=WEEK_START, end=WEEK_START + datetime.timedelta(days=7))
    print(
        f"hot spots of one week: {report.matters:,} matters, {len(report.clusters)} clusters "
        f"reported, {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
