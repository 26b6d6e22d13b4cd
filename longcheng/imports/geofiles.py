"""Reading a boundary file — GeoJSON, or a zipped ESRI shapefile (pyshp, pure Python) — as the
rows of an import: one row per feature, numbered from 1, with its properties and its geometry
(a GeoJSON Polygon or MultiPolygon, still in the file's coordinate system)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from longcheng.core import geo

from .reading import UnreadableFile

# The properties a feature carries (a shapefile's DBF fields of the same names), and the other
# names accepted for them.
FIELDS = ("code", "name", "level", "parent")
ALIASES = {
    "code": ("code", "区划代码", "CODE", "adcode"),
    "name": ("name", "名称", "NAME"),
    "level": ("level", "层级", "LEVEL"),
    "parent": ("parent", "parent_code", "parentcode", "上级区划代码", "PARENT"),
}
GEOMETRY = "geometry"

# A boundary file is read whole (a city's streets are a few MB; its grids some tens).
MAX_BYTES = getattr(settings, "LONGCHENG_IMPORT_MAX_BOUNDARY_BYTES", 50 * 1024 * 1024)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a DBF numeric field holds 140105002 as 140105002.0
    return str(value).strip()


def _properties(properties: Any) -> list[str]:
    properties = properties if isinstance(properties, dict) else {}
    out = []
    for field in FIELDS:
        value = next((properties[k] for k in ALIASES[field] if k in properties), None)
        out.append(_cell(value))
    return out


def _too_big(size: int) -> None:
    if size > MAX_BYTES:
        raise UnreadableFile(
            _("边界文件超过 %(n)s MB，请按区县分批导入。") % {"n": MAX_BYTES // 2**20}
        )


def read_boundaries(fileobj, name: str) -> tuple[list[str], Iterator[tuple[int, list]], str]:
    """(header, rows, the system the file declares or "" when it declares none)."""
    lowered = name.lower()
    if lowered.endswith((".geojson", ".json")):
        return _geojson(fileobj)
    if lowered.endswith(".zip"):
        return _shapefile(fileobj)
    raise UnreadableFile(_("区划边界只接受 .geojson（或 .json）文件，或压缩成 .zip 的 Shapefile。"))


def _rows(features: list) -> Iterator[tuple[int, list]]:
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            feature = {}
        yield number, [*_properties(feature.get("properties")), feature.get("geometry")]


def _geojson(fileobj) -> tuple[list[str], Iterator[tuple[int, list]], str]:
    content = fileobj.read(MAX_BYTES + 1)
    _too_big(len(content))
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise UnreadableFile(_("无法读取该 GeoJSON 文件：不是 UTF-8 编码的 JSON。")) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise UnreadableFile(_("GeoJSON 文件须为 FeatureCollection（要素集合）。"))
    features = data.get("features")
    if not isinstance(features, list):
        raise UnreadableFile(_("GeoJSON 文件缺少 features 列表。"))
    # RFC 7946 GeoJSON is WGS-84; an older file may name its system in "crs" (EPSG:4490 is
    # CGCS2000's longitude and latitude).
    crs = json.dumps(data.get("crs") or "")
    declared = geo.CGCS2000 if "4490" in crs else ""
    return [*FIELDS, GEOMETRY], _rows(features), declared


def _prj_system(prj: str) -> str:
    text = prj.upper()
    if text.startswith("PROJCS") or "PROJCRS" in text:
        raise UnreadableFile(
            _(
                "该 Shapefile 是投影坐标（.prj 为 PROJCS），请先在 GIS 软件中转换为经纬度"
                "（WGS-84 或 CGCS2000）再导入。"
            )
        )
    if "CGCS" in text or "CHINA_2000" in text or "CHINA GEODETIC COORDINATE SYSTEM 2000" in text:
        return geo.CGCS2000
    if "WGS_1984" in text or "WGS 84" in text or "WGS84" in text:
        return geo.WGS84
    return ""


def _shapefile(fileobj) -> tuple[list[str], Iterator[tuple[int, list]], str]:
    import shapefile  # pyshp

    try:
        archive = zipfile.ZipFile(fileobj)
        members = {m.filename.lower(): m for m in archive.infolist() if not m.is_dir()}
    except zipfile.BadZipFile:
        raise UnreadableFile(_("无法读取该 zip 文件。")) from None
    _too_big(sum(m.file_size for m in members.values()))
    stems = sorted({n[:-4] for n in members if n.endswith(".shp")})
    if len(stems) != 1:
        raise UnreadableFile(
            _("zip 中须有且只有一个 .shp 文件（连同同名的 .shx、.dbf，最好还有 .prj）。")
        )
    stem = stems[0]
    missing = [ext for ext in (".shx", ".dbf") if stem + ext not in members]
    if missing:
        raise UnreadableFile(
            _("zip 中缺少 %(f)s 文件（Shapefile 的 .shp、.shx、.dbf 须一起打包）。")
            % {"f": "、".join(missing)}
        )

    def part(ext: str) -> bytes:
        return archive.read(members[stem + ext])

    declared = ""
    if stem + ".prj" in members:
        declared = _prj_system(part(".prj").decode("utf-8", errors="replace"))
    encoding = "utf-8"
    if stem + ".cpg" in members:
        encoding = part(".cpg").decode("ascii", errors="replace").strip() or encoding
    dbf = part(".dbf")
    try:
        dbf.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding = "gb18030"  # what Chinese GIS software writes without a .cpg
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(part(".shp")),
            shx=io.BytesIO(part(".shx")),
            dbf=io.BytesIO(dbf),
            encoding=encoding,
        )
        fields = [f[0] for f in reader.fields[1:]]
        features = []
        for record in reader.iterShapeRecords():
            properties = dict(zip(fields, list(record.record), strict=False))
            geometry = None
            if record.shape.shapeType != shapefile.NULL:
                # Tuples to lists: the geometry is stored as JSON.
                geometry = json.loads(json.dumps(record.shape.__geo_interface__))
            features.append({"properties": properties, "geometry": geometry})
    except Exception as error:  # pyshp raises many kinds for a damaged file
        raise UnreadableFile(_("无法读取该 Shapefile：%(e)s") % {"e": error}) from None
    return [*FIELDS, GEOMETRY], _rows(features), declared
