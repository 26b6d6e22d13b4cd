"""Boundary files in: GeoJSON or a zipped shapefile, each feature checked and named by its
number when wrong, new streets and grids created, existing divisions' boundaries replaced, in
WGS-84 whatever system the file was in — every feature or none."""

import io
import json
import zipfile

import pytest
import shapefile
from django.core.files.uploadedfile import SimpleUploadedFile
from shapely.geometry import shape

from longcheng.audit.models import AuditRecord
from longcheng.core import geo
from longcheng.core.models import Division
from longcheng.imports import pipeline
from longcheng.imports.models import ImportBatch

pytestmark = pytest.mark.django_db

B = ImportBatch.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def fresh_index():
    geo.forget_boundaries()
    yield
    geo.forget_boundaries()


def box(min_lng, min_lat, max_lng, max_lat):
    ring = [
        [min_lng, min_lat],
        [max_lng, min_lat],
        [max_lng, max_lat],
        [min_lng, max_lat],
        [min_lng, min_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


WUCHENG = box(112.55, 37.78, 112.60, 37.82)
GRID = box(112.56, 37.79, 112.57, 37.80)
XIAODIAN = box(112.50, 37.60, 112.70, 37.85)


def feature(code, name, level, parent, geometry):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent": parent},
        "geometry": geometry,
    }


def geojson(*features, name="streets.geojson"):
    content = {"type": "FeatureCollection", "features": list(features)}
    return SimpleUploadedFile(name, json.dumps(content, ensure_ascii=False).encode())


def errors_by_feature(batch):
    out: dict[int, list[str]] = {}
    for e in batch.errors:
        out.setdefault(e["row"], []).append(f"{e['column']}:{e['message']}")
    return out


def check_and_commit(user, upload, options=None):
    batch = pipeline.import_check(user=user, kind="boundaries", upload=upload, options=options)
    assert batch.status == B.CHECKED, batch.errors
    return pipeline.import_commit(user=user, batch=batch)


def test_streets_and_grids_are_created_and_a_district_gets_its_boundary(
    users, org, django_capture_on_commit_callbacks
):
    upload = geojson(
        feature("140105", "小店区", "区", "", XIAODIAN),
        feature("140105002", "坞城街道", "街道", "140105", WUCHENG),
        feature("140105002001", "坞城街道第一网格", "grid", "140105002", GRID),
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = check_and_commit(users.sysadmin, upload)
    assert batch.status == B.COMMITTED and batch.created_objects == 3
    street = Division.objects.get(code="140105002")
    assert (street.name, street.level, street.parent) == ("坞城街道", "street", org.xiaodian)
    assert street.boundary == WUCHENG and not street.boundary_approximate
    assert "streets.geojson" in street.boundary_source
    grid = Division.objects.get(code="140105002001")
    assert grid.parent == street and grid.level == "grid"
    org.xiaodian.refresh_from_db()
    assert org.xiaodian.boundary == XIAODIAN and org.xiaodian.name == "小店区"
    # The point-in-polygon index knows them at once.
    placed = geo.place_point(37.795, 112.565).division_ids
    assert placed == (grid.pk, street.pk, org.xiaodian.pk)
    assert geo.place_point(37.81, 112.59).smallest == street.pk
    details = AuditRecord.objects.filter(object_type="core.division").values_list(
        "action", "detail"
    )
    assert sorted(a for a, _d in details) == ["create", "create", "update"]
    assert all(d["import"] == batch.pk for _a, d in details)


def test_a_gcj02_file_is_stored_in_wgs84(users, org):
    check_and_commit(
        users.sysadmin,
        geojson(feature("140105002", "坞城街道", "街道", "140105", WUCHENG)),
        options={"system": geo.GCJ02},
    )
    stored = Division.objects.get(code="140105002").boundary["coordinates"][0][0]
    lat, lng = geo.gcj02_to_wgs84(37.78, 112.55)
    assert stored == pytest.approx([lng, lat], abs=1e-6)
    assert stored != pytest.approx([112.55, 37.78], abs=1e-4)  # about 500 m apart in Taiyuan


def test_every_kind_of_bad_feature_is_reported_and_nothing_is_written(users, org):
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[112.55, 37.78], [112.60, 37.82], [112.60, 37.78], [112.55, 37.82], [112.55, 37.78]]
        ],
    }
    upload = geojson(
        feature("140105002", "坞城街道", "街道", "140105", WUCHENG),  # 1: good
        feature("140105003", "营盘街道", "街道", "140105", bow_tie),  # 2
        feature("140105004", "北营街道", "街道", "149999", WUCHENG),  # 3
        feature("14010A005", "平阳路街道", "街道", "140105", WUCHENG),  # 4
        feature("140105006", "黄陵街道", "社区", "140105", WUCHENG),  # 5
        feature("140105002", "坞城街道（重复）", "街道", "140105", WUCHENG),  # 6
        feature(
            "140105007",
            "亲贤街道",
            "街道",
            "140105",
            {"type": "Point", "coordinates": [112.5, 37.8]},
        ),  # 7
        feature("140105008", "许坦街道", "街道", "140105", None),  # 8
        feature("140105009001", "网格", "网格", "140105", GRID),  # 9: a grid under a district
        feature("140110", "晋源区", "街道", "140100", WUCHENG),  # 10: an existing district
        feature("", "", "", "", WUCHENG),  # 11
        feature("140110001", "罗城街道", "街道", "140105", WUCHENG),  # 12: not 140105's code
    )
    batch = pipeline.import_check(user=users.sysadmin, kind="boundaries", upload=upload)
    assert batch.status == B.REJECTED and batch.total_rows == 12 and batch.bad_rows == 11
    errors = errors_by_feature(batch)
    assert list(errors) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert (
        errors[2][0].startswith("geometry:边界不是有效的面") and "Self-intersection" in errors[2][0]
    )
    assert errors[3] == ["parent:找不到上级区划 149999（须为已有区划或本文件中靠前的要素）。"]
    assert errors[4] == ["code:区划代码应为 6–16 位数字。"]
    assert errors[5] == ["level:无法识别的层级“社区”，应为区、县、县级市、街道、乡镇或网格。"]
    assert errors[6] == ["code:区划代码 140105002 在本文件中重复。"]
    assert errors[7] == ["geometry:边界须为面（Polygon 或 MultiPolygon）。"]
    assert errors[8] == ["geometry:缺少边界。"]
    assert errors[9] == ["parent:上级区划 140105 是区，网格的上级应为街道、乡镇。"]
    assert errors[10][0] == "code:街道的区划代码应为 9 位数字。"
    assert "level:已有区划 140110 的层级为“区”，与文件中的“街道”不符。" in errors[10]
    assert [e.split(":")[0] for e in errors[11]] == ["code", "name", "level"]
    assert errors[12] == ["code:街道、乡镇的代码应以上级区县代码 140105 开头。"]
    assert not Division.objects.filter(level="street").exists()
    with pytest.raises(pipeline.ImportRefused):
        pipeline.import_commit(user=users.sysadmin, batch=batch)
    assert not Division.objects.filter(level="street").exists()


def test_a_feature_that_turns_bad_after_the_dry_run_stops_the_whole_import(users, org):
    upload = geojson(
        feature("140105002", "坞城街道", "街道", "140105", WUCHENG),
        feature("140105003", "营盘街道", "街道", "140105", box(112.6, 37.78, 112.65, 37.82)),
    )
    batch = pipeline.import_check(user=users.sysadmin, kind="boundaries", upload=upload)
    assert batch.status == B.CHECKED
    # Meanwhile someone records 140105003 as a grid: the second feature is now wrong.
    Division.objects.create(code="140105003", name="别的", level="grid", parent=org.xiaodian)
    with pytest.raises(pipeline.ImportRefused, match="未导入任何数据"):
        pipeline.import_commit(user=users.sysadmin, batch=batch)
    assert not Division.objects.filter(code="140105002").exists()
    batch.refresh_from_db()
    assert batch.status == B.REJECTED and batch.errors[0]["row"] == 2


def test_files_that_are_not_boundaries_are_refused_in_plain_words(users, org):
    def refused(upload):
        with pytest.raises(pipeline.ImportRefused) as error:
            pipeline.import_check(user=users.sysadmin, kind="boundaries", upload=upload)
        return error.value.message

    assert "FeatureCollection" in refused(
        SimpleUploadedFile("a.geojson", json.dumps({"type": "Feature"}).encode())
    )
    assert "JSON" in refused(SimpleUploadedFile("a.geojson", b"{not json"))
    assert ".geojson" in refused(SimpleUploadedFile("a.kml", b"<kml/>"))
    assert "zip" in refused(SimpleUploadedFile("a.zip", b"not a zip"))
    empty = pipeline.import_check(user=users.sysadmin, kind="boundaries", upload=geojson())
    assert empty.errors[0]["message"] == "文件中没有数据行。"


def shapefile_zip(prj: str | None, encoding="utf-8", cpg=True):
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(
        shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding=encoding
    ) as writer:
        writer.field("code", "C", 16)
        writer.field("name", "C", 50)
        writer.field("level", "C", 10)
        writer.field("parent", "C", 16)
        writer.record("140105002", "坞城街道", "街道", "140105")
        # Shapefile rings run clockwise; pyshp gives GeoJSON back in GeoJSON's order.
        writer.poly([list(reversed(WUCHENG["coordinates"][0]))])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("streets/wucheng.shp", shp.getvalue())
        archive.writestr("streets/wucheng.shx", shx.getvalue())
        archive.writestr("streets/wucheng.dbf", dbf.getvalue())
        if prj is not None:
            archive.writestr("streets/wucheng.prj", prj)
        if cpg:
            archive.writestr("streets/wucheng.cpg", encoding)
    return SimpleUploadedFile("streets.zip", buffer.getvalue())


CGCS2000_PRJ = (
    'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",'
    'SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],'
    'UNIT["degree",0.0174532925199433]]'
)
PROJECTED_PRJ = (
    'PROJCS["CGCS2000_3_Degree_GK_CM_111E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000"]]'
)


def test_a_zipped_shapefile_with_its_prj_and_a_gbk_table(users, org):
    batch = check_and_commit(users.sysadmin, shapefile_zip(CGCS2000_PRJ, encoding="gbk", cpg=False))
    street = Division.objects.get(code="140105002")
    assert street.name == "坞城街道" and street.parent == org.xiaodian
    assert shape(street.boundary).equals(shape(WUCHENG))  # CGCS2000 is WGS-84 to the centimetre
    assert "CGCS2000" in street.boundary_source and batch.created_objects == 1

    with pytest.raises(pipeline.ImportRefused, match="投影坐标"):
        pipeline.import_check(
            user=users.sysadmin, kind="boundaries", upload=shapefile_zip(PROJECTED_PRJ)
        )


def test_who_may_import_boundaries_and_the_page(login, users, org):
    for other in (users.dispatcher, users.clerk1):
        with pytest.raises(pipeline.ImportRefused):
            pipeline.import_check(user=other, kind="boundaries", upload=geojson())
    assert "坐标系" not in login(users.dispatcher).get("/imports/").text

    client = login(users.sysadmin)
    page = client.get("/imports/").text
    assert "区划边界" in page and "坐标系（仅区划边界）" in page and "下载示例" in page
    sample = client.get("/imports/template/boundaries.xlsx")
    assert json.loads(sample.content)["features"][0]["properties"]["code"] == "140105002"
    upload = geojson(feature("140105002", "坞城街道", "街道", "140105", WUCHENG))
    response = client.post("/imports/", {"kind": "boundaries", "file": upload, "system": "gcj02"})
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/{batch.pk}/" and batch.options == {"system": "gcj02"}
    assert "检查通过：1 行全部正确" in client.get(f"/imports/{batch.pk}/").text
    client.post(f"/imports/{batch.pk}/", {"confirm": "1"})
    assert Division.objects.get(code="140105002").boundary != WUCHENG  # converted from GCJ-02

    bad = geojson(feature("140105003", "营盘街道", "街道", "149999", WUCHENG), name="bad.geojson")
    client.post("/imports/", {"kind": "boundaries", "file": bad})
    page = client.get(f"/imports/{ImportBatch.objects.first().pk}/").text
    assert "要素序号" in page and "找不到上级区划 149999" in page
