from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import VersionedModel


class RoutingModel(models.Model):
    """One trained version of the classifier, with its evaluation. Exactly one version is
    active at a time; an administrator promotes a version or rolls back to an earlier one."""

    class State(models.TextChoices):
        CANDIDATE = "candidate", _("待启用")
        ACTIVE = "active", _("使用中")
        RETIRED = "retired", _("已停用")

    version = models.PositiveIntegerField(_("版本"), unique=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.CANDIDATE
    )
    file = models.FileField(_("模型文件"), upload_to="routing/")
    trained_at = models.DateTimeField(_("训练时间"), auto_now_add=True)
    trained_on = models.PositiveIntegerField(_("训练样本数"))
    evaluation = models.JSONField(_("评估"), default=dict)
    promoted_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("分拨模型")
        verbose_name_plural = _("分拨模型")

    def __str__(self) -> str:
        return f"v{self.version}"


class HotSpotReport(models.Model):
    """The issues many people raised in one period: clusters of similar matters."""

    period_start = models.DateTimeField(_("开始"))
    period_end = models.DateTimeField(_("结束"))
    created_at = models.DateTimeField(auto_now_add=True)
    matters = models.PositiveIntegerField(_("事项数"))
    clusters = models.JSONField(_("热点"), default=list)
    seconds = models.FloatField(_("计算用时（秒）"), default=0)

    class Meta:
        ordering = ["-period_end", "-created_at"]
        verbose_name = _("热点报告")
        verbose_name_plural = _("热点报告")

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class AreaRule(VersionedModel):
    """区域分拨规则 — "a matter of this category (or one below it) in this area goes to this
    lead unit" (Amsterdam Signalen's routing rules). The most specific rule speaks: the
    smallest area first (grid, street, district, city), then the deepest category. See
    `routing.places`."""

    category = models.ForeignKey(
        "loop.Category", verbose_name=_("派单目录"), on_delete=models.PROTECT, related_name="+"
    )
    division = models.ForeignKey(
        "core.Division", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["division__code", "category__path"]
        verbose_name = _("区域分拨规则")
        verbose_name_plural = _("区域分拨规则")
        constraints = [
            models.UniqueConstraint(fields=["category", "division"], name="one_area_rule_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.division} × {self.category} → {self.lead_unit}"
