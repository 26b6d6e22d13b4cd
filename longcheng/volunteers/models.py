"""志愿者: recruitment campaigns, positions and venues, applications, screening, interviews with
judges' scores, selection, publicity with objections, shifts and assignments, attendance,
service hours, and standing teams with their training and certificates."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from longcheng.core.fields import BlindIndexField, EncryptedCharField
from longcheng.core.masking import mask_id_number, mask_phone
from longcheng.core.models import TimeStampedModel, VersionedModel

from .workflow import LEVELS, Status


def default_publicity_days() -> int:
    """The working days of a publicity round unless a campaign says otherwise (the setting)."""
    return settings.LONGCHENG_VOLUNTEER_PUBLICITY_WORKING_DAYS


def new_venue_token() -> str:
    """A venue's check-in link: 128 random bits, so no one reaches a venue's page by guessing
    its name (the page takes any volunteer's code)."""
    return secrets.token_urlsafe(16)


class Venue(models.Model):
    name = models.CharField(_("场馆"), max_length=100, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    token = models.CharField(
        _("签到码"), max_length=40, unique=True, default=new_venue_token, editable=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("服务场馆")
        verbose_name_plural = _("服务场馆")

    def __str__(self) -> str:
        return self.name


class RecruitmentCampaign(TimeStampedModel, VersionedModel):
    name = models.CharField(_("招募活动"), max_length=100)
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("招募说明"), blank=True)
    apply_until = models.DateField(_("报名截止"))
    service_from = models.DateField(_("服务开始"))
    service_until = models.DateField(_("服务结束"))
    min_age = models.PositiveIntegerField(_("最低年龄"), default=18)
    max_age = models.PositiveIntegerField(_("最高年龄"), default=35)
    places = models.PositiveIntegerField(_("录用名额"))
    publicity_days = models.PositiveIntegerField(
        _("公示期（工作日）"), default=default_publicity_days
    )
    # [{"code": "intro", "name": "自我介绍", "weight": 30}, ...] — scores are 0–100 per item.
    rubric = models.JSONField(_("面试评分标准"), default=list)
    slug = models.SlugField(_("报名链接标识"), max_length=40, unique=True)
    # The first publication; each publication, with its period, is a PublicityRound.
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    # 确认录用: after the current round's period and the answer to every objection.
    confirmed_at = models.DateTimeField(_("确认录用时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when a mark is corrected after the allocation ran; cleared by the next run.
    rerun_needed = models.BooleanField(_("需重新分配"), default=False)

    class Meta:
        ordering = ["-service_from"]
        verbose_name = _("招募活动")
        verbose_name_plural = _("招募活动")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("volunteers:campaign_detail", args=[self.pk])

    @property
    def publicity_until(self):
        """The last day of the current publicity round (None before the publication); set only
        by the publicity services, one PublicityRound at a time."""
        current = self.rounds.order_by("-number").first()
        return current.until if current else None


class Position(models.Model):
    campaign = models.ForeignKey(
        RecruitmentCampaign, on_delete=models.CASCADE, related_name="positions"
    )
    name = models.CharField(_("岗位"), max_length=50)
    venue = models.ForeignKey(Venue, verbose_name=_("场馆"), on_delete=models.PROTECT)
    required = models.PositiveIntegerField(_("需求人数"))
    language = models.CharField(_("语言要求"), max_length=20, blank=True)
    language_level = models.PositiveSmallIntegerField(
        _("语言最低等级"), choices=LEVELS, null=True, blank=True
    )
    certificate = models.CharField(_("须持证书"), max_length=50, blank=True)
    skills = models.CharField(_("技能要求"), max_length=200, blank=True)
    # [["08:00", "13:00"], ["13:00", "18:00"]] — the daily shift pattern.
    shift_pattern = models.JSONField(_("班次安排"), default=list)
    shift_demand = models.PositiveIntegerField(_("每班人数"), default=1)

    class Meta:
        ordering = ["campaign", "pk"]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")

    def __str__(self) -> str:
        return f"{self.name}（{self.venue}）"


class Application(TimeStampedModel, VersionedModel):
    """报名: one per resident ID per campaign."""

    campaign = models.ForeignKey(
        RecruitmentCampaign, on_delete=models.PROTECT, related_name="applications"
    )
    code = models.CharField(_("查询码"), max_length=12, unique=True)
    full_name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(
        _("居民身份证号码"), max_length=18, kind="id_number", blind_index="id_number_index"
    )
    id_number_index = BlindIndexField(db_index=True, db_default="")
    gender = models.CharField(_("性别"), max_length=1)
    birth_date = models.DateField(_("出生日期"))
    phone = EncryptedCharField(
        _("手机号码"), max_length=20, kind="phone", blind_index="phone_index"
    )
    phone_index = BlindIndexField(db_index=True, db_default="")
    organisation = models.CharField(_("学校或工作单位"), max_length=100)
    languages = models.JSONField(_("语言能力"), default=list)  # [{"language": "英语", "level": 4}]
    skills = models.CharField(_("技能特长"), max_length=300, blank=True)
    certificates = models.CharField(_("证书"), max_length=300, blank=True)
    available_dates = models.JSONField(_("可服务日期"), default=list)  # ["2023-08-25", ...]
    preferences = models.JSONField(_("岗位志愿"), default=list)  # [position ids], best first
    experienced = models.BooleanField(_("有大型活动志愿服务经历"), default=False)
    photo = models.ImageField(_("照片"), upload_to="volunteers/photos/", blank=True)
    consent_at = models.DateTimeField(_("同意个人信息处理时间"))
    # The notice the applicant read, as "volunteer/<version>" (core.notices).
    consent_notice = models.CharField(_("同意的告知版本"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    screening_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    slot = models.ForeignKey(
        "InterviewSlot", null=True, blank=True, on_delete=models.SET_NULL, related_name="applicants"
    )
    score = models.DecimalField(
        _("面试成绩"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    score_flagged = models.BooleanField(_("评委分歧较大"), default=False)
    position = models.ForeignKey(
        Position,
        verbose_name=_("录用岗位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="selected",
    )
    outcome_note = models.CharField(_("结果说明"), max_length=300, blank=True)
    wait_rank = models.PositiveIntegerField(_("候补序号"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "id_number_index"], name="one_application_per_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.campaign}）"

    def get_absolute_url(self) -> str:
        return reverse("volunteers:application_detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        """张*三, 张*, 欧阳**: the first and (from three characters) the last character."""
        name = self.full_name
        if len(name) <= 2:
            return name[:1] + "*"
        return name[0] + "*" * (len(name) - 2) + name[-1]

    @property
    def id_tail(self) -> str:
        """The last four characters of the ID number: all a public list needs to tell two
        people of the same name apart (个人信息保护法 Art. 6, minimum necessary)."""
        number = self.id_number or ""
        return number[-4:] if len(number) == 18 else ""

    def level(self, language: str) -> int:
        return max(
            (int(x.get("level") or 0) for x in self.languages if x.get("language") == language),
            default=0,
        )


class InterviewSession(models.Model):
    campaign = models.ForeignKey(
        RecruitmentCampaign, on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("面试日期"))
    room = models.CharField(_("考场"), max_length=50)
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("评委"), related_name="judging_sessions"
    )

    class Meta:
        ordering = ["date", "room"]
        verbose_name = _("面试场次")
        verbose_name_plural = _("面试场次")

    def __str__(self) -> str:
        return f"{self.date} {self.room}"


class InterviewSlot(models.Model):
    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("开始时间"))
    capacity = models.PositiveIntegerField(_("人数"), default=10)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("面试时段")
        verbose_name_plural = _("面试时段")

    def __str__(self) -> str:
        return f"{self.session.room} {self.starts_at:%m-%d %H:%M}"


class Score(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criterion = models.CharField(_("评分项"), max_length=20)
    value = models.DecimalField(_("分数"), max_digits=5, decimal_places=1)
    scored_at = models.DateTimeField(_("评分时间"))

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(fields=["application", "judge", "criterion"], name="score_once")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.criterion} {self.value}"


class SelectionRun(models.Model):
    """One solve of the allocation, kept with the solver's status and objective."""

    campaign = models.ForeignKey(RecruitmentCampaign, on_delete=models.CASCADE, related_name="runs")
    ran_at = models.DateTimeField()
    ran_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20)
    objective = models.BigIntegerField()
    placed = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.campaign} {self.ran_at:%Y-%m-%d %H:%M} {self.status}"


class Override(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="overrides")
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT)
    reason = models.CharField(_("理由"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.application} → {self.position}"


class PublicityRound(models.Model):
    """One publication of the selected list, with its own period in working days. The first is
    the publication; each change of the list afterwards (someone added or removed, before the
    confirmation) is published again as the next round, with its reason."""

    campaign = models.ForeignKey(
        RecruitmentCampaign, on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveIntegerField(_("轮次"))
    published_at = models.DateTimeField(_("公示时间"))
    # Unknown only for a publication made before rounds were kept (migration 0006).
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    working_days = models.PositiveIntegerField(_("公示期（工作日）"))
    # The last day of the period: objections are taken until the end of that working day.
    until = models.DateField(_("公示截止（含当日）"))
    # The list as published: [[application id, position id], ...]; ids only, so clearing an
    # applicant's identity (retention, erasure) leaves no copy here.
    members = models.JSONField(_("公示名单"), default=list)
    added = models.JSONField(_("新增"), default=list)
    removed = models.JSONField(_("移出"), default=list)
    reason = models.CharField(_("变更理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["campaign", "number"]
        verbose_name = _("公示轮次")
        verbose_name_plural = _("公示轮次")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="publicity_round_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.number}"


class Objection(models.Model):
    campaign = models.ForeignKey(
        RecruitmentCampaign, on_delete=models.CASCADE, related_name="objections"
    )
    round = models.ForeignKey(
        PublicityRound,
        verbose_name=_("公示轮次"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    text = models.TextField(_("异议内容"))
    contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    submitted_at = models.DateTimeField()
    # The answer: who, when, what.
    handled_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    handling = models.TextField(_("处理结果"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self) -> str:
        return self.text[:30]


class Shift(models.Model):
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    demand = models.PositiveIntegerField(_("需要人数"))

    class Meta:
        ordering = ["starts_at", "position"]
        verbose_name = _("班次")
        verbose_name_plural = _("班次")

    def __str__(self) -> str:
        return f"{self.position.name} {self.starts_at:%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class CheckinReview(models.TextChoices):
    """A check-in made after its shift had ended waits for a staff member's decision."""

    NONE = "", _("无需审核")
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已认可")
    REFUSED = "refused", _("不予认可")


class Assignment(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    replacement = models.BooleanField(_("候补替换"), default=False)
    checked_in_at = models.DateTimeField(_("签到"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退"), null=True, blank=True)
    late = models.BooleanField(_("迟到"), default=False)
    no_show = models.BooleanField(_("缺勤"), default=False)
    dropped = models.BooleanField(_("已退出"), default=False)
    review = models.CharField(
        _("迟到签到审核"),
        max_length=10,
        choices=CheckinReview.choices,
        default=CheckinReview.NONE,
        db_default=CheckinReview.NONE,
        blank=True,
        db_index=True,
    )
    review_reason = models.CharField(_("审核理由"), max_length=200, blank=True, db_default="")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["shift__starts_at"]
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        constraints = [
            models.UniqueConstraint(fields=["shift", "application"], name="assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.application.full_name} @ {self.shift}"

    @property
    def hours(self) -> float:
        """服务时长 by the one rule (rules.credited_hours)."""
        from longcheng.core import clock

        from .rules import credited_hours

        return credited_hours(
            starts_at=self.shift.starts_at,
            ends_at=self.shift.ends_at,
            checked_in_at=self.checked_in_at,
            checked_out_at=self.checked_out_at,
            review=self.review,
            now=clock.now(),
        )


class Team(models.Model):
    """A standing team (龙城铁骑) and its members."""

    name = models.CharField(_("队伍"), max_length=50, unique=True)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("简介"), blank=True)

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(
        _("居民身份证号码"), max_length=18, kind="id_number", blind_index="id_number_index"
    )
    id_number_index = BlindIndexField(db_index=True, db_default="")
    phone = EncryptedCharField(
        _("手机号码"), max_length=20, kind="phone", blind_index="phone_index"
    )
    phone_index = BlindIndexField(db_index=True, db_default="")
    joined_on = models.DateField(_("入队日期"))

    class Meta:
        ordering = ["team", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "id_number_index"], name="member_once")
        ]

    def __str__(self) -> str:
        return self.full_name


class TrainingSession(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="trainings")
    subject = models.CharField(_("培训科目"), max_length=100)
    contents = models.TextField(_("培训内容"), blank=True)
    trainer = models.CharField(_("教员"), max_length=50)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100)
    certificate = models.CharField(
        _("考核合格授予证书"), max_length=50, blank=True, help_text=_("如：水域救援")
    )

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("培训")
        verbose_name_plural = _("培训")

    def __str__(self) -> str:
        return f"{self.held_on} {self.subject}"


class TrainingRecord(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="records")
    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="trainings")
    attended = models.BooleanField(_("出勤"), default=True)
    passed = models.BooleanField(_("考核合格"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="training_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.session}"


class Certificate(models.Model):
    """A qualification held by a person (by ID number), which positions may require."""

    id_number = EncryptedCharField(
        _("居民身份证号码"), max_length=18, kind="id_number", blind_index="id_number_index"
    )
    id_number_index = BlindIndexField(db_index=True, db_default="")
    kind = models.CharField(_("证书"), max_length=50)
    issued_on = models.DateField(_("取得日期"))
    training = models.ForeignKey(
        TrainingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")

    def __str__(self) -> str:
        return self.kind
