"""States of campaigns, visits and rectifications, as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class AnswerType(models.TextChoices):
    PASS_FAIL = "pass_fail", _("符合 / 不符合")
    SCORE = "score", _("评分")
    NUMBER = "number", _("数值")
    TEXT = "text", _("文字")


class Verdict(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class Mode(models.TextChoices):
    FULL_COVERAGE = "full_coverage", _("全覆盖")
    RANDOM_SAMPLING = "random_sampling", _("双随机")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    ACTIVE = "active", _("检查中")
    CLOSED = "closed", _("已结束")


CAMPAIGN_TRANSITIONS = {
    CampaignStatus.DRAFT: {CampaignStatus.ACTIVE},
    CampaignStatus.ACTIVE: {CampaignStatus.CLOSED},
    CampaignStatus.CLOSED: set(),
}


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("待检查")
    IN_PROGRESS = "in_progress", _("检查中")
    SUBMITTED = "submitted", _("已提交")


class Result(models.TextChoices):
    PASS = "pass", _("合格")
    RECTIFY = "rectify", _("责令整改")
    FAIL = "fail", _("不合格")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    EVIDENCE = "evidence", _("已报整改材料")
    VERIFIED = "verified", _("复查合格")
    TRANSFERRED = "transferred", _("已移送立案")


# A rectification is finished when it is verified or handed to enforcement.
RECTIFICATION_DONE = {RectificationStatus.VERIFIED, RectificationStatus.TRANSFERRED}
