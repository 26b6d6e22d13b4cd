"""知识库: the articles a 12345 operator reads out or inserts while answering a caller —
policies, procedures (办事指南), standard answers (标准答复) and contact points — each kept current
by the unit that owns it, with its validity dates and every published text kept as a version.

On PostgreSQL the table also holds three bigram vectors kept by a trigger (migration 0002,
`knowledge.search`); they are not model fields, so SQLite, which scans, never sees them."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from longcheng.core import clock
from longcheng.core.models import TimeStampedModel, VersionedModel


def today() -> datetime.date:
    """The day in Taiyuan (validity dates are local days)."""
    return timezone.localtime(clock.now()).date()


class Article(TimeStampedModel, VersionedModel):
    """一条知识: what the operator reads or inserts (`body`, the 答复口径), who keeps it and
    while it holds."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("政策")
        GUIDE = "guide", _("办事指南")
        ANSWER = "answer", _("标准答复")
        CONTACT = "contact", _("联系方式")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    title = models.CharField(_("标题"), max_length=200)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("答复口径"), help_text=_("话务员读给来电人或插入答复的标准文字"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.ANSWER)
    category = models.ForeignKey(
        "loop.Category",
        verbose_name=_("派单目录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("维护单位"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("生效日期"), default=today)
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    keywords = models.CharField(
        _("关键词"), max_length=300, blank=True, help_text=_("以逗号分隔，供搜索和推荐使用")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # The number of the latest published version (ArticleVersion.number); 0 before the first.
    number = models.PositiveIntegerField(_("版次"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)
    # The expiry date each reminder was sent for (30 and 7 days before): a renewed article,
    # with a new date, is reminded again when that date comes near.
    reminded_30_for = models.DateField(null=True, blank=True, editable=False)
    reminded_7_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("知识条目")
        verbose_name_plural = _("知识条目")
        indexes = [
            models.Index(fields=["status", "valid_until"], name="knowledge_status_until_idx"),
            models.Index(fields=["unit", "status"], name="knowledge_unit_status_idx"),
            # The search's tiers newest first (knowledge.search.page_ids): a common word's
            # tier is walked in this order and the walk stops at the page's last row.
            models.Index(fields=["-updated_at", "-id"], name="knowledge_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:detail", args=[self.pk])

    @property
    def subject(self) -> str:
        """What its notices are about (loop.notifications)."""
        return f"knowledge.article:{self.pk}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)

    @property
    def is_current(self) -> bool:
        """Published and within its dates today: what operators are offered."""
        return self.status == self.Status.PUBLISHED and self.is_valid_on(today())

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < today()

    @property
    def days_left(self) -> int | None:
        if self.valid_until is None:
            return None
        return (self.valid_until - today()).days


class ArticleVersion(models.Model):
    """A published text of an article, kept for good: the first publication and every later
    change of a published article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版次"))
    title = models.CharField(_("标题"), max_length=200)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("答复口径"))
    kind = models.CharField(_("类型"), max_length=10, choices=Article.Kind.choices)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=clock.now)
    note = models.CharField(_("修改说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("知识条目版本")
        verbose_name_plural = _("知识条目版本")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"
