from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    ROLE_CHANGE = "role_change", _("角色变更")
    PERMISSION_CHANGE = "permission_change", _("权限变更")
    STATE_CHANGE = "state_change", _("状态变更")
    REVEAL = "reveal", _("查看完整个人信息")
    EXPORT = "export", _("导出")
    EXPORT_PERSONAL = "export_personal", _("导出含个人信息")
    OVERRIDE = "override", _("校验例外放行")
    PURGE = "purge", _("清理过期审计记录")
    RETENTION_PURGE = "retention_purge", _("按保存期限清除个人信息")
    LOCKOUT = "lockout", _("登录失败次数过多被锁定")
    UNLOCK = "unlock", _("解除登录锁定")
    OTP_VERIFIED = "otp_verified", _("双因素认证通过")
    OTP_FAILED = "otp_failed", _("双因素认证失败")
    OTP_ENROL = "otp_enrol", _("绑定双因素认证")
    OTP_RESET = "otp_reset", _("重置双因素认证")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET = "password_reset", _("管理员重设初始密码")
    SESSION_EXPIRED = "session_expired", _("会话超时退出")
    KEY_ROTATION = "key_rotation", _("轮换个人信息加密密钥")
    ERASURE = "erasure", _("按请求删除个人信息")
    REFUSED = "refused", _("拒绝访问或操作")


class AuditRecord(models.Model):
    """One append-only line of the audit trail. `hash` covers this record's content and the
    previous record's hash, so any edit or deletion breaks every later link; on PostgreSQL a
    trigger also refuses UPDATE and DELETE (migration 0002)."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_repr = models.CharField(_("操作人"), max_length=150)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    action = models.CharField(_("动作"), max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before_digest = models.CharField(_("变更前摘要"), max_length=64, blank=True)
    after_digest = models.CharField(_("变更后摘要"), max_length=64, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("本条哈希"), max_length=64, unique=True)
    # The audit key the hash was made with (HMAC); blank for records made before keying.
    key_id = models.CharField(_("密钥编号"), max_length=16, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"#{self.pk} {self.actor_repr} {self.action} {self.object_repr}"


class AuditAnchor(models.Model):
    """Where the chain starts after a retention purge: the hash of the last record removed.
    The verification walks from here, so a purge is no break, but any other gap is."""

    purged_through_id = models.BigIntegerField(_("清理至记录编号"))
    anchor_hash = models.CharField(_("锚点哈希"), max_length=64)
    count = models.PositiveIntegerField(_("清理条数"))
    before = models.DateTimeField(_("清理此前的记录"))
    at = models.DateTimeField(_("清理时间"))
    actor_repr = models.CharField(_("操作人"), max_length=150)

    class Meta:
        ordering = ["-purged_through_id"]
        verbose_name = _("审计清理锚点")
        verbose_name_plural = _("审计清理锚点")

    def __str__(self) -> str:
        return f"≤{self.purged_through_id} {self.anchor_hash[:12]}"


class AuditAlert(models.Model):
    """Raised by the scheduled verification when the chain is broken; shown to the audit and
    security administrators until one of them marks it handled."""

    raised_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    record_id = models.BigIntegerField(_("断裂处记录编号"))
    checked = models.PositiveIntegerField(_("已校验条数"))
    reason = models.CharField(_("原因"), max_length=200)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("审计链告警")
        verbose_name_plural = _("审计链告警")

    def __str__(self) -> str:
        return f"{self.raised_at:%Y-%m-%d} id={self.record_id}"
