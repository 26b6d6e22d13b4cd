from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One uploaded file: its dry run, and its commit (all rows or none)."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("正在检查")
        COMMITTING = "committing", _("正在导入")
        CHECKED = "checked", _("检查通过，待导入")
        REJECTED = "rejected", _("检查未通过")
        COMMITTED = "committed", _("已导入")

    kind = models.CharField(_("导入类型"), max_length=20)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    bad_rows = models.PositiveIntegerField(_("有误行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    # What the upload form said besides the file (the coordinate system of a boundary file),
    # read again by the commit.
    options = models.JSONField(_("导入选项"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    created_objects = models.PositiveIntegerField(_("写入记录数"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    # While a background job checks or writes the file: whose job it is (one per person, held
    # by the unique constraint) and when it last reported (a dead job frees the slot).
    running_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    job_heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        constraints = [
            models.UniqueConstraint(fields=["running_for"], name="one_running_import_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.COMMITTING)
