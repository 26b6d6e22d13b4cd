"""Demo volunteers from the newspaper page: the 2023 Taiyuan Energy Low-Carbon Development Forum
(1,200+ applicants, document screening, interviews with a self-introduction, spoken English
and general ability, 379 selected by score and position needs, publicity, service from
25 August to 8 September at 山西潇河国际会议中心, the airport and the high-speed rail station),
and the 龙城铁骑 team's water-rescue training. Applicants are fictional."""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from stdnum.cn import ric

from longcheng.accounts import services as account_services
from longcheng.accounts.demo import DEMO_PASSWORD
from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core import clock
from longcheng.core.models import Unit

from . import rules, services
from .models import (
    Application,
    Assignment,
    InterviewSession,
    InterviewSlot,
    Position,
    RecruitmentCampaign,
    Score,
    Team,
    TeamMember,
    TrainingSession,
    Venue,
)
from .workflow import Status

SHANGHAI = timezone.get_fixed_timezone(8 * 60)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉玲芬燕晨宇浩然欣怡子涵思雨梓轩一诺佳琪博文雅婷俊杰嘉怡"
SCHOOLS = [
    "山西大学",
    "太原理工大学",
    "中北大学",
    "山西财经大学",
    "山西医科大学",
    "太原科技大学",
    "山西师范大学",
    "太原师范学院",
]
# (name, venue, places, language, level, certificate, shift pattern, people per shift)
POSITIONS = [
    (
        "会议服务",
        "山西潇河国际会议中心",
        150,
        "",
        None,
        "",
        [["07:00", "12:00"], ["12:00", "17:00"], ["17:00", "22:00"]],
        18,
    ),
    (
        "外宾联络",
        "山西潇河国际会议中心",
        60,
        "英语",
        4,
        "",
        [["08:00", "13:00"], ["13:00", "18:00"]],
        10,
    ),
    (
        "医疗辅助",
        "山西潇河国际会议中心",
        19,
        "",
        None,
        "",
        [["08:00", "13:00"], ["13:00", "18:00"]],
        3,
    ),
    (
        "机场接站",
        "太原武宿国际机场",
        80,
        "英语",
        3,
        "",
        [["06:00", "11:00"], ["11:00", "16:00"], ["16:00", "21:00"]],
        9,
    ),
    (
        "高铁站引导",
        "太原南站",
        70,
        "",
        None,
        "",
        [["07:00", "12:00"], ["12:00", "17:00"], ["17:00", "22:00"]],
        8,
    ),
]
WATER_RESCUE = (
    "操舟机驾驶、动力艇和单人艇操控、入水技巧、急流驾驶、活饵救援、心肺复苏、翻船自救、抛投救援"
)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def _id(rng: random.Random, birth: datetime.date, sequence: int) -> str:
    body = (
        f"1401{rng.choice(['05', '06', '07', '08', '09', '10'])}{birth:%Y%m%d}{sequence % 1000:03d}"
    )
    return body + ric.calc_check_digit(body)


def seed(log) -> None:
    if RecruitmentCampaign.objects.exists():
        log("志愿者：已有演示数据，跳过。")
        return
    rng = random.Random(20230825)
    unit = Unit.objects.get(code="ty-qnzyz")
    clerk = User.objects.get(username="tw_clerk")
    sysadmin = User.objects.get(username="sysadmin")
    judges = []
    for index, (username, name) in enumerate(
        [
            ("judge1", "范丽"),
            ("judge2", "吕强"),
            ("judge3", "苏晓"),
            ("judge4", "蒋文"),
            ("judge5", "梁静"),
            ("judge6", "邓超"),
        ],
        1,
    ):
        user = User.objects.filter(username=username).first() or account_services.user_create(
            actor=sysadmin,
            username=username,
            full_name=name,
            role=Role.JUDGE,  # experts from outside: their own sessions, nothing else
            unit=None,
            position="面试评委",
            phone=f"139000001{index:02d}",
            password=DEMO_PASSWORD,
        )
        judges.append(user)
    venues = {}
    # Each venue's check-in link is a random token (Venue.token's default), never a word.
    for name in ("山西潇河国际会议中心", "太原武宿国际机场", "太原南站"):
        venues[name] = Venue.objects.create(name=name, address="太原市")
    campaign = RecruitmentCampaign.objects.create(
        name="2023太原能源低碳发展论坛志愿者招募",
        unit=unit,
        description="面向在校大学生和青年招募论坛志愿者，经资料审核、线下面试（1 分钟自我介绍、评委提问含英语口语和综合能力）择优录用。",
        apply_until=datetime.date(2023, 8, 5),
        service_from=datetime.date(2023, 8, 25),
        service_until=datetime.date(2023, 9, 8),
        places=379,
        rubric=[
            {"code": "intro", "name": "自我介绍", "weight": 30},
            {"code": "english", "name": "英语口语", "weight": 40},
            {"code": "general", "name": "综合能力", "weight": 30},
        ],
        slug="forum-2023",
    )
    positions = []
    for name, venue, places, language, level, certificate, pattern, demand in POSITIONS:
        positions.append(
            Position.objects.create(
                campaign=campaign,
                name=name,
                venue=venues[venue],
                required=places,
                language=language,
                language_level=level,
                certificate=certificate,
                shift_pattern=pattern,
                shift_demand=demand,
            )
        )
    dates = rules.service_dates(campaign)
    count = settings.LONGCHENG_DEMO_VOLUNTEERS
    scale = count / 1200
    if scale < 1:  # a small demo (tests): the same shape, fewer people
        Position.objects.filter(campaign=campaign).update(required=1, shift_demand=1)
        for position in positions:
            position.refresh_from_db()
        campaign.places = max(5, round(379 * scale))
        campaign.save(update_fields=["places"])
        for position, share in zip(positions, (0.4, 0.16, 0.05, 0.21, 0.18), strict=True):
            position.required = max(1, round(campaign.places * share))
            position.shift_demand = 1
            position.save(update_fields=["required", "shift_demand"])
    too_young = 0
    with clock.frozen_at(_at(datetime.date(2023, 7, 20), 10)):
        for index in range(count):
            birth = datetime.date(
                rng.randint(1996, 2005) if rng.random() > 0.03 else 2008,
                rng.randint(1, 12),
                rng.randint(1, 28),
            )
            english = rng.choices([0, 2, 3, 4, 5], weights=[10, 25, 30, 25, 10])[0]
            available = sorted(rng.sample(dates, rng.randint(5, len(dates))))
            prefs = rng.sample(positions, 3)
            # Drawn in the order the demo always drew them, so the same people come out.
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
            number = _id(rng, birth, index)
            phone = f"13{rng.randint(100000000, 999999999)}"
            organisation = rng.choice(SCHOOLS)
            experienced = rng.random() < 0.3
            if rules.age_problem(birth, campaign):
                # The form refuses someone outside the age limits, naming them.
                too_young += 1
                continue
            services.application_submit(
                campaign=campaign,
                full_name=name,
                id_number=number,
                phone=phone,
                organisation=organisation,
                languages=[{"language": "英语", "level": english}] if english else [],
                available_dates=available,
                preferences=prefs,
                consent=True,
                experienced=experienced,
            )
    with clock.frozen_at(_at(datetime.date(2023, 8, 7), 9)):
        screened = services.screening_auto(actor=clerk, campaign=campaign)
    # Interviews on 9–10 August: three rooms a day, two judges each; harsh and lenient panels.
    bias = {judge.pk: b for judge, b in zip(judges, (-8, 6, 0, -3, 4, 1), strict=True)}
    slots = []
    for day in (datetime.date(2023, 8, 9), datetime.date(2023, 8, 10)):
        for room, pair in zip(
            ("第一考场", "第二考场", "第三考场"), ((0, 1), (2, 3), (4, 5)), strict=True
        ):
            session = InterviewSession.objects.create(campaign=campaign, date=day, room=room)
            session.judges.set([judges[pair[0]], judges[pair[1]]])
            for hour in range(8, 18):
                slots.append(
                    InterviewSlot.objects.create(
                        session=session,
                        starts_at=_at(day, hour),
                        capacity=max(1, round(20 * scale)),
                    )
                )
    with clock.frozen_at(_at(datetime.date(2023, 8, 8), 9)):
        services.slots_assign(actor=clerk, campaign=campaign)
    scores = []
    ability = {}
    interviewed = list(
        campaign.applications.filter(slot__isnull=False).select_related("slot__session")
    )
    for application in interviewed:
        ability[application.pk] = rng.gauss(72, 9)
        english_bonus = application.level("英语") * 3
        for judge in application.slot.session.judges.all():
            for code, base in (("intro", 0), ("english", english_bonus - 6), ("general", 0)):
                value = ability[application.pk] + base + bias[judge.pk] + rng.gauss(0, 4)
                scores.append(
                    Score(
                        application=application,
                        judge=judge,
                        criterion=code,
                        value=Decimal(str(round(min(100, max(0, value)), 1))),
                        scored_at=application.slot.starts_at,
                    )
                )
    # The judges' marks as recorded on their tablets (bulk: thousands of rows).
    Score.objects.bulk_create(scores)
    Application.objects.filter(pk__in=[a.pk for a in interviewed]).update(status=Status.INTERVIEWED)
    with clock.frozen_at(_at(datetime.date(2023, 8, 11), 17)):
        services.scores_finalise(actor=clerk, campaign=campaign)
        result = services.selection_run(actor=clerk, campaign=campaign)
        services.publicity_publish(actor=clerk, campaign=campaign)
    with clock.frozen_at(_at(datetime.date(2023, 8, 13), 10)):
        objection = services.objection_submit(
            campaign=campaign, text="名单中某同学已毕业多年，是否符合在校生条件？", contact=""
        )
        services.objection_handle(
            actor=clerk,
            objection=objection,
            handling="经核实，招募对象为 35 岁以下青年，不限在校生，维持录用。",
        )
    # Published on Friday 11 August: five working days, to the end of Friday 18 August; the
    # objection has its answer, so the selection is confirmed before the roster is made.
    with clock.frozen_at(_at(datetime.date(2023, 8, 20), 10)):
        services.selection_confirm(actor=clerk, campaign=campaign)
        services.shifts_generate(actor=clerk, campaign=campaign)
        roster = services.roster_solve(
            actor=clerk, campaign=campaign, seconds=20 if scale >= 1 else 5
        )
    # The first day on duty: most check in, a few late, the rest later.
    first_day = campaign.service_from
    on_duty = Assignment.objects.filter(
        shift__position__campaign=campaign, shift__starts_at__date=first_day
    ).select_related("shift__position__venue", "application")
    for assignment in on_duty:
        start = assignment.shift.starts_at
        if rng.random() < 0.04:
            continue
        with clock.frozen_at(start + datetime.timedelta(minutes=rng.choice([-20, -10, -5, 0, 15]))):
            services.attendance_scan(
                venue=assignment.shift.position.venue, code=assignment.application.code
            )
        with clock.frozen_at(
            assignment.shift.ends_at + datetime.timedelta(minutes=rng.randint(0, 20))
        ):
            services.attendance_scan(
                venue=assignment.shift.position.venue, code=assignment.application.code
            )

    # One of those who never scanned does so after the shift had ended: the check-in waits
    # in the staff's review queue (待审核迟到签到) and counts no hours until accepted.
    absent = on_duty.filter(checked_in_at__isnull=True).order_by("shift__ends_at", "pk").first()
    if absent is not None:
        with clock.frozen_at(absent.shift.ends_at + datetime.timedelta(minutes=25)):
            services.attendance_scan(
                venue=absent.shift.position.venue, code=absent.application.code
            )

    # 龙城铁骑 and its water-rescue training.
    team = Team.objects.create(
        name="龙城铁骑",
        unit=unit,
        description="太原市青年志愿者应急救援队，开展水域救援等专业训练。",
    )
    members = []
    for index in range(12):
        birth = datetime.date(rng.randint(1985, 2000), rng.randint(1, 12), rng.randint(1, 28))
        members.append(
            TeamMember.objects.create(
                team=team,
                full_name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                id_number=_id(rng, birth, 500 + index),
                phone=f"13{rng.randint(100000000, 999999999)}",
                joined_on=datetime.date(2021, rng.randint(1, 12), 1),
            )
        )
    training = TrainingSession.objects.create(
        team=team,
        subject="水域救援技能培训",
        contents=WATER_RESCUE,
        trainer="省水上救援中心教官",
        held_on=datetime.date(2023, 8, 12),
        place="汾河晋阳湖水域",
        certificate="水域救援",
    )
    tw = User.objects.get(username="tw_clerk")
    for member in members:
        attended = rng.random() > 0.1
        services.training_record(
            actor=tw,
            session=training,
            member=member,
            attended=attended,
            passed=attended and rng.random() > 0.15,
        )
    log(
        f"志愿者：报名 {count - too_young} 人（另有 {too_young} 人年龄不符，报名表未受理），资料审核通过 {screened['in']} 人，面试 {len(interviewed)} 人，"
        f"录用 {len(result.placed)} 人（{result.status}，{result.seconds:.2f} 秒），"
        f"排班 {len(roster.assignments)} 人次（{roster.status}，缺员 {roster.shortage}）；龙城铁骑 12 人完成水域救援培训。"
    )
    log("  评委账号 judge1–judge6；组织单位账号 tw_clerk；报名页 /v/forum-2023/。")
