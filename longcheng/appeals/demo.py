"""Demo appeals: the first four monitoring points of 小店区 (opened 30 May 2023), special
supervisor accounts for the ten supervisors, reports through the points and the supervisors,
and one committee meeting with decisions."""

import datetime
import random

from django.utils import timezone

from longcheng.accounts import services as account_services
from longcheng.accounts.demo import DEMO_PASSWORD
from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core import clock
from longcheng.core.models import Division, Unit
from longcheng.loop import services as loop
from longcheng.loop.models import Category
from longcheng.loop.workflow import Channel
from longcheng.parties.models import Enterprise, Person

from . import services
from .models import Appeal, CommitteeMeeting, MonitoringPoint, Supervisor

# (code, name, address, fallback window)
POINTS = [
    ("xd-hall", "小店政务大厅", "太原市小店区龙城大街与许坦东街交汇处", True),
    ("xd-yitong", "易通天下产业孵化基地", "太原市小店区长治路", False),
    ("xd-longcheng-ave", "龙城大街商圈服务站", "太原市小店区龙城大街", False),
    ("xd-zonggai", "综改区学府园区企业服务中心", "太原市小店区学府街", False),
]
REPORTS = [
    "企业开办窗口要求提供法律没有规定的材料，跑了三趟还没办下来。",
    "园区道路施工围挡两个月没有进展，商户进出困难，影响经营。",
    "消防验收预约系统一直约不上，项目无法按期投产。",
    "同一周内三个部门来检查同样内容，希望能合并检查。",
    "申请的稳岗补贴超过承诺时限仍未到账，多次询问无答复。",
    "水电气报装需要分别跑多个部门，希望提供一站式服务。",
]


def seed(log) -> None:
    committee = Unit.objects.get(code="xd-yshj")
    division = Division.objects.get(code="140105")
    points = {}
    for code, name, address, fallback in POINTS:
        points[code], _created = MonitoringPoint.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "address": address,
                "division": division,
                "unit": committee,
                "fallback_window": fallback,
                "opened_on": datetime.date(2023, 5, 30),
            },
        )
    if Appeal.objects.exists():
        log(f"营商环境诉求：已有 {Appeal.objects.count()} 件，未重复生成。")
        return
    _supervisors(committee, log)
    _reports(points, log)
    _meeting(committee, log)


def _supervisors(committee, log) -> None:
    sysadmin = User.objects.get(username="sysadmin")
    clerk = User.objects.get(username="xd_clerk")
    enterprise = Enterprise.objects.filter(name__contains="易通天下").first()
    people = list(Person.objects.filter(tags__contains="特邀监督员").order_by("pk"))
    for index, person in enumerate(people, 1):
        username = f"supervisor{index:02d}"
        user = User.objects.filter(username=username).first() or account_services.user_create(
            actor=sysadmin,
            username=username,
            full_name=person.name,
            role=Role.SUPERVISOR,
            phone=person.phone,
            password=DEMO_PASSWORD,
            position="特邀监督员",
        )
        if not hasattr(user, "supervisor"):
            services.supervisor_appoint(
                actor=clerk,
                user=user,
                committee=committee,
                person=person,
                enterprise=enterprise if index == 1 else None,
                title="企业负责人",
                appointed_on=datetime.date(2022, 1, 24),
            )
    log(
        f"特邀监督员 {Supervisor.objects.count()} 名（账号 supervisor01–supervisor10，"
        f"密码 {DEMO_PASSWORD}）。"
    )


def _reports(points, log) -> None:
    rng = random.Random(20230530)
    categories = list(Category.objects.filter(code__startswith="biz"))
    dispatcher = User.objects.get(username="dispatcher")
    supervisors = list(Supervisor.objects.select_related("user"))
    now = timezone.now()
    made = 0
    for index in range(24):
        moment = now - datetime.timedelta(days=rng.randint(1, 25), hours=rng.randint(0, 8))
        description = rng.choice(REPORTS)
        supervisor = supervisors[index % len(supervisors)] if index % 3 == 0 else None
        point = None if supervisor else rng.choice(list(points.values()))
        anonymous = supervisor is None and rng.random() < 0.2
        with clock.frozen_at(moment):
            draft = services.AppealDraft(
                description=description,
                category=rng.choice(categories),
                point=point,
                supervisor=supervisor,
                channel=Channel.SUPERVISOR if supervisor else Channel.PUBLIC_FORM,
                reporter_name=""
                if anonymous
                else (supervisor.user.full_name if supervisor else f"市民{index + 1}"),
                reporter_phone="" if anonymous else f"1365110{index:04d}",
                anonymous=anonymous,
                consent=not anonymous,
                enterprise_name=supervisor.enterprise.name
                if supervisor and supervisor.enterprise
                else "",
            )
            appeal, _created = services.appeal_submit(
                draft=draft, actor=supervisor.user if supervisor else None
            )
        made += 1
        matter = appeal.matter
        if index % 4 == 3:
            continue  # still waiting to be dispatched
        lead = matter.category.default_lead_unit
        with clock.frozen_at(moment + datetime.timedelta(hours=2)):
            matter = loop.matter_dispatch(
                matter=matter,
                actor=dispatcher,
                lead_unit=lead,
                assisting_units=list(matter.category.default_assisting_units.all()),
            )
    log(f"营商环境诉求 {made} 件（监测点扫码与特邀监督员反映）。")


def _meeting(committee, log) -> None:
    clerk = User.objects.get(username="xd_clerk")
    meeting = CommitteeMeeting.objects.filter(committee=committee).first()
    if meeting is None:
        meeting = services.meeting_create(
            actor=clerk,
            committee=committee,
            title="小店区营商环境监督委员会第三次全体会议",
            held_on=timezone.localdate(),
            place="小店区政务服务中心三楼会议室",
            attendees=list(User.objects.filter(unit=committee))
            + list(User.objects.filter(role=Role.SUPERVISOR)[:3]),
            other_attendees="区发改局、区住建局、区市场监管局负责同志",
        )
    from .selectors import agenda_proposals, proposal_reason

    hall = Unit.objects.get(code="xd-zwfw")
    for matter in list(agenda_proposals(committee))[:2]:
        item = services.agenda_add(
            actor=clerk,
            meeting=meeting,
            matter=matter,
            reason=proposal_reason(matter) or "委员会提出",
        )
        services.agenda_decide(
            actor=clerk,
            item=item,
            lead_unit=hall,
            deadline=timezone.localdate() + datetime.timedelta(days=10),
            instructions="由区政务服务中心牵头，会同相关部门现场办公解决。",
        )
    log(f"委员会会议：{meeting.title}，议题 {meeting.items.count()} 项。")
