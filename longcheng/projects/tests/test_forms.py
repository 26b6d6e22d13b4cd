"""Every input of the projects pages goes through a form: a bad value is a message naming the
field, never a server error, and the writes are audited services."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from longcheng.audit.models import AuditRecord
from longcheng.projects.models import Indicator, IndicatorValue, Problem, SponsorVisit, Task


def test_a_visit_with_an_unknown_unit_is_refused_with_a_message(login, project, tree, org):
    url = reverse("projects:visit_record", args=[project.pk])
    data = {
        "leader": tree.sponsor.pk,
        "visited_on": "2023-09-20",
        "problem": ["协调电力接入", "用地指标"],
        "problem_unit": [str(org.brigade2.pk), "99999999"],
    }
    page = login(tree.sponsor).post(url, data, follow=True).content.decode()
    assert "“交办单位”填写有误" in page and not SponsorVisit.objects.exists()
    data["problem_unit"] = [str(org.brigade2.pk), "x"]
    page = login(tree.sponsor).post(url, data, follow=True).content.decode()
    assert "“交办单位”填写有误" in page and not SponsorVisit.objects.exists()
    data["problem_unit"] = [str(org.brigade2.pk), ""]  # a row without a unit is skipped
    login(tree.sponsor).post(url, data)
    assert [p.description for p in Problem.objects.all()] == ["协调电力接入"]


def test_a_visit_without_a_date_names_the_field(login, project, tree):
    url = reverse("projects:visit_record", args=[project.pk])
    page = login(tree.sponsor).post(url, {"visited_on": "9999-99-99"}, follow=True)
    assert "“走访日期”填写有误" in page.content.decode()
    assert page.status_code == 200 and not SponsorVisit.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [("year", "1e9", "年份"), ("month", "13", "月份"), ("actual", "Infinity", "实际")],
)
def test_a_bad_indicator_value_is_a_message(login, org, users, field, value, label):
    indicator = Indicator.objects.create(name="月销量", measure="吨", owner_unit=org.brigade1)
    data = {"year": "2023", "month": "7", "target": "", "actual": "12000", field: value}
    page = login(users.clerk1).post(indicator.get_absolute_url(), data, follow=True)
    assert page.status_code == 200 and f"“{label}”填写有误" in page.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_bad_period_in_the_address_falls_back_to_the_latest_month(login, project, users):
    response = login(users.clerk1).get(reverse("projects:reports") + "?year=x&month=99")
    assert response.status_code == 200
    pdf = login(users.clerk1).get(reverse("projects:meeting", args=["pdf"]) + "?year=1e999")
    assert pdf.status_code == 200


def test_a_new_task_is_audited(login, tree, users, org):
    data = {
        "goal": tree.goal.pk,
        "code": "T-02",
        "what": "建设氢能产业园",
        "why": "新能源",
        "lead_leader": tree.sponsor.pk,
        "lead_unit": org.team.pk,
        "responsible_units": [org.brigade1.pk, org.brigade2.pk],
        "responsible_person": users.leader.pk,
        "start": "2023-01-01",
        "end": "2024-12-31",
        "how": "招商",
        "investment": "1000",
    }
    login(users.clerk1).post(reverse("projects:task_create"), data)
    task = Task.objects.get(code="T-02")
    assert task.responsible_units.count() == 2 and task.end == datetime.date(2024, 12, 31)
    assert task.investment == Decimal(1000)
    assert AuditRecord.objects.filter(object_type="projects.task", object_id=str(task.pk)).exists()
