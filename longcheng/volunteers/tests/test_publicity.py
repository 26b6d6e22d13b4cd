"""Publicity of the selected list: a period in Chinese working days, a new round for every
change after publication, objections answered before the confirmation, and a public page that
shows no more of anyone than the list needs."""

import datetime

import pytest
from django.urls import reverse

from longcheng.audit.models import AuditRecord
from longcheng.volunteers import services
from longcheng.volunteers.models import (
    Application,
    Objection,
    PublicityRound,
    RecruitmentCampaign,
)
from longcheng.volunteers.services import VolunteerRefused
from longcheng.volunteers.workflow import Status

from .conftest import apply, at
from .test_services import _interviewed

THREE = [
    ("张小三", 5, (90, 90, 90), (90, 90, 90), None),
    ("李四", 5, (85, 85, 85), (85, 85, 85), None),
    ("欧阳明月", 5, (80, 80, 80), (80, 80, 80), None),
    ("王五六", 0, (60, 60, 60), (60, 60, 60), None),
]


@pytest.fixture
def selected(forum, users):
    specs = [(n, e, a, b, [forum.service, forum.liaison]) for n, e, a, b, _p in THREE]
    apps = _interviewed(forum, users, specs)
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    return {a.full_name: Application.objects.get(pk=a.pk) for a in apps}


def _publish(forum, users) -> PublicityRound:
    services.publicity_publish(actor=users.leader, campaign=forum.campaign)
    return PublicityRound.objects.get(campaign=forum.campaign, number=1)


@pytest.mark.parametrize(
    ("published", "last_day"),
    [
        # Friday afternoon: Monday to Friday of the next week.
        (at(2023, 9, 15, 16), datetime.date(2023, 9, 22)),
        # Saturday: the weekend is not counted, the same Friday.
        (at(2023, 9, 16, 10), datetime.date(2023, 9, 22)),
        # Monday before the National Day: 26–28 September, then the holiday (29 September to
        # 6 October) is skipped and the make-up workdays Saturday 7 and Sunday 8 October count.
        (at(2023, 9, 25, 9), datetime.date(2023, 10, 8)),
    ],
)
def test_the_period_is_five_working_days_from_the_day_after(
    client, forum, users, selected, clock, published, last_day
):
    clock.to(published)
    publicity = _publish(forum, users)
    assert publicity.working_days == 5 and publicity.until == last_day
    text = client.get(reverse("volunteers:publicity", args=["forum"])).content.decode()
    assert "5 个工作日" in text and f"至 {last_day:%Y-%m-%d} 24 时止" in text


def test_objections_are_taken_to_the_end_of_the_last_working_day(forum, users, selected, clock):
    # Five calendar days from 25 September would have closed on the 30th, in the holiday.
    publicity = _publish(forum, users)
    clock.to(at(2023, 10, 1, 10))
    services.objection_submit(campaign=forum.campaign, text="假期中提出的异议，应当受理")
    clock.to(at(2023, 10, 8, 23, 59))
    late = services.objection_submit(campaign=forum.campaign, text="最后一个工作日深夜提出")
    assert late.round == publicity
    clock.to(at(2023, 10, 9, 0, 1))
    with pytest.raises(VolunteerRefused, match="公示期已于 2023-10-08 结束"):
        services.objection_submit(campaign=forum.campaign, text="公示期满后提出的异议")


def test_the_days_come_from_the_setting_unless_the_campaign_sets_them(settings, org):
    settings.LONGCHENG_VOLUNTEER_PUBLICITY_WORKING_DAYS = 7
    campaign = RecruitmentCampaign(
        name="x",
        unit=org.team,
        apply_until=datetime.date(2023, 10, 1),
        service_from=datetime.date(2023, 10, 2),
        service_until=datetime.date(2023, 10, 3),
        places=1,
        slug="x",
    )
    assert campaign.publicity_days == 7


def test_confirmation_waits_for_the_period_and_an_answer_to_every_objection(
    forum, users, selected, clock
):
    with pytest.raises(VolunteerRefused, match="尚未公示"):
        services.selection_confirm(actor=users.leader, campaign=forum.campaign)
    _publish(forum, users)
    objection = services.objection_submit(
        campaign=forum.campaign, text="名单中某人并非在校学生", contact="13800000000"
    )
    clock.to(at(2023, 10, 8, 17))  # the last working day of the period
    with pytest.raises(VolunteerRefused) as refused:
        services.selection_confirm(actor=users.leader, campaign=forum.campaign)
    assert "公示期至 2023-10-08（含当日）尚未届满" in refused.value.message
    assert "尚有 1 条公示异议未答复" in refused.value.message
    clock.to(at(2023, 10, 9, 9))
    with pytest.raises(VolunteerRefused) as refused:
        services.selection_confirm(actor=users.leader, campaign=forum.campaign)
    assert "未答复" in refused.value.message and "尚未届满" not in refused.value.message
    # The roster waits for the confirmation too.
    services.shifts_generate(actor=users.leader, campaign=forum.campaign)
    with pytest.raises(VolunteerRefused, match="录用名单确认后才能排班"):
        services.roster_solve(actor=users.leader, campaign=forum.campaign, seconds=5)
    with pytest.raises(services.PermissionRefused):
        services.objection_handle(actor=users.clerk2, objection=objection, handling="维持录用")
    services.objection_handle(
        actor=users.leader, objection=objection, handling="经核实为在校研究生，维持录用"
    )
    objection.refresh_from_db()
    assert objection.handled_by == users.leader and objection.handled_at == at(2023, 10, 9, 9)
    with pytest.raises(VolunteerRefused, match="答复不能更改"):
        services.objection_handle(actor=users.leader, objection=objection, handling="改口")
    services.selection_confirm(actor=users.leader, campaign=forum.campaign)
    campaign = RecruitmentCampaign.objects.get(pk=forum.campaign.pk)
    assert campaign.confirmed_at == at(2023, 10, 9, 9) and campaign.confirmed_by == users.leader
    with pytest.raises(VolunteerRefused, match="不能重复确认"):
        services.selection_confirm(actor=users.leader, campaign=forum.campaign)


def test_a_change_after_publication_is_published_again_with_its_own_period(
    client, forum, users, selected, clock
):
    first = _publish(forum, users)
    outsider = selected["王五六"]
    assert outsider.status != Status.SELECTED
    # A re-run after publication needs a reason; one that changes nothing publishes nothing.
    with pytest.raises(VolunteerRefused, match="重新计算录用须写明理由"):
        services.selection_run(actor=users.leader, campaign=forum.campaign)
    services.selection_run(actor=users.leader, campaign=forum.campaign, reason="复核成绩无变化")
    assert PublicityRound.objects.count() == 1
    with pytest.raises(VolunteerRefused, match="已于第 1 轮公示"):
        services.publicity_publish(actor=users.leader, campaign=forum.campaign)
    # An override after publication is the next round, published at once, from its own day.
    clock.to(at(2023, 10, 7, 10))  # a make-up Saturday
    services.selection_override(
        actor=users.leader,
        application=outsider,
        position=forum.service,
        reason="异议核实后补录：评分录入错误",
    )
    second = PublicityRound.objects.get(campaign=forum.campaign, number=2)
    assert second.reason == "异议核实后补录：评分录入错误"
    assert second.added == [[outsider.pk, forum.service.pk]] and second.removed == []
    assert second.until == datetime.date(2023, 10, 12)  # Sunday 8 (make-up), 9, 10, 11, 12
    assert [outsider.pk, forum.service.pk] in second.members
    assert second.until > first.until
    # Objections now belong to the second round; the confirmation waits for its period.
    objection = services.objection_submit(campaign=forum.campaign, text="补录人员是否符合条件")
    assert objection.round == second
    services.objection_handle(actor=users.leader, objection=objection, handling="符合条件")
    clock.to(at(2023, 10, 9, 9))  # the first round's period is over, the second's is not
    with pytest.raises(VolunteerRefused, match="公示期至 2023-10-12"):
        services.selection_confirm(actor=users.leader, campaign=forum.campaign)
    # A withdrawal during publicity is a round too.
    leaver = Application.objects.filter(status=Status.SELECTED).exclude(pk=outsider.pk).first()
    services.volunteer_drop(actor=users.leader, application=leaver, reason="本人放弃")
    third = PublicityRound.objects.get(campaign=forum.campaign, number=3)
    assert third.removed == [[leaver.pk, leaver.position_id]] and "本人放弃" in third.reason
    # The public page shows the current round and what changed since the previous one.
    text = client.get(reverse("volunteers:publicity", args=["forum"])).content.decode()
    assert "第 3 轮公示" in text and "与第 2 轮相比的变更" in text
    assert f"移出：{leaver.masked_name}" in text and "本人放弃" in text
    records = AuditRecord.objects.filter(detail__publicity_round__isnull=False).count()
    assert records == 3
    # After the confirmation the list no longer changes by override or re-run.
    clock.to(at(2023, 10, 17, 9))
    services.selection_confirm(actor=users.leader, campaign=forum.campaign)
    with pytest.raises(VolunteerRefused, match="不能再人工调整"):
        services.selection_override(
            actor=users.leader, application=outsider, position=None, reason="确认后再调整"
        )
    with pytest.raises(VolunteerRefused, match="不能重新计算录用"):
        services.selection_run(actor=users.leader, campaign=forum.campaign, reason="确认后重算")


def test_a_waiting_applicant_is_called_only_after_the_confirmation(forum, users, selected):
    _publish(forum, users)
    services.shifts_generate(actor=users.leader, campaign=forum.campaign)
    spare = apply(forum, "候补甲")
    spare.status, spare.wait_rank = Status.WAITLISTED, 1
    spare.save()
    with pytest.raises(VolunteerRefused, match="录用名单确认后才能由候补递补"):
        services.replacement_call(
            actor=users.leader, shift=forum.service.shifts.order_by("starts_at").first()
        )
    assert PublicityRound.objects.count() == 1


def test_the_public_page_shows_no_full_id_number_no_phone(client, forum, users, selected):
    assert client.get(reverse("volunteers:publicity", args=["forum"])).status_code == 404
    _publish(forum, users)
    text = client.get(reverse("volunteers:publicity", args=["forum"])).content.decode()
    listed = Application.objects.filter(status=Status.SELECTED)
    assert listed.count() == 3
    for person in listed:
        assert person.full_name not in text
        assert person.masked_name in text and person.id_tail in text
        assert person.id_number not in text
        assert person.masked_id_number not in text  # not even the region and check digits
        assert person.id_number[:6] not in text and person.birth_date.strftime("%Y%m%d") not in text
        assert person.phone not in text and person.phone[-4:] not in text
    assert "张*三" in text and "欧**月" in text and "李*" in text


@pytest.mark.parametrize(
    ("name", "masked"),
    [("李四", "李*"), ("张小三", "张*三"), ("欧阳明月", "欧**月"), ("王", "王*")],
)
def test_names_are_masked_keeping_the_first_and_last_character(name, masked):
    assert Application(full_name=name).masked_name == masked


def test_the_staff_page_is_a_queue_of_open_objections_with_an_answer_form(
    login, forum, users, selected, clock
):
    _publish(forum, users)
    services.objection_submit(campaign=forum.campaign, text="请核实第二名的年龄")
    client = login(users.leader)
    page = client.get(forum.campaign.get_absolute_url()).content.decode()
    assert "待答复异议" in page and "请核实第二名的年龄" in page and "记录答复" in page
    objection = Objection.objects.get()
    response = client.post(
        reverse("volunteers:campaign_action", args=[forum.campaign.pk, "objection"]),
        {"objection": objection.pk, "handling": "已核实年龄符合要求"},
        follow=True,
    )
    assert "异议答复已记录" in response.content.decode()
    objection.refresh_from_db()
    assert objection.handled_by == users.leader and objection.handling == "已核实年龄符合要求"
    clock.to(at(2023, 10, 8, 12))
    client = login(users.leader)  # a new session: the clock moved past the old one's limit
    response = client.post(
        reverse("volunteers:campaign_action", args=[forum.campaign.pk, "confirm"]), follow=True
    )
    assert "尚未届满" in response.content.decode()
    clock.to(at(2023, 10, 9, 9))
    client = login(users.leader)
    response = client.post(
        reverse("volunteers:campaign_action", args=[forum.campaign.pk, "confirm"]), follow=True
    )
    assert "已确认录用" in response.content.decode()
