"""Demo loop data: the dispatch catalogue with time limits, and a few hundred matters in every
state, replayed through the real services over the past weeks so that the inbox looks like a
real Monday morning."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from longcheng.accounts import services as account_services
from longcheng.accounts.demo import DEMO_PASSWORD
from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core import clock
from longcheng.core.calendar import Source, add_working_hours, year_source
from longcheng.core.models import Division, Unit

from . import services
from .drafts import MatterDraft
from .models import AnswerReviewRule, Category, Matter, TimeLimit
from .timers import loop_sweep, whistle_sweep
from .workflow import HANDLING, Channel, Kind, Rating, ReturnReason, Status, Urgency

# The dispatch catalogue as a city's 12345 hotline keeps it: two levels, each with its lead
# unit and the keywords the routing suggestion falls back on.
# (code, name, parent code, default lead unit code, assisting unit codes, keywords)
CATEGORIES = [
    ("municipal", "市政设施", None, "ty-szss", [], "市政设施,市政"),
    (
        "municipal-road",
        "道路与人行道",
        "municipal",
        "ty-szss",
        [],
        "道路,人行道,路面,步道砖,盲道,坑,塌陷,挖开,回填,桥梁",
    ),
    ("municipal-manhole", "井盖", "municipal", "ty-szss", [], "井盖,窨井,井口,井圈"),
    ("municipal-light", "路灯", "municipal", "ty-szss", [], "路灯,灯杆,照明,不亮"),
    (
        "municipal-drain",
        "排水",
        "municipal",
        "ty-szss",
        ["ty-swj"],
        "排水,积水,下水道,雨水,污水外溢,堵塞,雨水篦子",
    ),
    ("water", "供水", None, "ty-swj", [], "供水,自来水"),
    ("water-outage", "停水与水压", "water", "ty-swj", [], "停水,没水,水压,断水,爆管,二次供水"),
    ("water-quality", "水质", "water", "ty-swj", [], "水质,发黄,浑浊,铁锈,水箱,沉淀"),
    ("heating", "供暖", None, "ty-grb", [], "供暖,供热,暖气"),
    ("heating-cold", "室温不达标", "heating", "ty-grb", [], "暖气不热,室温,不达标,暖气片,忽冷忽热"),
    ("heating-fee", "供热收费与报停", "heating", "ty-grb", [], "取暖费,供暖费,报停,开栓,供热费"),
    ("gas", "燃气", None, "ty-rq", [], "燃气,天然气,煤气"),
    ("gas-safety", "燃气安全", "gas", "ty-rq", [], "燃气泄漏,漏气,煤气味,燃气味,燃气管道"),
    ("gas-service", "燃气报装与收费", "gas", "ty-rq", [], "燃气报装,通气,燃气费,IC卡,燃气表"),
    ("noise", "噪声", None, "ty-sthj", [], "噪声,噪音"),
    ("urban-noise", "夜间施工噪音", "noise", "ty-cg-zfd-1", [], "夜间施工,施工噪音,工地,打桩,浇筑"),
    (
        "noise-life",
        "社会生活噪声",
        "noise",
        "ty-gaj",
        [],
        "广场舞,音响,音乐,喇叭,装修,喧哗,酒吧",
    ),
    ("housing", "住房与物业", None, "ty-zjj", [], "住房,小区"),
    ("property", "物业管理", "housing", "ty-zjj", [], "物业,物业费,电梯,门禁,业主委员会"),
    ("housing-quality", "房屋质量与交付", "housing", "ty-zjj", [], "开发商,交房,房屋质量,房产证"),
    ("traffic", "交通", None, "ty-jtj", [], "交通"),
    (
        "traffic-order",
        "交通秩序",
        "traffic",
        "ty-gaj-jj",
        [],
        "违停,乱停车,停车,消防通道,红绿灯,信号灯,拥堵,闯禁行",
    ),
    ("traffic-bus", "公交", "traffic", "ty-jtj", [], "公交,公交车,站台,线路,发车"),
    ("traffic-taxi", "出租车与网约车", "traffic", "ty-jtj", [], "出租车,网约车,拒载,绕路,打表"),
    ("traffic-illegal", "非法营运", "traffic", "rail-police-jg", [], "非法营运,黑车,拉客"),
    ("urban", "市容环境", None, "ty-cg-zfd", [], "城管,市容"),
    ("urban-stall", "占道经营", "urban", "ty-cg-zfd", [], "占道经营,摆摊,摊贩,店外经营,夜市"),
    ("urban-garbage", "垃圾清运", "urban", "ty-hw", [], "垃圾,清运,垃圾桶,垃圾站,环卫"),
    ("urban-dust", "渣土扬尘", "urban", "ty-cg-zfd-2", [], "渣土,扬尘,苫盖,冲洗,遗撒,洒水,裸土"),
    ("env", "生态环境", None, "ty-sthj", [], "污染,环保"),
    ("env-air", "大气污染", "env", "ty-sthj", [], "油烟,废气,焚烧,异味,浓烟,喷漆"),
    ("env-water", "水污染", "env", "ty-sthj", [], "河道,污水直排,黑臭,排污,倾倒废水"),
    ("market", "市场监管", None, "ty-scjg", [], "商家,消费"),
    ("market-food", "食品安全", "market", "ty-scjg", [], "食品,过期,变质,餐馆,后厨,外卖"),
    ("market-consume", "消费纠纷", "market", "ty-scjg", [], "退款,退货,预付卡,办卡,明码标价"),
    ("biz", "营商环境", None, "xd-yshj", [], "营商环境,企业"),
    ("biz-hall", "办不成事兜底", "biz", "xd-zwfw", [], "办不成,窗口,审批,证照,营业执照"),
    ("biz-inspect", "涉企检查", "biz", "xd-yshj", ["ty-cg-zfd"], "检查,罚款,执法"),
    ("health", "医疗卫生", None, "ty-wj-zfd", [], "医院,医疗"),
    (
        "health-service",
        "医疗服务投诉",
        "health",
        "ty-wj-zfd-yl",
        [],
        "病历,处方,药品,体检,医院,挂号,医生,看病,检查项目",
    ),
    ("project", "项目推进", None, "ty-fgw", ["xd-gov"], "项目,开工,用地,立项,环评"),
    ("volunteer", "志愿服务", None, "ty-qnzyz", [], "志愿者,志愿服务"),
]

# The clerks of the catalogue's lead units that have no account elsewhere in the demo, so
# that their matters are signed and answered by a person: (username, name, unit, position).
UNIT_CLERKS = [
    ("szss_clerk", "牛志刚", "ty-szss", "道路养护科科员"),
    ("hw_clerk", "白雪梅", "ty-hw", "清运调度员"),
    ("gr_clerk", "阎志强", "ty-grb", "供热监管科科员"),
    ("sw_clerk", "冯丽娟", "ty-swj", "供水管理处科员"),
    ("rq_clerk", "段海涛", "ty-rq", "客户服务中心工单员"),
    ("zj_clerk", "范静怡", "ty-zjj", "物业管理科科员"),
    ("jt_clerk", "温晓东", "ty-jtj", "客运管理科科员"),
    ("sthj_clerk", "薛宁", "ty-sthj", "执法监测科科员"),
    ("scjg_clerk", "郝瑞", "ty-scjg", "消费者权益保护科科员"),
    ("ga_clerk", "梁勇", "ty-gaj", "指挥中心民警"),
    ("jj_clerk", "赵鹏飞", "ty-gaj-jj", "秩序科民警"),
]

# Kind -> (sign hours, handle days) for normal urgency; urgent is 1 hour / same day.
LIMITS = {
    Kind.CONSULTATION: (2, 3),
    Kind.HELP: (2, 5),
    Kind.COMPLAINT: (2, 13),
    Kind.REPORT: (2, 13),
    Kind.SUGGESTION: (4, 15),
}

# What people call in about, per leaf category. The first subject of each is this month's
# recurring issue (several people report it, so the hot spots find it); the others vary.
SUBJECTS = {
    "municipal-road": [
        "长治路辅路路面塌陷出现大坑",
        "人行道步道砖松动破损，行人容易绊倒",
        "小区门口道路被挖开后一直没有回填",
        "管线施工挖开的人行道迟迟未恢复",
        "盲道被破坏且多处缺失",
        "迎泽大街路面坑洼不平，车辆颠簸严重",
    ],
    "municipal-manhole": [
        "亲贤北街路口井盖缺失，行人有坠落危险",
        "井盖破损下沉，车辆经过咣当作响",
        "雨水井盖被盗后只用木板遮盖",
        "人行道上的窨井盖松动翘起",
    ],
    "municipal-light": [
        "建设南路一段路灯晚上全部不亮",
        "小区外道路路灯白天亮晚上不亮",
        "路灯杆被撞倒后一直没人处理",
        "桥下照明灯损坏，夜间行走不安全",
    ],
    "municipal-drain": [
        "下雨后长风西街路口积水严重，车辆无法通行",
        "下水道堵塞，污水从井口外溢",
        "雨水篦子被垃圾堵住，排水不畅",
        "地下通道排水泵不工作，积水没过脚踝",
    ],
    "water-outage": [
        "小区突然停水，没有提前通知",
        "高层住户水压太低，白天用不上水",
        "停水已经两天，什么时候恢复供水",
        "自来水管道爆裂，路面大量冒水",
    ],
    "water-quality": [
        "自来水发黄浑浊，有铁锈味",
        "水龙头放出的水有异味，不敢饮用",
        "二次供水水箱长期不清洗，水质差",
    ],
    "heating-cold": [
        "家里暖气不热，室温只有十四度",
        "暖气片上热下凉，室温不达标",
        "已经供暖一周，我家暖气一直不热",
        "暖气忽冷忽热，老人孩子受冻",
    ],
    "heating-fee": [
        "申请暖气报停，供热公司不给办理",
        "没有供暖却被催缴取暖费",
        "新房入住后供热开栓手续办不了",
    ],
    "gas-safety": [
        "楼道里有很浓的煤气味，怀疑燃气泄漏",
        "燃气管道锈蚀严重，担心漏气",
        "厨房燃气表附近闻到天然气味",
    ],
    "gas-service": [
        "燃气报装已交费三个月还没通气",
        "燃气IC卡充值后表不走字",
        "燃气费阶梯价格计算有误",
    ],
    "urban-noise": [
        "富力壹品地下车库项目夜间施工噪音扰民",
        "工地凌晨打桩影响休息",
        "晋源区工地夜间施工无许可",
        "工地晚上十点以后还在施工",
    ],
    "noise-life": [
        "小区广场舞音响声音太大",
        "楼上装修周末一大早就用电钻",
        "商铺门口大喇叭循环播放促销广告",
        "酒吧音乐声音太大，影响周边居民休息",
    ],
    "property": [
        "物业不打扫楼道，垃圾堆放多日",
        "小区电梯经常停运，物业拖着不修",
        "物业擅自提高物业费标准",
        "小区门禁坏了半年物业不管",
    ],
    "housing-quality": [
        "开发商延期交房一年多",
        "新房墙体开裂，开发商拒绝维修",
        "交房后开发商迟迟不给办理房产证",
    ],
    "traffic-order": [
        "学校门口上下学时段乱停车严重拥堵",
        "小区消防通道被车辆长期占用",
        "路口红绿灯故障，车辆乱成一团",
        "大货车白天闯禁行进入市区",
    ],
    "traffic-bus": [
        "公交车到站不停，乘客多次反映",
        "公交线路调整后小区出行不便",
        "早高峰公交车发车间隔太长",
    ],
    "traffic-taxi": [
        "出租车司机拒载还要求拼车",
        "出租车绕路多收费，不打表",
        "网约车司机中途加价，平台不处理",
    ],
    "traffic-illegal": ["太原南站出站口有黑车拉客", "机场大巴停运后非法营运车辆多"],
    "urban-stall": [
        "小区门口流动摊贩占道经营",
        "商户店外经营占用人行道",
        "夜市摊位占道，垃圾满地",
    ],
    "urban-garbage": [
        "小区垃圾桶满溢，多日没人清运",
        "垃圾中转站臭味大，影响居民",
        "建筑垃圾堆在路边无人清理",
    ],
    "urban-dust": [
        "渣土车夜间遗撒未冲洗",
        "龙湖天樾工地裸土未苫盖",
        "国奥城项目道路扬尘严重",
        "渣土车未密闭运输，沿路撒落",
    ],
    "env-air": [
        "楼下饭店油烟直排，家里窗户不敢开",
        "工厂夜间偷排废气，气味刺鼻",
        "附近有人露天焚烧垃圾，浓烟很大",
    ],
    "env-water": ["河道里有污水直排，水体发黑发臭", "汾河边有人倾倒废水"],
    "market-food": [
        "在餐馆吃饭后腹泻，后厨卫生差",
        "超市出售过期食品",
        "外卖商家无证经营",
    ],
    "market-consume": [
        "健身房办卡后突然关门跑路",
        "商家拒绝七天无理由退货",
        "商品结算价格与明码标价不符",
    ],
    "biz-hall": [
        "营业执照变更窗口说材料不全，跑了三次",
        "不动产登记预约排不上号",
        "施工许可审批超时未办结",
        "食品经营许可证延续办理不了",
    ],
    "biz-inspect": [
        "同一周内被三个部门重复检查",
        "执法人员检查未出示证件",
        "小微企业罚款标准不清楚",
    ],
    "health-service": ["医院病历书写不规范被拒报销", "处方药价格与公示不符", "体检报告迟迟不出"],
    "project": [
        "重点项目用地手续卡在审批环节",
        "项目施工大型机械进场困难需协调",
        "晶科项目配套道路迟迟未开工",
    ],
    "volunteer": ["能源低碳发展论坛志愿者面试结果何时公布", "志愿服务时长未录入系统"],
}
# How often each leaf is called about, relative to the others (a city's hotline hears about
# roads, property management and heating far more than about volunteering).
CALL_WEIGHTS = {
    "municipal-road": 3,
    "property": 3,
    "heating-cold": 3,
    "urban-noise": 2,
    "noise-life": 2,
    "traffic-order": 2,
    "urban-dust": 2,
    "biz-hall": 2,
    "water-outage": 2,
}
# Share of a leaf's calls about its recurring issue (its first subject).
RECURRING_SHARE = 0.4
CHANNEL_WEIGHTS = [
    (Channel.HOTLINE, 40),
    (Channel.PUBLIC_FORM, 25),
    (Channel.WINDOW, 12),
    (Channel.SUPERVISOR, 10),
    (Channel.LEADER, 5),
    (Channel.INSPECTION, 4),
    (Channel.ENFORCEMENT, 4),
]
# Where a matter's life stops: the final state it reaches (if time allows).
TARGETS = [
    ("received", 6),
    ("dispatched", 10),
    ("returned", 3),
    ("signed", 12),
    ("in_progress", 20),
    ("suspended", 2),
    ("answered", 14),
    ("reopened", 4),
    ("closed", 19),
    ("archived", 10),
]
STREETS = {
    "140105": ["龙城大街", "长治路", "亲贤北街"],
    "140106": ["迎泽大街", "建设南路"],
    "140107": ["府西街", "胜利街"],
    "140108": ["兴华街", "柴村大街"],
    "140109": ["和平北路", "长风西街"],
    "140110": ["晋祠路", "新晋祠路"],
}
# How many days ago matters that stop in each state were received (older ones got further).
AGE_DAYS = {
    "received": (0, 2),
    "dispatched": (0, 2),
    "returned": (0, 4),
    "signed": (0, 5),
    "in_progress": (1, 16),
    "suspended": (3, 20),
    "answered": (1, 6),
}
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def _calendar_note(log) -> None:
    """Say which coming years count on the provisional calendar (statutory holidays, no 调休)."""
    year = timezone.localdate().year + 1
    if year_source(year) == Source.PROVISIONAL:
        log(
            f"{year} 年的正式节假日安排尚未收录：期限按推定节假日计算并标明；"
            "正式安排公布后由系统管理员在“节假日安排”中录入，未到期的期限随之重算。"
        )


def _catalogue() -> dict[str, Category]:
    units = {u.code: u for u in Unit.objects.all()}
    categories: dict[str, Category] = {}
    for order, (code, name, parent, lead, assisting, keywords) in enumerate(CATEGORIES, 1):
        existing = Category.objects.filter(code=code).first()
        if existing is None:
            fields = {
                "code": code,
                "name": name,
                "default_lead_unit": units[lead],
                "keywords": keywords,
                "sort_order": order * 10,
            }
            existing = (
                Category.objects.add_root(fields)
                if parent is None
                else Category.objects.add_child(categories[parent], fields)
            )
            existing.default_assisting_units.set([units[c] for c in assisting])
        categories[code] = Category.objects.get(pk=existing.pk)
    for kind, (sign_hours, handle_days) in LIMITS.items():
        TimeLimit.objects.get_or_create(
            category=None,
            kind=kind,
            urgency=Urgency.NORMAL,
            defaults={"sign_hours": sign_hours, "handle_days": handle_days},
        )
        TimeLimit.objects.get_or_create(
            category=None,
            kind=kind,
            urgency=Urgency.URGENT,
            defaults={"sign_hours": 1, "handle_days": 0},
        )
    return categories


def _office_time(rng: random.Random, day: datetime.date) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(
        day, datetime.time(8 + rng.randint(0, 8), rng.randint(0, 59)), tzinfo=tz
    )


def _weighted(rng, pairs):
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]


def _unit_clerks(log) -> None:
    sysadmin = User.objects.get(username="sysadmin")
    for number, (username, name, unit_code, position) in enumerate(UNIT_CLERKS, start=1):
        if not User.objects.filter(username=username).exists():
            account_services.user_create(
                actor=sysadmin,
                username=username,
                full_name=name,
                role=Role.CLERK,
                unit=Unit.objects.get(code=unit_code),
                position=position,
                phone=f"139000012{number:02d}",
                password=DEMO_PASSWORD,
            )
    log(
        "派单目录主办单位经办人账号："
        + "、".join(f"{username}（{name}）" for username, name, _u, _p in UNIT_CLERKS)
    )


def seed(log) -> None:
    _calendar_note(log)
    categories = _catalogue()
    _unit_clerks(log)
    if Matter.objects.exists():
        log(f"事项：已有 {Matter.objects.count()} 件，未重复生成。")
        return
    rng = random.Random(20230816)
    staff = {u.username: u for u in User.objects.all()}
    dispatcher = staff["dispatcher"]
    receivers = [staff[n] for n in ("dispatcher", "xd_hall", "xd_clerk")]
    clerk_of = {u.unit_id: u for u in User.objects.filter(role="clerk")}
    leader_of = {u.unit_id: u for u in User.objects.filter(role="leader")}
    divisions = list(Division.objects.filter(level="district"))
    leaf_weights = [(code, CALL_WEIGHTS.get(code, 1)) for code in SUBJECTS]
    now = timezone.now()
    cast = Cast(
        rng=rng,
        now=now,
        receivers=receivers,
        dispatcher=dispatcher,
        clerk_of=clerk_of,
        leader_of=leader_of,
        divisions=divisions,
    )
    made = 0
    leaves = list(SUBJECTS)
    dispatched_targets = [(t, w) for t, w in TARGETS if t != "received"]
    for index in range(settings.LONGCHENG_DEMO_MATTERS):
        # First every leaf once, called in on the hotline and dispatched (so that even a small
        # demo shows each unit of the catalogue at work), then as often as people call.
        covering = index < len(leaves)
        code = leaves[index] if covering else _weighted(rng, leaf_weights)
        category = categories[code]
        target = _weighted(rng, dispatched_targets if covering else TARGETS)
        # Older matters got further; the newest are still waiting.
        age_days = rng.randint(*AGE_DAYS.get(target, (2, 40)))
        if covering:
            age_days = max(age_days, 1)  # received on an earlier day: dispatched by now
        received_at = _office_time(rng, (now - age_days * DAY).date())
        if received_at > now:
            received_at = now - HOUR
        urgent = rng.random() < 0.08
        kind = rng.choice(
            [
                Kind.COMPLAINT,
                Kind.COMPLAINT,
                Kind.HELP,
                Kind.CONSULTATION,
                Kind.REPORT,
                Kind.SUGGESTION,
            ]
        )
        anonymous = rng.random() < 0.1
        channel = Channel.HOTLINE if covering else _weighted(rng, CHANNEL_WEIGHTS)
        made += _replay(
            cast, index, category, target, received_at, urgent, kind, anonymous, channel
        )
    _merge_duplicates(dispatcher)
    first = Matter.objects.order_by("received_at").values_list("received_at", flat=True).first()
    if first is not None:  # none when a bench asks for no demo matters
        _sweep_day_by_day(first)
    loop_sweep()
    _extend_into_next_year(dispatcher)
    _work_inside_units(log)
    _whistle_and_report(log)
    counts = {s.label: Matter.objects.filter(status=s).count() for s in Status}
    log("事项：" + "，".join(f"{k} {v}" for k, v in counts.items() if v) + f"（共 {made} 件）。")


def _call_back(matter, clerk, signed_at, now, rng: random.Random) -> None:
    """响应: most units call the citizen back within the hour; one in five a day or two late.
    (Its own random stream, so the rest of the replay is unchanged.)"""
    if matter.response_deadline is None:
        return
    at = signed_at + (rng.randint(30, 50) * HOUR if rng.random() < 0.2 else HOUR / 2)
    if at < now:
        with clock.frozen_at(at):
            services.matter_contact(
                matter=matter, actor=clerk, note="电话联系诉求人，说明受理情况和办理安排。"
            )


def _sweep_day_by_day(since: datetime.datetime) -> None:
    """Run the timers at the close of every past day, as a running platform would have: each
    overdue, supervision and default rating lands on its own day, so last month's bulletin and
    the cockpit count the same history."""
    tz = timezone.get_current_timezone()
    day, today = timezone.localtime(since).date(), timezone.localdate()
    while day < today:
        moment = datetime.datetime.combine(day, datetime.time(18, 0), tzinfo=tz)
        with clock.frozen_at(moment):
            loop_sweep(now=moment)
        day += DAY


def _extend_into_next_year(dispatcher) -> None:
    """One running matter's unit asked for more time and got it: its deadline reaches next
    year, counted on the provisional calendar until the official schedule is entered."""
    with_clerks = User.objects.filter(role="clerk", is_active=True).values("unit")
    matter = (
        Matter.objects.filter(status=Status.IN_PROGRESS, overdue=False, lead_unit__in=with_clerks)
        .exclude(extensions__decision="pending")
        .order_by("-handle_deadline")
        .first()
    )
    if matter is None:
        return
    lead = User.objects.filter(unit=matter.lead_unit, role="clerk", is_active=True).first()
    extension = services.matter_request_extension(
        matter=matter, actor=lead, days=15, reason="需等待第三方检测报告，申请延期 15 个工作日"
    )
    services.matter_decide_extension(extension=extension, actor=dispatcher, approve=True)


@dataclass
class Cast:
    """The people and places a replayed matter meets."""

    rng: random.Random
    now: datetime.datetime
    receivers: list
    dispatcher: User
    clerk_of: dict
    leader_of: dict
    divisions: list


_AREAS: dict = {}


def _point_in(division, seed: str, recurring: bool) -> tuple:
    """A plausible point inside the district, more often near its centre; a recurring complaint
    near one spot of it (a hot spot). Drawn from its own random stream, so that every other
    choice of the demo stays as it was."""
    if not division.boundary:
        return None, None
    from shapely.geometry import Point, shape

    area = _AREAS.setdefault((division.pk, division.code), shape(division.boundary))
    rng = random.Random(seed)
    spread = (division.max_lat - division.min_lat) / 6
    lat, lng = division.label_lat, division.label_lng
    if recurring:
        spot = random.Random(seed.rsplit("-", 1)[0])
        lat, lng, spread = lat + spot.uniform(-spread, spread), lng, spread / 25
    for _ in range(200):
        p_lat, p_lng = rng.gauss(lat, spread), rng.gauss(lng, spread * 1.3)
        if area.contains(Point(p_lng, p_lat)):
            return Decimal(f"{p_lat:.6f}"), Decimal(f"{p_lng:.6f}")
    return Decimal(f"{division.label_lat:.6f}"), Decimal(f"{division.label_lng:.6f}")


def _replay(
    cast: Cast, index, category, target, received_at, urgent, kind, anonymous, channel
) -> int:
    rng, now, dispatcher = cast.rng, cast.now, cast.dispatcher
    receivers, clerk_of, leader_of, divisions = (
        cast.receivers,
        cast.clerk_of,
        cast.leader_of,
        cast.divisions,
    )
    subjects = SUBJECTS[category.code]
    subject = subjects[0] if rng.random() < RECURRING_SHARE else rng.choice(subjects)
    division = rng.choice(divisions)
    recurring = subject == subjects[0]
    if recurring:  # the same complaint again: about one place, in one district
        division = divisions[sum(map(ord, category.code)) % len(divisions)]
    latitude, longitude = _point_in(division, f"{category.code}-{index}", recurring)
    receiver = rng.choice(receivers)
    moment = received_at
    with clock.frozen_at(moment):
        matter = services.matter_receive(
            MatterDraft(
                title=subject,
                description=f"{subject}。群众反映情况属实，请尽快核查处理。（演示数据 {index + 1}）",
                channel=channel,
                kind=kind,
                urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
                category=category,
                division=division,
                address=f"太原市{division.name}{rng.choice(STREETS[division.code])}"
                f"{rng.randint(1, 400)}号",
                latitude=latitude,
                longitude=longitude,
                anonymous=anonymous,
                reporter_name="" if anonymous else "群众" + str(index + 1),
                reporter_phone=""
                if anonymous
                else f"1{rng.choice('3589')}{rng.randint(10**8, 10**9 - 1)}",
            ),
            actor=receiver,
        )
    if target == "received":
        return 1

    def step(delay: datetime.timedelta) -> datetime.datetime | None:
        nonlocal moment
        moment = moment + delay
        return moment if moment < now else None

    lead = category.default_lead_unit
    assisting = list(category.default_assisting_units.all())
    if step(rng.randint(1, 3) * HOUR) is None:
        return 1
    with clock.frozen_at(moment):
        matter = services.matter_dispatch(
            matter=matter, actor=dispatcher, lead_unit=lead, assisting_units=assisting
        )
    if target == "dispatched":
        return 1
    clerk = clerk_of.get(lead.pk) or leader_of.get(lead.pk)
    if target == "returned":
        if step(2 * HOUR):
            with clock.frozen_at(moment):
                services.matter_return(
                    matter=matter,
                    actor=clerk,
                    reason_kind=ReturnReason.NOT_OURS,
                    reason="经核实，该事项不属于本单位职责范围，建议改派。",
                )
        return 1
    late_sign = rng.random() < 0.15
    if step((5 if late_sign else 1) * HOUR) is None:
        return 1
    with clock.frozen_at(moment):
        matter = services.matter_sign(matter=matter, actor=clerk)
    _call_back(matter, clerk, moment, now, random.Random(index))
    if target == "signed":
        return 1
    if step(rng.randint(1, 3) * DAY) is None:
        return 1
    with clock.frozen_at(moment):
        matter = services.matter_add_progress(
            matter=matter, actor=clerk, text="已联系诉求人，正在现场核查。", public=True
        )
    if target == "in_progress":
        return 1
    if target == "suspended":
        with clock.frozen_at(moment):
            services.matter_suspend(
                matter=matter, actor=dispatcher, reason="需等待上级主管部门出具认定意见。"
            )
        return 1
    late_answer = rng.random() < 0.2
    span = matter.handle_deadline - moment
    delay = span + rng.randint(1, 3) * DAY if late_answer else span * rng.uniform(0.2, 0.9)
    if step(max(delay, HOUR)) is None:
        return 1
    with clock.frozen_at(moment):
        matter = services.matter_answer(
            matter=matter,
            actor=clerk,
            text="经现场核查，问题属实，已责令相关方立即整改，并将持续跟踪。",
        )
    if target == "answered":
        return 1
    if step(rng.randint(1, 2) * DAY) is None:
        return 1
    dissatisfied = target == "reopened" or rng.random() < 0.08
    rating = (
        Rating.DISSATISFIED
        if dissatisfied
        else rng.choice([Rating.SATISFIED, Rating.SATISFIED, Rating.BASICALLY])
    )
    with clock.frozen_at(moment):
        matter = services.matter_rate(
            matter=matter,
            actor=dispatcher,
            rating=rating,
            resolved=not dissatisfied,
            note="电话回访，诉求人表示" + str(Rating(rating).label),
        )
    if target in ("reopened", "closed") or matter.status != Status.CLOSED:
        return 1
    if step(rng.randint(1, 5) * DAY) is None:
        return 1
    with clock.frozen_at(moment):
        services.matter_archive(matter=matter, actor=dispatcher)
    return 1


def _work_inside_units(log) -> None:
    """The enforcement brigade's leader has named a handler (派发到人); the medical enforcement
    group requires its leader's review of answers (审核), and one answer waits for it."""
    staff = {u.username: u for u in User.objects.filter(username__in=UNIT_WORK_ACCOUNTS)}
    brigade = staff["cg_clerk1"].unit
    running = Matter.objects.filter(lead_unit=brigade, status__in=HANDLING, handler=None)
    matter = running.order_by("received_at").first()
    if matter is not None:
        services.matter_assign(matter=matter, actor=staff["cg_leader"], handler=staff["cg_clerk1"])
        log(f"派发到人：{matter.number} 由杨建军派给孟浩（cg_clerk1 的“我经办的”）。")
    group = staff["wj_clerk"].unit
    AnswerReviewRule.objects.get_or_create(unit=group)
    matter = Matter.objects.filter(lead_unit=group, status__in=HANDLING).first()
    if matter is not None:
        services.matter_answer(
            matter=matter,
            actor=staff["wj_clerk"],
            text="经核查，该医疗机构已按规定公示收费项目，并对相关人员进行了约谈。",
        )
        log(f"答复审核：{group} 的答复须负责人审核，{matter.number} 的答复待 wj_leader 审核。")


UNIT_WORK_ACCOUNTS = ("cg_leader", "cg_clerk1", "wj_clerk")

# 吹哨报到: who whistled and who was summoned (usernames of the demo's accounts).
WHISTLE_ACCOUNTS = ("cg_clerk1", "scjg_clerk", "zj_clerk")


def _whistle_and_report(log) -> None:
    """吹哨报到: the first enforcement brigade, handling a complaint about a shop front built
    out onto the pavement, summoned the market regulator and the housing bureau for eight
    working hours; the regulator reported within two hours, the housing bureau let its
    deadline pass, was escalated by the timers, and reported three hours late."""
    staff = {u.username: u for u in User.objects.filter(username__in=WHISTLE_ACCOUNTS)}
    if len(staff) < len(WHISTLE_ACCOUNTS):
        return
    brigade, now = staff["cg_clerk1"].unit, timezone.now()
    running = Matter.objects.filter(lead_unit=brigade, status=Status.IN_PROGRESS)
    for matter in running.order_by("received_at"):
        called = matter.events.order_by("-at").values_list("at", flat=True)[0] + HOUR
        deadline = add_working_hours(called, 8)
        if deadline + 4 * HOUR < now:
            break
    else:
        return
    market, housing = staff["scjg_clerk"], staff["zj_clerk"]
    with clock.frozen_at(called):
        whistle = services.matter_whistle(
            matter=matter,
            actor=staff["cg_clerk1"],
            units=[market.unit, housing.unit],
            reason="沿街商户违规搭建门头、占道经营，涉及证照核查和违建认定，"
            "请市场监管局核查经营资质、住建局认定搭建是否属违法建设。",
            hours=8,
        )
    summonses = {s.unit_id: s for s in whistle.summonses.all()}
    with clock.frozen_at(called + 2 * HOUR):
        services.matter_report(
            matter=matter,
            actor=market,
            summons=summonses[market.unit_id],
            opinion="经核查，该商户营业执照经营范围不含室外经营，属本局查处范围。",
            took_part="明日上午派员到现场，对超范围经营立案调查。",
        )
    late = deadline + datetime.timedelta(minutes=30)
    with clock.frozen_at(late):
        whistle_sweep(late)
    with clock.frozen_at(deadline + 3 * HOUR):
        services.matter_report(
            matter=matter,
            actor=housing,
            summons=summonses[housing.unit_id],
            opinion="门头搭建未取得规划许可，符合违法建设认定条件，移交城管执法拆除。",
        )
    log(
        f"吹哨报到：{matter.number} 由直属一大队向市市场监管局、市住建局吹哨；"
        "市场监管局按时报到，住建局超时被督办后补报到。"
    )


def _merge_duplicates(dispatcher, count: int = 6) -> None:
    """A few newly received matters repeat one already being handled: 并单."""
    merged = 0
    for follower in Matter.objects.filter(status=Status.RECEIVED).order_by("received_at"):
        master = (
            Matter.objects.filter(
                category=follower.category,
                title=follower.title,
                status__in=[Status.SIGNED, Status.IN_PROGRESS],
                master__isnull=True,
            )
            .exclude(pk=follower.pk)
            .first()
        )
        if master is None:
            continue
        with clock.frozen_at(min(follower.received_at + HOUR, timezone.now())):
            services.matter_merge(follower=follower, master=master, actor=dispatcher)
        merged += 1
        if merged == count:
            return
