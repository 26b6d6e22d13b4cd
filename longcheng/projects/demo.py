"""Demo strategy and projects from the newspaper page. The positionings are illustrative (drawn
from the main article's themes); 晶科's 56 GW base (4 phases of 14 GW, ¥56 billion, first pile
on 15 August 2023), 山西建投·祥溪国际 with its 包保 leader and visits, and 太钢's monthly
duplex stainless-steel sales (over 10,000 t in June 2023, 12,000 t in July) come from the page;
other figures are invented to show the colours."""

import datetime
from decimal import Decimal

from django.utils import timezone

from longcheng.accounts import services as account_services
from longcheng.accounts.demo import DEMO_PASSWORD
from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core import clock
from longcheng.core.models import Unit
from longcheng.parties.models import Enterprise

from . import services
from .models import (
    AnnualPlan,
    Goal,
    Indicator,
    IndicatorValue,
    KeyProject,
    Milestone,
    Phase,
    Positioning,
    ProjectSponsor,
    Task,
)
from .workflow import Stage

SHANGHAI = timezone.get_fixed_timezone(8 * 60)

POSITIONINGS = [
    ("制造业振兴升级", "打造全国重要的先进制造业基地", ["光伏全产业链", "特钢材料领先"]),
    ("氢都碳谷", "氢能与碳纤维产业集群", ["碳纤维产业园"]),
    ("硅谷", "半导体与信创产业", ["第三代半导体材料"]),
    ("创新平台", "创新平台与人才高地", ["重大创新平台"]),
    ("基金丛林", "种子、天使、创投、产业基金体系", ["政府引导基金群"]),
    ("营商环境", "一流营商环境", ["营商环境监督闭环"]),
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


# 每月一题's history: the night-construction complaints of the eight weeks before it was set,
# building up as the summer's sites poured concrete at night (per week, oldest first), about
# sites in 小店区 and 迎泽区: (district code, site, short name, latitude, longitude).
PROBLEM_WEEKLY = [9, 10, 11, 12, 11, 13, 14, 12]
NOISE_SITES = [
    ("140105", "长治路与南中环街交叉口西南角在建商业综合体", "长治路南中环工地", 37.8132, 112.5420),
    ("140105", "亲贤北街富力壹品地下车库项目", "富力壹品工地", 37.8371, 112.5689),
    ("140105", "坞城路与许坦东街口在建住宅项目", "坞城路工地", 37.8046, 112.5838),
    ("140105", "平阳路南段市政管网改造工地", "平阳路管网工地", 37.8214, 112.5476),
    ("140105", "学府街东段写字楼项目", "学府街工地", 37.8089, 112.5667),
    ("140105", "北营南路安置房项目", "北营安置房工地", 37.7962, 112.5991),
    ("140105", "龙城大街与太榆路口在建学校项目", "龙城大街学校工地", 37.7716, 112.5585),
    ("140106", "建设南路与并州东街口在建住宅项目", "建设南路工地", 37.8457, 112.5752),
    ("140106", "迎泽大街地铁施工段（五一广场以东）", "迎泽大街地铁工地", 37.8631, 112.5712),
    ("140106", "朝阳街棚户区改造项目", "朝阳街棚改工地", 37.8600, 112.5880),
    ("140106", "双塔西街小区旁在建综合楼", "双塔西街工地", 37.8512, 112.5781),
    ("140106", "郝庄镇安置房项目", "郝庄安置房工地", 37.8598, 112.6012),
]
# (title after the short name, what the caller says after the site)
NOISE_COMPLAINTS = [
    ("夜间打桩扰民", "晚上十一点以后还在打桩，震得窗户嗡嗡响，孩子第二天要上学根本睡不着。"),
    ("凌晨浇筑噪音大", "凌晨一点还有混凝土泵车在浇筑，机器轰鸣一整夜，请查处。"),
    ("夜间渣土车进出扰民", "夜里渣土车进进出出，鸣笛和装卸声音很大，持续到凌晨三点。"),
    ("深夜切割钢筋", "每天夜里切割钢筋、敲击模板，噪音持续到凌晨两点，家里老人心脏不好。"),
    (
        "夜间施工是否有许可",
        "已经连续一周晚上施工到半夜，想问是否办了夜间施工许可，没有的话请依法处理。",
    ),
    ("半夜吊车作业", "半夜塔吊和吊车作业，工人喊话和金属撞击声很大，整栋楼的住户都被吵醒。"),
]
NOISE_ANSWERS = [
    "经直属一大队夜间巡查核实，该工地未办理夜间施工许可，22时后仍进行高噪声作业，已责令立即停止，"
    "依法立案调查，并约谈施工单位负责人。",
    "经核查，该工地持有混凝土连续浇筑的夜间施工许可，已要求其采取降噪措施、渣土车禁止鸣笛，"
    "并在小区门口张贴施工公告；许可期满后不得夜间施工。",
    "执法队员当晚到场，施工单位已停止作业；已将该工地列入夜查重点，连续三晚复查未再发现夜间施工。",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"


def _seed_problem_history(promoted: datetime.datetime, category, unit, dispatcher) -> int:
    """The complaints that made 施工噪音扰民 the month's problem: each week before promotion
    more of them, called in at night on the hotline (some on the public form), dispatched in the
    morning to 直属一大队, signed, the caller rung back, answered after the night patrol, rated
    on the return call and the older ones archived — replayed through the loop's services at the
    moment each happened, like the loop's own demo matters."""
    import random

    from longcheng.core.models import Division
    from longcheng.loop import services as loop_services
    from longcheng.loop.drafts import MatterDraft
    from longcheng.loop.workflow import Channel, Kind, Rating, Status, Urgency

    clerk = (
        User.objects.filter(unit=unit, role=Role.CLERK, is_active=True).first()
        or User.objects.filter(unit=unit, role=Role.LEADER, is_active=True).first()
    )
    divisions = {d.code: d for d in Division.objects.filter(code__in=["140105", "140106"])}
    if clerk is None or len(divisions) < 2:
        return 0
    rng = random.Random(20230901)
    hour, day = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    made = 0
    weeks = len(PROBLEM_WEEKLY)
    for week, count in enumerate(PROBLEM_WEEKLY):
        start = promoted - (weeks - week) * 7 * day
        for _n in range(count):
            code, site, short, lat, lng = rng.choice(NOISE_SITES)
            title, said = rng.choice(NOISE_COMPLAINTS)
            # Called in between 22:00 and 01:00, some night of that week.
            night = timezone.localtime(start + rng.randint(0, 6) * day).date()
            received = datetime.datetime.combine(
                night, datetime.time(22), tzinfo=timezone.get_current_timezone()
            ) + datetime.timedelta(minutes=rng.randint(0, 179))
            if received >= promoted:
                received = promoted - rng.randint(2, 20) * hour
            anonymous = rng.random() < 0.1
            name = rng.choice(SURNAMES) + rng.choice(["女士", "先生"])
            with clock.frozen_at(received):
                matter = loop_services.matter_receive(
                    MatterDraft(
                        title=f"{short}{title}",
                        description=f"{site}{said}",
                        channel=Channel.HOTLINE if rng.random() < 0.75 else Channel.PUBLIC_FORM,
                        kind=Kind.COMPLAINT if rng.random() < 0.85 else Kind.REPORT,
                        urgency=Urgency.NORMAL,
                        category=category,
                        division=divisions[code],
                        address=f"太原市{divisions[code].name}{site}",
                        latitude=Decimal(f"{lat + rng.uniform(-0.002, 0.002):.6f}"),
                        longitude=Decimal(f"{lng + rng.uniform(-0.002, 0.002):.6f}"),
                        anonymous=anonymous,
                        reporter_name="" if anonymous else name,
                        reporter_phone=""
                        if anonymous
                        else f"1{rng.choice('3589')}{rng.randint(10**8, 10**9 - 1)}",
                    ),
                    actor=dispatcher,
                )
            # The next morning's dispatch, signed within the hour and the caller rung back.
            moment = datetime.datetime.combine(
                timezone.localtime(received + 3 * hour).date(),
                datetime.time(8, 30),
                tzinfo=timezone.get_current_timezone(),
            ) + datetime.timedelta(minutes=rng.randint(0, 60))
            with clock.frozen_at(moment):
                matter = loop_services.matter_dispatch(
                    matter=matter, actor=dispatcher, lead_unit=unit
                )
            moment += datetime.timedelta(minutes=rng.randint(15, 50))
            with clock.frozen_at(moment):
                matter = loop_services.matter_sign(matter=matter, actor=clerk)
            moment += datetime.timedelta(minutes=30)
            with clock.frozen_at(moment):
                loop_services.matter_contact(
                    matter=matter,
                    actor=clerk,
                    note="电话联系诉求人，约定当晚夜查该工地。",
                )
            # Answered after a night patrol or two, rated on the return call.
            moment += rng.randint(1, 4) * day + rng.randint(0, 5) * hour
            with clock.frozen_at(moment):
                matter = loop_services.matter_answer(
                    matter=matter, actor=clerk, text=rng.choice(NOISE_ANSWERS)
                )
            moment += rng.randint(1, 2) * day
            dissatisfied = rng.random() < 0.1
            rating = (
                Rating.DISSATISFIED
                if dissatisfied
                else rng.choice([Rating.SATISFIED, Rating.SATISFIED, Rating.BASICALLY])
            )
            with clock.frozen_at(moment):
                matter = loop_services.matter_rate(
                    matter=matter,
                    actor=dispatcher,
                    rating=rating,
                    resolved=not dissatisfied,
                    note="电话回访，诉求人表示" + str(Rating(rating).label),
                )
            made += 1
            archive_at = moment + rng.randint(2, 5) * day
            if matter.status == Status.CLOSED and archive_at < promoted:
                with clock.frozen_at(archive_at):
                    loop_services.matter_archive(matter=matter, actor=dispatcher)
    return made


def _seed_monthly_problem(log) -> None:
    """每月一题: 施工噪音扰民, promoted three weeks ago from the city's night-work complaints,
    led by 市城管执法队直属一大队, with its first progress reported."""
    from longcheng.loop.models import Category

    from .models import MonthlyProblem

    category = Category.objects.filter(code="urban-noise").first()
    unit = Unit.objects.filter(code="ty-cg-zfd-1").first()
    dispatcher = User.objects.filter(username="dispatcher").first()
    if MonthlyProblem.objects.exists() or not (category and unit and dispatcher):
        return
    today = timezone.localdate()
    # Promoted three weeks ago, so the chart has weeks after as well as before; the complaints
    # of the weeks before are the ones that made it the month's problem.
    promoted = clock.now() - datetime.timedelta(days=21)
    history = _seed_problem_history(promoted, category, unit, dispatcher)
    problem = services.problem_promote(
        actor=dispatcher,
        title="施工噪音扰民",
        category=category,
        lead_unit=unit,
        description="夜间施工噪音投诉连续数周居全市前列，集中在小店区、晋源区在建工地，"
        "22时后打桩、浇筑、渣土运输扰民。",
        measures="一、城管执法队每晚22时至次日6时分片夜查在建工地；二、未取得夜间施工许可"
        "擅自施工的立案查处；三、住建部门约谈施工单位，渣土车错峰运输；四、热线回访投诉人。",
        deadline=today + datetime.timedelta(days=40),
        milestones=[
            (today - datetime.timedelta(days=7), "完成全市在建工地夜间施工许可排查"),
            (today + datetime.timedelta(days=10), "重点工地安装噪声在线监测"),
            (today + datetime.timedelta(days=35), "投诉量较设定前下降五成"),
        ],
    )
    local = timezone.localtime(promoted)
    MonthlyProblem.objects.filter(pk=problem.pk).update(
        promoted_at=promoted, year=local.year, month=local.month
    )
    problem.refresh_from_db()
    first = problem.milestones.order_by("planned_date").first()
    leader = User.objects.filter(
        unit=unit, role__in=[Role.CLERK, Role.LEADER], is_active=True
    ).first()
    if leader is not None:
        services.problem_report(
            actor=leader,
            problem=problem,
            expected_version=problem.version,
            progress=35,
            text="已排查在建工地46处，查处无证夜间施工4起，约谈施工单位9家。",
            milestone=first,
        )
    log(f"项目：每月一题“施工噪音扰民”（设定前八周夜间施工噪音投诉 {history} 件）。")


def seed(log) -> None:
    _seed_monthly_problem(log)
    if Positioning.objects.exists():
        log("项目：已有演示数据，跳过。")
        return
    sysadmin = User.objects.get(username="sysadmin")
    gov = Unit.objects.get(code="ty-gov")
    fgw = Unit.objects.get(code="ty-fgw")
    mayor = User.objects.filter(username="sz_leader").first() or account_services.user_create(
        actor=sysadmin,
        username="sz_leader",
        full_name="王建国",
        role=Role.LEADER,
        unit=gov,
        position="副市长",
        phone="13900000041",
        password=DEMO_PASSWORD,
    )
    fgw_clerk = User.objects.get(username="fgw_clerk")
    # 祥溪国际 is reported by its district (属地), so the demo has a project unit besides the
    # 发改委: its clerk sees 待报送 on the phone.
    xd_gov = Unit.objects.get(code="xd-gov")
    xd_clerk = User.objects.filter(username="xd_xmb").first() or account_services.user_create(
        actor=sysadmin,
        username="xd_xmb",
        full_name="李晓燕",
        role=Role.CLERK,
        unit=xd_gov,
        position="项目推进办干事",
        phone="13900000042",
        password=DEMO_PASSWORD,
    )
    goals = {}
    for order, (name, description, goal_names) in enumerate(POSITIONINGS):
        positioning = Positioning.objects.create(name=name, description=description, order=order)
        for goal_order, goal_name in enumerate(goal_names):
            goals[goal_name] = Goal.objects.create(
                positioning=positioning, name=goal_name, order=goal_order
            )

    def task(code, goal, what, why, where, how, roadmap, start, end, investment=None, targets=""):
        row = Task.objects.create(
            goal=goals[goal],
            code=code,
            what=what,
            why=why,
            lead_leader=mayor,
            lead_unit=fgw,
            responsible_person=fgw_clerk,
            start=start,
            end=end,
            where=where,
            how=how,
            roadmap=roadmap,
            investment=investment,
            indicator_targets=targets,
        )
        row.responsible_units.add(fgw)
        return row

    solar = task(
        "T-2023-01",
        "光伏全产业链",
        "建成晶科56GW垂直一体化光伏大基地",
        "落实制造业振兴升级定位，补齐拉棒、切片、电池、组件全链条；依据：市委全会部署和市重点工程计划。",
        "综改区潇河产业园区",
        "专班推进、要素保障、电力接入和能耗指标优先保障；四期滚动建设。",
        "2023 年一期开工 → 2024 年一期投产、二期开工 → 2026 年全面建成",
        datetime.date(2023, 1, 1),
        datetime.date(2026, 12, 31),
        Decimal(560),
        "2026 年形成 56GW 产能，年产值超千亿元",
    )
    steel = task(
        "T-2023-02",
        "特钢材料领先",
        "双相不锈钢等高端特钢扩能提质",
        "巩固太钢高端不锈钢优势；依据：新材料产业链行动方案。",
        "尖草坪区",
        "产销对接、技术改造、首批次应用保险补偿。",
        "月销量 2023 年 6 月起稳定在万吨以上",
        datetime.date(2023, 1, 1),
        datetime.date(2025, 12, 31),
        targets="双相不锈钢月销量 ≥ 10,000 吨",
    )
    carbon = task(
        "T-2023-03",
        "碳纤维产业园",
        "建设碳纤维及复合材料产业园",
        "落实“氢都碳谷”定位。",
        "中北高新区",
        "招引龙头企业，建设标准厂房。",
        "2023 年开工 → 2025 年投产",
        datetime.date(2023, 3, 1),
        datetime.date(2025, 12, 31),
        Decimal(30),
    )
    business = task(
        "T-2023-04",
        "营商环境监督闭环",
        "营商环境监测点与特邀监督员全覆盖",
        "打造一流营商环境。",
        "小店区",
        "监测点扫码、特邀监督员、办不成事窗口、委员会会议闭环。",
        "",
        datetime.date(2023, 5, 30),
        datetime.date(2023, 12, 31),
    )
    Milestone.objects.create(
        task=business,
        name="首批监测点启用",
        planned_date=datetime.date(2023, 5, 30),
        actual_date=datetime.date(2023, 5, 30),
    )

    jinko = Enterprise.objects.filter(name__contains="晶科").first()
    jk = KeyProject.objects.create(
        code="XM-2023-001",
        name="晶科56GW垂直一体化大基地",
        enterprise=jinko,
        lead_unit=fgw,
        place="综改区潇河产业园区",
        description="56GW 拉棒、切片、电池、组件垂直一体化生产基地，分四期建设，每期 14GW。",
        total_investment=Decimal(5600000),
        stage=Stage.CONSTRUCTION,
        in_library=True,
        started=True,
        planned_start=datetime.date(2023, 7, 1),
        planned_end=datetime.date(2026, 12, 31),
        actual_start=datetime.date(2023, 8, 15),
    )
    jk.tasks.add(solar)
    phases = [
        (datetime.date(2023, 7, 1), datetime.date(2024, 6, 30)),
        (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
        (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    ]
    for number, (start, end) in enumerate(phases, 1):
        Phase.objects.create(
            project=jk,
            name=f"{number}期",
            scale="14GW",
            investment=Decimal(1400000),
            planned_start=start,
            planned_end=end,
        )
    Milestone.objects.create(
        project=jk,
        name="首桩开钻",
        planned_date=datetime.date(2023, 8, 15),
        actual_date=datetime.date(2023, 8, 15),
    )
    Milestone.objects.create(
        project=jk, name="一期主厂房封顶", planned_date=datetime.date(2023, 12, 31)
    )
    Milestone.objects.create(project=jk, name="一期投产", planned_date=datetime.date(2024, 6, 30))
    AnnualPlan.objects.create(
        project=jk, year=2023, planned_investment=Decimal(250000), goals="一期主体施工"
    )

    jiantou = Enterprise.objects.filter(name__contains="山西建设投资").first()
    xx = KeyProject.objects.create(
        code="XM-2023-002",
        name="山西建投·祥溪国际",
        enterprise=jiantou,
        lead_unit=xd_gov,
        place="小店区",
        description="城市更新与商业综合体项目。",
        total_investment=Decimal(350000),
        stage=Stage.CONSTRUCTION,
        in_library=True,
        started=True,
        planned_start=datetime.date(2022, 4, 1),
        planned_end=datetime.date(2024, 12, 31),
        actual_start=datetime.date(2022, 4, 20),
    )
    xx.tasks.add(business)
    AnnualPlan.objects.create(project=xx, year=2022, planned_investment=Decimal(80000))
    AnnualPlan.objects.create(
        project=xx, year=2023, planned_investment=Decimal(65000), goals="主体结构封顶"
    )
    Milestone.objects.create(
        project=xx, name="主体结构封顶", planned_date=datetime.date(2023, 9, 30)
    )

    cf = KeyProject.objects.create(
        code="XM-2023-003",
        name="中北高新区碳纤维复合材料产业园（演示）",
        lead_unit=fgw,
        place="中北高新区",
        description="碳纤维原丝、碳化及复合材料制品。",
        total_investment=Decimal(300000),
        stage=Stage.PREPARATION,
        in_library=True,
        planned_start=datetime.date(2023, 3, 1),
        planned_end=datetime.date(2025, 12, 31),
    )
    cf.tasks.add(carbon)
    AnnualPlan.objects.create(project=cf, year=2023, planned_investment=Decimal(50000))

    steel_project = KeyProject.objects.create(
        code="XM-2023-004",
        name="太钢双相不锈钢产能提升",
        enterprise=Enterprise.objects.filter(name__contains="太原钢铁").first(),
        lead_unit=fgw,
        place="尖草坪区",
        total_investment=Decimal(180000),
        stage=Stage.OPERATION,
        in_library=True,
        started=True,
        planned_start=datetime.date(2022, 6, 1),
        planned_end=datetime.date(2023, 12, 31),
        actual_start=datetime.date(2022, 6, 1),
    )
    steel_project.tasks.add(steel)
    AnnualPlan.objects.create(project=steel_project, year=2023, planned_investment=Decimal(60000))

    # Monthly reports by the responsible units (发改委; 小店区政府 for 祥溪国际).
    figures = {
        xx: [(2022, m, 8000) for m in range(5, 13)]
        + [
            (2023, m, a)
            for m, a in zip(
                range(1, 9), (4000, 3000, 5000, 4500, 4000, 3500, 3000, 3000), strict=True
            )
        ],
        jk: [(2023, 7, 30000), (2023, 8, 120000)],
        steel_project: [(2023, m, 5200) for m in range(1, 9)],
    }
    for project, rows in figures.items():
        for year, month, amount in rows:
            day = datetime.date(year, month, 28)
            with clock.frozen_at(_at(day + datetime.timedelta(days=8))):
                services.report_submit(
                    actor=xd_clerk if project == xx else fgw_clerk,
                    project=project,
                    year=year,
                    month=month,
                    investment=Decimal(amount),
                    progress="按计划推进" if project != xx else "主体结构施工，地下室完成",
                    problems="周边道路施工影响材料运输"
                    if project == xx and (year, month) == (2023, 8)
                    else "",
                )

    # 包保: the vice-mayor guarantees 祥溪国际 and 晶科, visits and hands problems to units.
    ProjectSponsor.objects.create(project=xx, leader=mayor, since=datetime.date(2022, 3, 1))
    ProjectSponsor.objects.create(project=jk, leader=mayor, since=datetime.date(2023, 6, 1))
    visits = [
        (
            xx,
            datetime.date(2023, 3, 16),
            "项目单位、小店区政府、市住建局",
            "施工许可分段办理进度慢",
            "小店区政府牵头并联审批",
            [],
        ),
        (
            xx,
            datetime.date(2023, 6, 8),
            "项目单位、市发改委",
            "商业部分招商滞后",
            "市发改委对接龙头商业企业",
            [],
        ),
        (
            xx,
            datetime.date(2023, 8, 24),
            "项目单位、市城管局、小店区政府",
            "周边道路施工影响材料运输；夜间施工许可办理周期长",
            "城管部门优化夜间施工许可；区政府协调道路施工时序",
            [("优化夜间施工许可办理流程，五个工作日内办结", "ty-cgj")],
        ),
        (
            jk,
            datetime.date(2023, 8, 15),
            "晶科能源、综改区管委会、国网太原供电公司",
            "一期 110kV 变电站接入需提前",
            "发改委协调电力接入时序",
            [("协调一期110kV变电站提前接入", "ty-fgw")],
        ),
    ]
    for project, day, attendees, findings, decisions, problems in visits:
        with clock.frozen_at(_at(day, 15)):
            services.visit_record(
                actor=mayor,
                project=project,
                leader=mayor,
                visited_on=day,
                attendees=attendees,
                findings=findings,
                decisions=decisions,
                problems=[(text, Unit.objects.get(code=code)) for text, code in problems],
            )

    # 太钢's duplex stainless-steel sales, tonnes a month.
    indicator = Indicator.objects.create(
        name="太钢双相不锈钢月销量",
        measure="吨",
        owner_unit=fgw,
        enterprise=steel_project.enterprise,
        project=steel_project,
        task=steel,
    )
    last_year = [6800, 7100, 7400, 7300, 7900, 8200, 8100, 8400, 8600, 8800, 9000, 9200]
    this_year = [8600, 8900, 9300, 9500, 9800, 10300, 12000, 11800]
    for month, value in enumerate(last_year, 1):
        IndicatorValue.objects.create(
            indicator=indicator, year=2022, month=month, actual=Decimal(value)
        )
    for month, value in enumerate(this_year, 1):
        IndicatorValue.objects.create(
            indicator=indicator,
            year=2023,
            month=month,
            target=Decimal(10000),
            actual=Decimal(value),
        )

    # September: the month's call for reports and the August colours.
    with clock.frozen_at(_at(datetime.date(2023, 9, 5), 9)):
        services.reports_request(year=2023, month=8)
        counts = services.traffic_light_sweep(year=2023, month=8, as_of=datetime.date(2023, 9, 5))
    colours = f"红 {counts['red']}、黄 {counts['yellow']}、绿 {counts['green']}"
    log(
        f"项目：战略定位 {Positioning.objects.count()} 个、任务 {Task.objects.count()} 项、"
        f"重点项目 {KeyProject.objects.count()} 个（8 月：{colours}），"
        f"包保走访 {len(visits)} 次；包保领导账号 sz_leader，项目单位账号 xd_xmb（小店区政府）。"
    )
