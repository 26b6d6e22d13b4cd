"""Supervisors, intake, the window, the committee and the documents."""

import datetime

import pytest

from longcheng.appeals import services
from longcheng.appeals.models import AgendaItem, Appeal, CommitteeMeeting
from longcheng.appeals.services import AppealDraft
from longcheng.appeals.tokens import api_key_lookup
from longcheng.core.errors import PermissionRefused
from longcheng.loop import services as loop
from longcheng.loop.models import MatterEvent
from longcheng.loop.workflow import Status
from tests.fixtures.loop import at

pytestmark = pytest.mark.django_db


def test_a_supervisor_reports_and_sees_only_their_own(login, supervisor, catalogue, users):
    client = login(supervisor.user)
    page = client.get("/appeals/mine/report/").content.decode()
    key = page.split('name="submission_key" value="')[1].split('"')[0]
    client.post(
        "/appeals/mine/report/",
        {
            "category": catalogue["noise"].pk,
            "address": "小店区长治路易通天下产业孵化基地",
            "description": "园区道路围挡两个月没有进展，商户进出困难。",
            "enterprise_name": "山西易通天下产业孵化基地有限公司",
            "submission_key": key,
        },
    )
    appeal = Appeal.objects.get()
    assert appeal.supervisor == supervisor and appeal.matter.channel == "supervisor"
    services.appeal_submit(
        draft=AppealDraft(description="另一位市民反映的其他问题内容", anonymous=True)
    )
    mine = client.get("/appeals/mine/").content.decode()
    assert appeal.matter.number in mine and mine.count('data-testid="my-report"') == 1
    assert client.get("/loop/").status_code == 403  # no inbox for supervisors
    committee_view = login(users.committee_clerk).get("/appeals/supervisors/").content.decode()
    assert "贺文静" in committee_view and appeal.matter.number in committee_view


def test_window_intake_keeps_the_channel_and_joins_the_window_queue(login, users, catalogue):
    client = login(users.committee_clerk)
    key = (
        client.get("/appeals/intake/")
        .content.decode()
        .split('name="submission_key" value="')[1]
        .split('"')[0]
    )
    response = client.post(
        "/appeals/intake/",
        {
            "channel": "window",
            "fallback_window": "on",
            "submission_key": key,
            "description": "办理食品经营许可证延续，被告知系统不支持。",
            "reporter_name": "李女士",
            "reporter_phone": "13800001111",
            "consent": "on",
        },
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert appeal.matter.channel == "window" and appeal.fallback_window
    queue = client.get("/appeals/window/").content.decode()
    assert appeal.matter.number in queue and "按月统计" in queue


def test_wechat_group_intake_is_its_own_channel(login, users, catalogue):
    client = login(users.committee_clerk)
    key = (
        client.get("/appeals/intake/")
        .content.decode()
        .split('name="submission_key" value="')[1]
        .split('"')[0]
    )
    client.post(
        "/appeals/intake/",
        {
            "channel": "wechat_group",
            "submission_key": key,
            "description": "商户群里反映停车位被长期占用。",
            "anonymous": "on",
        },
    )
    assert Appeal.objects.get().matter.get_channel_display() == "微信群"


def _overdue_appeal(users, org, clock):
    appeal, _created = services.appeal_submit(
        draft=AppealDraft(description="稳岗补贴超过承诺时限仍未到账。", anonymous=True)
    )
    matter = loop.matter_dispatch(
        matter=appeal.matter, actor=users.dispatcher, lead_unit=org.brigade1
    )
    loop.matter_sign(matter=matter, actor=users.clerk1)
    from longcheng.loop.timers import loop_sweep

    clock.to(at(2023, 10, 20, 9, 0))
    loop_sweep()
    return appeal


def test_the_committee_meeting_proposes_decides_and_feeds_the_loop(
    login, users, org, catalogue, clock
):
    appeal = _overdue_appeal(users, org, clock)
    client = login(users.committee_clerk)
    client.post(
        "/appeals/meetings/",
        {
            "title": "第三次全体会议",
            "held_on": "2023-10-20",
            "place": "政务服务中心",
            "attendees": [users.leader.pk],
        },
    )
    meeting = CommitteeMeeting.objects.get()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert appeal.matter.number in page and "已超期" in page
    client.post(meeting.get_absolute_url(), {"add": appeal.matter.pk, "reason": "已超期"})
    item = AgendaItem.objects.get()
    client.post(
        meeting.get_absolute_url(),
        {
            "decide": item.pk,
            f"item{item.pk}-lead_unit": org.brigade2.pk,
            f"item{item.pk}-deadline": "2023-10-27",
            f"item{item.pk}-instructions": "由二大队牵头，一周内办结。",
        },
    )
    matter = appeal.matter
    matter.refresh_from_db()
    assert matter.status == Status.DISPATCHED and matter.lead_unit == org.brigade2
    assert matter.handle_deadline == at(2023, 10, 27, 17, 30)
    decision = matter.events.filter(kind=MatterEvent.Kind.SUPERVISION).last()
    assert "二大队牵头" in decision.note
    loop.matter_sign(matter=matter, actor=users.clerk2)  # the new lead unit takes it on
    minutes = client.get(f"/appeals/meetings/{meeting.pk}/minutes.pdf")
    assert minutes["Content-Type"] == "application/pdf" and minutes.content[:5] == b"%PDF-"


def test_only_the_committee_records_decisions(users, org, catalogue, clock):
    appeal = _overdue_appeal(users, org, clock)
    meeting = CommitteeMeeting.objects.create(
        committee=org.committee,
        title="会",
        held_on=datetime.date(2023, 10, 20),
        created_by=users.committee_clerk,
    )
    item = services.agenda_add(
        actor=users.committee_clerk, meeting=meeting, matter=appeal.matter, reason="已超期"
    )
    with pytest.raises(PermissionRefused):
        services.agenda_decide(
            actor=users.clerk1,
            item=item,
            lead_unit=org.brigade2,
            deadline=datetime.date(2023, 10, 27),
            instructions="越权",
        )
    with pytest.raises(loop.TransitionRefused):
        loop.matter_committee_decision(
            matter=appeal.matter,
            actor=users.clerk2,
            lead_unit=org.brigade2,
            deadline=datetime.date(2023, 10, 27),
            instructions="越权",
        )


def test_the_poster_is_an_a4_pdf_with_a_chinese_font(login, users, point):
    response = login(users.committee_clerk).get(f"/appeals/points/{point.pk}/poster.pdf")
    pdf = response.content
    assert pdf[:5] == b"%PDF-" and b"/MediaBox [0 0 595.28 841.89]" in pdf
    assert b"NotoSansCJK" in pdf  # the font is embedded, not left to the printer


def test_api_keys_are_issued_once_and_revoked_by_the_system_administrator(login, users):
    client = login(users.sysadmin)
    page = client.post("/appeals/api-keys/", {"name": "小店区营商环境小程序"}).content.decode()
    raw = page.split('data-testid="new-key">')[1].split("<")[0]
    assert api_key_lookup(raw) is not None
    key = api_key_lookup(raw)
    client.post("/appeals/api-keys/", {"revoke": key.pk})
    assert api_key_lookup(raw) is None
    assert login(users.committee_clerk).get("/appeals/api-keys/").status_code == 403
