"""Demo inspections from the newspaper page: the health enforcement team's full-coverage
inspection of every 二级-and-above medical institution over five areas (August 2023), with most
hospitals visited, rectifications open and some verified; and the urban-management team's
random-sampling check of construction sites for dust and order (the night-patrol article)."""

import datetime
import io
import math
import random
from base64 import b64encode
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from longcheng.accounts import services as account_services
from longcheng.accounts.demo import DEMO_PASSWORD
from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core import clock
from longcheng.core.models import Unit
from longcheng.parties.demo import POINTS
from longcheng.parties.models import Site

from . import selectors, services
from .models import Campaign, ChecklistTemplate, InspectionVisit, InspectorConflict, PartyType
from .workflow import AnswerType, Mode

SHANGHAI = timezone.get_fixed_timezone(8 * 60)

HEALTH_AREAS = [
    (
        "依法执业",
        2,
        [
            ("机构与人员资质管理", True, "《医疗机构管理条例》第十四条、第二十七条"),
            ("健康体检管理", False, "《健康体检管理暂行规定》"),
            ("麻醉药品和精神药品管理", True, "《麻醉药品和精神药品管理条例》"),
            ("抗菌药物临床应用管理", False, "《抗菌药物临床应用管理办法》"),
            ("医疗器械管理", False, "《医疗器械监督管理条例》"),
            ("医疗技术管理", False, "《医疗技术临床应用管理办法》"),
            ("处方管理", False, "《处方管理办法》"),
            ("病历管理", False, "《医疗机构病历管理规定》"),
        ],
    ),
    (
        "中医药与血液安全",
        1,
        [
            ("中医药服务管理", False, "《中华人民共和国中医药法》"),
            ("临床用血管理", True, "《医疗机构临床用血管理办法》"),
        ],
    ),
    (
        "传染病防治",
        1.5,
        [
            ("传染病疫情报告制度落实情况", False, "《中华人民共和国传染病防治法》第三十条"),
            ("预防接种管理", False, "《中华人民共和国疫苗管理法》"),
            ("医疗机构消毒隔离管理", False, "《消毒管理办法》"),
        ],
    ),
    (
        "妇幼健康",
        1,
        [
            ("产前筛查与诊断管理", False, "《产前诊断技术管理办法》"),
            ("出生医学证明文件管理", False, "《中华人民共和国母婴保健法》"),
        ],
    ),
    (
        "放射卫生",
        1,
        [
            ("放射诊疗工作管理", True, "《放射诊疗管理规定》"),
            ("放射工作人员管理", False, "《放射工作人员职业健康管理办法》"),
        ],
    ),
]

SITE_ITEMS = [
    ("扬尘治理", 2, "裸露土方覆盖", False, True, "裸露土方、易扬尘物料全部覆盖防尘网"),
    ("扬尘治理", 2, "湿法作业", False, False, "土方开挖、拆除作业同步洒水降尘"),
    ("扬尘治理", 2, "出入口车辆冲洗", False, True, "出入口设置冲洗设施，车辆冲洗干净后出场"),
    ("扬尘治理", 2, "道路清扫保洁", False, False, "场内道路硬化并定时清扫洒水"),
    ("施工秩序", 1, "建筑垃圾运输核准", True, False, "办理建筑垃圾处置核准，使用核准车辆运输"),
    ("施工秩序", 1, "夜间施工许可", True, False, "夜间施工须取得许可并公告周边居民"),
]

FINDINGS = {
    "病历管理": "抽查 20 份运行病历，3 份未按时完成首次病程记录",
    "处方管理": "部分处方未注明患者年龄，个别处方超过 7 日用量未注明理由",
    "抗菌药物临床应用管理": "特殊使用级抗菌药物会诊记录不全",
    "医疗机构消毒隔离管理": "口腔科器械清洗消毒登记不完整",
    "传染病疫情报告制度落实情况": "门诊日志传染病报告卡登记有漏项",
    "医疗器械管理": "一次性使用无菌器械进货查验记录不全",
    "放射工作人员管理": "2 名放射工作人员个人剂量监测超期",
    "出生医学证明文件管理": "空白出生医学证明领用登记未签字",
    "健康体检管理": "外出体检未按规定备案",
    "医疗技术管理": "限制类技术未按规定完成备案",
    "中医药服务管理": "中药饮片处方未注明煎煮方法",
    "预防接种管理": "疫苗出入库记录与库存不一致",
    "产前筛查与诊断管理": "产前筛查知情同意书签署不全",
    "裸露土方覆盖": "东侧堆土约 300 平方米未覆盖",
    "出入口车辆冲洗": "冲洗设施停用，出场车辆带泥上路",
    "道路清扫保洁": "场内主干道积尘明显",
    "建筑垃圾运输核准": "夜间使用未经核准车辆运输建筑垃圾",
}


def _signature(seed: int) -> str:
    """A hand-written-looking stroke, as the tablet would capture it."""
    image = Image.new("RGBA", (360, 140), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    points = []
    for step in range(60):
        x = 20 + step * 5.3
        y = 70 + 28 * math.sin(step / (3 + rng.random())) + rng.uniform(-6, 6)
        points.append((x, y))
    draw.line(points, fill=(20, 20, 20, 255), width=3, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + b64encode(out.getvalue()).decode()


def _photo(seed: int) -> SimpleUploadedFile:
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), (rng.randint(90, 160), rng.randint(90, 140), 90))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 600), rng.randint(0, 440)
        draw.rectangle(
            [x, y, x + rng.randint(20, 120), y + rng.randint(10, 60)], fill=(150, 120, 80)
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return SimpleUploadedFile(f"photo-{seed}.jpg", out.getvalue(), content_type="image/jpeg")


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def _inspector(username: str, full_name: str, unit_code: str, phone: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            actor=User.objects.get(username="sysadmin"),
            username=username,
            full_name=full_name,
            role=Role.CLERK,
            unit=Unit.objects.get(code=unit_code),
            position="执法检查人员",
            phone=phone,
            password=DEMO_PASSWORD,
        )
    return user


def _position(seed: int, party) -> tuple[Decimal, Decimal, int] | None:
    """Where a demo photo was taken: within some forty metres of the party (its demo point);
    one photo in seven without a position (the phone was refused it)."""
    around = POINTS.get(party.name)
    if seed % 7 == 0 or around is None:
        return None
    spread = random.Random(seed)
    return (
        around[0] + Decimal(spread.randint(-400, 400)) / 1_000_000,
        around[1] + Decimal(spread.randint(-400, 400)) / 1_000_000,
        spread.randint(5, 30),
    )


def _do_visit(visit, team, day, fails, rng, seed):
    """Answer, photograph and submit one visit through the services, at the given day."""
    lead = team[0]
    with clock.frozen_at(_at(day, 9, rng.randint(0, 50))):
        for item in selectors.visit_items(visit):
            if item.answer_type == AnswerType.NUMBER:
                services.visit_answer(
                    actor=lead, visit=visit, item=item, number=rng.randint(20, 80)
                )
                continue
            failed = item.text in fails
            services.visit_answer(
                actor=lead,
                visit=visit,
                item=item,
                verdict="fail" if failed else "pass",
                note=FINDINGS.get(item.text, "现场检查发现不符合要求") if failed else "",
            )
            if item.photo_required or failed:
                services.visit_add_photo(
                    actor=lead,
                    visit=visit,
                    upload=_photo(seed + item.pk),
                    client_id=f"demo-{visit.pk}-{item.pk}",
                    item=item,
                    position=_position(seed + item.pk, visit.party),
                )
    with clock.frozen_at(_at(day, 11, rng.randint(0, 50))):
        return services.visit_submit(
            actor=lead,
            visit=visit,
            representative=rng.choice(["王院长", "李主任", "张科长", "赵经理", "刘项目经理"]),
            inspector_signature=_signature(seed),
            party_signature=_signature(seed + 1),
            summary="检查人员出示执法证件，在被检查单位负责人陪同下进行现场检查。",
            credentials_shown=True,
        )


def seed(log) -> None:
    if Campaign.objects.exists():
        log("检查：已有演示数据，跳过。")
        return
    rng = random.Random(2023)
    wj_leader = User.objects.get(username="wj_leader")
    wj_clerk = User.objects.get(username="wj_clerk")
    wj_clerk2 = _inspector("wj_clerk2", "王磊", "ty-wj-zfd-yl", "13900000021")
    wj_clerk3 = _inspector("wj_clerk3", "刘芳", "ty-wj-zfd-yl", "13900000022")
    cg_leader = User.objects.get(username="cg_leader")
    cg_clerk1 = User.objects.get(username="cg_clerk1")
    cg_clerk2 = User.objects.get(username="cg_clerk2")

    # — The health campaign (全覆盖) —
    with clock.frozen_at(_at(datetime.date(2023, 7, 28), 10)):
        health = services.template_create(
            actor=wj_leader,
            code="medical-2023",
            name="二级以上医疗机构依法执业专项检查",
            party_type=PartyType.INSTITUTION,
            basis="太原市卫生健康委员会 2023 年医疗机构依法执业专项监督检查工作方案",
            sections=[
                {
                    "name": area,
                    "weight": Decimal(str(weight)),
                    "items": [
                        {
                            "text": text,
                            "serious": serious,
                            "legal_basis": basis,
                            "photo_required": text in ("医疗机构消毒隔离管理", "放射诊疗工作管理"),
                            "requirement": f"对照{basis}完成{text}整改，报送整改材料",
                        }
                        for text, serious, basis in items
                    ],
                }
                for area, weight, items in HEALTH_AREAS
            ],
        )
        services.template_publish(actor=wj_leader, template=health)
        campaign = services.campaign_create(
            actor=wj_leader,
            name="2023年二级以上医疗机构依法执业全覆盖检查",
            template=health,
            mode=Mode.FULL_COVERAGE,
            scope={"party_type": "institution", "min_grade": "2"},
            start_date=datetime.date(2023, 8, 1),
            end_date=datetime.date(2023, 9, 30),
            inspectors=[wj_clerk, wj_clerk2, wj_clerk3, wj_leader],
            rectification_days=15,
            basis="《中华人民共和国基本医疗卫生与健康促进法》《医疗机构管理条例》",
        )
        services.campaign_launch(actor=wj_leader, campaign=campaign)
    targets = list(campaign.targets.select_related("institution").order_by("pk"))
    minor = [t for area in HEALTH_AREAS for t, serious, _b in area[2] if not serious]
    day = datetime.date(2023, 8, 7)
    visits = []
    for index, target in enumerate(targets[:-3]):  # three hospitals still to visit
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        team = [wj_clerk, wj_clerk2] if index % 2 == 0 else [wj_clerk3, wj_clerk]
        with clock.frozen_at(_at(day, 8, 50)):
            visit = services.visit_start(actor=team[0], target=target, partners=team[1:])
        fails = set(rng.sample(minor, rng.choice([0, 0, 1, 1, 2, 3])))
        visits.append(_do_visit(visit, team, day, fails, rng, 100 * index))
        day += datetime.timedelta(days=2)

    # Some hospitals report their fixes; the earliest are re-inspected and verified.
    with_rectifications = [v for v in visits if v.matter_id]
    for number, visit in enumerate(with_rectifications[:4]):
        report_day = visit.submitted_at + datetime.timedelta(days=6)
        for rectification in visit.rectifications.all():
            with clock.frozen_at(report_day):
                services.rectification_report(
                    rectification=rectification,
                    note="已组织专题培训并逐项整改，相关登记已补齐，附整改照片。",
                    photos=[_photo(900 + rectification.pk)],
                )
        if number < 2:
            follow_day = timezone.localtime(report_day).date() + datetime.timedelta(days=3)
            with clock.frozen_at(_at(follow_day, 9)):
                follow_up = services.reinspection_start(
                    actor=wj_clerk, visit=visit, partners=[wj_clerk2]
                )
            _do_visit(follow_up, [wj_clerk, wj_clerk2], follow_day, set(), rng, 5000 + number)
    with clock.frozen_at(_at(datetime.date(2023, 9, 8), 15)):
        services.visits_publish(
            actor=wj_leader,
            campaign=campaign,
            visits=InspectionVisit.objects.filter(pk__in=[v.pk for v in visits[:6]]),
        )

    # — The construction-site campaign (双随机) —
    with clock.frozen_at(_at(datetime.date(2023, 8, 14), 10)):
        site_template = services.template_create(
            actor=cg_leader,
            code="site-dust-2023",
            name="建筑工地扬尘与施工秩序检查",
            party_type=PartyType.SITE,
            basis="《太原市建筑垃圾管理条例》《中华人民共和国噪声污染防治法》",
            sections=[
                {
                    "name": section,
                    "weight": weight,
                    "items": [
                        {
                            "text": text,
                            "serious": serious,
                            "photo_required": photo,
                            "requirement": req,
                        }
                        for s, _w, text, serious, photo, req in SITE_ITEMS
                        if s == section
                    ]
                    + (
                        [
                            {
                                "text": "在场作业人数",
                                "answer_type": AnswerType.NUMBER,
                                "required": False,
                            }
                        ]
                        if section == "施工秩序"
                        else []
                    ),
                }
                for section, weight in (("扬尘治理", 2), ("施工秩序", 1))
            ],
        )
        services.template_publish(actor=cg_leader, template=site_template)
        longhu = Site.objects.filter(name="龙湖天樾项目").first()
        if longhu:
            InspectorConflict.objects.create(
                user=cg_clerk2, site=longhu, reason="配偶在该项目施工单位任职"
            )
        sites = services.campaign_create(
            actor=cg_leader,
            name="2023年8月建筑工地扬尘治理双随机抽查",
            template=site_template,
            mode=Mode.RANDOM_SAMPLING,
            scope={
                "party_type": "site",
                "site_kinds": ["construction"],
                "site_statuses": ["active"],
            },
            start_date=datetime.date(2023, 8, 15),
            end_date=datetime.date(2023, 9, 15),
            inspectors=[cg_clerk1, cg_clerk2, cg_leader],
            sample_ratio=Decimal("0.5"),
            stratify_by="division",
            rectification_days=3,
            basis="《太原市建筑垃圾管理条例》",
        )
        services.campaign_launch(actor=cg_leader, campaign=sites)
        # The seed is the system's (secrets): each demo load draws its own sample.
        services.campaign_draw(
            actor=cg_leader,
            campaign=sites,
            reason="依据《2023年8月建筑工地扬尘治理双随机抽查工作方案》首次抽取",
        )
    drawn = list(sites.visits.order_by("pk"))
    site_day = datetime.date(2023, 8, 16)
    for index, visit in enumerate(drawn[:3]):
        team = list(visit.inspectors.all())
        fails = [{"建筑垃圾运输核准", "裸露土方覆盖"}, {"出入口车辆冲洗"}, set()][index]
        _do_visit(visit, team, site_day + datetime.timedelta(days=index), fails, rng, 7000 + index)
    # 一公开: the draw's record goes public once the first round of visits is done.
    with clock.frozen_at(_at(datetime.date(2023, 8, 21), 16)):
        services.draws_publish(actor=cg_leader, campaign=sites)
    templates = ChecklistTemplate.objects.count()
    log(
        f"检查：检查表 {templates} 张；全覆盖检查 {len(visits)}/{len(targets)} 家医院，"
        f"{len(with_rectifications)} 家需整改；工地双随机抽中 {len(drawn)} 个，已检 3 个。"
    )
    log("  检查人员账号：wj_clerk、wj_clerk2、wj_clerk3（卫健）；cg_clerk1、cg_clerk2（城管）。")
