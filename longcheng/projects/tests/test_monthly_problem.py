"""每月一题: promotion by the dispatch centre (one open a month), the lead unit's progress,
the key projects' colour rule, and the complaint volume before and after."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from longcheng.audit.models import AuditRecord
from longcheng.core.errors import PermissionRefused
from longcheng.loop.models import Category, Notification
from longcheng.projects import selectors, services
from longcheng.projects.models import MonthlyProblem
from longcheng.projects.rules import project_colour, schedule_colour
from longcheng.projects.services import ProjectRefused
from longcheng.routing.models import HotSpotReport
from tests.factories import MatterFactory
from tests.fixtures.loop import at

DEADLINE = datetime.date(2023, 10, 25)  # 30 days after the frozen 2023-09-25


def promote(users, org, catalogue, **overrides):
    data = {
        "actor": users.dispatcher,
        "title": "施工噪音扰民",
        "category": catalogue["noise"],
        "lead_unit": org.brigade1,
        "description": "夜间施工噪音投诉反复出现。",
        "measures": "夜查工地，违规施工立案处罚。",
        "deadline": DEADLINE,
        "milestones": [(datetime.date(2023, 10, 10), "完成工地排查")],
    }
    return services.problem_promote(**{**data, **overrides})


def test_the_dispatch_centre_promotes_and_the_lead_unit_hears(users, org, catalogue):
    problem = promote(users, org, catalogue)
    assert (problem.year, problem.month) == (2023, 9)
    assert problem.source == MonthlyProblem.Source.CATEGORY
    assert [m.name for m in problem.milestones.all()] == ["完成工地排查"]
    told = Notification.objects.filter(kind=Notification.Kind.MONTHLY_PROBLEM)
    assert {n.recipient for n in told} == {users.clerk1}
    assert AuditRecord.objects.filter(object_type="projects.monthlyproblem").exists()


def test_one_open_problem_a_month_until_it_is_closed(users, org, catalogue):
    first = promote(users, org, catalogue)
    with pytest.raises(ProjectRefused, match="已有每月一题“施工噪音扰民”，须先销号"):
        promote(users, org, catalogue, title="另一题")
    services.problem_close(
        actor=users.dispatcher, problem=first, expected_version=first.version, note="投诉明显下降"
    )
    second = promote(users, org, catalogue, title="另一题")
    assert second.status == MonthlyProblem.Status.OPEN


def test_only_the_dispatch_centre_promotes(users, org, catalogue, login):
    with pytest.raises(PermissionRefused):
        promote(users, org, catalogue, actor=users.leader)
    assert login(users.clerk1).get(reverse("projects:problem_promote")).status_code == 403
    assert not MonthlyProblem.objects.exists()


def test_a_hot_spot_is_promoted_from_its_page(users, org, catalogue, login):
    report = HotSpotReport.objects.create(
        period_start=at(2023, 9, 18),
        period_end=at(2023, 9, 25),
        matters=3,
        clusters=[
            {
                "category": "夜间施工噪音",
                "count": 3,
                "text": "富力壹品工地夜间施工：晚上11点后仍在施工",
                "example": "X1",
                "places": ["小店区（3）"],
                "units": [],
                "numbers": ["N1", "N2", "N3"],
            }
        ],
    )
    client = login(users.dispatcher)
    hotspots = client.get(reverse("routing:hotspots")).content.decode()
    assert 'data-testid="hotspot-action"' in hotspots and "设为每月一题" in hotspots
    url = reverse("projects:problem_promote") + f"?report={report.pk}&index=0"
    form = client.get(url).content.decode()
    assert "富力壹品工地夜间施工" in form and 'name="report"' in form
    data = {
        "report": report.pk,
        "index": 0,
        "title": "富力壹品工地夜间施工",
        "category": catalogue["noise"].pk,
        "lead_unit": org.brigade1.pk,
        "description": "晚上11点后仍在施工",
        "measures": "夜查",
        "deadline": "2023-10-25",
        "milestones": "2023-10-10 完成排查",
    }
    refused = client.post(url, data).content.decode()
    assert "热点诉求须填写“关键词”" in refused
    bad_line = client.post(url, {**data, "terms": "施工", "milestones": "十月 排查"})
    assert "第 1 行的日期“十月”看不懂" in bad_line.content.decode()
    client.post(url, {**data, "terms": "施工 噪音"})
    problem = MonthlyProblem.objects.get()
    assert problem.source == MonthlyProblem.Source.HOTSPOT
    assert problem.hotspot_numbers == ["N1", "N2", "N3"] and problem.term_list == ["施工", "噪音"]
    # Nobody but the dispatch centre is offered the button.
    assert selectors.problem_hotspot_action(users.leader, report, 0, {}) is None


def test_the_colour_is_the_key_projects_rule_on_the_span_to_the_deadline(
    users, org, catalogue, clock
):
    problem = promote(users, org, catalogue)
    clock.to(at(2023, 10, 15, 9))  # 20 of 30 days: 序时进度 66.7 %
    for progress, colour in ((10, "red"), (50, "yellow"), (60, "green")):
        problem.progress = progress
        figures = selectors.problem_figures(problem)
        assert figures.colour == colour, progress
        assert figures.expected_pct == Decimal("66.7")
        same = schedule_colour(expected=Decimal(200) / 3, actual=Decimal(progress))
        assert same.colour == colour
    # A key project 8 months into its year at the same gap takes the same colour.
    eight = project_colour(
        month=8,
        annual_plan=Decimal(100),
        done_this_year=Decimal("16.7"),
        planned_start=None,
        actual_start=None,
        as_of=datetime.date(2023, 9, 1),
    )
    problem.progress = 17
    assert eight.colour == selectors.problem_figures(problem).colour == "red"


def test_the_lead_unit_reports_progress_and_others_cannot(users, org, catalogue, login):
    problem = promote(users, org, catalogue)
    milestone = problem.milestones.get()
    url = reverse("projects:problem_action", args=[problem.pk, "report"])
    data = {"version": problem.version, "progress": 40, "text": "已排查12处工地", "milestone": ""}
    page = login(users.clerk2).post(url, data, follow=True).content.decode()
    assert "只有牵头单位可以报送" in page
    page = login(users.clerk1).post(url, {**data, "milestone": milestone.pk}, follow=True)
    assert "进展已报送" in page.content.decode()
    problem.refresh_from_db()
    milestone.refresh_from_db()
    assert problem.progress == 40 and milestone.actual_date == datetime.date(2023, 9, 25)
    stale = login(users.clerk1).post(url, {**data, "progress": 50}, follow=True).content.decode()
    assert "已被他人修改" in stale
    problem.refresh_from_db()
    assert problem.progress == 40
    assert (
        "填写有误：完成进度（%）："
        in login(users.clerk1)
        .post(url, {**data, "version": problem.version, "progress": 101}, follow=True)
        .content.decode()
    )


def test_complaints_before_and_after_are_counted_by_one_selector(
    users, org, catalogue, login, clock
):
    other = Category.objects.add_child(
        Category.objects.get(pk=catalogue["root"].pk), {"code": "road", "name": "道路破损"}
    )
    noise = catalogue["noise"]
    for day in (19, 20, 21):  # the week before promotion
        MatterFactory(category=noise, at=at(2023, 9, day, 22))
    MatterFactory(category=noise, at=at(2023, 9, 5, 22))  # three weeks before
    MatterFactory(category=other, at=at(2023, 9, 20, 22))  # another category: not counted
    problem = promote(users, org, catalogue, terms="")
    clock.to(at(2023, 10, 6, 9))
    MatterFactory(category=noise, at=at(2023, 9, 28, 23))  # week 1 after
    volume = selectors.problem_volume(problem)
    before = volume.before[:8]  # then None under the weeks after
    assert before[7] == 3 and before[5] == 1 and sum(before) == 4
    assert volume.after[8:] == [1, 0]  # week 2 is running
    assert volume.running_week and volume.after_weekly == 1.0
    assert volume.before_weekly == 0.5  # 4 in 8 weeks
    page = login(users.dispatcher).get(problem.get_absolute_url()).content.decode()
    assert 'data-testid="before-weekly">0.5<' in page and 'data-testid="after-weekly">1.0<' in page
    assert "+100.0%" in page
    # The cockpit reads the same selector: the same figures.
    cockpit = login(users.dispatcher).get(reverse("cockpit:index")).content.decode()
    assert 'data-testid="cockpit-before-weekly">0.5<' in cockpit
    assert 'data-testid="cockpit-after-weekly">1.0<' in cockpit
    matters = (
        login(users.dispatcher)
        .get(reverse("projects:problem_matters", args=[problem.pk]))
        .content.decode()
    )
    assert "共 5 条" in matters


def test_a_hot_spot_counts_its_matters_and_its_words_only(users, org, catalogue):
    noise = catalogue["noise"]
    mine = MatterFactory(category=noise, title="小区门口夜里施工", at=at(2023, 9, 20, 22))
    MatterFactory(category=noise, title="广场舞音响太吵", at=at(2023, 9, 21, 22))
    MatterFactory(category=noise, title="渣土车夜间噪音", at=at(2023, 9, 22, 22))
    report = HotSpotReport.objects.create(
        period_start=at(2023, 9, 18),
        period_end=at(2023, 9, 25),
        matters=3,
        clusters=[{"category": "夜间施工噪音", "count": 3, "numbers": [mine.number]}],
    )
    problem = promote(users, org, catalogue, hotspot_report=report, hotspot_index=0, terms="渣土")
    assert selectors.problem_volume(problem).before[7] == 2
