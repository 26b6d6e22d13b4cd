"""项目: the strategy tree (positioning → goal → task with its 6W1H card → project), key
projects with phases, annual plans and monthly reports, indicators, 包保 leaders and their
visits, and the three-colour supervision that turns lag into loop matters."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import Correction, TimeStampedModel, VersionedModel

from .workflow import Colour, Stage


class Positioning(models.Model):
    """定位: one of the city's strategic positionings (configurable)."""

    name = models.CharField(_("定位"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("战略定位")
        verbose_name_plural = _("战略定位")

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    positioning = models.ForeignKey(Positioning, on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(_("目标"), max_length=200)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("目标")
        verbose_name_plural = _("目标")

    def __str__(self) -> str:
        return self.name


class Task(TimeStampedModel, VersionedModel):
    """任务, with its 6W1H card."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("目标"), on_delete=models.PROTECT, related_name="tasks"
    )
    code = models.SlugField(_("编号"), max_length=30, unique=True)
    what = models.CharField(_("做什么（What）"), max_length=200)
    why = models.TextField(_("为什么（Why）：目标与依据"))
    lead_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("牵头领导"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    lead_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    responsible_units = models.ManyToManyField(
        "core.Unit", verbose_name=_("责任单位"), blank=True, related_name="+"
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        on_delete=models.PROTECT,
        related_name="responsible_tasks",
    )
    start = models.DateField(_("开始（When）"))
    end = models.DateField(_("完成"))
    where = models.CharField(_("在哪里（Where）：平台或地点"), max_length=100, blank=True)
    how = models.TextField(_("怎么做（How）：措施"))
    roadmap = models.TextField(_("路线图"), blank=True)
    investment = models.DecimalField(
        _("投资（How much，亿元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    indicator_targets = models.TextField(_("指标目标"), blank=True)

    class Meta:
        ordering = ["goal__positioning__order", "goal__order", "code"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")

    def __str__(self) -> str:
        return self.what

    def get_absolute_url(self) -> str:
        return reverse("projects:task_detail", args=[self.pk])


class KeyProject(TimeStampedModel, VersionedModel):
    code = models.SlugField(_("项目编码"), max_length=30, unique=True)
    name = models.CharField(_("项目名称"), max_length=150)
    tasks = models.ManyToManyField(
        Task, verbose_name=_("所属任务"), blank=True, related_name="projects"
    )
    enterprise = models.ForeignKey(
        "parties.Enterprise",
        verbose_name=_("项目单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("建设地点"), max_length=100, blank=True)
    description = models.TextField(_("建设内容"), blank=True)
    total_investment = models.DecimalField(_("总投资（万元）"), max_digits=14, decimal_places=2)
    stage = models.CharField(
        _("阶段"), max_length=20, choices=Stage.choices, default=Stage.PREPARATION
    )
    in_library = models.BooleanField(_("已入库"), default=False)
    started = models.BooleanField(_("已开工"), default=False)
    planned_start = models.DateField(_("计划开工"))
    planned_end = models.DateField(_("计划竣工"))
    actual_start = models.DateField(_("实际开工"), null=True, blank=True)
    actual_end = models.DateField(_("实际竣工"), null=True, blank=True)
    colour = models.CharField(_("督办颜色"), max_length=10, choices=Colour.choices, blank=True)
    colour_reason = models.CharField(_("颜色原因"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])


class ProjectSponsor(models.Model):
    """包保: a leading cadre assigned to guarantee a key project."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="sponsorships")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sponsorships"
    )
    since = models.DateField(_("包保起始"))

    class Meta:
        verbose_name = _("包保")
        verbose_name_plural = _("包保")
        constraints = [models.UniqueConstraint(fields=["project", "leader"], name="sponsor_once")]

    def __str__(self) -> str:
        return f"{self.leader} → {self.project}"


class Phase(models.Model):
    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("分期"), max_length=50)
    scale = models.CharField(_("建设规模"), max_length=100, blank=True)
    investment = models.DecimalField(_("投资（万元）"), max_digits=14, decimal_places=2)
    planned_start = models.DateField(_("计划开工"))
    planned_end = models.DateField(_("计划完成"))

    class Meta:
        ordering = ["planned_start", "pk"]
        verbose_name = _("分期")
        verbose_name_plural = _("分期")

    def __str__(self) -> str:
        return f"{self.project} {self.name}"


class AnnualPlan(models.Model):
    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="annual_plans")
    year = models.PositiveIntegerField(_("年度"))
    planned_investment = models.DecimalField(
        _("年度计划投资（万元）"), max_digits=14, decimal_places=2
    )
    goals = models.CharField(_("年度形象进度目标"), max_length=300, blank=True)

    class Meta:
        ordering = ["project", "year"]
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="plan_once_a_year")]

    def __str__(self) -> str:
        return f"{self.project} {self.year}"


class MonthlyReport(models.Model):
    """调度: what was done in the month; cumulative figures are always computed."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    investment = models.DecimalField(_("本月完成投资（万元）"), max_digits=14, decimal_places=2)
    progress = models.CharField(_("形象进度"), max_length=300)
    problems = models.CharField(_("存在问题"), max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("报送时间"))

    class Meta:
        ordering = ["project", "year", "month"]
        verbose_name = _("月度调度")
        verbose_name_plural = _("月度调度")
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="report_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}-{self.month:02d}"


class ReportCorrection(Correction):
    """A reported month corrected, never silently overwritten: who, when, why, and the figures
    before and after (the cumulative figures follow, being computed from the months)."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="corrections")

    class Meta(Correction.Meta):
        verbose_name = _("调度更正")
        verbose_name_plural = _("调度更正")

    def __str__(self) -> str:
        return f"{self.report} {self.corrected_at:%Y-%m-%d}"


class Milestone(models.Model):
    project = models.ForeignKey(
        KeyProject, null=True, blank=True, on_delete=models.CASCADE, related_name="milestones"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="milestones"
    )
    problem = models.ForeignKey(
        "MonthlyProblem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    name = models.CharField(_("节点"), max_length=100)
    planned_date = models.DateField(_("计划日期"))
    actual_date = models.DateField(_("实际日期"), null=True, blank=True)

    class Meta:
        ordering = ["planned_date", "pk"]
        verbose_name = _("节点")
        verbose_name_plural = _("节点")

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """Any measurable thing with a monthly target and actual (output, sales, investment)."""

    name = models.CharField(_("指标"), max_length=100)
    measure = models.CharField(_("计量单位"), max_length=20)
    owner_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "parties.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        KeyProject, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:indicator_detail", args=[self.pk])


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    target = models.DecimalField(_("目标"), max_digits=14, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(_("实际"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["indicator", "year", "month"]
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "month"], name="indicator_month_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}-{self.month:02d}"


class SponsorVisit(models.Model):
    """包保走访: a leader's visit to a key project."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="visits")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("包保领导"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    visited_on = models.DateField(_("走访日期"))
    attendees = models.CharField(_("参加人员"), max_length=300, blank=True)
    findings = models.TextField(_("发现问题"), blank=True)
    decisions = models.TextField(_("议定事项"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("包保走访")
        verbose_name_plural = _("包保走访")

    def __str__(self) -> str:
        return f"{self.project} {self.visited_on}"


class Problem(models.Model):
    """A problem a visit or a report raised, handed to the units that must solve it."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="problems")
    visit = models.ForeignKey(
        SponsorVisit, null=True, blank=True, on_delete=models.SET_NULL, related_name="problems"
    )
    description = models.TextField(_("问题"))
    lead_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("牵头解决单位"), on_delete=models.PROTECT, related_name="+"
    )
    matter = models.ForeignKey("loop.Matter", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("提出时间"))

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("项目问题")
        verbose_name_plural = _("项目问题")

    def __str__(self) -> str:
        return self.description[:30]


class TrafficLightSupervision(models.Model):
    """三色督办: one notice per project and month; the unit answers with its plan."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="supervisions")
    year = models.PositiveIntegerField()
    month = models.PositiveSmallIntegerField()
    colour = models.CharField(_("颜色"), max_length=10, choices=Colour.choices)
    reason = models.CharField(_("原因"), max_length=100)
    matter = models.ForeignKey("loop.Matter", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("三色督办")
        verbose_name_plural = _("三色督办")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "month"], name="supervision_once_a_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}-{self.month:02d} {self.get_colour_display()}"


class ReportRequest(models.Model):
    """The month's call for reports to one unit, as a loop matter the reminders chase."""

    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    month = models.PositiveSmallIntegerField()
    matter = models.ForeignKey("loop.Matter", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="report_request_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}-{self.month:02d}"


class MonthlyProblem(TimeStampedModel, VersionedModel):
    """每月一题: a hot spot or a category of repeated complaints the dispatch centre promotes
    to the month's problem, with a lead unit, measures, milestones and a deadline, tracked
    like a key project (the same colour rule, `rules.schedule_colour`). Its complaint volume
    before and after promotion is `selectors.problem_volume` (the page and the cockpit).

    At most one problem is open per month: a problem closed (销号) frees its month for the
    next one."""

    class Source(models.TextChoices):
        HOTSPOT = "hotspot", _("热点诉求")
        CATEGORY = "category", _("重复投诉类别")

    class Status(models.TextChoices):
        OPEN = "open", _("攻坚中")
        CLOSED = "closed", _("已销号")

    year = models.PositiveIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    title = models.CharField(_("题目"), max_length=100)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    category = models.ForeignKey(
        "loop.Category",
        verbose_name=_("诉求类别"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("该类别及其下级类别的事项计入本题的诉求量"),
    )
    # For a hot spot: its matters (by number) and the words that find later matters like them.
    hotspot_report = models.ForeignKey(
        "routing.HotSpotReport",
        verbose_name=_("热点报告"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hotspot_numbers = models.JSONField(_("热点事项编号"), default=list, blank=True)
    terms = models.CharField(
        _("关键词"),
        max_length=200,
        blank=True,
        help_text=_("以空格分隔；含任一关键词的事项计入本题（热点诉求须填写）"),
    )
    description = models.TextField(_("问题描述"))
    lead_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    measures = models.TextField(_("整改措施"))
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    promoted_at = models.DateTimeField(_("设定时间"))
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    close_note = models.TextField(_("销号说明"), blank=True)

    class Meta:
        ordering = ["-year", "-month", "-promoted_at"]
        verbose_name = _("每月一题")
        verbose_name_plural = _("每月一题")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month"],
                condition=models.Q(status="open"),
                name="monthly_problem_one_open_a_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月 {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:problem_detail", args=[self.pk])

    @property
    def term_list(self) -> list[str]:
        return [t for t in self.terms.split() if t]


class ProblemUpdate(models.Model):
    """The lead unit's progress report on a 每月一题: the share done, what was done, and a
    milestone reached with it."""

    problem = models.ForeignKey(MonthlyProblem, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(_("报送时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"))
    text = models.TextField(_("工作进展"))
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("完成节点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("每月一题进展")
        verbose_name_plural = _("每月一题进展")

    def __str__(self) -> str:
        return f"{self.problem} {self.at:%Y-%m-%d}"
