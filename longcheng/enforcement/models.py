"""执法: patrols and their findings, the legal-basis library with discretion benchmarks, and
cases that follow the Administrative Penalty Law step by step, with numbered documents."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from longcheng.core.fields import EncryptedCharField
from longcheng.core.models import TimeStampedModel, VersionedModel

from .workflow import (
    EVENT_LABELS,
    Challenge,
    Circumstance,
    ClosedHearing,
    DocumentKind,
    Outcome,
    PartyKind,
    Signature,
    StatementReview,
    Status,
    Step,
)


class EnforcementBody(models.Model):
    """The unit as an enforcement body: its full name on documents and its number prefix."""

    unit = models.OneToOneField(
        "core.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("执法主体名称"), max_length=100)
    doc_prefix = models.CharField(_("文书字号前缀"), max_length=10, help_text=_("如：并城管"))
    review_body = models.CharField(_("行政复议机关"), max_length=100)
    court = models.CharField(_("管辖人民法院"), max_length=100)
    payment_account = models.CharField(_("罚款缴纳方式"), max_length=200)

    class Meta:
        verbose_name = _("执法主体")
        verbose_name_plural = _("执法主体")

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    """执法证件: only holders may investigate; a legal reviewer must be qualified (Art. 58)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer"
    )
    credential_number = models.CharField(_("执法证号"), max_length=30, unique=True)
    legal_reviewer = models.BooleanField(_("法制审核人员"), default=False)
    valid_until = models.DateField(_("证件有效期至"))

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")

    def __str__(self) -> str:
        return f"{self.user.full_name}（{self.credential_number}）"


class LegalProvision(models.Model):
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    law = models.CharField(_("法律法规"), max_length=100)
    article = models.CharField(_("条款"), max_length=50)
    violation = models.CharField(_("违法行为"), max_length=200)
    # The notice and the decision cite both: the rule the act breaks and the one that punishes.
    breached = models.CharField(
        _("违反的规定"),
        max_length=200,
        blank=True,
        help_text=_("违法行为所违反的法律条款，如：《中华人民共和国噪声污染防治法》第四十三条"),
    )
    text = models.TextField(_("罚则"))
    party_kinds = models.CharField(
        _("适用对象"), max_length=30, default="person,organisation", help_text=_("逗号分隔")
    )
    fine_min = models.DecimalField(
        _("罚款下限（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("罚款上限（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    may_stop_work = models.BooleanField(_("可责令停工停业"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["law", "article"]
        verbose_name = _("法律依据")
        verbose_name_plural = _("法律依据")

    def __str__(self) -> str:
        return f"《{self.law}》{self.article}"

    @property
    def breached_text(self) -> str:
        """违反的规定, or the penalty provision itself where the library has not said."""
        return self.breached or str(self)


class DiscretionBenchmark(models.Model):
    """裁量基准: the fine range suggested for a circumstance."""

    provision = models.ForeignKey(
        LegalProvision, on_delete=models.CASCADE, related_name="benchmarks"
    )
    circumstance = models.CharField(_("情节"), max_length=20, choices=Circumstance.choices)
    fine_min = models.DecimalField(_("基准下限（元）"), max_digits=12, decimal_places=2)
    fine_max = models.DecimalField(_("基准上限（元）"), max_digits=12, decimal_places=2)
    description = models.CharField(_("适用情形"), max_length=300)

    class Meta:
        ordering = ["provision", "fine_min"]
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")
        constraints = [
            models.UniqueConstraint(
                fields=["provision", "circumstance"], name="benchmark_per_circumstance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provision} {self.get_circumstance_display()}"


class Patrol(TimeStampedModel):
    class Shift(models.TextChoices):
        DAY = "day", _("日间")
        NIGHT = "night", _("夜间")

    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("巡查单位"), on_delete=models.PROTECT, related_name="+"
    )
    shift = models.CharField(_("班次"), max_length=10, choices=Shift.choices)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("巡查人员"), related_name="patrols"
    )
    sites = models.ManyToManyField(
        "parties.Site", verbose_name=_("巡查场所"), blank=True, related_name="patrols"
    )
    route_notes = models.TextField(_("巡查路线与情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("巡查")
        verbose_name_plural = _("巡查")

    def __str__(self) -> str:
        return f"{self.get_shift_display()}{_('巡查')} {self.started_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("enforcement:patrol_detail", args=[self.pk])


class Finding(models.Model):
    """A problem found on patrol, and what became of it."""

    class Outcome(models.TextChoices):
        ORDER = "order", _("责令改正")
        STOP_WORK = "stop_work", _("责令停工整改")
        CASE = "case", _("转为案源")
        NOTED = "noted", _("现场纠正，仅记录")

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="findings")
    site = models.ForeignKey(
        "parties.Site", verbose_name=_("场所"), null=True, blank=True, on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        "parties.Enterprise",
        verbose_name=_("当事单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    description = models.TextField(_("发现问题"))
    outcome = models.CharField(_("处理方式"), max_length=20, choices=Outcome.choices)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    matter = models.ForeignKey(
        "loop.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_at = models.DateTimeField(_("发现时间"))

    class Meta:
        ordering = ["found_at"]
        verbose_name = _("巡查发现")
        verbose_name_plural = _("巡查发现")

    def __str__(self) -> str:
        return self.description[:30]


class Case(TimeStampedModel, VersionedModel):
    class Source(models.TextChoices):
        PATROL = "patrol", _("巡查发现")
        INSPECTION = "inspection", _("检查移送")
        COMPLAINT = "complaint", _("投诉举报")
        OTHER = "other", _("其他")

    number = models.CharField(_("案号"), max_length=40, blank=True, db_index=True)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("办案单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.LEAD, db_index=True
    )
    summary_procedure = models.BooleanField(_("简易程序"), default=False)
    source = models.CharField(_("案件来源"), max_length=20, choices=Source.choices)
    source_note = models.CharField(_("来源说明"), max_length=300, blank=True)
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    party_kind = models.CharField(_("当事人类型"), max_length=20, choices=PartyKind.choices)
    enterprise = models.ForeignKey(
        "parties.Enterprise",
        verbose_name=_("当事单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "parties.Person",
        verbose_name=_("当事人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    site = models.ForeignKey(
        "parties.Site",
        verbose_name=_("涉案场所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    party_name = models.CharField(_("当事人名称"), max_length=100)
    party_address = models.CharField(_("当事人地址"), max_length=200, blank=True)
    party_code = EncryptedCharField(_("统一社会信用代码/身份证号"), max_length=18, blank=True)
    division = models.ForeignKey(
        "core.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provision = models.ForeignKey(
        LegalProvision,
        verbose_name=_("违法行为及依据"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("立案时必须确定"),
    )
    facts = models.TextField(_("违法事实"))
    occurred_on = models.DateField(_("违法行为发生日"))
    discovered_on = models.DateField(_("发现日"))
    continuing = models.BooleanField(
        _("违法行为有连续或者继续状态"), default=False, help_text=_("期限从行为终了之日起计算")
    )
    # Art. 36: the limitation of a continuing act counts from this day; empty while it goes on.
    act_ended_on = models.DateField(_("违法行为终了日"), null=True, blank=True)
    life_or_finance = models.BooleanField(
        _("涉及生命健康安全、金融安全且有危害后果"), default=False
    )
    major = models.BooleanField(_("重大案件"), default=False)
    complex_case = models.BooleanField(_("情节复杂"), default=False)
    stop_work = models.BooleanField(_("拟责令停产停业"), default=False)
    circumstance = models.CharField(
        _("情节"), max_length=20, choices=Circumstance.choices, blank=True
    )
    fine = models.DecimalField(
        _("罚款（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    warning = models.BooleanField(_("警告"), default=False)
    discretion_reason = models.TextField(_("超出裁量基准的理由"), blank=True)
    outcome = models.CharField(_("处理结果"), max_length=20, choices=Outcome.choices, blank=True)

    filed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    decision_deadline = models.DateField(_("作出决定期限"), null=True, blank=True)
    notice_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    statement_due = models.DateField(_("陈述申辩/听证申请截止"), null=True, blank=True)
    # Arts. 63–64: the five working days for a hearing run from the party's receipt.
    notice_received_on = models.DateField(_("当事人收到告知书日期"), null=True, blank=True)
    hearing_waived_at = models.DateTimeField(_("书面放弃听证时间"), null=True, blank=True)
    hearing_waiver = models.CharField(_("书面放弃听证的记录"), max_length=200, blank=True)
    statement = models.TextField(_("陈述申辩意见"), blank=True)
    statement_waived = models.BooleanField(_("明确放弃陈述申辩"), default=False)
    statement_at = models.DateTimeField(_("陈述申辩记录时间"), null=True, blank=True)
    # Art. 45: the defence is answered by a recorded 复核 before the decision.
    statement_review = models.TextField(_("陈述申辩复核意见"), blank=True)
    statement_review_result = models.CharField(
        _("复核结论"), max_length=20, choices=StatementReview.choices, blank=True
    )
    statement_reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    fine_before_review = models.DecimalField(
        _("复核前拟罚款（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    hearing_requested_at = models.DateTimeField(_("申请听证时间"), null=True, blank=True)
    hearing_at = models.DateTimeField(_("听证时间"), null=True, blank=True)
    hearing_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("听证主持人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Art. 64 (3): public unless state secrets, trade secrets or personal privacy.
    hearing_public = models.BooleanField(_("公开举行听证"), default=True)
    hearing_closed_reason = models.CharField(
        _("不公开举行的理由"), max_length=20, choices=ClosedHearing.choices, blank=True
    )
    hearing_record = models.TextField(_("听证笔录摘要"), blank=True)
    # Art. 64 (8): the party signs the record, or its refusal is noted on it.
    hearing_signature = models.CharField(
        _("当事人签字"), max_length=20, choices=Signature.choices, blank=True
    )
    hearing_signature_note = models.CharField(_("拒绝签字的情况"), max_length=200, blank=True)
    reviewed_at = models.DateTimeField(_("法制审核时间"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("法制审核人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_passed = models.BooleanField(_("审核通过"), null=True, blank=True)
    review_opinion = models.TextField(_("审核意见"), blank=True)
    discussed_at = models.DateTimeField(_("集体讨论时间"), null=True, blank=True)
    discussion_minutes = models.TextField(_("集体讨论记录"), blank=True)
    # Art. 33 (3): a party not penalised is educated, and the education is on the record.
    education_record = models.TextField(_("对当事人的教育"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    # Art. 48 publishes the decision under its own number, not the filing number.
    decision_number = models.CharField(_("决定书文号"), max_length=40, blank=True)
    decided_late = models.BooleanField(_("超过办案期限"), default=False)
    served_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    service_method = models.CharField(_("送达方式"), max_length=50, blank=True)
    # Art. 61: why the decision was served after its seven working days (raised on the loop).
    service_late_reason = models.CharField(_("迟延送达原因"), max_length=300, blank=True)
    served_late = models.BooleanField(_("超期送达"), default=False)
    payment_due = models.DateField(_("缴款期限"), null=True, blank=True)
    deferred_until = models.DateField(_("批准暂缓缴纳至"), null=True, blank=True)
    paid_amount = models.DecimalField(_("已缴纳（元）"), max_digits=12, decimal_places=2, default=0)
    paid_at = models.DateTimeField(_("缴清时间"), null=True, blank=True)
    demanded_at = models.DateTimeField(_("催告时间"), null=True, blank=True)
    # 行政强制法 Arts. 35, 54: the ten working days run from the demand's service.
    demand_served_on = models.DateField(_("催告书送达日期"), null=True, blank=True)
    court_applied_at = models.DateTimeField(_("申请法院强制执行时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    publish_due = models.DateField(_("公示期限"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回公示时间"), null=True, blank=True)
    # Art. 48 (2): a published decision changed or revoked is withdrawn within three working
    # days of that event, with the reasons shown on the public page.
    revoked_on = models.DateField(_("决定被变更或撤销日期"), null=True, blank=True)
    revocation = models.CharField(_("变更或撤销的情况"), max_length=300, blank=True)
    withdraw_due = models.DateField(_("撤回公示期限"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("撤回公示的理由"), max_length=300, blank=True)
    withdraw_late_reason = models.CharField(_("迟延撤回原因"), max_length=300, blank=True)
    # Art. 52: the on-the-spot decision names its place, the party signs or refuses, and
    # the officers report it to their organ (备案) within the set period.
    summary_place = models.CharField(_("当场处罚地点"), max_length=200, blank=True)
    summary_signature = models.CharField(
        _("当事人签收"), max_length=20, choices=Signature.choices, blank=True
    )
    summary_report_due = models.DateField(_("备案期限"), null=True, blank=True)
    summary_reported_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    summary_report_late_reason = models.CharField(_("迟延备案原因"), max_length=300, blank=True)
    matter = models.ForeignKey(
        "loop.Matter",
        verbose_name=_("办案时限事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")

    def __str__(self) -> str:
        return f"{self.number or _('案源')} {self.party_name}"

    def get_absolute_url(self) -> str:
        return reverse("enforcement:case_detail", args=[self.pk])


class CaseOfficer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_officers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    credential_number = models.CharField(_("执法证号"), max_length=30)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_officer_once")]

    def __str__(self) -> str:
        return f"{self.user.full_name}（{self.credential_number}）"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        INSPECTION_RECORD = "inspection_record", _("现场检查笔录")
        QUESTIONING = "questioning", _("询问笔录")
        PHOTO = "photo", _("照片")
        VIDEO = "video", _("执法记录仪视频")
        DOCUMENT = "document", _("书证")
        PRESERVATION = "preservation", _("先行登记保存")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("证据类型"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("证据内容"))
    video_ref = models.CharField(_("视频编号"), max_length=100, blank=True)
    file = models.FileField(_("文件"), upload_to="enforcement/evidence/", blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("取证人员"), related_name="+"
    )
    recorded_at = models.DateTimeField(_("取证时间"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decide_by = models.DateField(_("处理决定期限"), null=True, blank=True)
    decided_at = models.DateTimeField(_("作出处理决定时间"), null=True, blank=True)
    decision = models.CharField(_("处理决定"), max_length=200, blank=True)
    # Art. 55: the officers showed their credentials to the party (on-site records say so).
    credentials_shown = models.BooleanField(_("已出示执法证件"), default=False)
    # Art. 56: no decision within seven working days, the goods go back to the party.
    released = models.BooleanField(_("已解除保存并返还"), default=False)
    # Where a photo was taken, when the officer's phone gave its position.
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accuracy = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)

    class Meta:
        ordering = ["recorded_at"]
        verbose_name = _("证据")
        verbose_name_plural = _("证据")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.description[:20]}"

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class CaseChallenge(models.Model):
    """A review (行政复议) or suit (行政诉讼) against the decision: while it is pending the late
    fee does not run (Art. 73) and the court cannot be asked to enforce (行政强制法 Art. 53)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="challenges")
    kind = models.CharField(_("救济途径"), max_length=20, choices=Challenge.choices)
    filed_on = models.DateField(_("申请/起诉日期"))
    body = models.CharField(_("复议机关/法院"), max_length=100)
    ended_on = models.DateField(_("审结日期"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=300, blank=True)
    upheld = models.BooleanField(_("维持原决定"), null=True, blank=True)

    class Meta:
        ordering = ["filed_on", "pk"]
        verbose_name = _("复议诉讼")
        verbose_name_plural = _("复议诉讼")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filed_on}"


class CaseEvent(models.Model):
    """One recorded step: who, when, what (Art. 47: the whole process is on the record)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("环节"), max_length=30)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("办案记录")
        verbose_name_plural = _("办案记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.step}"

    @property
    def step_label(self) -> str:
        labels = {**dict(Step.choices), **dict(DocumentKind.choices), **EVENT_LABELS}
        return str(labels.get(self.step, self.step))


class DocumentSequence(models.Model):
    """Document numbers per body, word and year; taken in the document's own transaction, so a
    number is never skipped (a rollback returns it) and never reused."""

    prefix = models.CharField(max_length=10)
    word = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "word", "year"], name="doc_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.word}〔{self.year}〕{self.value}"


def document_path(instance, filename: str) -> str:
    return f"enforcement/documents/{instance.issued_at:%Y}/{filename}"


class CaseDocument(models.Model):
    """An issued document. Once served it is never changed: a correction is a new document
    that names the one it corrects."""

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("文书"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("文号"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("制作时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content = models.JSONField(_("内容"), default=dict)
    file = models.FileField(_("PDF"), upload_to=document_path)
    served_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
