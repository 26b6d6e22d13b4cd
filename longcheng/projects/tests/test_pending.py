"""待报送: a unit sees which of its projects still lack the month being reported and reports them
from the list; the 发改委 sees every unit's count with the call's deadline in working days."""

import datetime
from decimal import Decimal

from django.urls import reverse

from longcheng.projects import selectors, services
from longcheng.projects.models import KeyProject, MonthlyReport

from .conftest import at


def test_a_unit_sees_its_pending_project_on_home_and_reports_it_from_the_list(
    login, project, users
):
    client = login(users.clerk1)
    home = client.get("/")
    assert {q.key: q.count for q in home.context["queues"]}["projects-report"] == 1
    tab = client.get("/todo/", {"queue": "projects-report"})
    assert [row.title for row in tab.context["rows"]] == ["P-JK " + project.name]
    assert tab.context["active"].more_url == reverse("projects:pending")
    page = client.get(reverse("projects:pending"))
    assert (page.context["year"], page.context["month"]) == (2023, 8)
    assert [p.code for p in page.context["pending"]] == ["P-JK"]
    assert f'id="project-{project.pk}"' in page.content.decode()
    response = client.post(
        reverse("projects:report_submit", args=[project.pk]),
        {"year": 2023, "month": 8, "investment": "300", "progress": "钢构吊装", "back": "pending"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("projects:pending")
    assert "调度情况已报送" in response.content.decode()
    assert list(response.context["pending"]) == []
    assert MonthlyReport.objects.get(project=project, year=2023, month=8).investment == 300
    assert "projects-report" not in [q.key for q in client.get("/").context["queues"]]


def test_other_units_see_nothing_pending_and_no_unit_table(login, project, users):
    page = login(users.clerk2).get(reverse("projects:pending"))
    assert not page.context["pending"] and not page.context["overseer"]
    assert "各单位报送情况" not in page.content.decode()


def test_the_lead_unit_of_the_strategy_reads_every_units_count_and_deadline(
    login, project, users, org, clock
):
    KeyProject.objects.create(
        code="P-DONE",
        name="已竣工的项目",
        lead_unit=org.brigade2,
        total_investment=Decimal(100),
        planned_start=datetime.date(2020, 1, 1),
        planned_end=datetime.date(2022, 12, 31),
        actual_start=datetime.date(2020, 1, 1),
        actual_end=datetime.date(2022, 12, 31),
    )
    clock.to(at(2023, 9, 1, 9))
    assert services.reports_request(year=2023, month=8) == 1  # the finished project is not asked
    clock.to(at(2023, 9, 4, 9))
    page = login(users.leader).get(reverse("projects:pending"))  # 市城管执法队 leads the task
    assert page.context["overseer"]
    rows = page.context["units"]
    assert [(r.unit, r.due, len(r.missing)) for r in rows] == [(org.brigade1, 1, 1)]
    assert rows[0].report_due == datetime.date(2023, 9, 5)
    assert rows[0].working_days_left is not None and rows[0].working_days_left >= 0
    html = page.content.decode()
    assert "晶科56GW垂直一体化大基地" in html and "个工作日" in html
    assert rows[0].request.matter.number in html
    assert "未报送单位" in [c.label for c in selectors.projects_home_cards(users.leader)]


def test_a_bad_period_falls_back_to_the_month_being_reported(login, project, users):
    page = login(users.clerk1).get(reverse("projects:pending") + "?year=abc&month=13")
    assert page.status_code == 200 and (page.context["year"], page.context["month"]) == (2023, 8)


def test_a_bad_return_field_still_returns_to_the_project(login, project, users):
    response = login(users.clerk1).post(
        reverse("projects:report_submit", args=[project.pk]),
        {"year": 2023, "month": 8, "investment": "1", "progress": "x", "back": "<script>"},
    )
    assert response.status_code == 302 and response.url == project.get_absolute_url()
