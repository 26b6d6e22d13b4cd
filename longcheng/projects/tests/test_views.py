import datetime
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from longcheng.projects import selectors, services
from longcheng.projects.models import Indicator, IndicatorValue, MonthlyReport
from longcheng.projects.rules import TEMPLATE_HEADERS


def test_the_tree_shows_positionings_tasks_and_coloured_projects(login, project, users):
    page = login(users.clerk2).get(reverse("projects:tree")).content.decode()
    assert "打造全国重要的先进制造业基地" in page and "建设光伏全产业链基地" in page
    assert "晶科56GW垂直一体化大基地" in page


def test_the_task_card_has_all_seven_answers(login, tree, project, users):
    page = login(users.clerk1).get(tree.task.get_absolute_url()).content.decode()
    for label in ("做什么", "为什么", "谁来做", "何时", "在哪里", "怎么做", "投入多少"):
        assert label in page
    assert "王副市长" in page


def test_administrators_do_not_read_projects(login, users, project):
    assert login(users.sysadmin).get(reverse("projects:tree")).status_code == 403


def test_a_unit_reports_on_the_page_and_another_cannot(login, project, users):
    url = reverse("projects:report_submit", args=[project.pk])
    data = {"year": 2023, "month": 8, "investment": "300", "progress": "主厂房钢构吊装"}
    refused = login(users.clerk2).post(url, data, follow=True).content.decode()
    assert "只有项目责任单位" in refused and not MonthlyReport.objects.exists()
    login(users.clerk1).post(url, data)
    assert selectors.done_in_year(project, 2023, 8) == Decimal(300)
    bad = (
        login(users.clerk1).post(url, {**data, "investment": "三百"}, follow=True).content.decode()
    )
    assert "“本月完成投资”填写有误" in bad and "数字" in bad


def test_the_upload_checks_then_imports(login, project, users):
    book = Workbook()
    book.active.append(TEMPLATE_HEADERS)
    book.active.append(["P-JK", "晶科", 2023, 7, "abc", "", ""])
    out = io.BytesIO()
    book.save(out)
    client = login(users.clerk1)
    out.seek(0)
    out.name = "bad.xlsx"
    page = client.post(reverse("projects:reports"), {"file": out, "commit": "1"}).content.decode()
    assert "第 2 行" in page and "本月完成投资须填写数字" in page
    assert not MonthlyReport.objects.exists()
    template = client.get(reverse("projects:reports") + "?template=xlsx")
    rows = list(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == TEMPLATE_HEADERS and rows[1][0] == "P-JK"


def test_the_meeting_report_lists_colours(login, project, users):
    services.report_submit(
        actor=users.clerk1,
        project=project,
        year=2023,
        month=8,
        investment=Decimal(100),
        progress="施工",
    )
    pdf = login(users.clerk1).get(reverse("projects:meeting", args=["pdf"]) + "?year=2023&month=8")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace(
        "\x00", ""
    )
    assert "2023年8月重点项目调度会材料" in text and "晶科56GW垂直一体化大基地" in text
    xlsx = login(users.clerk1).get(
        reverse("projects:meeting", args=["xlsx"]) + "?year=2023&month=8"
    )
    values = [
        c
        for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "红色" in values  # 100 of 1,200 by August: 8.3 % against 66.7 %


def test_indicator_series_has_year_on_year(login, org, users):
    indicator = Indicator.objects.create(name="月销量", measure="吨", owner_unit=org.brigade1)
    IndicatorValue.objects.create(indicator=indicator, year=2022, month=7, actual=Decimal(8000))
    services.indicator_record(
        actor=users.clerk1,
        indicator=indicator,
        year=2023,
        month=7,
        target=Decimal(10000),
        actual=Decimal(12000),
    )
    response = login(users.clerk1).get(indicator.get_absolute_url() + "?year=2023")
    july = response.context["series"][6]
    assert (july.actual, july.last_year, july.yoy_pct) == (
        Decimal(12000),
        Decimal(8000),
        Decimal("50.0"),
    )
    assert response.context["chart"]["actual"][6] == 12000.0


def test_the_roadmap_places_planned_and_actual(login, project, users):
    response = login(users.clerk1).get(reverse("projects:roadmap"))
    rows = response.context["rows"]
    project_row = next(r for r in rows if r.label == project.name)
    assert project_row.planned == (datetime.date(2023, 3, 1), datetime.date(2026, 12, 31))
    assert project_row.actual[0] == datetime.date(2023, 8, 15)
    assert 0 <= project_row.plan_left < project_row.actual_left


def test_the_sponsor_page_counts_visits_and_problems(login, project, tree, org):
    services.visit_record(
        actor=tree.sponsor,
        project=project,
        leader=tree.sponsor,
        visited_on=datetime.date(2023, 9, 20),
        problems=[("协调电力接入", org.brigade2)],
    )
    context = login(tree.sponsor).get(reverse("projects:sponsor")).context
    assert (
        context["visit_count"] == 1
        and len(context["open_problems"]) == 1
        and context["solved"] == 0
    )


def test_the_roadmap_chart_carries_what_its_tooltips_show(login, project, users):
    from longcheng.projects.models import Milestone

    Milestone.objects.create(
        project=project, name="一期主厂房封顶", planned_date=datetime.date(2023, 9, 1)
    )
    Milestone.objects.create(
        project=project,
        name="首桩开钻",
        planned_date=datetime.date(2023, 8, 1),
        actual_date=datetime.date(2023, 8, 15),
    )
    response = login(users.clerk1).get(reverse("projects:roadmap"))
    chart = response.context["chart"]
    line = next(r for r in chart["rows"] if r["label"] == project.name)
    assert line["planned"] == ["2023-03-01", "2026-12-31"] and line["actual"][0] == "2023-08-15"
    assert line["colour_label"] == "红色"  # nothing reported by August: the colour pages show
    marks = {m["name"]: (m["planned"], m["actual"], m["status"]) for m in line["milestones"]}
    assert marks == {
        "一期主厂房封顶": ("2023-09-01", None, "已逾期（未填实际日期）"),
        "首桩开钻": ("2023-08-01", "2023-08-15", "逾期完成"),
    }
    html = response.content.decode()
    assert 'id="gantt-data"' in html and "projects/roadmap.js" in html
    assert "<script>" not in html.replace('<script id="gantt-data"', "")
    for zoom in ("month", "quarter", "year"):
        assert f'data-gantt-zoom="{zoom}"' in html
