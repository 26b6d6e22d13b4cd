"""检查: versioned checklist templates, campaigns over registered parties, visits with answers,
photos and signatures, rectifications that run in the loop, and their public results."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import TimeStampedModel, VersionedModel

from .workflow import (
    AnswerType,
    CampaignStatus,
    Mode,
    RectificationStatus,
    Result,
    TemplateStatus,
    Verdict,
    VisitStatus,
)


class PartyType(models.TextChoices):
    INSTITUTION = "institution", _("机构")
    SITE = "site", _("场所")
    ENTERPRISE = "enterprise", _("企业")


class ChecklistTemplate(TimeStampedModel):
    """检查表. One row per version; a version that a visit has used is never edited again."""

    code = models.SlugField(_("检查表编码"), max_length=40)
    version = models.PositiveIntegerField(_("版本号"), default=1)
    name = models.CharField(_("检查表名称"), max_length=100)
    party_type = models.CharField(_("检查对象类型"), max_length=20, choices=PartyType.choices)
    owner_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT
    )
    pass_score = models.PositiveIntegerField(
        _("合格分数线"), default=80, help_text=_("百分制；有严重问题项不符合的，一律不合格")
    )
    basis = models.CharField(_("检查依据"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="template_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    def get_absolute_url(self) -> str:
        return reverse("inspections:template_detail", args=[self.pk])


class ChecklistSection(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="sections"
    )
    name = models.CharField(_("检查领域"), max_length=100)
    order = models.PositiveIntegerField(_("排序"), default=0)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, default=1)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("检查领域")
        verbose_name_plural = _("检查领域")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    section = models.ForeignKey(ChecklistSection, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("排序"), default=0)
    text = models.CharField(_("检查内容"), max_length=200)
    guidance = models.CharField(_("检查方法"), max_length=300, blank=True)
    answer_type = models.CharField(
        _("答案类型"), max_length=20, choices=AnswerType.choices, default=AnswerType.PASS_FAIL
    )
    max_score = models.PositiveIntegerField(_("分值"), default=10)
    required = models.BooleanField(_("必答"), default=True)
    photo_required = models.BooleanField(_("须拍照"), default=False)
    serious = models.BooleanField(
        _("严重问题项"), default=False, help_text=_("不符合即判定不合格，可移送立案")
    )
    legal_basis = models.CharField(_("法律依据"), max_length=300, blank=True)
    requirement = models.CharField(
        _("整改要求"), max_length=300, blank=True, help_text=_("不符合时写入整改意见书")
    )

    class Meta:
        ordering = ["section__order", "order", "pk"]
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")

    def __str__(self) -> str:
        return self.text

    @property
    def scored(self) -> bool:
        return self.answer_type in (AnswerType.PASS_FAIL, AnswerType.SCORE)


class Campaign(TimeStampedModel, VersionedModel):
    """专项检查: a scope rule over the party registers and a mode (全覆盖 or 双随机)."""

    name = models.CharField(_("专项检查名称"), max_length=100)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(_("检查方式"), max_length=20, choices=Mode.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    scope = models.JSONField(_("检查范围"), default=dict)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    sample_ratio = models.DecimalField(
        _("抽查比例"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    stratify_by = models.CharField(
        _("分层依据"),
        max_length=20,
        blank=True,
        choices=[("", _("不分层")), ("division", _("按区划")), ("grade", _("按等级"))],
    )
    rectification_days = models.PositiveIntegerField(_("整改期限（工作日）"), default=10)
    doc_prefix = models.CharField(
        _("文书字号前缀"),
        max_length=10,
        blank=True,
        help_text=_("如：并卫监；留空则用组织单位的简称"),
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("执法检查人员名录"), related_name="+"
    )
    basis = models.CharField(_("检查依据"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    draw_overdue_matter = models.ForeignKey(
        "loop.Matter",
        verbose_name=_("抽取记录逾期未公示督办事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("专项检查")
        verbose_name_plural = _("专项检查")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspections:campaign_detail", args=[self.pk])


class PartyLink(models.Model):
    """A reference to one registered party: exactly one of the three is set."""

    institution = models.ForeignKey(
        "parties.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "parties.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "parties.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def party(self):
        return self.institution or self.site or self.enterprise

    @property
    def party_key(self) -> str:
        party = self.party
        return f"{type(party).__name__.lower()}:{party.pk}"


class CampaignTarget(PartyLink):
    """One party within the campaign's scope; `selected` marks those to be visited."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    stratum = models.CharField(_("层"), max_length=50, blank=True)
    weight = models.DecimalField(_("抽取权重"), max_digits=6, decimal_places=2, default=1)
    selected = models.BooleanField(_("列入检查"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象")

    def __str__(self) -> str:
        return str(self.party)


class Draw(models.Model):
    """双随机 draw, kept whole: the candidates with their weights, the seed and the result, so
    anyone can re-draw and check. The seed comes from the system's cryptographic source and is
    recorded, with the time, the reason and the digest of the candidate list, before the result
    is computed. Every draw states its reason; a re-draw never replaces the earlier record, it
    marks it superseded. A draw is public once the organising unit publishes it
    (`services.draws_publish`), due within the publication period of working days."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="draws")
    number = models.PositiveIntegerField(_("抽取序号"))
    seed = models.CharField(_("随机种子"), max_length=64)
    ratio = models.DecimalField(_("抽查比例"), max_digits=4, decimal_places=3)
    candidates = models.JSONField(_("候选名单"))
    candidates_digest = models.CharField(_("候选名单摘要（SHA-256）"), max_length=64, blank=True)
    roster = models.JSONField(_("检查人员名录"))
    selected = models.JSONField(_("抽中对象"), default=list)
    assignments = models.JSONField(_("人员分配"), default=dict)
    reason = models.CharField(_("抽取理由"), max_length=300, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("被重新抽取取代"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    publish_due = models.DateField(_("公示期限"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)

    class Meta:
        ordering = ["campaign", "number"]
        verbose_name = _("随机抽取记录")
        verbose_name_plural = _("随机抽取记录")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="draw_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.number}"

    @property
    def superseded(self) -> bool:
        return self.superseded_by_id is not None


class InspectorConflict(PartyLink):
    """利害关系回避: an inspector is never drawn for, or assigned to, a party linked to them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人员"),
        on_delete=models.CASCADE,
        related_name="inspection_conflicts",
    )
    reason = models.CharField(_("回避理由"), max_length=200)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.party}"


class InspectionVisit(TimeStampedModel, VersionedModel, PartyLink):
    """现场检查: one inspection of one party, on the template version it started with."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项检查"), on_delete=models.PROTECT, related_name="visits"
    )
    target = models.ForeignKey(
        CampaignTarget, on_delete=models.PROTECT, related_name="visits", null=True, blank=True
    )
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="visits"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("原检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reinspections",
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), related_name="inspection_visits"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    planned_on = models.DateField(_("计划日期"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主办检查人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("开始检查的人员；其余检查人员为同行检查人员"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    result = models.CharField(_("检查结论"), max_length=20, choices=Result.choices, blank=True)
    summary = models.TextField(_("检查情况"), blank=True)
    representative = models.CharField(_("被检查单位负责人"), max_length=50, blank=True)
    credentials_shown = models.BooleanField(
        _("已出示执法证件"),
        default=False,
        help_text=_("《中华人民共和国行政处罚法》第五十五条：检查时主动出示执法证件"),
    )
    document_number = models.CharField(
        _("文号"),
        max_length=40,
        blank=True,
        help_text=_("提交时取号：现场检查笔录及责令改正通知书，或复查意见书"),
    )
    inspector_signature = models.TextField(_("检查人员签名"), blank=True)
    party_signature = models.TextField(_("被检查单位签名"), blank=True)
    matter = models.ForeignKey(
        "loop.Matter",
        verbose_name=_("整改事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    publish_due = models.DateField(_("公示期限"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("现场检查")
        verbose_name_plural = _("现场检查")
        indexes = [models.Index(fields=["campaign", "status"], name="visit_campaign_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["document_number"],
                condition=~models.Q(document_number=""),
                name="visit_document_number_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.party} · {self.campaign}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:visit_detail", args=[self.pk])

    @property
    def is_reinspection(self) -> bool:
        return self.parent_id is not None

    def team(self) -> list[tuple[object, bool]]:
        """The inspectors, the one who began the visit first, each with whether they are the
        partner inspector (同行检查人员: the second inspector the law requires on a visit)."""
        lead_id = self.started_by_id or self.submitted_by_id
        people = sorted(self.inspectors.all(), key=lambda u: (u.pk != lead_id, u.pk))
        return [(user, lead_id is not None and user.pk != lead_id) for user in people]


class DocumentSequence(models.Model):
    """文号 of the visits' documents, per prefix, word and year. Taken inside the submission's
    transaction (the row locked), so a number is never skipped (a rollback gives it back) and
    never reused (the visit's number is unique)."""

    prefix = models.CharField(max_length=10)
    word = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "word", "year"], name="inspection_doc_sequence_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.word}〔{self.year}〕{self.value}"


class Answer(models.Model):
    visit = models.ForeignKey(InspectionVisit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("结论"), max_length=4, choices=Verdict.choices, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    number = models.DecimalField(_("数值"), max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.CharField(_("文字"), max_length=500, blank=True)
    note = models.CharField(_("发现问题"), max_length=500, blank=True)
    found_at = models.DateTimeField(
        _("发现时间"), null=True, blank=True, help_text=_("现场看到问题的时间，不是录入时间")
    )
    answered_at = models.DateTimeField(_("作答时间"))

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        constraints = [
            models.UniqueConstraint(fields=["visit", "item"], name="answer_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_verdict_display() or self.score or self.text}"


def visit_photo_path(instance, filename: str) -> str:
    return f"inspections/{instance.visit.campaign_id}/{instance.visit_id}/{filename}"


class VisitPhoto(models.Model):
    """A photo taken during the visit; `client_id` makes a resent upload land only once."""

    visit = models.ForeignKey(InspectionVisit, on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client_id = models.CharField(max_length=64)
    file = models.FileField(_("照片"), upload_to=visit_photo_path)
    taken_at = models.DateTimeField(_("拍摄时间"))
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accuracy = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        constraints = [
            models.UniqueConstraint(fields=["visit", "client_id"], name="photo_once_per_client_id")
        ]

    def __str__(self) -> str:
        return self.file.name

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Rectification(models.Model):
    """整改要求: one failed item of a visit, followed until a re-inspection verifies it or it is
    transferred to an enforcement case."""

    visit = models.ForeignKey(
        InspectionVisit, on_delete=models.PROTECT, related_name="rectifications"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    finding = models.CharField(_("发现问题"), max_length=500)
    found_at = models.DateTimeField(_("发现时间"), null=True, blank=True)
    requirement = models.CharField(_("整改要求"), max_length=500)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    evidence_note = models.TextField(_("整改情况说明"), blank=True)
    evidence_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    verified_by_visit = models.ForeignKey(
        InspectionVisit,
        verbose_name=_("复查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verified_rectifications",
    )
    failed_reinspections = models.PositiveIntegerField(_("复查未通过次数"), default=0)
    case_reference = models.CharField(_("移送案件"), max_length=100, blank=True)
    transferred_at = models.DateTimeField(_("移送时间"), null=True, blank=True)

    class Meta:
        ordering = ["visit", "item__section__order", "item__order"]
        verbose_name = _("整改要求")
        verbose_name_plural = _("整改要求")

    def __str__(self) -> str:
        return f"{self.visit.party}: {self.item}"


def evidence_path(instance, filename: str) -> str:
    return f"inspections/evidence/{instance.rectification_id}/{filename}"


class EvidencePhoto(models.Model):
    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="evidence_photos"
    )
    file = models.FileField(_("整改照片"), upload_to=evidence_path)
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("整改照片")
        verbose_name_plural = _("整改照片")

    def __str__(self) -> str:
        return self.file.name


class SyncReceipt(models.Model):
    """Operations a phone sent while reconnecting; a resent operation is answered, not redone."""

    visit = models.ForeignKey(InspectionVisit, on_delete=models.CASCADE, related_name="+")
    op_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=20)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "op_id"], name="sync_op_once")]

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.op_id}"
