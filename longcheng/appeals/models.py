"""Appeals (诉求): the business-environment supervision of 小店区 on top of the loop.

An `Appeal` is the public face of a loop `Matter`: how it came in (a monitoring point's QR
code, a special supervisor, the 办不成事 window, the Open311 API), the tracking code the
reporter follows it with, and the enterprise it concerns."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from longcheng.core.models import TimeStampedModel

# Tracking codes avoid look-alike characters (0/O, 1/I/L) so they can be read over the phone.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


class MonitoringPoint(TimeStampedModel):
    """营商环境监测点 — a place with a supervision QR code."""

    code = models.SlugField(_("点位编码"), max_length=40, unique=True)
    name = models.CharField(_("监测点名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    division = models.ForeignKey(
        "core.Division",
        verbose_name=_("所在区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("负责单位"),
        on_delete=models.PROTECT,
        related_name="monitoring_points",
    )
    fallback_window = models.BooleanField(
        _("办不成事兜底窗口"), default=False, help_text=_("该点位的诉求进入“办不成事”窗口队列")
    )
    opened_on = models.DateField(_("挂牌日期"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("营商环境监测点")
        verbose_name_plural = _("营商环境监测点")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("appeals:point_detail", args=[self.pk])


class Supervisor(TimeStampedModel):
    """特邀监督员 — an appointed entrepreneur who reports on behalf of enterprises."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.PROTECT,
        related_name="supervisor",
    )
    person = models.ForeignKey(
        "parties.Person",
        verbose_name=_("自然人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "parties.Enterprise",
        verbose_name=_("所在企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("职务"), max_length=100, blank=True)
    committee = models.ForeignKey(
        "core.Unit",
        verbose_name=_("聘任单位"),
        on_delete=models.PROTECT,
        related_name="supervisors",
    )
    appointed_on = models.DateField(_("聘任日期"))
    is_active = models.BooleanField(_("在聘"), default=True)

    class Meta:
        ordering = ["appointed_on", "pk"]
        verbose_name = _("特邀监督员")
        verbose_name_plural = _("特邀监督员")

    def __str__(self) -> str:
        return self.user.full_name


class Appeal(TimeStampedModel):
    matter = models.OneToOneField(
        "loop.Matter", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="appeal"
    )
    tracking_code = models.CharField(
        _("查询码"), max_length=12, unique=True, default=new_tracking_code
    )
    # One per form render: a double tap on "submit" finds the first appeal, not a second one.
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    point = models.ForeignKey(
        MonitoringPoint,
        verbose_name=_("监测点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    supervisor = models.ForeignKey(
        Supervisor,
        verbose_name=_("特邀监督员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    enterprise_name = models.CharField(_("企业名称"), max_length=100, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    fallback_window = models.BooleanField(_("办不成事窗口"), default=False, db_index=True)
    consent_at = models.DateTimeField(_("同意个人信息告知的时间"), null=True, blank=True)
    # The notice the person read, as "appeal/<version>" (core.notices).
    consent_notice = models.CharField(_("同意的告知版本"), max_length=40, blank=True)
    api_key = models.ForeignKey(
        "appeals.ApiKey",
        verbose_name=_("接口密钥"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")

    def __str__(self) -> str:
        return self.matter.number


class ApiKey(TimeStampedModel):
    """An Open311 client (a partner app, a district platform). Keys are stored hashed."""

    name = models.CharField(_("调用方"), max_length=100)
    prefix = models.CharField(_("密钥前缀"), max_length=8, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Open311 接口密钥")
        verbose_name_plural = _("Open311 接口密钥")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class CommitteeMeeting(TimeStampedModel):
    """营商环境监督委员会全体会议."""

    committee = models.ForeignKey(
        "core.Unit", verbose_name=_("委员会"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("参会人员"), blank=True, related_name="+"
    )
    other_attendees = models.CharField(_("其他参会人员"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("监督委员会全体会议")
        verbose_name_plural = _("监督委员会全体会议")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("appeals:meeting_detail", args=[self.pk])


class AgendaItem(models.Model):
    meeting = models.ForeignKey(CommitteeMeeting, on_delete=models.CASCADE, related_name="items")
    matter = models.ForeignKey(
        "loop.Matter", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    reason = models.CharField(_("上会原因"), max_length=200)
    lead_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("决定主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("决定办结期限"), null=True, blank=True)
    instructions = models.TextField(_("会议决定"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("会议议题")
        verbose_name_plural = _("会议议题")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "matter"], name="agenda_matter_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.matter.number}"
