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


class DispatchDispute(VersionedModel):
    """派单争议 — a matter a unit returned twice, or that two units each returned: the dispatch
    centre rules which unit is responsible and under which category, with reasons; the ruling
    may also change the catalogue (the category's lead unit or keywords) or an area rule, and
    it becomes a training label for the routing model (`training.training_data`). Raised by
    `disputes.dispute_raise_if_due` when a return is committed (`loop.events.matter_returned`);
    at most one open dispute per matter."""

    class Status(models.TextChoices):
        OPEN = "open", _("待裁定")
        RULED = "ruled", _("已裁定")

    class Change(models.TextChoices):
        NONE = "none", _("不修改目录")
        LEAD_UNIT = "lead_unit", _("修改目录的默认主办单位")
        KEYWORDS = "keywords", _("为目录增加关键词")
        AREA_RULE = "area_rule", _("设立区域分拨规则")

    matter = models.ForeignKey(
        "loop.Matter",
        verbose_name=_("事项"),
        on_delete=models.PROTECT,
        related_name="dispatch_disputes",
    )
    raised_at = models.DateTimeField(_("发起时间"), db_index=True)
    units = models.ManyToManyField("core.Unit", verbose_name=_("涉及单位"), related_name="+")
    # The returns that raised it (and any that came while it was open), copied from the
    # matter's RETURNED events: [{"event", "unit", "unit_name", "at", "actor", "reason"}].
    returns = models.JSONField(_("退单理由"), default=list)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    responsible_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        "loop.Category",
        verbose_name=_("裁定目录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reasons = models.TextField(_("裁定理由"), blank=True)
    change = models.CharField(
        _("目录调整"), max_length=12, choices=Change.choices, blank=True, default=""
    )
    # What the ruling changed: {"kind", "target", "field", "before", "after"} or {}.
    changes = models.JSONField(_("调整内容"), default=dict, blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("裁定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ruled_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)
    # The ruling's event on the matter's timeline: returns after it count towards a new dispute.
    ruling_event = models.ForeignKey(
        "loop.MatterEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("派单争议")
        verbose_name_plural = _("派单争议")
        constraints = [
            models.UniqueConstraint(
                fields=["matter"],
                condition=models.Q(status="open"),
                name="one_open_dispute_per_matter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("routing:dispute", args=[self.pk])

    @property
    def subject(self) -> str:
        """How its notices name it (`loop.notifications.notify(subject=…)`)."""
        return f"routing.dispatchdispute:{self.pk}"


class CatalogueChange(models.Model):
    """The catalogue's history as the routing module changes it: one row per field changed
    (a category's default lead unit or keywords, an area rule), with the values before and
    after, who changed it and from which dispute ruling. The rows of a category, oldest first,
    are its versions."""

    class Field(models.TextChoices):
        LEAD_UNIT = "default_lead_unit", _("默认主办单位")
        KEYWORDS = "keywords", _("关键词")
        AREA_RULE = "area_rule", _("区域分拨规则")

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        "loop.Category", verbose_name=_("派单目录"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("修改项"), max_length=20, choices=Field.choices)
    area_rule = models.ForeignKey(
        AreaRule,
        verbose_name=_("区域分拨规则"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    dispute = models.ForeignKey(
        DispatchDispute,
        verbose_name=_("派单争议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="catalogue_changes",
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("派单目录修改记录")
        verbose_name_plural = _("派单目录修改记录")

    def __str__(self) -> str:
        return f"{self.category} · {self.get_field_display()}"
