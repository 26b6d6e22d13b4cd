"""Parties a matter can concern: enterprises, institutions, sites and persons.

Each record belongs to the unit that registered it (`owner_unit`); visibility follows
`accounts.scoping`."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from longcheng.core.fields import BlindIndexField, EncryptedCharField
from longcheng.core.masking import mask_id_number, mask_phone
from longcheng.core.models import TimeStampedModel, VersionedModel


class PartyBase(TimeStampedModel, VersionedModel):
    owner_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
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

    class Meta:
        abstract = True


class Enterprise(PartyBase):
    name = models.CharField(_("企业名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    credit_code_override_reason = models.CharField(
        _("校验例外理由"),
        max_length=200,
        blank=True,
        help_text=_("代码未通过校验但确为有效赋码时填写。"),
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    industry = models.CharField(_("行业"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parties:enterprise_detail", args=[self.pk])


class Institution(PartyBase):
    class Kind(models.TextChoices):
        GENERAL_HOSPITAL = "general_hospital", _("综合医院")
        TCM_HOSPITAL = "tcm_hospital", _("中医医院")
        SPECIALIST_HOSPITAL = "specialist_hospital", _("专科医院")
        MATERNAL_CHILD = "maternal_child", _("妇幼保健院")
        COMMUNITY_HEALTH = "community_health", _("社区卫生服务中心")
        CLINIC = "clinic", _("诊所")
        SCHOOL = "school", _("学校")
        OTHER = "other", _("其他")

    class Grade(models.TextChoices):
        GRADE_3 = "3", _("三级")
        GRADE_2 = "2", _("二级")
        GRADE_1 = "1", _("一级")
        UNGRADED = "0", _("未定级")

    name = models.CharField(_("机构名称"), max_length=100)
    kind = models.CharField(_("机构类别"), max_length=32, choices=Kind.choices)
    grade = models.CharField(_("等级"), max_length=2, choices=Grade.choices, default=Grade.UNGRADED)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    licence_number = models.CharField(_("执业许可证号"), max_length=50, blank=True)

    class Meta:
        ordering = ["-grade", "name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parties:institution_detail", args=[self.pk])


class Site(PartyBase):
    class Kind(models.TextChoices):
        CONSTRUCTION = "construction", _("建筑工地")
        MONITORING_POINT = "monitoring_point", _("监测点位")
        VENUE = "venue", _("场馆")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在建")
        SUSPENDED = "suspended", _("停工整改")
        FINISHED = "finished", _("已完工")

    name = models.CharField(_("场所名称"), max_length=100)
    kind = models.CharField(
        _("场所类型"), max_length=20, choices=Kind.choices, default=Kind.CONSTRUCTION
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    builder = models.ForeignKey(
        Enterprise,
        verbose_name=_("建设/施工单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sites",
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("场所")
        verbose_name_plural = _("场所")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parties:site_detail", args=[self.pk])


class Person(PartyBase):
    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(
        _("居民身份证号码"), max_length=18, kind="id_number", blind_index="id_number_index"
    )
    id_number_index = BlindIndexField(db_index=True, db_default="")
    phone = EncryptedCharField(
        _("手机号码"), max_length=20, kind="phone", blind_index="phone_index", blank=True
    )
    phone_index = BlindIndexField(db_index=True, db_default="")
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    tags = models.CharField(
        _("身份标签"), max_length=100, blank=True, help_text=_("如：特邀监督员、志愿者")
    )
    employer = models.ForeignKey(
        Enterprise,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")
        permissions = [("reveal_personal_data", _("可查看完整身份证号和手机号"))]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_unit", "id_number_index"], name="person_unique_id_per_unit"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parties:person_detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
