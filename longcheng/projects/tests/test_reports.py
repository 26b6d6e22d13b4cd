import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from longcheng.loop.models import Matter
from longcheng.loop.workflow import Status
from longcheng.projects import selectors, services
from longcheng.projects.models import MonthlyReport, Problem, TrafficLightSupervision
from longcheng.projects.rules import TEMPLATE_HEADERS
from longcheng.projects.workflow import Colour


def report(project, actor, month, amount, year=2023):
    return services.report_submit(
        actor=actor,
        project=project,
        year=year,
        month=month,
        investment=Decimal(amount),
        progress="桩基施工",
    )


def test_cumulative_and_year_to_date(project, users):
    report(project, users.clerk1, 12, 500, year=2022)
    for month, amount in ((1, 100), (2, 50), (3, 150)):
        report(project, users.clerk1, month, amount)
    assert selectors.done_in_year(project, 2023, 2) == Decimal(150)
    assert selectors.done_in_year(project, 2023, 3) == Decimal(300)
    assert selectors.done_to_date(project, 2023, 3) == Decimal(800)
    # A corrected month replaces, never adds.
    services.report_submit(
        actor=users.clerk1,
        project=project,
        year=2023,
        month=3,
        investment=Decimal(100),
        progress="桩基施工",
        correction_reason="财务核对后调整",
    )
    assert selectors.done_to_date(project, 2023, 3) == Decimal(750)
    assert MonthlyReport.objects.filter(project=project).count() == 4


def test_a_reported_month_is_corrected_only_with_a_reason_and_the_change_is_kept(project, users):
    first = report(project, users.clerk1, 3, 150)
    with pytest.raises(services.ProjectRefused, match=r"2023 年 3 月已于 .* 报送.*更正原因"):
        report(project, users.clerk1, 3, 100)
    assert MonthlyReport.objects.get(pk=first.pk).investment == Decimal(150)  # untouched
    corrected = services.report_submit(
        actor=users.clerk1,
        project=project,
        year=2023,
        month=3,
        investment=Decimal(120),
        progress="桩基施工完成",
        correction_reason="统计口径调整，剔除设备预付款",
    )
    change = corrected.corrections.get()
    assert change.corrected_by == users.clerk1 and change.reason.startswith("统计口径")
    assert (change.before["investment"], change.after["investment"]) == ("150.00", "120")
    assert selectors.done_to_date(project, 2023, 3) == Decimal(120)


def test_only_the_responsible_unit_reports(project, users):
    with pytest.raises(services.PermissionRefused):
        report(project, users.clerk2, 1, 100)
    with pytest.raises(services.ProjectRefused, match="尚未到来"):
        report(project, users.clerk1, 12, 100)


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(TEMPLATE_HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_an_import_with_bad_rows_takes_nothing_and_names_each(project, users):
    upload = _xlsx(
        [
            ["P-JK", "晶科", 2023, 1, 100, "桩基施工", ""],
            ["P-XX", "不存在", 2023, 1, 100, "施工", ""],
            ["P-JK", "晶科", 2023, 13, "一百", "", ""],
            ["P-JK", "晶科", 2023, 1, 50, "重复", ""],
        ]
    )
    result = services.reports_import(actor=users.clerk1, upload=upload, commit=True)
    assert result.imported == 0 and not MonthlyReport.objects.exists()
    messages = {e.row: e.message for e in result.errors}
    assert set(messages) == {3, 4, 5}
    assert "项目编码“P-XX”不存在" in messages[3]
    assert "年、月须为整数" in messages[4] or "月份须在 1 到 12 之间" in messages[4]
    assert "本月完成投资须填写数字" in messages[4] and "形象进度未填写" in messages[4]
    assert "重复" in messages[5]


def test_a_clean_import_takes_every_row(project, users):
    upload = _xlsx(
        [
            ["P-JK", "晶科", 2023, 1, 100, "桩基施工", ""],
            ["P-JK", "晶科", 2023, 2, 80, "钢构", "电力接入慢"],
        ]
    )
    dry = services.reports_import(actor=users.clerk1, upload=upload, commit=False)
    assert dry.errors == [] and len(dry.rows) == 2 and not MonthlyReport.objects.exists()
    upload.seek(0)
    result = services.reports_import(actor=users.clerk1, upload=upload, commit=True)
    assert result.imported == 2
    assert selectors.done_in_year(project, 2023, 2) == Decimal(180)


def test_an_import_never_overwrites_a_reported_month(project, users):
    report(project, users.clerk1, 1, 100)
    upload = _xlsx(
        [
            ["P-JK", "晶科", 2023, 1, 300, "桩基施工", ""],
            ["P-JK", "晶科", 2023, 2, 80, "钢构", ""],
        ]
    )
    result = services.reports_import(actor=users.clerk1, upload=upload, commit=True)
    assert result.imported == 0 and "2023 年 1 月已报送" in result.errors[0].message
    assert selectors.done_in_year(project, 2023, 2) == Decimal(100)


def test_another_units_project_in_the_file_is_refused(project, users):
    result = services.reports_import(
        actor=users.clerk2, upload=_xlsx([["P-JK", "晶科", 2023, 1, 100, "桩基", ""]]), commit=True
    )
    assert "不属于本单位" in result.errors[0].message


def test_a_lagging_project_gets_one_supervision_matter(project, users):
    report(project, users.clerk1, 1, 10)
    report(project, users.clerk1, 6, 200)  # 210 of 1,200 by June: 17.5 % vs 50 %, 32.5 behind
    counts = services.traffic_light_sweep(year=2023, month=6, as_of=datetime.date(2023, 7, 3))
    assert counts[Colour.RED] == 1
    project.refresh_from_db()
    assert project.colour == Colour.RED
    supervision = TrafficLightSupervision.objects.get(project=project, year=2023, month=6)
    matter = Matter.objects.get(pk=supervision.matter_id)
    assert matter.status == Status.DISPATCHED and matter.lead_unit == project.lead_unit
    assert "时间表、路线图、责任人" in matter.description
    services.traffic_light_sweep(year=2023, month=6, as_of=datetime.date(2023, 7, 4))
    assert TrafficLightSupervision.objects.filter(year=2023, month=6).count() == 1


def test_the_months_call_is_answered_when_every_project_is_in(project, users):
    assert services.reports_request(year=2023, month=8) == 1
    assert services.reports_request(year=2023, month=8) == 0
    request = project.lead_unit
    matter = Matter.objects.get(title__contains="8 月进度")
    from longcheng.loop import services as loop

    loop.matter_sign(matter=matter, actor=users.clerk1)
    report(project, users.clerk1, 8, 100)
    matter.refresh_from_db()
    assert matter.status == Status.ANSWERED and request


def test_a_sponsor_visit_hands_problems_to_units(project, tree, users, org):
    visit = services.visit_record(
        actor=tree.sponsor,
        project=project,
        leader=tree.sponsor,
        visited_on=datetime.date(2023, 9, 20),
        findings="110kV 变电站接入滞后",
        problems=[("协调110kV变电站接入", org.brigade2)],
    )
    problem = Problem.objects.get(visit=visit)
    matter = Matter.objects.get(pk=problem.matter_id)
    assert matter.lead_unit == org.brigade2 and matter.channel == "project"
    with pytest.raises(services.ProjectRefused, match="不是该项目的包保领导"):
        services.visit_record(
            actor=users.leader,
            project=project,
            leader=users.leader,
            visited_on=datetime.date(2023, 9, 20),
        )


def test_the_monthly_cycle_asks_first_and_colours_after_the_report_day(project, users):
    early = services.monthly_cycle(today=datetime.date(2023, 9, 4))
    assert early["requests"] == 1 and early["red"] == 0
    assert not TrafficLightSupervision.objects.exists()
    later = services.monthly_cycle(today=datetime.date(2023, 9, 6))
    assert later["requests"] == 0 and later["red"] == 1  # nothing reported for 2023 by August
    assert TrafficLightSupervision.objects.filter(project=project, year=2023, month=8).count() == 1
