"""Demo enforcement from the newspaper page: the urban-management team's night patrol of
construction sites in August 2023 — waste transported without a permit (case filed, ¥15,000
fine, paid, closed), night construction without a permit (case filed under the Noise Pollution
Prevention Law, the party told of the intended penalty), a site with dust hazards ordered to stop
and rectify — and the serious finding the site inspection transferred for a case."""

import datetime
from decimal import Decimal

from django.utils import timezone

from longcheng.accounts import services as account_services
from longcheng.accounts.demo import DEMO_PASSWORD
from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core import clock
from longcheng.core.models import Unit
from longcheng.inspections import services as inspections
from longcheng.inspections.models import Rectification
from longcheng.parties.models import Site

from . import services
from .models import Case, DiscretionBenchmark, EnforcementBody, LegalProvision, Officer

SHANGHAI = timezone.get_fixed_timezone(8 * 60)

# (code, law, article, violation, text, kinds, min, max, may stop work, note, benchmarks);
# the provision each act breaks (违反的规定) is in BREACHED.
PROVISIONS = [
    (
        "noise-night-construction",
        "中华人民共和国噪声污染防治法",
        "第七十七条第一款第二项",
        "未按规定取得证明，在噪声敏感建筑物集中区域夜间进行产生噪声的建筑施工作业",
        "由工程所在地人民政府指定的部门责令改正，处一万元以上十万元以下的罚款；拒不改正的，可以责令暂停施工。",
        "organisation",
        10000,
        100000,
        True,
        "",
        [
            ("slight", 10000, 20000, "首次被发现，及时停止作业，未造成投诉"),
            ("ordinary", 20000, 50000, "首次被发现，已造成居民投诉"),
            ("serious", 50000, 80000, "一年内再次被发现或拒不停止作业"),
            ("grave", 80000, 100000, "拒不改正、多次投诉或造成恶劣影响"),
        ],
    ),
    (
        "air-dust-control",
        "中华人民共和国大气污染防治法",
        "第一百一十五条第一款第一项",
        "施工工地未设置硬质围挡，或者未采取覆盖、分段作业、择时施工、洒水抑尘、冲洗地面和车辆等有效防尘降尘措施",
        "由县级以上人民政府住房城乡建设等主管部门按照职责责令改正，处一万元以上十万元以下的罚款；拒不改正的，责令停工整治。",
        "organisation",
        10000,
        100000,
        True,
        "",
        [
            ("slight", 10000, 20000, "裸露面积小，当场整改"),
            ("ordinary", 20000, 50000, "措施缺失一项以上，限期内整改"),
            ("serious", 50000, 100000, "拒不改正或重污染天气期间"),
        ],
    ),
    (
        "waste-transport-permit",
        "太原市建筑垃圾管理条例",
        "未经核准运输建筑垃圾条款",
        "未取得建筑垃圾处置（运输）核准擅自运输建筑垃圾",
        "责令限期改正，对单位处五千元以上五万元以下的罚款。",
        "organisation",
        5000,
        50000,
        False,
        "演示数据：条款序号与罚款幅度以现行有效文本为准",
        [
            ("slight", 5000, 10000, "首次被发现且当场改正"),
            ("ordinary", 10000, 20000, "首次被发现，已造成道路遗撒"),
            ("serious", 20000, 50000, "再次被发现或夜间多车次运输"),
        ],
    ),
    (
        "solid-waste-dumping",
        "中华人民共和国固体废物污染环境防治法",
        "第一百一十一条第一款第三项",
        "工程施工单位擅自倾倒、抛撒或者堆放工程施工过程中产生的建筑垃圾",
        "由县级以上地方人民政府环境卫生主管部门责令改正，处十万元以上一百万元以下的罚款。",
        "organisation",
        100000,
        1000000,
        False,
        "",
        [],
    ),
]

BREACHED = {
    "noise-night-construction": "《中华人民共和国噪声污染防治法》第四十三条",
    "air-dust-control": "《中华人民共和国大气污染防治法》第六十九条第三款",
    "waste-transport-permit": "《太原市建筑垃圾管理条例》核准运输条款（演示数据）",
    "solid-waste-dumping": "《中华人民共和国固体废物污染环境防治法》第六十三条",
}

OFFICERS = [
    ("cg_leader", "140100230001", False),
    ("cg_clerk1", "140100230017", False),
    ("cg_clerk2", "140100230023", False),
    ("cg_fazhi", "140100230005", True),
    ("cg_clerk3", "140100230031", False),
]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def _user(username, full_name, unit_code, position, phone) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            actor=User.objects.get(username="sysadmin"),
            username=username,
            full_name=full_name,
            role=Role.CLERK,
            unit=Unit.objects.get(code=unit_code),
            position=position,
            phone=phone,
            password=DEMO_PASSWORD,
        )
    return user


def seed(log) -> None:
    if EnforcementBody.objects.exists():
        log("执法：已有演示数据，跳过。")
        return
    team = Unit.objects.get(code="ty-cg-zfd")
    EnforcementBody.objects.create(
        unit=team,
        name=team.name,
        doc_prefix="并城管",
        review_body="太原市城市管理局",
        court="太原市小店区人民法院",
        payment_account="到指定代收银行或通过山西省非税收入电子缴款系统缴纳，罚款直接上缴国库",
    )
    _user("cg_fazhi", "卫立平", "ty-cg-zfd", "法制审核员", "13900000031")
    _user("cg_clerk3", "侯建军", "ty-cg-zfd-1", "执法队员", "13900000032")
    for username, number, reviewer in OFFICERS:
        Officer.objects.create(
            user=User.objects.get(username=username),
            credential_number=number,
            legal_reviewer=reviewer,
            valid_until=datetime.date(2027, 12, 31),
        )
    for code, law, article, violation, text, kinds, low, high, stop, note, marks in PROVISIONS:
        provision = LegalProvision.objects.create(
            code=code,
            law=law,
            article=article,
            violation=violation,
            breached=BREACHED[code],
            text=text,
            party_kinds=kinds,
            fine_min=Decimal(low),
            fine_max=Decimal(high),
            may_stop_work=stop,
            note=note,
        )
        for circumstance, a, b, description in marks:
            DiscretionBenchmark.objects.create(
                provision=provision,
                circumstance=circumstance,
                fine_min=Decimal(a),
                fine_max=Decimal(b),
                description=description,
            )

    leader = User.objects.get(username="cg_leader")
    meng = User.objects.get(username="cg_clerk1")
    jia = User.objects.get(username="cg_clerk2")
    hou = User.objects.get(username="cg_clerk3")
    fazhi = User.objects.get(username="cg_fazhi")
    law = {p.code: p for p in LegalProvision.objects.all()}
    site = {s.name: s for s in Site.objects.all()}

    # The night patrol of 17 August 2023.
    night = datetime.date(2023, 8, 17)
    with clock.frozen_at(_at(night, 21, 30)):
        patrol = services.patrol_record(
            actor=meng,
            shift="night",
            started_at=_at(night, 21, 30),
            ended_at=_at(night + datetime.timedelta(days=1), 1, 40),
            officers=[hou],
            sites=[site["富力壹品地下车库项目"], site["龙湖天樾项目"], site["国奥城项目"]],
            route_notes="长治路—南内环—滨河东路沿线在建工地夜间巡查，重点检查渣土运输和夜间施工。",
        )
    with clock.frozen_at(_at(night, 22, 40)):
        waste = services.finding_record(
            actor=meng,
            patrol=patrol,
            site=site["富力壹品地下车库项目"],
            description="渣土车 3 辆未持建筑垃圾处置核准证运输建筑垃圾，出口道路有遗撒。",
            outcome="case",
            provision=law["waste-transport-permit"],
        )
    with clock.frozen_at(_at(night, 23, 50)):
        noise = services.finding_record(
            actor=meng,
            patrol=patrol,
            site=site["龙湖天樾项目"],
            description="23 时 50 分仍在进行混凝土浇筑作业，未取得夜间施工证明，周边为居民小区。",
            outcome="case",
            provision=law["noise-night-construction"],
        )
    with clock.frozen_at(_at(night + datetime.timedelta(days=1), 0, 45)):
        services.finding_record(
            actor=meng,
            patrol=patrol,
            site=site["国奥城项目"],
            description="东侧约 500 平方米裸土未覆盖，出口无冲洗设施，存在扬尘隐患。",
            outcome="stop_work",
            deadline=datetime.date(2023, 8, 25),
            provision=law["air-dust-control"],
        )

    # Case 1: waste transported without a permit — ¥15,000, paid, closed.
    case = waste.cases.get()
    day = datetime.date(2023, 8, 18)
    with clock.frozen_at(_at(day, 9, 30)):
        case = services.case_file(actor=leader, case=case, officers=[meng, hou])
    with clock.frozen_at(_at(day, 10, 30)):
        services.evidence_record(
            actor=meng,
            case=case,
            kind="inspection_record",
            description="现场检查笔录：3 辆渣土车无核准证（晋A·D1234 等），出口道路遗撒约 50 米。",
            officers=[hou],
            credentials_shown=True,
        )
        services.evidence_record(
            actor=meng,
            case=case,
            kind="video",
            description="执法记录仪全程录像",
            officers=[hou],
            video_ref="ZFJLY-0817-2235",
        )
    with clock.frozen_at(_at(datetime.date(2023, 8, 21), 10)):
        services.evidence_record(
            actor=hou,
            case=case,
            kind="questioning",
            description="询问笔录：项目经理承认未办理建筑垃圾运输核准，车辆为临时雇用。",
            officers=[meng],
            credentials_shown=True,
        )
        case = services.case_notify(
            actor=meng,
            case=Case.objects.get(pk=case.pk),
            circumstance="ordinary",
            fine=Decimal(15000),
        )
    with clock.frozen_at(_at(datetime.date(2023, 8, 23), 15)):
        case = services.case_record_statement(
            actor=meng,
            case=case,
            statement="对违法事实无异议，已办理核准并清理道路，请求从轻处罚。",
        )
        case = services.case_review_statement(
            actor=meng,
            case=case,
            result="partly",
            opinion="当事人已办理核准并清理遗撒道路，及时改正，符合从轻情形，罚款减为 12000 元。",
            fine=Decimal(12000),
        )
    with clock.frozen_at(_at(datetime.date(2023, 8, 25), 10)):
        case = services.case_decide(actor=leader, case=case, outcome="penalty")
    with clock.frozen_at(_at(datetime.date(2023, 8, 25), 15)):
        case = services.case_serve(actor=meng, case=case, method="直接送达")
        services.case_publish(actor=meng, case=case)
    with clock.frozen_at(_at(datetime.date(2023, 9, 5), 11)):
        case = services.case_record_payment(
            actor=meng, case=case, amount=Decimal(12000), paid_on=datetime.date(2023, 9, 5)
        )
    with clock.frozen_at(_at(datetime.date(2023, 9, 6), 9)):
        services.case_close(actor=leader, case=case)

    # Case 2: night construction without a permit — filed, investigated, told of ¥30,000.
    case2 = noise.cases.get()
    with clock.frozen_at(_at(day, 9, 45)):
        case2 = services.case_file(actor=leader, case=case2, officers=[meng, hou])
    with clock.frozen_at(_at(day, 11)):
        services.evidence_record(
            actor=meng,
            case=case2,
            kind="inspection_record",
            description="现场检查笔录：23:50 混凝土泵车作业，噪声监测 68.5 dB(A)，无夜间施工证明。",
            officers=[hou],
            credentials_shown=True,
        )
    with clock.frozen_at(_at(datetime.date(2023, 8, 22), 10)):
        services.case_notify(
            actor=meng,
            case=Case.objects.get(pk=case2.pk),
            circumstance="ordinary",
            fine=Decimal(30000),
        )

    # Case 3: the site inspection's serious finding, transferred for a case (a lead to file).
    rectification = (
        Rectification.objects.filter(item__serious=True, status="open")
        .select_related("visit")
        .order_by("pk")
        .first()
    )
    if rectification is not None:
        with clock.frozen_at(_at(datetime.date(2023, 8, 19), 10)):
            inspections.rectification_transfer(
                actor=jia if rectification.visit.inspectors.filter(pk=jia.pk).exists() else leader,
                rectification=rectification,
                reason="无核准运输建筑垃圾，属严重问题，移送立案查处",
            )
    _hearing_case(leader, meng, hou, site["山西建投·祥溪国际项目"], law["air-dust-control"])
    log(
        f"执法：法律依据 {LegalProvision.objects.count()} 条；夜间巡查 1 次、发现 3 处；"
        f"案件 {Case.objects.count()} 件（1 件罚款 12,000 元已结案；1 件本周告知、"
        "拟责令停工，当事人享有听证权利）。"
    )
    log(f"  法制审核员 {fazhi.username}；执法人员 cg_clerk1、cg_clerk3、cg_leader。")


def _hearing_case(leader, meng, hou, site, provision) -> Case:
    """A case of this week (dated from the day the demo is loaded, so every period is still
    open): dust at a site ordered twice to correct it; the party was told two days ago of a
    fine and an order to stop work, which gives it the right to a hearing."""
    now = timezone.localtime(timezone.now())
    with clock.frozen_at(now - datetime.timedelta(days=9)):
        case = services.case_register_lead(
            actor=meng,
            source=Case.Source.PATROL,
            facts="祥溪国际项目东侧约 800 平方米裸土未覆盖，出口未冲洗车辆，经两次责令改正仍未整改。",
            occurred_on=(now - datetime.timedelta(days=10)).date(),
            site=site,
            enterprise=site.builder,
            provision=provision,
        )
        case = services.case_file(actor=leader, case=case, officers=[meng, hou])
    with clock.frozen_at(now - datetime.timedelta(days=8)):
        services.evidence_record(
            actor=meng,
            case=case,
            kind="inspection_record",
            description="现场检查笔录：东侧约 800 平方米裸土未覆盖，出口无冲洗设施，PM10 监测超标。",
            officers=[hou],
            credentials_shown=True,
        )
    with clock.frozen_at(now - datetime.timedelta(days=2)):
        case = services.case_notify(
            actor=meng,
            case=Case.objects.get(pk=case.pk),
            circumstance="serious",
            fine=Decimal(60000),
            stop_work=True,
        )
    return case
