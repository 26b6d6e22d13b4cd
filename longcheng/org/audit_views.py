from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from longcheng.accounts.roles import Role
from longcheng.audit.chain import canonical, verify_stored_chain
from longcheng.audit.models import Action, AuditAlert, AuditAnchor, AuditRecord
from longcheng.audit.services import audit_record
from longcheng.web.listing import Column, ListFilter, RegisterListView


def object_type_label(label: str) -> str:
    """'parties.person' -> '自然人': the model's own name in the user's language."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def _object_type_choices(user):
    types = AuditRecord.objects.order_by().values_list("object_type", flat=True).distinct()
    return sorted((t, object_type_label(t)) for t in types if t)


class AuditorRequired(UserPassesTestMixin):
    """Only the audit administrator reads the trail (and nobody edits it)."""

    def test_func(self):
        user = self.request.user
        return user.is_authenticated and user.role == Role.AUDITOR


class AuditRecordListView(AuditorRequired, RegisterListView):
    model = AuditRecord
    title = _("审计日志")
    template_name = "audit/record_list.html"
    unit_field = None
    search_fields = ["actor_repr", "object_repr", "object_id", "ip"]
    filters = [
        ListFilter("action", _("动作"), "action", lambda u: Action.choices),
        ListFilter(
            "object_type",
            _("对象类型"),
            "object_type",
            lambda u: [
                (t, t)
                for t in AuditRecord.objects.order_by()
                .values_list("object_type", flat=True)
                .distinct()
                if t
            ],
        ),
    ]
    default_sort = "-id"
    search_placeholder = _("搜索操作人、对象、IP…")
    columns = [
        Column(_("序号"), lambda o: o.pk, sort="id"),
        Column(_("时间"), lambda o: o.at, sort="at"),
        Column(_("操作人"), lambda o: o.actor_repr, sort="actor_repr"),
        Column(_("IP 地址"), lambda o: o.ip),
        Column(_("动作"), lambda o: o.get_action_display(), sort="action"),
        Column(_("对象类型"), lambda o: object_type_label(o.object_type)),
        Column(_("对象"), lambda o: o.object_repr),
        Column(_("本条哈希"), lambda o: o.hash[:16]),
    ]
    # For the assessor: everything a record's hash covers, and the full hashes, so the chain
    # can be recomputed outside the platform (docs/adr/0003).
    export_columns = [
        Column(_("序号"), lambda o: o.pk),
        Column(_("时间"), lambda o: o.at.isoformat()),
        Column(_("操作人"), lambda o: o.actor_repr),
        Column(_("IP 地址"), lambda o: o.ip),
        Column(_("动作"), lambda o: o.action),
        Column(_("对象类型"), lambda o: o.object_type),
        Column(_("对象编号"), lambda o: o.object_id),
        Column(_("对象"), lambda o: o.object_repr),
        Column(_("变更前摘要"), lambda o: o.before_digest),
        Column(_("变更后摘要"), lambda o: o.after_digest),
        Column(_("详情"), lambda o: canonical(o.detail)),
        Column(_("前一条哈希"), lambda o: o.prev_hash),
        Column(_("本条哈希"), lambda o: o.hash),
    ]

    def row_url(self, obj) -> str:
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["alerts"] = AuditAlert.objects.filter(handled_at__isnull=True)
        context["anchor"] = AuditAnchor.objects.first()
        return context


class AlertHandledView(AuditorRequired, View):
    """The audit administrator marks a chain alert handled (after the investigation)."""

    def post(self, request, pk: int):
        alert = get_object_or_404(AuditAlert, pk=pk, handled_at__isnull=True)
        alert.handled_at = timezone.now()
        alert.save(update_fields=["handled_at"])
        audit_record(
            actor=request.user,
            action=Action.UPDATE,
            target=alert,
            detail={"handled": True, "record_id": alert.record_id},
        )
        messages.success(request, _("已标记处理。"))
        return redirect("audit:record_list")


class AuditVerifyView(AuditorRequired, TemplateView):
    template_name = "audit/verify.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        count, broken = verify_stored_chain()
        context.update(title=_("审计链校验"), count=count, broken=broken)
        return context
