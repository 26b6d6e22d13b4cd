"""Demo data of the 12345 workbench: the intake questions of 供水, 供暖 and 燃气, answer
templates for a few categories and stages, and three callers who have rung before (their
history shows on the workbench; one still has a heating complaint open)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from longcheng.accounts.models import User
from longcheng.core import clock
from longcheng.core.models import Division, Unit
from longcheng.loop import services
from longcheng.loop.drafts import MatterDraft
from longcheng.loop.models import AnswerTemplate, Category, CategoryQuestion, Matter
from longcheng.loop.workflow import Channel, Kind, Rating, Status, Urgency

QUESTIONS = [
    # (category code, label, help text, kind, options, required, order)
    ("water", "水表户号", "水费单或水表卡上的 8 至 10 位户号", "text", "", True, 10),
    ("water-outage", "停水范围", "", "choice", "仅本户\n本单元或本楼\n整个小区", False, 20),
    ("heating", "楼层/户号", "如 3 单元 602", "text", "", True, 10),
    ("heating-cold", "室温（℃）", "请诉求人在卧室测量", "number", "", True, 20),
    ("heating-cold", "供暖方式", "", "choice", "集中供暖（暖气片）\n集中供暖（地暖）", False, 30),
    ("gas", "燃气用户编号", "燃气卡或缴费单上的用户编号", "text", "", False, 10),
    (
        "gas-safety",
        "现场是否仍有燃气味",
        "有燃气味请先提醒开窗、勿动电器",
        "choice",
        "有\n没有",
        True,
        20,
    ),
]

TEMPLATES = [
    # (category code or None, stage, unit code or None, title, text)
    (
        "heating-cold",
        "answer",
        None,
        "暖气不热·已处理",
        "{诉求人称呼}您好：您反映的{编号}“{标题}”，{办理单位}已安排维修人员入户检测，"
        "对管道进行了排气和阀门调试，复测室温已达到18℃以上。如仍有问题请再次来电。",
    ),
    (
        "heating-cold",
        "progress",
        None,
        "暖气不热·已约入户",
        "已联系诉求人，约定入户检测时间，将测量室温并排查管道、阀门。",
    ),
    (
        "heating-cold",
        "answer",
        "ty-grb",
        "供热办·室温达标答复",
        "{诉求人称呼}您好：{办理单位}督促供热企业于{受理日期}后入户处理，室温复测达标。"
        "供热期内室温低于18℃可拨打12345或供热企业热线。",
    ),
    (
        "heating-fee",
        "on_call",
        None,
        "供暖期与报停说明",
        "太原市法定供暖期为每年11月1日至次年3月31日。申请报停须在供暖期开始前"
        "到所属供热企业营业厅办理，报停用户按规定缴纳基础热费。",
    ),
    (
        "water-outage",
        "progress",
        None,
        "停水·已核实原因",
        "已核实停水原因，维修人员正在抢修，预计恢复供水时间已告知诉求人。",
    ),
    (
        "water",
        "on_call",
        None,
        "计划停水查询",
        "计划停水信息可在太原供水集团微信公众号“停水公告”栏目查询，突发停水可拨打供水抢修热线。",
    ),
    (
        None,
        "return",
        None,
        "非本单位职责",
        "经核实，{编号}反映的事项不属于{办理单位}职责范围，建议改派至相关主管部门。",
    ),
    (
        "gas-service",
        "answer",
        None,
        "燃气报装·已通气",
        "{诉求人称呼}您好：您的燃气报装已完成验收并通气，请按安全须知使用燃气。",
    ),
]

# Callers who rang before: (phone, name, [(days ago, category, kind, title, outcome)]).
CALLERS = [
    (
        "13903510021",
        "王建国",
        [
            (400, "heating-cold", Kind.COMPLAINT, "家里暖气不热，室温只有十四度", "closed"),
            (60, "heating-fee", Kind.CONSULTATION, "咨询暖气报停怎么办理", "on_call"),
            (3, "heating-cold", Kind.COMPLAINT, "暖气又不热了，卧室十五度", "dispatched"),
        ],
    ),
    (
        "13903510022",
        "李秀英",
        [
            (200, "water-outage", Kind.HELP, "小区突然停水，没有提前通知", "closed"),
            (20, "water-quality", Kind.COMPLAINT, "自来水发黄浑浊，有铁锈味", "closed"),
        ],
    ),
    (
        "13903510023",
        "赵志强",
        [
            (90, "gas-service", Kind.COMPLAINT, "燃气报装已交费三个月还没通气", "closed"),
            (30, "gas-safety", Kind.HELP, "楼道里有很浓的煤气味", "closed"),
            (10, "gas-service", Kind.CONSULTATION, "燃气IC卡充值后表不走字", "on_call"),
        ],
    ),
]


def seed(log) -> None:
    categories = {c.code: c for c in Category.objects.all()}
    if not categories:
        return
    if not CategoryQuestion.objects.exists():
        for code, label, help_text, kind, options, required, order in QUESTIONS:
            if code in categories:
                CategoryQuestion.objects.create(
                    category=categories[code],
                    label=label,
                    help_text=help_text,
                    kind=kind,
                    options=options,
                    required=required,
                    sort_order=order,
                )
    if not AnswerTemplate.objects.exists():
        units = {u.code: u for u in Unit.objects.all()}
        for code, stage, unit_code, title, text in TEMPLATES:
            AnswerTemplate.objects.create(
                category=categories.get(code) if code else None,
                stage=stage,
                unit=units.get(unit_code) if unit_code else None,
                title=title,
                text=text,
            )
    made = _callers(categories)
    log(
        f"接线工作台：补充问题 {CategoryQuestion.objects.count()} 个，"
        f"答复模板 {AnswerTemplate.objects.count()} 条，回头来电人事项 {made} 件。"
    )


def _callers(categories) -> int:
    dispatcher = User.objects.filter(username="dispatcher").first()
    if dispatcher is None or Matter.objects.filter(reporter_phone=CALLERS[0][0]).exists():
        return 0
    clerks = {u.unit_id: u for u in User.objects.filter(role="clerk", is_active=True)}
    division = Division.objects.filter(level="district", name="小店区").first()
    now = timezone.now()
    made = 0
    for phone, name, calls in CALLERS:
        for days, code, kind, title, outcome in calls:
            category = categories.get(code)
            if category is None:
                continue
            moment = now - datetime.timedelta(days=days, hours=2)
            draft = MatterDraft(
                title=title,
                description=f"{title}。来电人{name}，请尽快处理。",
                channel=Channel.HOTLINE,
                kind=kind,
                urgency=Urgency.NORMAL,
                category=category,
                division=division,
                address="太原市小店区坞城路" + str(60 + days % 90) + "号",
                reporter_name=name,
                reporter_phone=phone,
            )
            with clock.frozen_at(moment):
                if outcome == "on_call":
                    matter = services.matter_answer_on_call(
                        draft,
                        actor=dispatcher,
                        text="已在通话中按知识库答复：请携带身份证和缴费凭证到营业厅办理。",
                    )
                else:
                    matter = services.matter_receive(draft, actor=dispatcher)
            made += 1
            if outcome == "on_call":
                _rate(matter, dispatcher, moment + datetime.timedelta(days=1))
                continue
            lead = category.default_lead_unit
            if lead is None:
                continue
            with clock.frozen_at(moment + datetime.timedelta(hours=1)):
                matter = services.matter_dispatch(
                    matter=matter, actor=dispatcher, lead_unit=lead, assisting_units=[]
                )
            clerk = clerks.get(lead.pk)
            if outcome != "closed" or clerk is None:
                continue
            with clock.frozen_at(moment + datetime.timedelta(hours=2)):
                matter = services.matter_sign(matter=matter, actor=clerk)
            with clock.frozen_at(moment + datetime.timedelta(days=2)):
                matter = services.matter_answer(
                    matter=matter,
                    actor=clerk,
                    text="经现场核查，问题已处理完毕，并已电话告知诉求人。",
                )
            _rate(matter, dispatcher, moment + datetime.timedelta(days=3))
    return made


def _rate(matter: Matter, dispatcher, moment) -> None:
    matter.refresh_from_db()
    if matter.status != Status.ANSWERED:
        return
    with clock.frozen_at(min(moment, timezone.now())):
        services.matter_rate(
            matter=matter,
            actor=dispatcher,
            rating=Rating.SATISFIED,
            resolved=True,
            note="电话回访，诉求人表示满意",
        )
