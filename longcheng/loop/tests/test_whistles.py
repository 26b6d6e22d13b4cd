"""吹哨报到: a street office handling a matter summons departments; each reports within a time
limit in working hours; the sweep escalates a late one once; 报到及时率 counts them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import UserFactory
from longcheng.accounts.roles import Role
from longcheng.core.errors import LongchengError
from longcheng.core.models import Unit
from longcheng.loop import metrics, rules, services
from longcheng.loop.models import MatterEvent, Notification, WhistleSummons
from longcheng.loop.selectors import (
    Box,
    inbox_boxes,
    inbox_queryset,
    loop_home_cards,
    matters_visible_to,
)
from longcheng.loop.timers import loop_sweep
from longcheng.loop.workflow import Action, MetricScope, Status
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db

S = WhistleSummons.Status
E = MatterEvent.Kind


class Place:
    pass


@pytest.fixture
def place(org, users):
    """A street office (亲贤街道) and two city departments, each with a clerk and a leader."""

    def unit(code, name, kind):
        return Unit.objects.add_child(
            Unit.objects.get(pk=org.gov.pk),
            {"code": code, "name": name, "kind": kind, "division": org.xiaodian},
        )

    p = Place()
    p.street = unit("qx", "亲贤街道办事处", "government")
    p.market = unit("scjg", "市市场监管局", "department")
    p.housing = unit("zjj", "市住建局", "department")
    p.street_clerk = UserFactory(username="qx_clerk", full_name="刘晓芳", unit=p.street)
    p.market_clerk = UserFactory(username="scjg_clerk", full_name="郝瑞", unit=p.market)
    p.market_leader = UserFactory(
        username="scjg_leader", full_name="周正", role=Role.LEADER, unit=p.market
    )
    p.housing_clerk = UserFactory(username="zjj_clerk", full_name="范静怡", unit=p.housing)
    p.housing_leader = UserFactory(
        username="zjj_leader", full_name="吴建国", role=Role.LEADER, unit=p.housing
    )
    return p


@pytest.fixture
def handled(receive, users, place):
    """A matter the street office signed (Monday 25 September 2023, 09:00)."""

    def _handled(**overrides):
        matter = services.matter_dispatch(
            matter=receive(**overrides), actor=users.dispatcher, lead_unit=place.street
        )
        return services.matter_sign(matter=matter, actor=place.street_clerk)

    return _handled


def whistle(matter, place, units=None, hours=8, reason="小区底商占道经营、违建搭棚，需联合处置"):
    return services.matter_whistle(
        matter=matter,
        actor=place.street_clerk,
        units=units if units is not None else [place.market, place.housing],
        reason=reason,
        hours=hours,
    )


def summons_of(whistle_, unit) -> WhistleSummons:
    return WhistleSummons.objects.get(whistle=whistle_, unit=unit)


# — Who whistles —


def test_the_lead_unit_whistles_and_each_department_finds_the_matter(handled, place, users):
    matter = handled()
    assert Action.WHISTLE in rules.allowed_actions(place.street_clerk, matter)
    assert matter not in matters_visible_to(place.market_clerk)

    w = whistle(matter, place)

    # Eight working hours from Monday 09:00: Monday 17:00.
    assert w.report_deadline == at(2023, 9, 25, 17, 0)
    assert {s.unit for s in w.summonses.all()} == {place.market, place.housing}
    assert all(s.status == S.PENDING for s in w.summonses.all())
    for clerk in (place.market_clerk, place.housing_clerk, place.market_leader):
        assert matter in matters_visible_to(clerk)
        assert Box.TO_REPORT in inbox_boxes(clerk)
        assert matter in inbox_queryset(clerk, Box.TO_REPORT)
        assert Action.REPORT in rules.allowed_actions(clerk, matter)
        assert Action.WHISTLE not in rules.allowed_actions(clerk, matter)
    assert matter not in inbox_queryset(users.clerk1, Box.TO_REPORT)
    event = matter.events.get(kind=E.WHISTLED)
    assert "市市场监管局、市住建局" in event.note and "2023-09-25 17:00" in event.note
    told = Notification.objects.filter(matter=matter, kind=Notification.Kind.WHISTLE)
    assert set(told.values_list("recipient__username", flat=True)) == {
        "scjg_clerk",
        "scjg_leader",
        "zjj_clerk",
        "zjj_leader",
    }


def test_the_summoned_department_finds_it_on_its_home_page(handled, place, login):
    whistle(handled(), place)
    home = login(place.market_clerk).get("/").content.decode()
    assert "待报到" in home and "?box=to_report" in home
    cards = {c.label: c.count for c in loop_home_cards(place.market_clerk)}
    assert cards["待报到"] == 1
    assert "待报到" not in {c.label for c in loop_home_cards(place.street_clerk)}


def test_an_urgent_matter_defaults_to_two_working_hours(handled, place):
    assert rules.whistle_default_hours(handled(urgency="urgent")) == 2
    assert rules.whistle_default_hours(handled()) == 8


@pytest.mark.parametrize("who", ["market_clerk", "dispatcher", "committee_clerk", "clerk1"])
def test_only_the_lead_unit_whistles(handled, place, users, who):
    matter = handled()
    user = getattr(place, who, None) or getattr(users, who)
    assert Action.WHISTLE not in rules.allowed_actions(user, matter)
    with pytest.raises(LongchengError, match="只有主办单位可以"):
        services.matter_whistle(
            matter=matter, actor=user, units=[place.housing], reason="需要联合处置", hours=8
        )
    assert not matter.whistles.exists()


def test_no_whistle_before_the_matter_is_signed(receive, users, place):
    matter = services.matter_dispatch(
        matter=receive(), actor=users.dispatcher, lead_unit=place.street
    )
    with pytest.raises(LongchengError, match="不能吹哨"):
        whistle(matter, place)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("none", "请至少选择一个被吹哨部门"),
        ("lead", "不能向本事项的主办单位（亲贤街道办事处）吹哨"),
        ("twice", "被吹哨部门重复：市住建局"),
        ("zero_hours", "报到时限应在 1 到 40 个工作小时之间"),
        ("too_many_hours", "报到时限应在 1 到 40 个工作小时之间"),
        ("short_reason", "请写明需要各部门解决或配合的问题"),
    ],
)
def test_wrong_input_is_refused_saying_what_is_wrong(handled, place, case, message):
    matter = handled()
    units, hours, reason = [place.market], 8, "需要联合处置占道经营"
    if case == "none":
        units = []
    elif case == "lead":
        units = [place.street, place.market]
    elif case == "twice":
        units = [place.housing, place.housing]
    elif case == "zero_hours":
        hours = 0
    elif case == "too_many_hours":
        hours = 41
    elif case == "short_reason":
        reason = "  "
    with pytest.raises(LongchengError, match=message):
        whistle(matter, place, units=units, hours=hours, reason=reason)
    assert not matter.whistles.exists()


def test_a_department_waiting_to_report_is_not_whistled_twice(handled, place):
    matter = handled()
    whistle(matter, place, units=[place.market])
    with pytest.raises(LongchengError, match="市市场监管局 已被吹哨、尚未报到"):
        whistle(matter, place, units=[place.housing, place.market])
    # Once it has reported, it may be called again.
    first = matter.summonses.get()
    services.matter_report(
        matter=matter, actor=place.market_clerk, summons=first, opinion="属本局职责，明日执法"
    )
    whistle(matter, place, units=[place.market])
    assert matter.summonses.count() == 2


# — Who reports —


def test_a_department_reports_in_time(handled, place):
    matter = handled()
    w = whistle(matter, place)
    market = summons_of(w, place.market)
    services.matter_report(
        matter=matter,
        actor=place.market_clerk,
        summons=market,
        opinion="占道经营属本局职责范围",
        took_part="明日上午派员到现场联合执法",
    )
    market.refresh_from_db()
    assert market.status == S.REPORTED
    assert market.reported_by == place.market_clerk
    assert market.took_part == "明日上午派员到现场联合执法"
    event = matter.events.get(kind=E.REPORTED)
    assert event.unit == place.market and "承担：明日上午派员到现场联合执法" in event.note
    # The call to report is settled for the market's staff, not for the housing bureau's.
    waiting = Notification.objects.filter(
        matter=matter, kind=Notification.Kind.WHISTLE, resolved_at__isnull=True
    )
    assert set(waiting.values_list("recipient__username", flat=True)) >= {"zjj_clerk"}
    assert not waiting.filter(recipient__unit=place.market).exists()
    assert waiting.filter(recipient=place.street_clerk, title__contains="市市场监管局 已报到")
    assert matter not in inbox_queryset(place.market_clerk, Box.TO_REPORT)
    assert matter in matters_visible_to(place.market_clerk)  # still reads it
    assert Action.REPORT not in rules.allowed_actions(place.market_clerk, matter)


def test_only_the_summoned_department_reports(handled, place, users):
    matter = handled()
    w = whistle(matter, place)
    market = summons_of(w, place.market)
    with pytest.raises(LongchengError, match="只有被吹哨的部门（市市场监管局）可以报到"):
        services.matter_report(
            matter=matter, actor=place.housing_clerk, summons=market, opinion="代为报到"
        )
    for outsider in (place.street_clerk, users.clerk1):
        with pytest.raises(LongchengError, match="只有被吹哨部门可以"):
            services.matter_report(
                matter=matter, actor=outsider, summons=market, opinion="代为报到"
            )
    with pytest.raises(LongchengError, match="请填写报到意见"):
        services.matter_report(matter=matter, actor=place.market_clerk, summons=market, opinion="")
    services.matter_report(
        matter=matter, actor=place.market_clerk, summons=market, opinion="属本局职责"
    )
    with pytest.raises(LongchengError, match="不能重复报到"):
        services.matter_report(
            matter=matter, actor=place.market_leader, summons=market, opinion="再报一次"
        )
    market.refresh_from_db()
    assert market.status == S.REPORTED and market.opinion == "属本局职责"


# — The sweep —


def test_a_late_department_is_escalated_once_and_its_late_report_is_recorded(
    handled, place, users, clock
):
    matter = handled()
    w = whistle(matter, place)
    services.matter_report(
        matter=matter,
        actor=place.market_clerk,
        summons=summons_of(w, place.market),
        opinion="属本局职责",
    )
    assert loop_sweep(now=at(2023, 9, 25, 16, 59)).late_reports == 0

    clock.to(at(2023, 9, 25, 17, 30))
    first = loop_sweep(now=at(2023, 9, 25, 17, 30))
    again = loop_sweep(now=at(2023, 9, 26, 9, 0))
    assert (first.late_reports, again.late_reports) == (1, 0)

    housing = summons_of(w, place.housing)
    assert housing.status == S.LATE
    assert housing.escalated_at == at(2023, 9, 25, 17, 30)
    assert summons_of(w, place.market).status == S.REPORTED
    late = matter.events.filter(kind=E.REPORT_LATE)
    assert late.count() == 1 and late.get().unit == place.housing
    assert "市住建局 未在报到时限（2023-09-25 17:00）内报到" in late.get().note
    warned = Notification.objects.filter(matter=matter, title__startswith="超时未报到")
    assert set(warned.values_list("recipient__username", flat=True)) == {
        "zjj_leader",
        "qx_clerk",
        "dispatcher",
    }
    # Still in the department's queue, and its report is still taken — as late.
    assert matter in inbox_queryset(place.housing_clerk, Box.TO_REPORT)
    clock.to(at(2023, 9, 26, 10, 0))
    services.matter_report(
        matter=matter, actor=place.housing_clerk, summons=housing, opinion="违建属本局查处"
    )
    housing.refresh_from_db()
    assert housing.status == S.REPORTED_LATE
    assert matter.events.get(kind=E.REPORTED, unit=place.housing).data["late"] is True
    assert not warned.filter(resolved_at__isnull=True).exists()
    w.refresh_from_db()
    assert w.closed_at == at(2023, 9, 26, 10, 0)


def test_a_department_with_no_leader_of_its_own_escalates_to_the_unit_above(
    handled, place, users, org, clock
):
    matter = handled()
    services.matter_whistle(
        matter=matter, actor=place.street_clerk, units=[org.brigade2], reason="占道施工", hours=1
    )
    clock.to(at(2023, 9, 25, 11, 0))
    assert loop_sweep(now=at(2023, 9, 25, 11, 0)).late_reports == 1
    warned = Notification.objects.filter(matter=matter, title__startswith="超时未报到")
    assert "leader" in set(warned.values_list("recipient__username", flat=True))


def test_answering_the_matter_ends_the_wait(handled, place, clock):
    matter = handled()
    w = whistle(matter, place, hours=8)
    clock.to(at(2023, 9, 25, 11, 0))
    services.matter_answer(
        matter=matter, actor=place.street_clerk, text="经街道协调，商户已自行拆除搭棚。"
    )
    assert set(w.summonses.values_list("status", flat=True)) == {S.CANCELLED}
    assert loop_sweep(now=at(2023, 9, 26, 9, 0)).late_reports == 0
    assert matter not in inbox_queryset(place.market_clerk, Box.TO_REPORT)
    assert not Notification.objects.filter(
        matter=matter, kind=Notification.Kind.WHISTLE, resolved_at__isnull=True
    ).exists()


# — 报到及时率 —


def test_the_on_time_report_rate_counts_each_department(handled, place, clock):
    first = handled()
    w1 = whistle(first, place)  # Monday, 8 hours: both due Monday 17:00
    services.matter_report(
        matter=first, actor=place.market_clerk, summons=summons_of(w1, place.market), opinion="好"
    )
    second = handled()
    w2 = whistle(second, place, units=[place.market, place.housing], hours=4)
    services.matter_report(
        matter=second,
        actor=place.housing_clerk,
        summons=summons_of(w2, place.housing),
        opinion="好",
    )
    clock.to(at(2023, 9, 26, 9, 0))
    loop_sweep(now=at(2023, 9, 26, 9, 0))
    services.matter_report(
        matter=second, actor=place.market_clerk, summons=summons_of(w2, place.market), opinion="迟"
    )
    # A third whistle still within its time is not counted yet.
    whistle(handled(), place, units=[place.housing], hours=8)

    day = datetime.date(2023, 9, 25)
    rows = {
        r.unit.code: r
        for r in metrics.unit_metrics(
            units=[place.market, place.housing, place.street],
            first=day.replace(day=1),
            last=datetime.date(2023, 9, 30),
        )
    }
    # 市场监管局: on time once, late once -> 1/2. 住建局: late (never reported) once, on time
    # once -> 1/2; the pending one is not yet counted. The street was never summoned.
    assert (rows["scjg"].summoned, rows["scjg"].reported_on_time) == (2, 1)
    assert (rows["zjj"].summoned, rows["zjj"].reported_on_time) == (2, 1)
    assert rows["scjg"].on_time_report_rate == 0.5
    assert rows["qx"].on_time_report_rate is None
    # Internal matters only: none of these (they came from a special supervisor).
    internal = metrics.report_timeliness(
        units=[place.market], first=day, last=day, scope=MetricScope.INTERNAL
    )
    assert internal == {}
    # A period before the whistles counts nothing.
    assert (
        metrics.report_timeliness(
            units=[place.market], first=day.replace(day=1), last=day.replace(day=24)
        )
        == {}
    )


def test_a_department_reporting_on_a_suspended_matter(handled, place, users):
    matter = handled()
    w = whistle(matter, place, units=[place.market])
    matter = services.matter_suspend(matter=matter, actor=users.dispatcher, reason="等待法院裁定")
    assert matter.status == Status.SUSPENDED
    services.matter_report(
        matter=matter, actor=place.market_clerk, summons=summons_of(w, place.market), opinion="好的"
    )
    assert summons_of(w, place.market).status == S.REPORTED


def test_the_form_bounds_the_hours(place, handled):
    from longcheng.loop.forms import WhistleForm

    matter = handled()
    form = WhistleForm(
        {"units": [place.street.pk], "reason": "需要联合处置", "hours": "999"}, matter=matter
    )
    assert not form.is_valid()
    assert "units" in form.errors and "hours" in form.errors
    with pytest.raises(ValidationError):
        form.fields["hours"].clean("0")


# — Pages —


def act(client, matter, action, data):
    posted = {f"{action}-{k}": v for k, v in data.items()}
    return client.post(f"/loop/matters/{matter.pk}/act/{action}/", posted, follow=True)


def page_of(client, matter) -> str:
    return client.get(f"/loop/matters/{matter.pk}/").content.decode()


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_the_street_whistles_and_the_department_reports_from_the_matter_page(
    handled, place, login, clock
):
    matter = handled()
    street = login(place.street_clerk)
    page = page_of(street, matter)
    assert 'data-testid="act-whistle"' in page
    assert 'name="whistle-hours"' in page and 'value="8"' in page
    # The street's own unit is not offered.
    form = page.split('class="collapse" id="act-whistle"')[1].split("</form>")[0]
    assert "市市场监管局" in form and "亲贤街道办事处" not in form

    refused = act(street, matter, "whistle", {"units": [], "reason": "需联合处置", "hours": 8})
    assert refused.status_code == 200
    assert "被吹哨部门：请至少选择一个被吹哨部门" in messages_of(refused)
    refused = act(
        street,
        matter,
        "whistle",
        {"units": [place.market.pk], "reason": "需联合处置", "hours": "两小时"},
    )
    assert "报到时限（工作小时）" in messages_of(refused)
    refused = act(
        street, matter, "whistle", {"units": [place.market.pk], "reason": "需", "hours": 999}
    )
    assert "报到时限（工作小时）" in messages_of(refused) and not matter.whistles.exists()

    done = act(
        street,
        matter,
        "whistle",
        {
            "units": [place.market.pk, place.housing.pk],
            "reason": "小区底商占道经营、违建搭棚",
            "hours": 8,
        },
    )
    assert "已吹哨" in messages_of(done)
    page = page_of(street, matter)
    assert 'data-testid="whistles"' in page
    assert page.count('data-testid="summons"') == 2 and "截至 <strong>2023-09-25 17:00" in page
    assert page.count(">待报到</span>") == 2

    market = login(place.market_clerk)
    assert matter.number in market.get("/loop/?box=to_report").content.decode()
    page = page_of(market, matter)
    assert 'data-testid="act-report"' in page and 'data-testid="act-whistle"' not in page
    refused = act(market, matter, "report", {"opinion": " ", "took_part": ""})
    assert "报到意见" in messages_of(refused)
    done = act(market, matter, "report", {"opinion": "属本局职责", "took_part": "明日联合执法"})
    assert "已报到" in messages_of(done)
    page = page_of(street, matter)
    assert (
        ">按时报到</span>" in page and "意见：属本局职责" in page and "承担：明日联合执法" in page
    )

    clock.to(at(2023, 9, 26, 9, 0))
    loop_sweep(now=at(2023, 9, 26, 9, 0))
    street = login(place.street_clerk)  # a day later: signed in again
    assert ">超时未报到</span>" in page_of(street, matter)
    housing = login(place.housing_clerk)
    done = act(housing, matter, "report", {"opinion": "违建属本局查处", "took_part": ""})
    assert "记为超时报到" in messages_of(done)
    page = page_of(street, matter)
    assert ">超时报到</span>" in page and "超时未报到，已督办" in page


def test_an_outsider_neither_reads_nor_reports(handled, place, users, login):
    matter = handled()
    whistle(matter, place, units=[place.market])
    outsider = login(users.clerk2)
    assert outsider.get(f"/loop/matters/{matter.pk}/").status_code == 404
    posted = outsider.post(f"/loop/matters/{matter.pk}/act/report/", {"report-opinion": "代为报到"})
    assert posted.status_code == 404
    # The street (which reads it) may not report for the department.
    refused = act(login(place.street_clerk), matter, "report", {"opinion": "代为报到"})
    assert "只有被吹哨、尚未报到的部门可以报到" in messages_of(refused)
    assert matter.summonses.get().status == S.PENDING


def test_the_metrics_page_shows_and_sorts_by_the_on_time_report_rate(
    handled, place, users, login, clock
):
    import io
    import re

    from openpyxl import load_workbook

    matter = handled()
    w = whistle(matter, place)
    services.matter_report(
        matter=matter, actor=place.market_clerk, summons=summons_of(w, place.market), opinion="好"
    )
    clock.to(at(2023, 9, 26, 9, 0))
    loop_sweep(now=at(2023, 9, 26, 9, 0))

    client = login(users.dispatcher)
    base = "/loop/metrics/?start=2023-09-01&end=2023-09-30&scope=all"
    page = client.get(base + "&sort=-on_time_report_rate").content.decode()
    assert "报到及时率" in page and "sort=on_time_report_rate" in page
    units = re.findall(r'data-testid="unit">([^<]+)<', page)
    assert units.index("市市场监管局") < units.index("市住建局")
    cells = re.findall(r'data-testid="report-rate"[^>]*>([^<]*)<', page)
    assert "100%" in cells and "0%" in cells
    page = client.get(base + "&sort=on_time_report_rate").content.decode()
    units = re.findall(r'data-testid="unit">([^<]+)<', page)
    assert units.index("市住建局") < units.index("市市场监管局")

    response = client.get(base + "&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and "报到及时率（%）" in r)
    column = header.index("报到及时率（%）")
    figures = {r[1]: r[column] for r in rows if r and r[1] in ("市市场监管局", "市住建局")}
    assert figures == {"市市场监管局": 100.0, "市住建局": 0.0}
