from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from longcheng.core import clock
from longcheng.core.fields import BlindIndexField, EncryptedCharField
from longcheng.core.masking import mask_phone
from longcheng.core.models import TimeStampedModel, VersionedModel

from .workflow import Channel, Kind, Rating, Status, Urgency


class Category(MP_Node):
    """派单目录 — the dispatch catalogue: a tree of matter categories with default units."""

    code = models.SlugField(_("目录编码"), max_length=40, unique=True)
    name = models.CharField(_("目录名称"), max_length=100)
    default_lead_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("默认主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    default_assisting_units = models.ManyToManyField(
        "core.Unit", verbose_name=_("默认协办单位"), blank=True, related_name="+"
    )
    keywords = models.CharField(
        _("关键词"), max_length=300, blank=True, help_text=_("以逗号分隔，供派单建议使用")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)

    node_order_by = ["sort_order", "code"]

    class Meta:
        verbose_name = _("派单目录")
        verbose_name_plural = _("派单目录")

    def __str__(self) -> str:
        return self.name


class TimeLimit(models.Model):
    """Time limits by kind and urgency; a row with no category is the city-wide default, a row
    on a category applies to it and every category below it."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("派单目录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="time_limits",
    )
    kind = models.CharField(_("诉求类型"), max_length=20, choices=Kind.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    sign_hours = models.PositiveIntegerField(_("签收时限（工作小时）"))
    handle_days = models.PositiveIntegerField(
        _("办理时限（工作日）"), help_text=_("0 表示当日办结")
    )
    response_hours = models.PositiveIntegerField(
        _("响应时限（工作小时）"),
        default=8,
        help_text=_("派单后首次联系诉求人的时限，计入响应率"),
    )

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "kind", "urgency"], name="time_limit_unique"
            ),
            models.UniqueConstraint(
                fields=["kind", "urgency"],
                condition=models.Q(category__isnull=True),
                name="time_limit_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '默认'} {self.get_kind_display()} {self.get_urgency_display()}"


class NumberSequence(models.Model):
    """Daily counters for matter numbers; a number once issued is never issued again."""

    key = models.CharField(max_length=20, unique=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


class Matter(TimeStampedModel, VersionedModel):
    number = models.CharField(_("事项编号"), max_length=20, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("诉求内容"))
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices)
    kind = models.CharField(
        _("诉求类型"), max_length=20, choices=Kind.choices, default=Kind.COMPLAINT
    )
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("派单目录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )

    division = models.ForeignKey(
        "core.Division",
        verbose_name=_("所在区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    anonymous = models.BooleanField(_("匿名"), default=False)
    reporter_name = models.CharField(_("诉求人"), max_length=50, blank=True)
    reporter_phone = EncryptedCharField(
        _("联系电话"), max_length=20, blank=True, kind="phone", blind_index="reporter_phone_index"
    )
    reporter_phone_index = BlindIndexField(db_index=True, db_default="")
    # 保全: while set (a complaint under review, litigation or investigation), neither the
    # retention period nor a deletion request clears the reporter's data.
    legal_hold = models.CharField(_("保全原因"), max_length=200, blank=True, db_default="")

    received_at = models.DateTimeField(_("受理时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("受理单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    lead_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_matters",
    )
    assisting_units = models.ManyToManyField(
        "core.Unit", verbose_name=_("协办单位"), blank=True, related_name="assisted_matters"
    )
    # 派发到人: the member of the lead unit's staff its leader named; cleared when the lead
    # unit changes.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_matters",
    )
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    sign_deadline = models.DateTimeField(_("签收时限"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_late = models.BooleanField(_("超时签收"), default=False)
    handle_deadline = models.DateTimeField(_("办理时限"), null=True, blank=True, db_index=True)
    handle_window_start = models.DateTimeField(
        _("计时起点"),
        null=True,
        blank=True,
        help_text=_("办理时限的起算时间，用于计算已用时间比例（催办）"),
    )
    # When the 催办 reminder is due: 80 % of the handling window (kept with the deadline).
    remind_at = models.DateTimeField(_("催办时间"), null=True, blank=True, db_index=True)
    suspended_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    # 响应: the first contact with the citizen is due by this moment (citizen matters with a
    # phone to call); set at each dispatch, cleared by the contact.
    response_deadline = models.DateTimeField(_("响应时限"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("首次联系时间"), null=True, blank=True)

    answered_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    answered_late = models.BooleanField(_("超期办结"), default=False)
    answer_text = models.TextField(_("答复内容"), blank=True)

    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    resolved = models.BooleanField(_("问题已解决"), null=True, blank=True)
    rating_defaulted = models.BooleanField(_("逾期未评价按默认"), default=False)
    rated_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    master = models.ForeignKey(
        "self",
        verbose_name=_("并入主单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followers",
    )
    return_count = models.PositiveIntegerField(_("退单次数"), default=0)
    reopen_count = models.PositiveIntegerField(_("重办次数"), default=0)
    overdue = models.BooleanField(_("已超期"), default=False, db_index=True)

    # 即时办结: a consultation the operator answered on the call from the knowledge base; it
    # is closed as 直接答复 at once and counted apart in the figures, and can still be rated.
    answered_on_call = models.BooleanField(_("即时办结"), default=False, db_default=False)
    # The answers to the category's extra intake questions (CategoryQuestion), by question id.
    intake_answers = models.JSONField(_("补充信息"), null=True, blank=True)
    # The reporter asked for no further messages (SMS / WeChat) about this matter.
    updates_opt_out = models.BooleanField(_("不再接收进度消息"), default=False, db_default=False)
    # Received while an emergency mode was on: it sits in the emergency priority queue.
    emergency = models.ForeignKey(
        "EmergencyMode",
        verbose_name=_("应急事件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )

    # The cockpit tally keys as last stored (set by loop.services when it loads or writes).
    _tally: list | None = None

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        indexes = [
            models.Index(
                fields=["lead_unit", "status", "handle_deadline"], name="matter_inbox_idx"
            ),
            models.Index(fields=["status", "handle_deadline"], name="matter_timer_idx"),
            # Duplicate lookup at intake: recent matters of a category or a division.
            models.Index(fields=["category", "received_at"], name="matter_dup_category_idx"),
            models.Index(fields=["division", "received_at"], name="matter_dup_division_idx"),
            # A unit's running matters by deadline: the inbox's first page is an index walk.
            models.Index(
                fields=["lead_unit", "handle_deadline"],
                name="matter_running_idx",
                condition=models.Q(status__in=["signed", "in_progress", "reopened", "suspended"]),
            ),
            # The 已办结 tab, newest first: a unit's (years of them) and the whole city's.
            models.Index(
                fields=["lead_unit", "-received_at"],
                name="matter_done_unit_idx",
                condition=models.Q(status__in=["closed", "archived"]),
            ),
            models.Index(
                fields=["-received_at"],
                name="matter_done_city_idx",
                condition=models.Q(status__in=["closed", "archived"]),
            ),
            # A word search, newest first: for a common word PostgreSQL walks this and tests
            # each row (loop.search) instead of sorting every matter that holds the word.
            models.Index(fields=["-received_at"], name="matter_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("loop:matter_detail", args=[self.pk])

    @property
    def masked_reporter_phone(self) -> str:
        return mask_phone(self.reporter_phone)

    @property
    def reporter_display(self) -> str:
        return str(_("匿名")) if self.anonymous else self.reporter_name


class MatterEvent(models.Model):
    """One step on the matter's timeline; the timeline a handler sees is this table."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("受理")
        DISPATCHED = "dispatched", _("派单")
        REDISPATCHED = "redispatched", _("改派")
        SIGNED = "signed", _("签收")
        RETURNED = "returned", _("退单")
        OPINION = "opinion", _("协办意见")
        PROGRESS = "progress", _("办理进展")
        EXTENSION_REQUESTED = "extension_requested", _("申请延期")
        EXTENSION_APPROVED = "extension_approved", _("同意延期")
        EXTENSION_REFUSED = "extension_refused", _("不同意延期")
        SUSPENDED = "suspended", _("挂起")
        RESUMED = "resumed", _("恢复办理")
        ANSWERED = "answered", _("办结答复")
        RATED = "rated", _("回访评价")
        REOPENED = "reopened", _("重办")
        MERGED = "merged", _("并单")
        MASTER_UPDATE = "master_update", _("主单进展")
        REMINDER = "reminder", _("催办")
        OVERDUE = "overdue", _("超期")
        SUPERVISION = "supervision", _("督办")
        ESCALATION = "escalation", _("升级督办")
        ARCHIVED = "archived", _("归档")
        LEGAL_HOLD = "legal_hold", _("保全")
        DEADLINE_RECALCULATED = "deadline_recalc", _("时限重算")
        CONTACTED = "contacted", _("联系诉求人")
        UNREASONABLE_REQUESTED = "unreasonable_req", _("申请不合理诉求认定")
        UNREASONABLE_CERTIFIED = "unreasonable_yes", _("认定为不合理诉求")
        UNREASONABLE_REFUSED = "unreasonable_no", _("不予认定不合理诉求")
        ASSIGNED = "assigned", _("派发到人")
        ANSWER_SUBMITTED = "answer_submitted", _("提交答复审核")
        ANSWER_SENT_BACK = "answer_sent_back", _("答复退回修改")
        WHISTLED = "whistled", _("吹哨")
        REPORTED = "reported", _("报到")
        REPORT_LATE = "report_late", _("超时未报到")
        ANSWERED_ON_CALL = "answered_on_call", _("即时办结")
        CALLER_FOLLOWED = "caller_followed", _("来电跟进")
        REPORTER_MESSAGED = "reporter_messaged", _("告知诉求人")
        DISPUTE_RAISED = "dispute_raised", _("派单争议")
        DISPUTE_RULED = "dispute_ruled", _("争议裁定")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("环节"), max_length=24, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("操作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The unit this step counts for in the metrics (the lead unit dispatched to, who signed,
    # who answered, whose answer was rated).
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["unit", "kind", "at"], name="event_metrics_idx")]
        verbose_name = _("事项环节")
        verbose_name_plural = _("事项环节")

    def __str__(self) -> str:
        return f"{self.matter.number} {self.get_kind_display()}"

    @property
    def actor_label(self) -> str:
        """Who took the step, as the timeline names them: a member of staff, the reporter
        (who submits and rates without an account), or the system's timers."""
        if self.actor_id:
            return self.actor.full_name  # type: ignore[union-attr]
        if self.data.get("by") == "reporter" or self.kind == self.Kind.RECEIVED:
            return str(_("诉求人"))
        return str(_("系统"))


def attachment_path(instance, filename: str) -> str:
    return f"matters/{instance.matter.received_at:%Y/%m}/{instance.matter_id}/{filename}"


class Attachment(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        MatterEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class Extension(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("同意")
        REFUSED = "refused", _("不同意")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveIntegerField(_("延期工作日"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decision = models.CharField(
        _("审批结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")

    def __str__(self) -> str:
        return f"{self.matter.number} +{self.days}"


class SupervisionNotice(models.Model):
    """催办 / 超期 / 督办 / 升级. The unique key makes every timer idempotent: however often
    the sweeper runs, one deadline yields one notice of each kind."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("催办")
        OVERDUE = "overdue", _("超期")
        SUPERVISION = "supervision", _("督办通知")
        ESCALATION = "escalation", _("升级督办")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    deadline = models.DateTimeField(_("针对的时限"))
    created_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("内容"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "kind", "deadline"], name="notice_once_per_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} {self.get_kind_display()}"


class Notification(models.Model):
    """The in-app inbox of one user. A notice that asks for a step (派单, 签收, 审批) is resolved
    by itself when the step is taken (`resolved_at`): it leaves the unread count but stays
    listed under 全部 as 已处理."""

    class Kind(models.TextChoices):
        TO_DISPATCH = "to_dispatch", _("待派单")
        DISPATCHED = "dispatched", _("派单")
        ASSISTING = "assisting", _("协办")
        RETURNED = "returned", _("退回")
        EXTENSION_REQUESTED = "extension_requested", _("延期申请")
        EXTENSION_DECIDED = "extension_decided", _("延期审批结果")
        ANSWERED = "answered", _("答复")
        REOPENED = "reopened", _("重办")
        SUPERVISION = "supervision", _("督办/预警")
        UNREASONABLE = "unreasonable", _("不合理诉求认定")
        WHISTLE = "whistle", _("吹哨报到")
        DISPUTE = "dispute", _("派单争议")
        KNOWLEDGE = "knowledge", _("知识库")
        MONTHLY_PROBLEM = "monthly_problem", _("每月一题")
        EMERGENCY = "emergency", _("应急")
        SYSTEM = "system", _("系统")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(
        _("类别"), max_length=24, choices=Kind.choices, default=Kind.SYSTEM, db_default=Kind.SYSTEM
    )
    # The matter the notice is about, when it is about one; other apps' records name themselves
    # in `subject` ("app_label.model:pk") so that their notices can be resolved too.
    matter = models.ForeignKey(
        Matter,
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(max_length=80, blank=True, db_default="")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=200, blank=True)
    # The platform's clock (core.clock), so that the demo's replayed history is dated as it
    # happened.
    created_at = models.DateTimeField(default=clock.now, db_index=True, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            # The header's badge and the tabs' counts read only the few still waiting.
            models.Index(
                fields=["recipient", "kind"],
                condition=models.Q(read_at__isnull=True, resolved_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["subject"],
                condition=models.Q(resolved_at__isnull=True) & ~models.Q(subject=""),
                name="notification_subject_open",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None and self.resolved_at is None


class MatterTally(models.Model):
    """Roll-up of matters for the cockpit, kept exact in the transaction that changes a matter
    (`loop.rollups`): how many matters received in a month, in a division, led by a unit, have
    each value of a dimension (status, channel, category, kind) now. 0 stands for "none" so
    that the key is unique on every database (NULLs never conflict)."""

    class Dimension(models.TextChoices):
        STATUS = "status", _("状态")
        CHANNEL = "channel", _("来源渠道")
        CATEGORY = "category", _("派单目录")
        KIND = "kind", _("诉求类型")

    month = models.DateField(_("受理月份"))
    division_id = models.PositiveIntegerField(default=0)
    lead_unit_id = models.PositiveIntegerField(default=0)
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.CharField(max_length=40)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "month", "division_id", "lead_unit_id", "key"],
                name="matter_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.key}: {self.n}"


class MapCellTally(models.Model):
    """Open matters with a point, per map cell (loop.map_cells), kept by triggers in the
    transaction that writes a matter (migration 0021): how many, and the sums of their positions
    in millionths of a degree (a cluster's centroid), by status band, received day and deadline
    day (the clock decides which days are late; a rule never stored). A row at zero is deleted."""

    level = models.PositiveSmallIntegerField()
    cell_row = models.IntegerField()
    cell_col = models.IntegerField()
    band = models.PositiveSmallIntegerField()
    received_day = models.DateField()
    deadline_day = models.DateField()
    n = models.IntegerField(default=0)
    lat_sum = models.BigIntegerField(default=0)
    lng_sum = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "cell_row", "cell_col", "band", "received_day", "deadline_day"],
                name="map_cell_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"z{self.level} ({self.cell_row}, {self.cell_col}) {self.received_day}: {self.n}"


class UnitDayTally(models.Model):
    """Roll-up of the events that count for a unit (docs/metrics.md), one row per unit and
    local day, kept exact in the transaction that records the event (`loop.rollups`)."""

    day = models.DateField(_("日期"))
    unit = models.ForeignKey("core.Unit", on_delete=models.CASCADE, related_name="+")
    # citizen or internal (workflow.metric_scope_of the matter's channel)
    scope = models.CharField(max_length=10, default="citizen")
    dispatched = models.IntegerField(default=0)
    signed = models.IntegerField(default=0)
    signed_on_time = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    # Deadlines that fell on this day, and those met (按期办结率's denominator and numerator).
    due = models.IntegerField(default=0)
    due_on_time = models.IntegerField(default=0)
    working_days = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    rated_default = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    supervised = models.IntegerField(default=0)
    # Dispatches on this day whose citizen was to be contacted, and those contacted in time.
    response_due = models.IntegerField(default=0)
    responded_on_time = models.IntegerField(default=0)
    unreasonable = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "unit", "scope"], name="unit_day_scope_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}"


class DeadlineReview(models.Model):
    """A deadline the official holiday schedule would move, but that had already passed (or
    would pass at once): it is not moved silently; the dispatch centre decides."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待决定")
        APPLIED = "applied", _("采用新时限")
        KEPT = "kept", _("维持原时限")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="deadline_reviews")
    year = models.PositiveIntegerField(_("安排年度"))
    basis = models.CharField(_("依据"), max_length=200)
    old_deadline = models.DateTimeField(_("原办理时限"))
    new_deadline = models.DateTimeField(_("按正式安排的办理时限"))
    created_at = models.DateTimeField(_("列出时间"), auto_now_add=True)
    decision = models.CharField(
        _("决定"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["decision", "old_deadline"]
        verbose_name = _("待定时限")
        verbose_name_plural = _("待定时限")
        constraints = [
            models.UniqueConstraint(
                fields=["matter"],
                condition=models.Q(decision="pending"),
                name="one_pending_deadline_review",
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} {self.old_deadline:%Y-%m-%d} → {self.new_deadline:%Y-%m-%d}"


class AnswerReviewRule(models.Model):
    """A unit whose answers reach the citizen only after its leader's review (审核)."""

    unit = models.OneToOneField(
        "core.Unit",
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        related_name="answer_review_rule",
    )
    since = models.DateTimeField(_("启用时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("答复审核要求")
        verbose_name_plural = _("答复审核要求")

    def __str__(self) -> str:
        return str(self.unit)


class AnswerReview(models.Model):
    """An answer a member of staff drafted, waiting for (or after) the leader's review."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("审核通过")
        SENT_BACK = "sent_back", _("退回修改")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="answer_reviews")
    text = models.TextField(_("答复内容"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("拟稿人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    decision = models.CharField(
        _("审核结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("答复审核")
        verbose_name_plural = _("答复审核")
        constraints = [
            models.UniqueConstraint(
                fields=["matter"],
                condition=models.Q(decision="pending"),
                name="one_pending_answer_review",
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} {self.get_decision_display()}"


class UnreasonableClaim(models.Model):
    """不合理诉求认定: the lead unit asks, with grounds, reasons and evidence, for an appeal to be
    certified unreasonable; the dispatch centre approves or refuses. A certified appeal leaves
    the unit's 解决率 and 满意率 and is counted publicly as such."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审核")
        CERTIFIED = "certified", _("已认定")
        REFUSED = "refused", _("不予认定")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="unreasonable_claims")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    ground = models.CharField(_("认定理由类别"), max_length=20)
    reasons = models.TextField(_("理由"))
    evidence = models.TextField(_("证据"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decision = models.CharField(
        _("审核结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("不合理诉求认定")
        verbose_name_plural = _("不合理诉求认定")
        constraints = [
            models.UniqueConstraint(
                fields=["matter"],
                condition=models.Q(decision="pending"),
                name="one_pending_unreasonable_claim",
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} {self.get_decision_display()}"


class Whistle(models.Model):
    """吹哨: the lead unit handling a matter it cannot solve alone summons named departments;
    each must report (报到) within `hours` working hours (core.calendar.add_working_hours)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="whistles")
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("吹哨单位"), on_delete=models.PROTECT, related_name="+"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吹哨人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("需要解决的问题"))
    hours = models.PositiveSmallIntegerField(_("报到时限（工作小时）"))
    called_at = models.DateTimeField(_("吹哨时间"))
    report_deadline = models.DateTimeField(_("报到截止时间"))
    # Set when no summons waits any more (all reported, or the matter answered).
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["called_at", "pk"]
        verbose_name = _("吹哨")
        verbose_name_plural = _("吹哨")

    def __str__(self) -> str:
        return f"{self.matter.number} {self.called_at:%Y-%m-%d %H:%M}"


class WhistleSummons(models.Model):
    """报到: one summoned department's duty under a whistle, and how it was met. The sweep
    turns a summons past its deadline LATE once (the conditional update on `escalated_at`
    is its key); a later report is still taken, as REPORTED_LATE."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待报到")
        REPORTED = "reported", _("按时报到")
        LATE = "late", _("超时未报到")
        REPORTED_LATE = "reported_late", _("超时报到")
        CANCELLED = "cancelled", _("无需报到")

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="summonses")
    # The whistle's matter and deadline, kept here so that a unit's queue, the visibility
    # rule and the sweep each read one indexed table.
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="summonses")
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("被吹哨部门"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateTimeField(_("报到截止时间"))
    status = models.CharField(
        _("报到情况"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报到人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion = models.TextField(_("报到意见"), blank=True)
    took_part = models.TextField(_("承担的工作"), blank=True)
    escalated_at = models.DateTimeField(_("超时督办时间"), null=True, blank=True)

    # Waiting for a report: the unit's 待报到 tab and the sweep read these.
    OPEN = (Status.PENDING, Status.LATE)

    class Meta:
        ordering = ["whistle", "pk"]
        verbose_name = _("报到")
        verbose_name_plural = _("报到")
        constraints = [
            models.UniqueConstraint(fields=["whistle", "unit"], name="summons_once_per_whistle"),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="summons_queue_idx"),
            models.Index(
                fields=["deadline"],
                name="summons_due_idx",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.unit_id} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class CategoryQuestion(models.Model):
    """An extra question the intake form asks for matters of this category (and the categories
    below it): the meter number for water, the floor for heating. The answers are kept on the
    matter (`Matter.intake_answers`)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("文字")
        NUMBER = "number", _("数字")
        CHOICE = "choice", _("选项")

    category = models.ForeignKey(
        Category, verbose_name=_("派单目录"), on_delete=models.CASCADE, related_name="questions"
    )
    label = models.CharField(_("问题"), max_length=100)
    help_text = models.CharField(_("提示"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    # For a choice question: the options, one per line.
    options = models.TextField(_("选项"), blank=True)
    required = models.BooleanField(_("必答"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["category__path", "sort_order", "pk"]
        verbose_name = _("目录补充问题")
        verbose_name_plural = _("目录补充问题")

    def __str__(self) -> str:
        return f"{self.category} · {self.label}"


class AnswerTemplate(models.Model):
    """A standard text for one stage of a category's matters (progress, answer, return) that a
    unit adapts before sending; a unit's own template wins over the city's."""

    class Stage(models.TextChoices):
        PROGRESS = "progress", _("办理进展")
        ANSWER = "answer", _("办结答复")
        RETURN = "return", _("退单说明")
        ON_CALL = "on_call", _("即时答复")

    category = models.ForeignKey(
        Category,
        verbose_name=_("派单目录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answer_templates",
    )
    stage = models.CharField(_("环节"), max_length=10, choices=Stage.choices)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("适用单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空则全市通用"),
    )
    title = models.CharField(_("名称"), max_length=100)
    text = models.TextField(_("模板内容"))
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["category__path", "stage", "title"]
        verbose_name = _("答复模板")
        verbose_name_plural = _("答复模板")

    def __str__(self) -> str:
        return self.title


class EmergencyMode(models.Model):
    """应急模式: while one is on (ended_at empty), the public form and the intake offer only its
    emergency categories, and the matters received form a priority queue. At most one is on."""

    title = models.CharField(_("应急事件"), max_length=100)
    note = models.TextField(_("说明"), blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("应急诉求类别"), related_name="+")
    started_at = models.DateTimeField(_("启动时间"), default=clock.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("启动人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # True while on, NULL once ended: the unique index lets at most one be on at a time.
    on = models.BooleanField(null=True, default=True, unique=True, editable=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结束人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("应急模式")
        verbose_name_plural = _("应急模式")

    def __str__(self) -> str:
        return self.title


class ReporterMessage(models.Model):
    """A message to the reporter about their matter (SMS or WeChat template message), kept so
    that the timeline and the figures show what the citizen was told, and when."""

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        WECHAT = "wechat", _("微信")

    class Outcome(models.TextChoices):
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        OPTED_OUT = "opted_out", _("诉求人已退订")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    template = models.CharField(_("模板"), max_length=40)
    text = models.TextField(_("内容"))
    at = models.DateTimeField(_("时间"), default=clock.now)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    error = models.CharField(_("失败原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["matter", "at"]
        verbose_name = _("诉求人消息")
        verbose_name_plural = _("诉求人消息")

    def __str__(self) -> str:
        return f"{self.matter.number} {self.template}"
