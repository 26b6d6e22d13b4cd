"""Milestones past their planned date with no actual date are flagged on the project page and
the task card, counted in the list and on the sponsor's page."""

import datetime

from django.urls import reverse

from longcheng.projects.models import Milestone
from longcheng.projects.rules import milestone_overdue
from longcheng.projects.selectors import overdue_milestones


def test_the_rule_at_its_boundary():
    today = datetime.date(2023, 9, 25)
    assert milestone_overdue(planned=datetime.date(2023, 9, 24), actual=None, today=today)
    assert not milestone_overdue(planned=today, actual=None, today=today)
    late_but_done = datetime.date(2023, 9, 1)
    assert not milestone_overdue(planned=late_but_done, actual=today, today=today)


def _milestones(project):
    late = Milestone.objects.create(
        project=project, name="一期主厂房封顶", planned_date=datetime.date(2023, 9, 1)
    )
    Milestone.objects.create(
        project=project, name="一期投产", planned_date=datetime.date(2023, 12, 31)
    )
    Milestone.objects.create(
        project=project,
        name="首桩开钻",
        planned_date=datetime.date(2023, 8, 15),
        actual_date=datetime.date(2023, 8, 20),
    )
    return late


def test_the_query_and_the_rule_agree(project):
    late = _milestones(project)
    assert list(overdue_milestones()) == [late]
    today = datetime.date(2023, 9, 25)
    by_rule = [
        m
        for m in Milestone.objects.all()
        if milestone_overdue(planned=m.planned_date, actual=m.actual_date, today=today)
    ]
    assert by_rule == [late]


def test_flagged_on_the_project_page_counted_in_the_list_and_for_the_sponsor(
    login, project, users, tree
):
    _milestones(project)
    page = login(users.clerk1).get(project.get_absolute_url()).content.decode()
    flagged = page.split('data-testid="milestone-overdue"')
    assert len(flagged) == 2 and "一期主厂房封顶" in flagged[1].split("</li>")[0]
    assert "已逾期，未填实际日期" in flagged[1].split("</li>")[0]
    listing = login(users.clerk1).get(reverse("projects:projects"))
    row = next(
        [value for _label, value in cells]
        for _url, cells, _css in listing.context["rows"]
        if cells[0][1] == "P-JK"
    )
    assert row[-1] == 1
    sponsor = login(tree.sponsor).get(reverse("projects:sponsor"))
    assert len(sponsor.context["late_milestones"]) == 1
    assert 'data-testid="late-milestones">1<' in sponsor.content.decode()
