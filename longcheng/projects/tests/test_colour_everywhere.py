"""One colour everywhere. The bug this guards against: the project page took the badge's class
from the colour computed for the month shown and its text from the colour a sweep had stored
earlier, so a red badge read “绿色” above “落后序时进度超过 30 个百分点”; and a month corrected
after its sweep never raised its supervision matter. Now every page, the PDF and the matter ask
`rules.colour_badge` about the one colour `rules.project_colour` gives for the month shown."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from longcheng.loop.models import Matter
from longcheng.projects import services
from longcheng.projects.models import KeyProject, TrafficLightSupervision
from longcheng.projects.rules import colour_badge
from longcheng.projects.workflow import Colour

from .conftest import at

BADGE = re.compile(
    r'<span class="badge (?P<css>[\w-]+)" data-testid="colour" data-colour="(?P<colour>\w+)"'
    r"[^>]*>(?P<label>[^<]+)</span>"
)
# By August, 66.7 % of the 1,200 planned should be done.
AUGUST = {Colour.GREEN: 720, Colour.YELLOW: 500, Colour.RED: 100}
CSS = {
    Colour.GREEN: "text-bg-success",
    Colour.YELLOW: "text-bg-warning",
    Colour.RED: "text-bg-danger",
}
LABEL = {Colour.GREEN: "绿色", Colour.YELLOW: "黄色", Colour.RED: "红色"}


def _report_august(project, actor, amount):
    return services.report_submit(
        actor=actor,
        project=project,
        year=2023,
        month=8,
        investment=Decimal(amount),
        progress="主体施工",
    )


def _pdf_text(client) -> str:
    pdf = client.get(reverse("projects:meeting", args=["pdf"]) + "?year=2023&month=8")
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace(
        "\x00", ""
    )


@pytest.mark.parametrize("colour", [Colour.GREEN, Colour.YELLOW, Colour.RED])
def test_badge_class_text_pdf_and_matter_say_the_same_colour(colour, login, project, users):
    _report_august(project, users.clerk1, AUGUST[colour])
    # A colour stored by an earlier sweep (another month, or before a correction) is never
    # what a page shows.
    stale = Colour.RED if colour == Colour.GREEN else Colour.GREEN
    KeyProject.objects.filter(pk=project.pk).update(colour=stale)
    client = login(users.clerk1)
    pages = [
        project.get_absolute_url(),
        reverse("projects:tree"),
        reverse("projects:projects"),
        reverse("projects:reports") + "?year=2023&month=8",
    ]
    for url in pages:
        badges = BADGE.findall(client.get(url).content.decode())
        assert badges, url
        for css, value, label in badges:
            assert (css, value, label) == (CSS[colour], colour, LABEL[colour]), url
    sponsor_page = login(project.sponsorships.get().leader).get(reverse("projects:sponsor"))
    assert BADGE.search(sponsor_page.content.decode()).group("label") == LABEL[colour]
    assert f"【{LABEL[colour]}】P-JK" in _pdf_text(client)
    supervisions = TrafficLightSupervision.objects.filter(project=project, year=2023, month=8)
    if colour == Colour.GREEN:
        assert not supervisions.exists()
    else:
        matter = Matter.objects.get(pk=supervisions.get().matter_id)
        assert matter.title == f"三色督办（{LABEL[colour]}）：{project.name}"


def test_a_correction_after_the_sweep_turns_the_project_red_and_raises_its_matter_once(
    project, users, clock
):
    _report_august(project, users.clerk1, AUGUST[Colour.GREEN])
    services.traffic_light_sweep(year=2023, month=8, as_of=datetime.date(2023, 9, 6))
    project.refresh_from_db()
    assert project.colour == Colour.GREEN and not TrafficLightSupervision.objects.exists()
    services.report_submit(
        actor=users.clerk1,
        project=project,
        year=2023,
        month=8,
        investment=Decimal(100),
        progress="主体施工",
        correction_reason="统计口径更正",
    )
    project.refresh_from_db()
    assert project.colour == Colour.RED
    assert "落后序时进度超过 30 个百分点" in project.colour_reason
    supervision = TrafficLightSupervision.objects.get(project=project, year=2023, month=8)
    assert supervision.colour == Colour.RED
    for day in (26, 27):
        clock.to(at(2023, 9, day, 9))
        services.monthly_cycle()
    services.traffic_light_sweep(year=2023, month=8)
    assert TrafficLightSupervision.objects.filter(project=project).count() == 1


def test_the_daily_cycle_colours_the_month_the_pages_show(project, users, clock):
    """Years later the pages still speak of the last reported month; the daily cycle sweeps
    that month, so its red project has its matter (it used to sweep last month only, where no
    project had a plan, and raised nothing)."""
    clock.to(at(2023, 9, 3, 9))  # before the report day: August is not due yet
    _report_august(project, users.clerk1, AUGUST[Colour.RED])
    assert not TrafficLightSupervision.objects.exists()
    KeyProject.objects.filter(pk=project.pk).update(colour=Colour.GREEN)
    clock.to(at(2026, 12, 7, 9))
    services.monthly_cycle()
    project.refresh_from_db()
    assert project.colour == Colour.RED
    assert TrafficLightSupervision.objects.get(project=project).month == 8


def test_before_the_report_day_the_pages_show_the_month_before(login, project, users, clock):
    clock.to(at(2023, 9, 4, 9))
    response = login(users.clerk1).get(project.get_absolute_url())
    assert (response.context["year"], response.context["month"]) == (2023, 7)


def test_no_colour_is_a_grey_dash_and_every_colour_has_its_own_look():
    assert colour_badge("").label == "—" and colour_badge("purple").colour == ""
    looks = {colour_badge(c).css for c in Colour} | {colour_badge(c).rgb for c in Colour}
    assert len(looks) == 6
