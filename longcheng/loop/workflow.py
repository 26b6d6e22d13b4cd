"""The life of a matter, as data: its states, the actions that move it, and who may act.

One function (`services._transition`, behind every matter_* service) applies these tables;
nothing else changes status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("待签收")
    RETURNED = "returned", _("已退单")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    SUSPENDED = "suspended", _("已挂起")
    ANSWERED = "answered", _("已办结待回访")
    REOPENED = "reopened", _("重办中")
    CLOSED = "closed", _("已回访")
    ARCHIVED = "archived", _("已归档")
    MERGED = "merged", _("已并单")


class Actor(models.TextChoices):
    """Who may take an action, relative to the matter."""

    DISPATCHER = "dispatcher", _("派单中心")
    LEAD = "lead", _("主办单位")
    ASSISTING = "assisting", _("协办单位")
    COMMITTEE = "committee", _("监督委员会")
    # The lead unit's leader: assigns a handler and reviews answers (work inside a unit).
    LEAD_LEADER = "lead_leader", _("主办单位负责人")
    # 吹哨报到: a department the lead unit summoned, while its summons waits for its report.
    SUMMONED = "summoned", _("被吹哨部门")


class Action(models.TextChoices):
    DISPATCH = "dispatch", _("派单")
    REDISPATCH = "redispatch", _("改派")
    SIGN = "sign", _("签收")
    RETURN = "return", _("退单")
    OPINION = "opinion", _("协办意见")
    PROGRESS = "progress", _("办理进展")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    DECIDE_EXTENSION = "decide_extension", _("审批延期")
    SUSPEND = "suspend", _("挂起")
    RESUME = "resume", _("恢复办理")
    ANSWER = "answer", _("办结答复")
    RATE = "rate", _("回访评价")
    MERGE = "merge", _("并单")
    ARCHIVE = "archive", _("归档")
    DECIDE = "decide", _("督办决定")
    CONTACT = "contact", _("联系诉求人")
    REQUEST_UNREASONABLE = "request_unreasonable", _("申请不合理诉求认定")
    DECIDE_UNREASONABLE = "decide_unreasonable", _("审核不合理诉求认定")
    ASSIGN = "assign", _("派发到人")
    REVIEW_ANSWER = "review_answer", _("审核答复")
    WHISTLE = "whistle", _("吹哨")
    REPORT = "report", _("报到")


S = Status
# Handling states: the lead unit is working on the matter and its deadline runs.
HANDLING = {S.SIGNED, S.IN_PROGRESS, S.REOPENED}
OPEN = {S.RECEIVED, S.DISPATCHED, S.RETURNED, *HANDLING, S.SUSPENDED}

# action -> (states it may start from, state it leads to or None to stay, who may take it)
ACTIONS: dict[Action, tuple[frozenset, Status | None, Actor]] = {
    Action.DISPATCH: (frozenset({S.RECEIVED}), S.DISPATCHED, Actor.DISPATCHER),
    Action.REDISPATCH: (frozenset({S.RETURNED, S.DISPATCHED}), S.DISPATCHED, Actor.DISPATCHER),
    Action.SIGN: (frozenset({S.DISPATCHED}), S.SIGNED, Actor.LEAD),
    Action.RETURN: (frozenset({S.DISPATCHED}), S.RETURNED, Actor.LEAD),
    Action.OPINION: (frozenset(HANDLING | {S.SUSPENDED}), None, Actor.ASSISTING),
    Action.PROGRESS: (frozenset(HANDLING), S.IN_PROGRESS, Actor.LEAD),
    Action.REQUEST_EXTENSION: (frozenset(HANDLING), None, Actor.LEAD),
    Action.DECIDE_EXTENSION: (frozenset(HANDLING | {S.SUSPENDED}), None, Actor.DISPATCHER),
    Action.SUSPEND: (frozenset(HANDLING), S.SUSPENDED, Actor.DISPATCHER),
    Action.RESUME: (frozenset({S.SUSPENDED}), S.IN_PROGRESS, Actor.DISPATCHER),
    Action.ANSWER: (frozenset(HANDLING), S.ANSWERED, Actor.LEAD),
    Action.RATE: (frozenset({S.ANSWERED}), None, Actor.DISPATCHER),  # see OUTCOMES
    Action.MERGE: (frozenset({S.RECEIVED, S.DISPATCHED, S.RETURNED}), S.MERGED, Actor.DISPATCHER),
    Action.ARCHIVE: (frozenset({S.CLOSED}), S.ARCHIVED, Actor.DISPATCHER),
    # A supervision committee's decision: a (new) lead unit and deadline; it must sign again.
    Action.DECIDE: (frozenset(OPEN), S.DISPATCHED, Actor.COMMITTEE),
    # 响应: the first contact with the citizen, timed against the response window.
    Action.CONTACT: (frozenset({S.DISPATCHED, *HANDLING}), None, Actor.LEAD),
    # 不合理诉求认定: the unit asks, the dispatch centre decides (docs/metrics.md).
    Action.REQUEST_UNREASONABLE: (
        frozenset({*HANDLING, S.SUSPENDED, S.ANSWERED, S.CLOSED}),
        None,
        Actor.LEAD,
    ),
    Action.DECIDE_UNREASONABLE: (
        frozenset({*HANDLING, S.SUSPENDED, S.ANSWERED, S.CLOSED, S.ARCHIVED}),
        None,
        Actor.DISPATCHER,
    ),
    # 派发到人: the lead unit's leader names the member of staff who handles the matter.
    Action.ASSIGN: (frozenset({S.DISPATCHED, *HANDLING, S.SUSPENDED}), None, Actor.LEAD_LEADER),
    # 审核答复: where the unit requires it, an answer reaches the citizen only once its leader
    # approves it (approval answers: 办结答复; a refusal sends it back for revision).
    Action.REVIEW_ANSWER: (frozenset(HANDLING), None, Actor.LEAD_LEADER),
    # 吹哨报到: the lead unit summons departments (rules.whistle_problems); each summoned
    # department reports, late or not, while the matter is still being handled.
    Action.WHISTLE: (frozenset(HANDLING), None, Actor.LEAD),
    Action.REPORT: (frozenset({S.DISPATCHED, *HANDLING, S.SUSPENDED}), None, Actor.SUMMONED),
}

# Actions whose result depends on what is decided: 回访评价 closes, or reopens when 不满意.
OUTCOMES: dict[Action, frozenset[Status]] = {
    Action.RATE: frozenset({S.CLOSED, S.REOPENED}),
}

# The status graph implied by ACTIONS and OUTCOMES (for docs and tests).
TRANSITIONS: dict[Status, set[Status]] = {}
for _action, (_from_states, _to, _who) in ACTIONS.items():
    for _state in _from_states:
        TRANSITIONS.setdefault(_state, set()).update(
            OUTCOMES.get(_action, {_to} if _to is not None else set())
        )


class Channel(models.TextChoices):
    PUBLIC_FORM = "public_form", _("网上/扫码")
    HOTLINE = "hotline", _("12345热线")
    WINDOW = "window", _("政务大厅窗口")
    SUPERVISOR = "supervisor", _("特邀监督员")
    INSPECTION = "inspection", _("检查发现")
    ENFORCEMENT = "enforcement", _("执法巡查")
    PROJECT = "project", _("项目问题")
    LEADER = "leader", _("领导交办")
    WECHAT_GROUP = "wechat_group", _("微信群")


# Citizens' appeals (the 12345 figures and the league table); every other channel is raised
# inside government: inspection findings, enforcement orders, project and platform matters.
CITIZEN_CHANNELS = frozenset(
    {
        Channel.PUBLIC_FORM,
        Channel.HOTLINE,
        Channel.WINDOW,
        Channel.SUPERVISOR,
        Channel.LEADER,
        Channel.WECHAT_GROUP,
    }
)


# Matters the public may read about (Open311 lists them): those a citizen filed on the web,
# by QR code or through Open311 itself. A call, a window visit or a supervisor's report is
# answered to that person only.
PUBLIC_CHANNELS = frozenset({Channel.PUBLIC_FORM})


class MetricScope(models.TextChoices):
    CITIZEN = "citizen", _("市民诉求")
    INTERNAL = "internal", _("内部事项")
    ALL = "all", _("全部")


def metric_scope_of(channel: str) -> str:
    return MetricScope.CITIZEN if channel in CITIZEN_CHANNELS else MetricScope.INTERNAL


class ReturnReason(models.TextChoices):
    """退单 reasons a unit picks from (the text then says what exactly)."""

    NOT_OURS = "not_ours", _("非本单位职责")
    WRONG_AREA = "wrong_area", _("不在本单位辖区")
    INCOMPLETE = "incomplete", _("信息不全，无法办理")
    DUPLICATE = "duplicate", _("重复诉求")
    OUT_OF_SCOPE = "out_of_scope", _("不属于受理范围")
    OTHER = "other", _("其他")


class UnreasonableGround(models.TextChoices):
    UNLAWFUL = "unlawful", _("诉求违反法律法规")
    REPEATED = "repeated", _("已依法答复后重复反映")
    OUTSIDE_DUTY = "outside_duty", _("不属于政府职责范围")


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
