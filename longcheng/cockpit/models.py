from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Bulletin(models.Model):
    """月度通报: one per month, as PDF and xlsx, regenerated on request (the old files are
    replaced, the regeneration is audited)."""

    month = models.DateField(_("月份"), unique=True)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空表示由平台按月自动生成"),
    )
    pdf = models.FileField(_("PDF"), upload_to="bulletins/")
    xlsx = models.FileField(_("Excel"), upload_to="bulletins/")
    summary = models.JSONField(_("要点"), default=dict)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("月度通报")
        verbose_name_plural = _("月度通报")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
