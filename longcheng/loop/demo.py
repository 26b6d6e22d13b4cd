"""Demo loop data: the dispatch catalogue with time limits, and a few hundred matters in every
state, replayed through the real services over the past weeks so that the inbox looks like a
real Monday morning."""

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from longcheng.accounts.models import User
from longcheng.core import clock
from longcheng.core.calendar import Source, year_source
from longcheng.core.models import Division, Unit

from . import services
from .drafts import MatterDraft
from .models import Category, Matter, TimeLimit
from .timers import loop_sweep
from .workflow import Channel, Kind, Rating, Status, Urgency

# (code, name, parent code, default lead unit code, assisting unit codes, keywords)
CATEGORIES = [
    ("biz", "营商环境", None, "xd-yshj", [], "营商环境,企业,审批"),
    ("biz-hall", "办不成事兜底", "biz", "xd-zwfw", [], "办不成,窗口,审批,证照"),
    ("biz-inspect", "涉企检查与执法", "biz", "xd-yshj", ["ty-cg-zfd"], "检查,罚款,执法"),
    ("urban", "城市管理", None, "ty-cg-zfd", [], "城管,市容"),
    ("urban-noise", "夜间施工噪音", "urban", "ty-cg-zfd-1", [], "噪音,夜间施工,扰民"),
    ("urban-dust", "渣土运输与扬尘", "urban", "ty-cg-zfd-2", [], "渣土,扬尘,苫盖,冲洗"),
    ("health", "医疗卫生", None, "ty-wj-zfd", [], "医院,医疗"),
    ("health-service", "医疗服务投诉", "health", "ty-wj-zfd-yl", [], "病历,处方,药品,收费"),
    ("traffic", "交通出行", None, "rail-police-jg", [], "非法营运,黑车,车站"),
    ("project", "项目推进", None, "ty-fgw", ["xd-gov"], "项目,开工,审批"),
    ("volunteer", "志愿服务", None, "ty-qnzyz", [], "志愿者,报名"),
]

# Kind -> (sign hours, handle days) for normal urgency; urgent is 1 hour / same day.
LIMITS = {
    Kind.CONSULTATION: (2, 3),
    Kind.HELP: (2, 5),
    Kind.COMPLAINT: (2, 13),
    Kind.REPORT: (2, 13),
    Kind.SUGGESTION: (4, 15),
}

SUBJECTS = {
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
    "urban-noise": [
        "富力壹品地下车库项目夜间施工噪音扰民",
        "工地凌晨打桩影响休息",
        "晋源区工地夜间施工无许可",
    ],
    "urban-dust": ["渣土车夜间遗撒未冲洗", "龙湖天樾工地裸土未苫盖", "国奥城项目道路扬尘严重"],
    "health-service": ["医院病历书写不规范被拒报销", "处方药价格与公示不符", "体检报告迟迟不出"],
    "traffic": ["太原南站出站口有黑车拉客", "机场大巴停运后非法营运车辆多"],
    "project": [
        "重点项目用地手续卡在审批环节",
        "项目施工大型机械进场困难需协调",
        "晶科项目配套道路迟迟未开工",
    ],
    "volunteer": ["能源低碳发展论坛志愿者面试结果何时公布", "志愿服务时长未录入系统"],
}
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


def seed(log) -> None:
    _calendar_note(log)
    categories = _catalogue()
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
    leaf_codes = [c for c in SUBJECTS]
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
    for index in range(settings.LONGCHENG_DEMO_MATTERS):
        code = rng.choice(leaf_codes)
        category = categories[code]
        target = _weighted(rng, TARGETS)
        # Older matters got further; the newest are still waiting.
        age_days = rng.randint(*AGE_DAYS.get(target, (2, 40)))
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
        made += _replay(cast, index, category, target, received_at, urgent, kind, anonymous)
    _merge_duplicates(dispatcher)
    _sweep_day_by_day(
        Matter.objects.order_by("received_at").values_list("received_at", flat=True)[0]
    )
    loop_sweep()
    _extend_into_next_year(dispatcher)
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


def _replay(cast: Cast, index, category, target, received_at, urgent, kind, anonymous) -> int:
    rng, now, dispatcher = cast.rng, cast.now, cast.dispatcher
    receivers, clerk_of, leader_of, divisions = (
        cast.receivers,
        cast.clerk_of,
        cast.leader_of,
        cast.divisions,
    )
    subject = rng.choice(SUBJECTS[category.code])
    division = rng.choice(divisions)
    receiver = rng.choice(receivers)
    moment = received_at
    with clock.frozen_at(moment):
        matter = services.matter_receive(
            MatterDraft(
                title=subject,
                description=f"{subject}。群众反映情况属实，请尽快核查处理。（演示数据 {index + 1}）",
                channel=_weighted(rng, CHANNEL_WEIGHTS),
                kind=kind,
                urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
                category=category,
                division=division,
                address=f"太原市{division.name}{rng.choice(STREETS[division.code])}"
                f"{rng.randint(1, 400)}号",
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
            matter=matter, actor=clerk, text="已联系诉求人，正在现场核查。"
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
