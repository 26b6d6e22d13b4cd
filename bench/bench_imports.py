"""Benchmark of the historical-matter import (not a test: it prints figures).

    DATABASE_URL=postgres://root@127.0.0.1:5432/longcheng_imports \
        .venv/bin/python bench/bench_imports.py --rows 1000000

Writes a CSV of N valid historical matters in the import template's columns, then times the
two steps a clerk takes — the dry run (every row checked) and the commit (checked again and
written in one transaction: matters, one event each, roll-ups) — and, as the limit, PostgreSQL's
COPY of the same rows into a table with loop_matter's columns and indexes. With --xlsx N the
dry run is also timed on an .xlsx file of N rows (openpyxl's read-only reader).
"""

import argparse
import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django

django.setup()

from django.core.files import File  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402


def prepare() -> None:
    from django.core.management import call_command

    from longcheng.accounts import demo as accounts_demo
    from longcheng.core import demo as core_demo
    from longcheng.loop import demo as loop_demo
    from longcheng.loop.models import Matter

    call_command("migrate", verbosity=0)
    if not Matter.objects.exists():
        core_demo.seed(lambda *_: None)
        accounts_demo.seed(lambda *_: None)
        loop_demo._catalogue()


def write_rows(path: Path, rows: int, prefix: str) -> None:
    from longcheng.core.models import Division, Unit
    from longcheng.imports.importers import IMPORTERS
    from longcheng.loop.models import Category

    rng = random.Random(20230815)
    units = list(Unit.objects.values_list("code", flat=True))
    divisions = list(Division.objects.filter(level="district").values_list("code", flat=True))
    categories = list(Category.objects.filter(depth=2).values_list("code", flat=True))
    channels = ["12345热线", "网上/扫码", "政务大厅窗口", "特邀监督员"]
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([c.name for c in IMPORTERS["matters"].columns])
        for n in range(rows):
            day = 1 + n % 28
            writer.writerow(
                [
                    f"{prefix}{n:012d}",
                    f"历史事项 {n}",
                    "雨后小区门口积水严重，影响居民出行，请尽快处理。",
                    rng.choice(channels),
                    "投诉",
                    rng.choice(divisions),
                    rng.choice(categories),
                    rng.choice(units),
                    f"2021-{1 + n % 12:02d}-{day:02d} 09:30",
                    f"2021-{1 + n % 12:02d}-{day:02d} 16:00",
                    "已处理。",
                    "满意",
                    "小店区",
                ]
            )


def copy_reference(path: Path) -> float:
    """COPY of the same rows into a table shaped like loop_matter (its indexes included)."""
    from longcheng.core.models import Division, Unit
    from longcheng.loop.models import Category

    units = dict(Unit.objects.values_list("code", "pk"))
    divisions = dict(Division.objects.values_list("code", "pk"))
    categories = dict(Category.objects.values_list("code", "pk"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with open(path, encoding="utf-8") as source:
        reader = csv.reader(source)
        next(reader)
        for r in reader:
            writer.writerow(
                [
                    r[0],
                    r[1],
                    r[2],
                    "hotline",
                    "complaint",
                    "normal",
                    "archived",
                    r[12],
                    False,
                    "",
                    "",
                    r[8] + "+08",
                    units[r[7]],
                    categories[r[6]],
                    divisions[r[5]],
                    r[9] + "+08",
                    r[10],
                    "satisfied",
                    False,
                    False,
                    False,
                    0,
                    0,
                    False,
                    r[8] + "+08",
                    r[8] + "+08",
                    1,
                ]
            )
    data = buffer.getvalue().encode()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute("CREATE TABLE bench_copy (LIKE loop_matter INCLUDING ALL)")
        started = time.perf_counter()
        with cursor.cursor.copy(
            "COPY bench_copy (number, title, description, channel, kind, urgency, status, "
            "address, anonymous, reporter_name, reporter_phone, received_at, lead_unit_id, "
            "category_id, division_id, answered_at, answer_text, rating, rating_defaulted, "
            "signed_late, answered_late, return_count, reopen_count, overdue, created_at, "
            "updated_at, version) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        ) as copy:
            copy.write(data)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return seconds


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    from longcheng.accounts.models import User
    from longcheng.imports import pipeline
    from longcheng.imports.models import ImportBatch

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx", type=int, default=0)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: DATABASE_URL=postgres://…")
    prepare()
    dispatcher = User.objects.get(username="dispatcher")
    with tempfile.TemporaryDirectory() as folder, override_settings(MEDIA_ROOT=folder):
        path = Path(folder) / "history.csv"
        prefix = f"H{int(time.time()) % 100000:05d}"
        write_rows(path, args.rows, prefix)
        size = path.stat().st_size / 2**20
        print(f"{args.rows:,} rows, CSV {size:.0f} MB")

        with open(path, "rb") as handle:
            started = time.perf_counter()
            batch = pipeline.import_check(
                user=dispatcher, kind="matters", upload=File(handle, name="history.csv")
            )
            check = time.perf_counter() - started
        assert batch.status == ImportBatch.Status.CHECKED, batch.errors[:3]
        print(f"dry run:  {check:7.1f} s  {args.rows / check:9,.0f} rows/s")
        started = time.perf_counter()
        batch = pipeline.import_commit(user=dispatcher, batch=batch)
        commit = time.perf_counter() - started
        print(
            f"commit:   {commit:7.1f} s  {args.rows / commit:9,.0f} rows/s "
            f"({batch.created_objects:,} matters + as many events, roll-ups); "
            f"peak memory so far {peak_mb():,.0f} MB"
        )
        copy = copy_reference(path)
        print(f"COPY:     {copy:7.1f} s  {args.rows / copy:9,.0f} rows/s  (the limit)")
        print(f"commit ÷ COPY time: {commit / copy:.1f}×")

        if args.xlsx:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet()
            with open(path, encoding="utf-8") as source:
                for index, row in enumerate(csv.reader(source)):
                    if index > args.xlsx:
                        break
                    sheet.append([row[0].replace(prefix, prefix + "X"), *row[1:]] if index else row)
            xlsx_path = Path(folder) / "history.xlsx"
            book.save(xlsx_path)
            with open(xlsx_path, "rb") as handle:
                started = time.perf_counter()
                pipeline.import_check(
                    user=dispatcher, kind="matters", upload=File(handle, name="history.xlsx")
                )
                seconds = time.perf_counter() - started
            print(
                f"xlsx dry run, {args.xlsx:,} rows: {seconds:.1f} s  "
                f"{args.xlsx / seconds:,.0f} rows/s"
            )


if __name__ == "__main__":
    main()
