from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from longcheng.accounts.roles import EXTERNAL_ROLES, Role
from longcheng.accounts.scoping import reads_business_records, visible_units
from longcheng.audit.models import AuditRecord

from .home import home_alerts, home_cards
from .queues import user_work_queues


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role lands on what it works with."""

    template_name = "web/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["business"] = reads_business_records(user)
        context["alerts"] = home_alerts(user)
        # Staff see the queues with work in them; someone from outside (a judge) has nothing
        # else on the page, so their queue shows even when empty, as the way to their work.
        external = user.role in EXTERNAL_ROLES
        context["queues"] = [q for q in user_work_queues(user) if q.count or external]
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


class TodoForm(forms.Form):
    """The 待办 page's address: which queue and which page, bounded."""

    queue = forms.ChoiceField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, data, *, keys):
        super().__init__(data)
        self.fields["queue"].choices = [("", "")] + [(k, k) for k in keys]


class TodoView(LoginRequiredMixin, TemplateView):
    """我的待办: every queue the user has as a tab, the chosen one's rows in the order to work
    them. A key that is not one of the user's queues reads as not given."""

    template_name = "web/todo.html"
    per_page = 25

    def get_context_data(self, **kwargs):
        user = self.request.user
        queues = user_work_queues(user)
        form = TodoForm(self.request.GET, keys=[q.key for q in queues])
        form.is_valid()
        chosen = form.cleaned_data.get("queue") if "queue" not in form.errors else ""
        active = next((q for q in queues if q.key == chosen), None) or next(
            (q for q in queues if q.count), queues[0] if queues else None
        )
        page_obj = None
        rows = []
        if active is not None:
            paginator = Paginator(active.items, self.per_page)
            number = form.cleaned_data.get("page") if "page" not in form.errors else 1
            page_obj = paginator.get_page(number or 1)
            rows = [active.row(record) for record in page_obj.object_list]
        return super().get_context_data(
            queues=queues, active=active, rows=rows, page_obj=page_obj, **kwargs
        )
