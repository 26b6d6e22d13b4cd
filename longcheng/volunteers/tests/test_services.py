import datetime

import pytest

from longcheng.volunteers import selectors, services, solvers
from longcheng.volunteers.models import Application, Assignment, Certificate, Shift
from longcheng.volunteers.services import VolunteerRefused
from longcheng.volunteers.workflow import Status

from .conftest import apply, id_number, publish_and_confirm


def test_an_application_is_checked_and_once_per_id(forum):
    number = id_number()
    first = apply(forum, "李明", id_number=number)
    assert first.gender in "MF" and first.birth_date == datetime.date(2002, 5, 1)
    with pytest.raises(VolunteerRefused, match="已报名本次活动"):
        apply(forum, "李明", id_number=number)
    with pytest.raises(VolunteerRefused) as error:
        services.application_submit(
            campaign=forum.campaign,
            full_name="",
            id_number="140105200205011234",
            phone="123",
            organisation="",
            languages=[],
            available_dates=[],
            preferences=[],
            consent=False,
        )
    message = error.value.message
    for expected in (
        "同意个人信息处理规则",
        "身份证",
        "手机号码",
        "姓名",
        "学校或工作单位",
        "可服务日期",
        "岗位志愿",
    ):
        assert expected in message
    assert Application.objects.count() == 1


def test_the_application_keeps_the_notice_version_and_refuses_an_unknown_one(forum):
    from longcheng.core import notices

    shown = notices.current("volunteer").version
    application = apply(forum, "李明", consent_notice=shown)
    assert application.consent_notice == f"volunteer/{shown}"
    with pytest.raises(VolunteerRefused, match="个人信息处理规则已更新"):
        apply(forum, "王芳", consent_notice="1999-01")


def test_automatic_screening_by_age_and_a_clerk_review(forum, users):
    young = apply(forum, "王小", birth=datetime.date(2005, 1, 1))
    fine = apply(forum, "张大")
    # The organisers raise the minimum age after these two applied: screening applies it.
    forum.campaign.min_age = 20
    forum.campaign.save()
    counts = services.screening_auto(actor=users.leader, campaign=forum.campaign)
    assert counts == {"in": 1, "out": 1}
    young.refresh_from_db()
    assert young.status == Status.SCREENED_OUT
    assert "年满 20 周岁" in young.screening_note and "届时 18 周岁" in young.screening_note
    services.screening_decide(
        actor=users.leader, applications=[fine], passed=False, reason="材料不实"
    )
    fine.refresh_from_db()
    assert fine.status == Status.SCREENED_OUT and fine.screening_note == "材料不实"
    with pytest.raises(services.PermissionRefused):
        services.screening_decide(
            actor=users.committee_clerk, applications=[fine], passed=True, reason=""
        )


def _interviewed(forum, users, specs):
    """specs: (name, english level, leader's marks, clerk2's marks, preferences)."""
    apps = []
    for name, english, marks_a, marks_b, prefs in specs:
        app = apply(forum, name, english=english, prefs=prefs)
        apps.append(app)
    services.screening_auto(actor=users.leader, campaign=forum.campaign)
    services.slots_assign(actor=users.leader, campaign=forum.campaign)
    for app, (_n, _e, marks_a, marks_b, _p) in zip(apps, specs, strict=True):
        app.refresh_from_db()
        for judge, marks in ((users.leader, marks_a), (users.clerk2, marks_b)):
            services.score_record(
                judge=judge,
                application=app,
                values=dict(zip(("intro", "english", "general"), marks, strict=True)),
            )
    services.scores_finalise(actor=users.leader, campaign=forum.campaign)
    return apps


def test_a_judge_must_score_every_item_within_range(forum, users):
    app = apply(forum, "赵一")
    services.screening_auto(actor=users.leader, campaign=forum.campaign)
    services.slots_assign(actor=users.leader, campaign=forum.campaign)
    app.refresh_from_db()
    with pytest.raises(VolunteerRefused, match="英语口语"):
        services.score_record(
            judge=users.leader, application=app, values={"intro": 80, "general": 70}
        )
    with pytest.raises(VolunteerRefused, match="0 到 100"):
        services.score_record(
            judge=users.leader, application=app, values={"intro": 80, "english": 120, "general": 70}
        )
    with pytest.raises(services.PermissionRefused):
        services.score_record(
            judge=users.clerk1, application=app, values={"intro": 80, "english": 80, "general": 70}
        )


def test_selection_places_by_score_and_explains_the_rest(forum, users):
    specs = [
        ("甲", 5, (90, 92, 88), (85, 90, 86), [forum.liaison, forum.service]),
        ("乙", 2, (95, 70, 93), (94, 72, 92), [forum.liaison]),  # high score, English A2
        ("丙", 0, (80, 60, 82), (78, 62, 80), [forum.service]),
        ("丁", 0, (70, 50, 70), (72, 55, 71), [forum.service]),
        ("戊", 0, (60, 40, 60), (61, 42, 62), [forum.service]),
    ]
    apps = _interviewed(forum, users, specs)
    result = services.selection_run(actor=users.leader, campaign=forum.campaign)
    assert result.status == "OPTIMAL"
    by_name = {a.full_name: Application.objects.get(pk=a.pk) for a in apps}
    assert by_name["甲"].position == forum.liaison
    assert {by_name["丙"].position, by_name["丁"].position} == {forum.service}
    assert by_name["乙"].status == Status.NOT_SELECTED
    assert "英语水平低于 B2" in by_name["乙"].outcome_note
    assert by_name["戊"].status == Status.WAITLISTED and by_name["戊"].wait_rank == 1
    assert "名额已满" in by_name["戊"].outcome_note and "会议服务" in by_name["戊"].outcome_note


def test_marks_lock_when_the_allocation_runs_and_a_correction_needs_the_owner(forum, users):
    from longcheng.audit.models import AuditRecord

    specs = [
        ("甲", 0, (60, 60, 60), (60, 60, 60), [forum.service]),
        ("乙", 0, (90, 90, 90), (90, 90, 90), [forum.service]),
    ]
    apps = _interviewed(forum, users, specs)
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    marks = {"intro": 99, "english": 99, "general": 99}
    with pytest.raises(VolunteerRefused, match="评分已锁定"):
        services.score_record(judge=users.clerk2, application=apps[0], values=marks)
    with pytest.raises(services.PermissionRefused):
        services.score_correct(
            actor=users.clerk2,
            application=apps[0],
            judge=users.clerk2,
            values=marks,
            reason="录入错误更正",
        )
    with pytest.raises(VolunteerRefused, match="理由"):
        services.score_correct(
            actor=users.leader, application=apps[0], judge=users.clerk2, values=marks, reason=""
        )
    services.score_correct(
        actor=users.leader,
        application=apps[0],
        judge=users.clerk2,
        values=marks,
        reason="评委录入时漏输一位，按评分表原件更正",
    )
    record = AuditRecord.objects.filter(object_id=str(apps[0].pk)).order_by("-id")[0]
    assert record.detail["score_correction"] and "评分表原件" in record.detail["reason"]
    assert selectors.needs_rerun(forum.campaign)
    with pytest.raises(VolunteerRefused, match="重新运行录用分配"):
        services.publicity_publish(actor=users.leader, campaign=forum.campaign)
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    assert not selectors.needs_rerun(forum.campaign)


def test_a_certificate_requirement_comes_from_training(forum, users, org):
    forum.liaison.certificate = "水域救援"
    forum.liaison.save()
    specs = [("甲", 5, (90, 90, 90), (90, 90, 90), [forum.liaison])]
    apps = _interviewed(forum, users, specs)
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    assert "未持有水域救援证书" in Application.objects.get(pk=apps[0].pk).outcome_note
    Certificate.objects.create(
        id_number=apps[0].id_number, kind="水域救援", issued_on=datetime.date(2023, 7, 1)
    )
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    assert Application.objects.get(pk=apps[0].pk).position == forum.liaison


def test_an_override_needs_a_reason_and_survives_a_rerun(forum, users):
    specs = [
        ("甲", 0, (60, 60, 60), (60, 60, 60), [forum.service]),
        ("乙", 0, (90, 90, 90), (90, 90, 90), [forum.service]),
    ]
    apps = _interviewed(forum, users, specs)
    with pytest.raises(VolunteerRefused, match="理由"):
        services.selection_override(
            actor=users.leader, application=apps[0], position=forum.liaison, reason=""
        )
    services.selection_override(
        actor=users.leader,
        application=apps[0],
        position=forum.liaison,
        reason="外语专业，复核口语合格",
    )
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    assert Application.objects.get(pk=apps[0].pk).position == forum.liaison


@pytest.fixture
def rostered(forum, users, clock):
    specs = [
        (n, 5, (80 + i, 80, 80), (80 + i, 80, 80), [forum.service, forum.liaison])
        for i, n in enumerate("甲乙丙")
    ]
    apps = _interviewed(forum, users, specs)
    forum.campaign.places = 3
    forum.service.required = 2
    forum.service.save()
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    publish_and_confirm(forum, users, clock)
    services.shifts_generate(actor=users.leader, campaign=forum.campaign)
    result = services.roster_solve(actor=users.leader, campaign=forum.campaign, seconds=5)
    return apps, result


def test_the_stored_roster_passes_the_independent_checker(forum, users, rostered):
    _apps, result = rostered
    assert result.shortage == 0
    people, shifts = services._roster_inputs(forum.campaign)
    stored = {(str(a.application_id), str(a.shift_id)) for a in Assignment.objects.all()}
    assert stored == result.assignments
    assert solvers.check_roster(people, shifts, stored) == []


def test_a_drop_out_is_repaired_and_the_waiting_list_called(forum, users, rostered):
    service_people = Application.objects.filter(position=forum.service)
    leaver = service_people.first()
    services.volunteer_drop(actor=users.leader, application=leaver, reason="生病")
    leaver.refresh_from_db()
    assert leaver.status == Status.WITHDRAWN
    assert not Assignment.objects.filter(application=leaver, dropped=False).exists()
    late = apply(forum, "己")
    late.status, late.wait_rank = Status.WAITLISTED, 1
    late.save()
    shift = Shift.objects.filter(position=forum.service).first()
    assignment = services.replacement_call(actor=users.leader, shift=shift)
    assert assignment.application == late and assignment.replacement


def test_check_in_and_out_give_hours(forum, users, rostered, clock):
    assignment = (
        Assignment.objects.filter(shift__position=forum.service)
        .order_by("shift__starts_at")
        .first()
    )
    start = assignment.shift.starts_at
    clock.to(start + datetime.timedelta(minutes=15))
    services.attendance_scan(venue=forum.hall, code=assignment.application.code)
    clock.to(start + datetime.timedelta(hours=5, minutes=15))
    scanned = services.attendance_scan(venue=forum.hall, code=assignment.application.code)
    # From the check-in (15 minutes late) to the shift's end: staying on does not add time.
    assert scanned.late and scanned.hours == 4.75
    with pytest.raises(VolunteerRefused, match="没有班次"):
        services.attendance_scan(venue=forum.airport, code=assignment.application.code)


def test_training_grants_certificates(org, users):
    from longcheng.volunteers.models import Team, TeamMember, TrainingSession

    team = Team.objects.create(name="龙城铁骑", unit=org.brigade1)
    member = TeamMember.objects.create(
        team=team,
        full_name="郭勇",
        id_number=id_number(),
        phone="13900001111",
        joined_on=datetime.date(2022, 1, 1),
    )
    session = TrainingSession.objects.create(
        team=team,
        subject="水域救援",
        trainer="王教官",
        held_on=datetime.date(2023, 8, 10),
        place="汾河",
        certificate="水域救援",
    )
    with pytest.raises(VolunteerRefused, match="未出勤"):
        services.training_record(
            actor=users.clerk1, session=session, member=member, attended=False, passed=True
        )
    services.training_record(
        actor=users.clerk1, session=session, member=member, attended=True, passed=True
    )
    assert Certificate.objects.get(id_number=member.id_number).kind == "水域救援"


def test_the_owner_corrects_a_mark_on_the_application_page(forum, users, login):
    specs = [("甲", 0, (60, 60, 60), (60, 60, 60), [forum.service])]
    [app] = _interviewed(forum, users, specs)
    services.selection_run(actor=users.leader, campaign=forum.campaign)
    page = login(users.leader).get(f"/volunteers/applications/{app.pk}/").content.decode()
    assert "评分已锁定" in page
    response = login(users.leader).post(
        f"/volunteers/applications/{app.pk}/",
        {
            "action": "correct_scores",
            "judge": users.clerk2.pk,
            "score_intro": "70",
            "score_english": "1e999999",
            "score_general": "70",
            "reason": "按评分表原件更正",
        },
        follow=True,
    )
    assert "填写有误" in response.content.decode()
    assert not selectors.needs_rerun(forum.campaign)
