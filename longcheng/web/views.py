from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from longcheng.accounts.roles import EXTERNAL_ROLES, Role
from longcheng.accounts.scoping import reads_business_records, visible_units
from longcheng.audit.models import AuditRecord

from .home import home_alerts, home_cards


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role lands on what it works with."""

    template_name = "web/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["business"] = reads_business_records(user)
        context["alerts"] = home_alerts(user)
        if context["business"]:
            context["cards"] = home_cards(user)
            context["units"] = visible_units(user).order_by("path")[:30]
        elif user.role in EXTERNAL_ROLES:  # a judge's queue
            context["cards"] = home_cards(user, external_user=True)
        context["is_auditor"] = user.role == Role.AUDITOR
        context["is_sysadmin"] = user.role == Role.SYSADMIN
        context["is_secadmin"] = user.role == Role.SECADMIN
        if context["is_auditor"]:
            context["recent_audit"] = AuditRecord.objects.select_related(None)[:10]
        return context


def permission_denied(request, exception=None):
    """Every refused page or action is answered in plain words and recorded as a security
    event (who tried what), then rendered by Django's own 403 view (templates/403.html)."""
    from django.views.defaults import permission_denied as render_403

    from longcheng.audit.services import audit_refusal

    user = request.user if getattr(request, "user", None) else None
    audit_refusal(
        actor=user,
        what=f"{request.method} {request.path}"[:200],
        detail={"message": str(exception or "")[:200]},
    )
    return render_403(request, exception)
