"""基金: the fund forest (funds of funds and sub-funds), limited partners and commitments, cash
flows and NAV reports, portfolio investments, and the deal pipeline with due diligence and the
investment committee."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import Correction, TimeStampedModel, VersionedModel

from .rules import CommitteeRule
from .workflow import DD_AREAS, DealStage, FlowKind, FundKind, FundStage, LpKind, Vote


class Fund(TimeStampedModel, VersionedModel):
    class LeverageBasis(models.TextChoices):
        SUBSCRIBED = "subscribed", _("认缴口径")
        PAID_IN = "paid_in", _("实缴口径")

    name = models.CharField(_("基金名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=FundKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("母基金"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    manager = models.CharField(_("管理人（GP）"), max_length=100)
    management_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("管理单位"), on_delete=models.PROTECT, related_name="+"
    )
    size = models.DecimalField(_("认缴规模（万元）"), max_digits=14, decimal_places=2)
    approved_on = models.DateField(_("批复日期"))
    established_on = models.DateField(_("设立日期"), null=True, blank=True)
    vintage = models.PositiveIntegerField(_("成立年份"), null=True, blank=True)
    term_years = models.PositiveIntegerField(_("存续期（年）"), default=10)
    stage = models.CharField(
        _("阶段"), max_length=20, choices=FundStage.choices, default=FundStage.SETTING_UP
    )
    leverage_basis = models.CharField(
        _("放大倍数口径"),
        max_length=20,
        choices=LeverageBasis.choices,
        default=LeverageBasis.SUBSCRIBED,
    )
    reinvestment_enabled = models.BooleanField(_("考核返投"), default=False)
    reinvestment_divisions = models.JSONField(
        _("返投“本地”区划"),
        default=list,
        blank=True,
        help_text=_("区划代码前缀，如 1401 表示太原市"),
    )
    reinvestment_target = models.DecimalField(
        _("返投比例要求（倍）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    policy_industries = models.JSONField(
        _("政策投向（行业代码前缀）"),
        default=list,
        blank=True,
        help_text=_("国民经济行业分类代码前缀，空表示不限"),
    )
    # 投决会议事规则: passes with pass_numerator/pass_denominator of all members or more
    # (inclusive, 以上含本数), decides once quorum_numerator/quorum_denominator have voted.
    committee_pass_numerator = models.PositiveSmallIntegerField(_("通过比例（分子）"), default=2)
    committee_pass_denominator = models.PositiveSmallIntegerField(_("通过比例（分母）"), default=3)
    committee_quorum_numerator = models.PositiveSmallIntegerField(
        _("表决人数比例（分子）"), default=2
    )
    committee_quorum_denominator = models.PositiveSmallIntegerField(
        _("表决人数比例（分母）"), default=3
    )

    class Meta:
        ordering = ["parent_id", "name"]
        verbose_name = _("基金")
        verbose_name_plural = _("基金")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funds:fund_detail", args=[self.pk])

    @property
    def committee_rule(self) -> CommitteeRule:
        return CommitteeRule(
            self.committee_pass_numerator,
            self.committee_pass_denominator,
            self.committee_quorum_numerator,
            self.committee_quorum_denominator,
        )


class LimitedPartner(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("出资人"), max_length=100)
    kind = models.CharField(_("出资性质"), max_length=20, choices=LpKind.choices)
    commitment = models.DecimalField(_("认缴（万元）"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["fund", "kind", "name"]
        verbose_name = _("出资人")
        verbose_name_plural = _("出资人")

    def __str__(self) -> str:
        return f"{self.name}（{self.fund}）"


class CashFlow(models.Model):
    """From the fund's books: calls paid in by a partner, distributions to a partner, fees."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="flows")
    partner = models.ForeignKey(
        LimitedPartner, null=True, blank=True, on_delete=models.PROTECT, related_name="flows"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=FlowKind.choices)
    on = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额（万元）"), max_digits=14, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["fund", "on", "pk"]
        verbose_name = _("现金流")
        verbose_name_plural = _("现金流")

    def __str__(self) -> str:
        return f"{self.fund} {self.on} {self.get_kind_display()} {self.amount}"


class CashFlowCorrection(Correction):
    """A recorded cash flow corrected, never silently edited: who, when, why, and the flow
    before and after (the fund's figures follow, being computed from the flows)."""

    flow = models.ForeignKey(CashFlow, on_delete=models.CASCADE, related_name="corrections")

    class Meta(Correction.Meta):
        verbose_name = _("现金流更正")
        verbose_name_plural = _("现金流更正")

    def __str__(self) -> str:
        return f"{self.flow} {self.corrected_at:%Y-%m-%d}"


class NavReport(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="navs")
    quarter_end = models.DateField(_("季度末"))
    nav = models.DecimalField(_("净值（万元）"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["fund", "quarter_end"]
        verbose_name = _("季度净值")
        verbose_name_plural = _("季度净值")
        constraints = [
            models.UniqueConstraint(fields=["fund", "quarter_end"], name="nav_once_a_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.quarter_end}"


class Investment(models.Model):
    """A portfolio investment of a fund (into a company, or a fund of funds into a sub-fund)."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="investments")
    company = models.CharField(_("被投企业"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    industry = models.CharField(_("行业代码"), max_length=10, help_text=_("国民经济行业分类"))
    division = models.CharField(_("注册地区划代码"), max_length=6)
    amount = models.DecimalField(_("投资额（万元）"), max_digits=14, decimal_places=2)
    on = models.DateField(_("投资日期"))
    deal = models.OneToOneField(
        "Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="investment"
    )

    class Meta:
        ordering = ["fund", "on"]
        verbose_name = _("投资")
        verbose_name_plural = _("投资")

    def __str__(self) -> str:
        return f"{self.fund} → {self.company}"


class Deal(TimeStampedModel, VersionedModel):
    """项目库: a deal from lead to exit."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("拟投基金"), on_delete=models.PROTECT, related_name="deals"
    )
    company = models.CharField(_("企业"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    industry = models.CharField(
        _("行业代码"), max_length=10, help_text=_("国民经济行业分类，如 C3825")
    )
    division = models.CharField(_("注册地区划代码"), max_length=6)
    amount = models.DecimalField(_("拟投金额（万元）"), max_digits=14, decimal_places=2)
    stage = models.CharField(
        _("阶段"), max_length=20, choices=DealStage.choices, default=DealStage.LEAD
    )
    evaluation = models.DecimalField(
        _("评估得分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    project = models.ForeignKey(
        "projects.KeyProject",
        verbose_name=_("关联重点项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("投资项目")
        verbose_name_plural = _("投资项目")

    def __str__(self) -> str:
        return self.company

    def get_absolute_url(self) -> str:
        return reverse("funds:deal_detail", args=[self.pk])


class DueDiligence(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="diligence")
    area = models.CharField(_("尽调领域"), max_length=20, choices=DD_AREAS)
    findings = models.TextField(_("尽调发现"))
    score = models.PositiveSmallIntegerField(_("评分（0–100）"))
    document = models.FileField(_("尽调报告"), upload_to="funds/dd/", blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField()

    class Meta:
        verbose_name = _("尽职调查")
        verbose_name_plural = _("尽职调查")
        constraints = [models.UniqueConstraint(fields=["deal", "area"], name="dd_once_per_area")]

    def __str__(self) -> str:
        return f"{self.deal} {self.get_area_display()}"


class InvestmentMeeting(models.Model):
    """投决会: members vote on the deals on the agenda; the decision follows the votes."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("会议日期"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("投决委员"), related_name="+"
    )
    deals = models.ManyToManyField(Deal, verbose_name=_("议题"), related_name="meetings")
    # 复议: a meeting that takes up again a deal an earlier meeting did not pass.
    reconsiders = models.ForeignKey(
        "InvestmentDecision",
        verbose_name=_("复议的决议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reconsidered_by",
    )
    reconsideration_reason = models.CharField(_("复议理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("投资决策委员会会议")
        verbose_name_plural = _("投资决策委员会会议")

    def __str__(self) -> str:
        return f"{self.fund} {self.held_on}"


class InvestmentVote(models.Model):
    meeting = models.ForeignKey(InvestmentMeeting, on_delete=models.CASCADE, related_name="votes")
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(_("表决"), max_length=10, choices=Vote.choices)
    comment = models.CharField(_("意见"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "deal", "member"], name="vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.vote}"


class InvestmentDecision(models.Model):
    meeting = models.ForeignKey(
        InvestmentMeeting, on_delete=models.CASCADE, related_name="decisions"
    )
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="decisions")
    approved = models.BooleanField(_("通过"))
    votes_for = models.PositiveIntegerField()
    votes_cast = models.PositiveIntegerField()
    members = models.PositiveIntegerField(_("委员人数"), default=0)
    rule = models.CharField(_("议事规则"), max_length=200, blank=True)
    conditions = models.TextField(_("附加条件"), blank=True)
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "deal"], name="decision_once")]

    def __str__(self) -> str:
        return f"{self.deal} {'✓' if self.approved else '✗'}"


class DealKpi(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="kpis")
    quarter_end = models.DateField(_("季度末"))
    revenue = models.DecimalField(_("营业收入（万元）"), max_digits=14, decimal_places=2)
    employees = models.PositiveIntegerField(_("从业人数"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["deal", "quarter_end"]
        constraints = [
            models.UniqueConstraint(fields=["deal", "quarter_end"], name="kpi_once_a_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.deal} {self.quarter_end}"


class FundAlert(models.Model):
    """An alert raised once (per fund, rule and key) as a loop matter for the management unit."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(max_length=30)
    key = models.CharField(max_length=100)
    message = models.CharField(max_length=300)
    matter = models.ForeignKey("loop.Matter", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fund", "rule", "key"], name="alert_once")]

    def __str__(self) -> str:
        return self.message
