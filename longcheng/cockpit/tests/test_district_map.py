"""The cockpit's district choropleth: matters per 10,000 residents and overdue rate per
district, from the one selector the 所在区划 bars read too; a district drills down to the
cockpit filtered to it."""

import datetime

import pytest

from longcheng.cockpit import panels
from longcheng.core.models import Division
from longcheng.loop.models import Matter

pytestmark = pytest.mark.django_db

SEPTEMBER = panels.period_of_months(datetime.date(2023, 9, 1), datetime.date(2023, 9, 1))


@pytest.fixture
def placed(org, receive, dispatched):
    """小店区 (1,190,000 residents): three matters and one in a street of it, two of the four
    overdue; 晋源区 (280,000): two, led by 直属一大队 as the others; one without a division."""
    Division.objects.filter(pk=org.xiaodian.pk).update(population=1_190_000)
    Division.objects.filter(pk=org.jinyuan.pk).update(population=280_000)
    street = Division.objects.create(
        code="140105001", name="坞城街道", level="street", parent=org.xiaodian
    )
    late = [dispatched(division=org.xiaodian), dispatched(division=street)]
    for _ in range(2):
        dispatched(division=org.xiaodian)
    for _ in range(2):
        dispatched(division=org.jinyuan)
    dispatched(division=None)
    Matter.objects.filter(pk__in=[m.pk for m in late]).update(overdue=True)
    return street


def _by_name(figures):
    return {d.name: d for d in figures.districts}


def test_figures_per_district(users, placed):
    figures = panels.district_figures(users.dispatcher, SEPTEMBER)
    xiaodian, jinyuan = _by_name(figures)["小店区"], _by_name(figures)["晋源区"]
    assert (xiaodian.matters, xiaodian.overdue) == (4, 2)  # the street's matter counts in
    assert xiaodian.per_10k == round(4 * 10_000 / 1_190_000, 2)
    assert xiaodian.overdue_rate == 0.5
    assert (jinyuan.matters, jinyuan.overdue, jinyuan.overdue_rate) == (2, 0, 0.0)
    assert jinyuan.per_10k == round(2 * 10_000 / 280_000, 2)
    assert figures.unplaced == 1
    # The 所在区划 bars show the same figures, from the same selector.
    bars = {s.label: s.count for s in panels.matters_panel(users.dispatcher, SEPTEMBER).by_division}
    assert bars == {"小店区": 4, "晋源区": 2, "未注明区划": 1}


def test_a_unit_sees_only_the_matters_it_leads(users, placed):
    figures = panels.district_figures(users.clerk2, SEPTEMBER)  # 直属二大队 leads none
    assert all(d.matters == 0 and d.overdue == 0 for d in figures.districts)
    assert all(d.overdue_rate is None for d in figures.districts)
    assert panels.district_figures(users.clerk1, SEPTEMBER).districts == (
        panels.district_figures(users.dispatcher, SEPTEMBER).districts
    )


def test_a_district_drills_down_to_the_cockpit_filtered_to_it(login, users, placed, org):
    client = login(users.dispatcher)
    page = client.get("/cockpit/", {"from": "2023-09", "to": "2023-09"})
    assert page.status_code == 200
    items = {i["name"]: i for i in page.context["chart"]["districts"]["items"]}
    assert items["小店区"]["matters"] == 4 and items["小店区"]["overdue_rate"] == 50.0
    assert items["小店区"]["per_10k"] == round(4 * 10_000 / 1_190_000, 2)
    assert 'data-testid="district-map"' in page.text and 'data-code="140105"' in page.text

    drilled = client.get(items["小店区"]["url"])
    assert drilled.context["period"].division == org.xiaodian
    assert drilled.context["matters"].total == 4
    figures = _by_name(panels.district_figures(users.dispatcher, drilled.context["period"]))
    assert (figures["小店区"].matters, figures["晋源区"].matters) == (4, 0)

    # The bars' drill-down lists the district with its street, and the unplaced matter.
    for slice_ in panels.matters_panel(users.dispatcher, SEPTEMBER).by_division:
        listing = client.get(slice_.url)
        assert listing.context["paginator"].count == slice_.count, slice_.label


def test_the_large_screen_draws_the_map_and_drills_on_the_screen(login, users, placed):
    page = login(users.dispatcher).get(
        "/cockpit/", {"from": "2023-09", "to": "2023-09", "screen": "1"}
    )
    assert 'id="chart-districts"' in page.text
    url = {i["name"]: i["url"] for i in page.context["chart"]["districts"]["items"]}["小店区"]
    assert "screen=1" in url
