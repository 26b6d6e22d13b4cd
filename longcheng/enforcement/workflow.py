"""The Administrative Penalty Law (2021) as data: the states of a case, the steps that move it,
who may take each, and the prerequisites each step checks. `services.case_step` applies it.

Periods (Art. 85: two, three, five and seven "days" are working days; others are calendar days):
limitation 2 years, 5 for life, health and financial safety with harm (Art. 36); evidence
preservation decided within 7 working days (Art. 56); decision within 90 days of filing
(Art. 60); service within 7 working days (Art. 61); hearing requested within 5 working days of
the notice, and notified 7 working days before it is held (Art. 64); payment within 15 days of
service (Art. 67); late fee 3 % a day, capped at the fine (Art. 72)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    LEAD = "lead", _("案源登记")
    NOT_FILED = "not_filed", _("不予立案")
    FILED = "filed", _("已立案调查取证")
    NOTIFIED = "notified", _("已告知待陈述申辩")
    HEARING = "hearing", _("听证")
    REVIEWING = "reviewing", _("法制审核")
    DECIDED = "decided", _("已作出决定")
    SERVED = "served", _("已送达待履行")
    ENFORCING = "enforcing", _("催告与强制执行")
    CLOSED = "closed", _("已结案")


class Step(models.TextChoices):
    FILE = "file", _("立案")
    DECLINE = "decline", _("不予立案")
    NOTIFY = "notify", _("告知")
    STATEMENT = "statement", _("陈述申辩")
    REQUEST_HEARING = "request_hearing", _("申请听证")
    HOLD_HEARING = "hold_hearing", _("举行听证")
    SUBMIT_REVIEW = "submit_review", _("提交法制审核")
    REVIEW = "review", _("法制审核")
    DISCUSS = "discuss", _("集体讨论")
    DECIDE = "decide", _("作出决定")
    SERVE = "serve", _("送达")
    DEMAND = "demand", _("催告")
    APPLY_COURT = "apply_court", _("申请法院强制执行")
    CLOSE = "close", _("结案")


class Outcome(models.TextChoices):
    PENALTY = "penalty", _("给予行政处罚")
    MINOR_FIRST = "minor_first", _("首违不罚")
    MINOR = "minor", _("违法行为轻微不予处罚")
    NOT_PROVEN = "not_proven", _("违法事实不能成立")
    TRANSFER = "transfer", _("移送司法机关")


class StatementReview(models.TextChoices):
    """Art. 45: what the 复核 of the party's defence found."""

    ACCEPTED = "accepted", _("采纳，减轻或不予处罚")
    PARTLY = "partly", _("部分采纳")
    REJECTED = "rejected", _("不予采纳，维持拟处罚")


class ClosedHearing(models.TextChoices):
    """Art. 64 (3): the only reasons a hearing is not public."""

    STATE_SECRET = "state_secret", _("涉及国家秘密")
    TRADE_SECRET = "trade_secret", _("涉及商业秘密")
    PRIVACY = "privacy", _("涉及个人隐私")


class Signature(models.TextChoices):
    SIGNED = "signed", _("当事人已签字")
    REFUSED = "refused", _("当事人拒绝签字（已注明）")


class Challenge(models.TextChoices):
    REVIEW = "review", _("行政复议")
    SUIT = "suit", _("行政诉讼")


class Circumstance(models.TextChoices):
    SLIGHT = "slight", _("轻微")
    ORDINARY = "ordinary", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class PartyKind(models.TextChoices):
    PERSON = "person", _("公民")
    ORGANISATION = "organisation", _("法人或其他组织")


S = Status
BEFORE_DECISION = {S.NOTIFIED, S.HEARING, S.REVIEWING}

# step -> (states it may start from, state it leads to, whether a leader must take it)
STEPS: dict[Step, tuple[frozenset, Status | None, bool]] = {
    Step.FILE: (frozenset({S.LEAD}), S.FILED, True),
    Step.DECLINE: (frozenset({S.LEAD}), S.NOT_FILED, True),
    Step.NOTIFY: (frozenset({S.FILED}), S.NOTIFIED, False),
    Step.STATEMENT: (frozenset({S.NOTIFIED, S.HEARING}), None, False),
    Step.REQUEST_HEARING: (frozenset({S.NOTIFIED}), S.HEARING, False),
    Step.HOLD_HEARING: (frozenset({S.HEARING}), S.NOTIFIED, False),
    Step.SUBMIT_REVIEW: (frozenset({S.NOTIFIED}), S.REVIEWING, False),
    Step.REVIEW: (frozenset({S.REVIEWING}), S.NOTIFIED, False),
    Step.DISCUSS: (frozenset({S.NOTIFIED}), S.NOTIFIED, True),
    Step.DECIDE: (frozenset({S.NOTIFIED, S.HEARING, S.FILED}), S.DECIDED, True),
    Step.SERVE: (frozenset({S.DECIDED}), S.SERVED, False),
    Step.DEMAND: (frozenset({S.SERVED, S.ENFORCING}), S.ENFORCING, False),
    Step.APPLY_COURT: (frozenset({S.ENFORCING}), S.ENFORCING, True),
    Step.CLOSE: (frozenset({S.SERVED, S.ENFORCING, S.DECIDED}), S.CLOSED, True),
}


class DocumentKind(models.TextChoices):
    """Each kind with the word its number carries: 并城管罚字〔2023〕第0001号."""

    FILING = "filing", _("立案审批表")
    ORDER = "order", _("责令改正通知书")
    STOP_WORK = "stop_work", _("责令停工整改通知书")
    INSPECTION_RECORD = "inspection_record", _("现场检查笔录")
    HEARING_RECORD = "hearing_record", _("听证笔录")
    QUESTIONING = "questioning", _("询问笔录")
    PRESERVATION = "preservation", _("先行登记保存证据通知书")
    NOTICE = "notice", _("行政处罚事先告知书")
    HEARING_NOTICE = "hearing_notice", _("听证通知书")
    PENALTY_DECISION = "penalty_decision", _("行政处罚决定书")
    NO_PENALTY = "no_penalty", _("不予行政处罚决定书")
    SERVICE = "service", _("送达回证")
    DEMAND = "demand", _("催告书")
    CLOSING = "closing", _("结案审批表")


NUMBER_WORDS = {
    DocumentKind.FILING: "立",
    DocumentKind.ORDER: "改",
    DocumentKind.STOP_WORK: "停",
    DocumentKind.INSPECTION_RECORD: "检",
    DocumentKind.QUESTIONING: "询",
    DocumentKind.HEARING_RECORD: "听录",
    DocumentKind.PRESERVATION: "存",
    DocumentKind.NOTICE: "告",
    DocumentKind.HEARING_NOTICE: "听",
    DocumentKind.PENALTY_DECISION: "罚",
    DocumentKind.NO_PENALTY: "不罚",
    DocumentKind.SERVICE: "送",
    DocumentKind.DEMAND: "催",
    DocumentKind.CLOSING: "结",
}


# Timeline entries that are not steps or documents.
EVENT_LABELS = {
    "lead": _("案源登记"),
    "extension": _("延长办案期限"),
    "evidence": _("调查取证"),
    "evidence_received": _("收到移送证据"),
    "preservation_decided": _("先行登记保存处理决定"),
    "payment": _("缴款"),
    "deferral": _("批准暂缓缴纳"),
    "published": _("公示"),
    "withdrawn": _("撤回公示"),
    "statement_reviewed": _("陈述申辩复核"),
    "notice_received": _("当事人收到告知书"),
    "hearing_waived": _("书面放弃听证"),
    "review_voided": _("法制审核失效"),
    "preservation_released": _("解除保存并返还"),
    "challenge": _("申请复议或提起诉讼"),
    "challenge_ended": _("复议或诉讼审结"),
    "revoked": _("决定被变更或撤销"),
    "summary_reported": _("当场处罚备案"),
    "demand_served": _("催告书送达"),
    "escalated": _("逾期督办"),
}
