"""Coordinate systems and placing a point in its division (core.geo)."""

import pytest

from longcheng.core import demo as core_demo
from longcheng.core import geo
from longcheng.core.models import Division

# Published pairs (WGS-84 → GCJ-02) that every implementation of the formula reproduces.
KNOWN = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN)
def test_wgs84_to_gcj02_matches_known_points(wgs, gcj):
    assert geo.wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN)
def test_gcj02_to_wgs84_inverts_to_a_centimetre(wgs, gcj):
    assert geo.gcj02_to_wgs84(*gcj) == pytest.approx(wgs, abs=1e-7)


def test_the_offset_in_taiyuan_is_hundreds_of_metres_and_none_abroad():
    lat, lng = 37.8706, 112.5489
    g_lat, g_lng = geo.wgs84_to_gcj02(lat, lng)
    assert 0.0005 < abs(g_lat - lat) + abs(g_lng - lng) < 0.01
    assert geo.wgs84_to_gcj02(51.5007, -0.1246) == (51.5007, -0.1246)  # London
    assert geo.to_wgs84(lat, lng, geo.CGCS2000) == (lat, lng)


def test_a_boundary_must_be_a_valid_area():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    assert geo.valid_geometry_error(square) is None
    assert "有效" in geo.valid_geometry_error(bow_tie)
    assert "面" in geo.valid_geometry_error({"type": "Point", "coordinates": [1, 1]})
    assert geo.valid_geometry_error({"type": "Polygon", "coordinates": [[["x"]]]})


@pytest.mark.django_db
def test_a_point_is_placed_in_its_district_from_the_packaged_boundaries():
    core_demo.seed(lambda *_: None)
    geo.forget_boundaries()
    xiaodian = Division.objects.get(code="140105")
    assert xiaodian.boundary and not xiaodian.boundary_approximate
    assert xiaodian.population
    yingze = Division.objects.get(code="140106")
    # 太原南站 (Taiyuan South station) lies in 小店区; the 迎泽公园 lake in 迎泽区: each in one of
    # its district's streets (the smallest division first), then the district.
    for (lat, lng), district in [((37.7935, 112.6087), xiaodian), ((37.8636, 112.5531), yingze)]:
        placed = geo.place_point(lat, lng)
        assert district.pk in placed.division_ids
        smallest = Division.objects.get(pk=placed.smallest)
        assert smallest.level in ("street", "township", "grid")
        assert smallest.code[:6] == district.code
    assert geo.place_point(31.23, 121.47).division_ids == ()  # Shanghai: none of ours
    # The label point lies inside its own district.
    assert xiaodian.pk in geo.place_point(xiaodian.label_lat, xiaodian.label_lng).division_ids


@pytest.mark.django_db
def test_the_boundaries_are_published_for_maps(client):
    core_demo.seed(lambda *_: None)
    response = client.get("/org/boundaries.geojson", {"level": "district"})
    assert response.status_code == 200
    names = {f["properties"]["name"] for f in response.json()["features"]}
    assert {"小店区", "迎泽区", "古交市", "清徐县"} <= names and len(names) == 10
    assert client.get("/org/boundaries.geojson", {"level": "nation"}).status_code == 400
    assert client.get("/org/boundaries.geojson", {"within": "x' OR 1"}).status_code == 400
