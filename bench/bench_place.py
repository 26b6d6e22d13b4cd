"""Placing a new matter by its point, and finding the area rule that speaks for it (prints
figures; never passes or fails).

With the demo's divisions (ten districts, the streets and townships of 小店区 and 迎泽区) and
2,000 generated grids (each demo street cut into about a hundred cells), it times:
- `geo.place_point` per point (the STRtree of every boundary, prepared polygons), against a
  plain scan of every boundary without the index;
- `placing.division_at` (the same, plus reading the division's row);
- `places.rule_for_matter` (the divisions above the placed one, and the rule lookup).

    DATABASE_URL=postgres://root@127.0.0.1:5432/longcheng_bench_place LONGCHENG_DEMO=1 \\
        .venv/bin/python bench/bench_place.py --points 5000
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("LONGCHENG_DEMO_MATTERS", "40")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

GRID_SOURCE = "bench_place 生成的网格"


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def figures(label, seconds):
    ms = [s * 1000 for s in seconds]
    print(
        f"{label:<44} n={len(ms):>5}  p50 {percentile(ms, 50):7.3f} ms  "
        f"p95 {percentile(ms, 95):7.3f} ms  max {max(ms):7.3f} ms  "
        f"mean {statistics.fmean(ms):7.3f} ms"
    )


def prepare():
    from longcheng.routing.models import AreaRule

    call_command("migrate", verbosity=0)
    if not AreaRule.objects.exists():  # the demo's last step here (seed_demo is idempotent)
        print("载入演示数据（事项 40 件）…", flush=True)
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", stdout=quiet)


def generate_grids(target: int) -> int:
    """Cut every demo street into square cells (clipped to the street) until `target` grids."""
    from shapely.geometry import box, mapping, shape

    from longcheng.core import geo
    from longcheng.core.models import Division

    have = Division.objects.filter(level="grid", boundary_source=GRID_SOURCE).count()
    if have >= target:
        return have
    streets = list(Division.objects.filter(level__in=["street", "township"]).exclude(boundary=None))
    per_street = max(1, target // len(streets))
    made = []
    for street in streets:
        area = shape(street.boundary)
        min_lng, min_lat, max_lng, max_lat = area.bounds
        # A square lattice fine enough to give about `per_street` cells inside the street.
        side = (area.area / per_street) ** 0.5
        cells = []
        lat = min_lat
        while lat < max_lat:
            lng = min_lng
            while lng < max_lng:
                cell = area.intersection(box(lng, lat, lng + side, lat + side))
                if cell.geom_type in ("Polygon", "MultiPolygon") and not cell.is_empty:
                    cells.append(cell)
                lng += side
            lat += side
        for number, cell in enumerate(cells[:per_street], start=1):
            geometry = mapping(cell)
            if geo.valid_geometry_error(geometry):
                continue
            grid = Division(
                code=f"{street.code}{500 + number:03d}"[:16],
                name=f"{street.name}网格{number}",
                level="grid",
                parent=street,
            )
            grid.set_boundary(geometry, source=GRID_SOURCE, approximate=True)
            made.append(grid)
    Division.objects.bulk_create(made, ignore_conflicts=True)
    return Division.objects.filter(level="grid", boundary_source=GRID_SOURCE).count()


def points(count: int, seed: int = 7):
    """Points across 小店区 and 迎泽区 (most of them), and some elsewhere in Taiyuan."""
    from longcheng.core.models import Division

    rng = random.Random(seed)
    boxes = [
        (d.min_lat, d.min_lng, d.max_lat, d.max_lng)
        for d in Division.objects.filter(code__in=["140105", "140106"]).exclude(boundary=None)
    ]
    city = (37.4, 111.9, 38.3, 112.9)
    out = []
    for i in range(count):
        south, west, north, east = city if i % 5 == 0 else rng.choice(boxes)
        out.append((rng.uniform(south, north), rng.uniform(west, east)))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--grids", type=int, default=2000)
    args = parser.parse_args()

    prepare()
    from shapely.geometry import Point, shape

    from longcheng.core import geo
    from longcheng.core.models import Division
    from longcheng.core.placing import division_at
    from longcheng.loop.models import Category, Matter
    from longcheng.routing import places
    from longcheng.routing.models import AreaRule

    grids = generate_grids(args.grids)
    with_boundary = Division.objects.exclude(boundary=None).count()
    print(
        f"数据库 {connection.vendor}；有边界的区划 {with_boundary} 个（其中生成网格 {grids} 个），"
        f"区域分拨规则 {AreaRule.objects.count()} 条。"
    )

    geo.forget_boundaries()
    started = time.perf_counter()
    geo.place_point(37.8, 112.57)
    built = (time.perf_counter() - started) * 1000
    print(f"建立空间索引（首个点，含读取全部边界）：{built:.0f} ms")

    sample = points(args.points)
    timed = []
    placed_in = {"grid": 0, "street": 0, "district": 0, "none": 0}
    levels = dict(Division.objects.values_list("pk", "level"))
    for lat, lng in sample:
        t = time.perf_counter()
        placed = geo.place_point(lat, lng)
        timed.append(time.perf_counter() - t)
        level = levels.get(placed.smallest, "none")
        key = (
            "street"
            if level in ("street", "township")
            else "district"
            if level in ("district", "county", "county_city")
            else level
        )
        placed_in[key] = placed_in.get(key, 0) + 1
    figures("geo.place_point (STRtree)", timed)
    print(f"  落点：{placed_in}")

    rows = Division.objects.exclude(boundary=None).values_list("pk", "boundary")
    shapes = [(pk, shape(b)) for pk, b in rows]
    scan = []
    for lat, lng in sample[:500]:
        point = Point(lng, lat)
        t = time.perf_counter()
        [pk for pk, s in shapes if s.covers(point)]
        scan.append(time.perf_counter() - t)
    figures("plain scan of every boundary (no index)", scan)

    timed = []
    for lat, lng in sample:
        t = time.perf_counter()
        division_at(lat, lng)
        timed.append(time.perf_counter() - t)
    figures("placing.division_at (index + the row)", timed)

    codes = ["urban-stall", "municipal-road", "water-outage"]
    categories = list(Category.objects.filter(code__in=codes))

    timed = []
    for lat, _lng in sample[:1000]:
        t = time.perf_counter()
        list(Division.objects.filter(pk=int(lat * 1000) % 50 + 1).values_list("pk"))
        timed.append(time.perf_counter() - t)
    figures("reference: one primary-key query", timed)
    if not categories:
        categories = list(Category.objects.all()[:3])
    timed, spoke = [], 0
    for i, (lat, lng) in enumerate(sample):
        matter = Matter(latitude=lat, longitude=lng, division=division_at(lat, lng))
        category = categories[i % len(categories)]
        t = time.perf_counter()
        rule = places.rule_for_matter(matter, category)
        timed.append(time.perf_counter() - t)
        spoke += rule is not None
    figures("places.rule_for_matter (areas + rule)", timed)
    print(f"  有规则命中：{spoke} / {len(sample)}")


if __name__ == "__main__":
    main()
