from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from longcheng.core.fields import BlindIndexField, EncryptedCharField
from longcheng.core.masking import mask_id_number, mask_phone
from longcheng.core.models import TimeStampedModel, VersionedModel


class Kind(models.TextChoices):
    """The rights of PIPL arts. 44–48 a person exercises against the platform."""

    ACCESS = "access", _("查阅")
    COPY = "copy", _("复制")
    CORRECT = "correct", _("更正、补充")
    DELETE = "delete", _("删除")
    EXPLAIN = "explain", _("解释说明处理规则")


class Status(models.TextChoices):
    RECEIVED = "received", _("待答复")
    ANSWERED = "answered", _("已答复")


class Outcome(models.TextChoices):
    DONE = "done", _("已办理")
    PARTLY = "partly", _("部分办理")
    REFUSED = "refused", _("不予办理（已说明理由）")


class DataRequest(TimeStampedModel, VersionedModel):
    """A person's request about their own data, answered within a deadline in working days."""

    kind = models.CharField(_("请求类型"), max_length=10, choices=Kind.choices)
    requester_name = models.CharField(_("请求人"), max_length=50)
    requester_phone = EncryptedCharField(
        _("手机号码"), max_length=20, kind="phone", blind_index="requester_phone_index"
    )
    requester_phone_index = BlindIndexField(db_index=True, db_default="")
    requester_id_number = EncryptedCharField(_("居民身份证号码"), max_length=18, blank=True)
    detail = models.TextField(_("请求内容"))
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("办理单位"), on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    due_date = models.DateField(_("答复期限"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    outcome = models.CharField(_("办理结果"), max_length=10, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    # A deletion request's clearing (privacy.erasure): when, and per record what was cleared or
    # kept and why — no personal data, only where it was.
    erased_at = models.DateTimeField(_("清除时间"), null=True, blank=True)
    erasure = models.JSONField(_("清除结果"), default=list, blank=True)
    # The notice the requester was given at the counter, as "data_request/<version>".
    notice = models.CharField(_("告知版本"), max_length=40, blank=True, default="")

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("个人信息权利请求")
        verbose_name_plural = _("个人信息权利请求")

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def number(self) -> str:
        return f"GR{self.pk:06d}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.requester_phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.requester_id_number)

    @property
    def overdue(self) -> bool:
        return self.status == Status.RECEIVED and self.due_date < timezone.localdate()


class Method(models.TextChoices):
    SMS = "sms", _("短信验证码")
    DOCUMENT = "document", _("当面查验证件")


class DocumentType(models.TextChoices):
    ID_CARD = "id_card", _("居民身份证")
    PASSPORT = "passport", _("护照")
    RESIDENCE_PERMIT = "residence_permit", _("港澳台居民居住证")
    OTHER = "other", _("其他")


class Decision(models.TextChoices):
    APPROVED = "approved", _("同意")
    REFUSED = "refused", _("不同意")


class IdentityCheck(TimeStampedModel):
    """One attempt to establish that the requester is the person the data is about, and the
    second person's decision on it. What the platform holds about the person is shown only
    under a check that is verified and approved (``privacy.services.disclosure``); a refused
    check stays as a record and a new one starts. Neither the code nor the document's number
    is kept: only a keyed hash of the code while it may still be typed."""

    request = models.ForeignKey(
        DataRequest, verbose_name=_("请求"), on_delete=models.CASCADE, related_name="checks"
    )
    method = models.CharField(_("核验方式"), max_length=10, choices=Method.choices)
    document_type = models.CharField(
        _("证件类型"), max_length=20, choices=DocumentType.choices, blank=True
    )
    code_hash = models.CharField(_("验证码摘要"), max_length=64, blank=True)
    code_expires_at = models.DateTimeField(_("验证码有效期至"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("验证码错误次数"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    decision = models.CharField(_("审批结果"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reason = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("身份核验")
        verbose_name_plural = _("身份核验")

    def __str__(self) -> str:
        return f"{self.request.number} {self.get_method_display()}"


class NoticeKey(models.TextChoices):
    """The forms that collect personal data, each with its own notice (PIPL art. 17). The keys
    of the public forms are the kinds of `core.notices`, whose versions the forms send back."""

    APPEAL = "appeal", _("反映诉求（扫码、网页表单和 Open311 接口）")
    VOLUNTEER = "volunteer", _("志愿者报名")
    DATA_REQUEST = "data_request", _("个人信息权利请求")


class PrivacyNotice(TimeStampedModel):
    """One version of the personal-information notice (个人信息告知) of one form: who handles
    the data and how to reach them, what is collected and why. The retention periods are read
    from the settings when the notice is shown (`privacy.rules.retention_words`). A changed
    text is a new version; earlier versions stay, listed on the public privacy-policy page,
    and each submission keeps the version it was shown. The current version of a form is the
    latest one already in effect."""

    key = models.CharField(_("表单"), max_length=20, choices=NoticeKey.choices)
    version = models.CharField(_("版本"), max_length=20)
    title = models.CharField(_("标题"), max_length=100)
    handler = models.CharField(_("个人信息处理者"), max_length=200)
    contact = models.CharField(_("联系方式"), max_length=300)
    collected = models.TextField(_("收集的个人信息"))
    purposes = models.TextField(_("处理目的和方式"))
    effective_from = models.DateField(_("施行日期"))

    class Meta:
        ordering = ["key", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="privacy_notice_version"),
            models.UniqueConstraint(
                fields=["key", "effective_from"], name="privacy_notice_one_per_day"
            ),
        ]
        verbose_name = _("个人信息告知")
        verbose_name_plural = _("个人信息告知")

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.version}"

    @property
    def reference(self) -> str:
        """What a submission stores: key and version, e.g. "appeal/2023-08"."""
        return f"{self.key}/{self.version}"
