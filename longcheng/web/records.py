"""Detail, create and edit screens for unit-owned records, scoped by `accounts.scoping`."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from longcheng.accounts.scoping import reads_business_records, scope_queryset
from longcheng.audit.snapshots import model_snapshot
from longcheng.core.errors import LongchengError
from longcheng.core.redirects import safe_next


class ScopedRecordMixin(LoginRequiredMixin):
    model = None
    unit_field = "owner_unit"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not reads_business_records(request.user):
            raise PermissionDenied(_("您的角色不查看业务数据。"))
        return super().dispatch(request, *args, **kwargs)

    def scoped_queryset(self):
        return scope_queryset(self.model._default_manager.all(), self.request.user, self.unit_field)

    def get_object(self):
        # A record outside the user's scope is indistinguishable from one that does not exist.
        return get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])


class RecordDetailView(ScopedRecordMixin, TemplateView):
    template_name = "web/detail.html"
    fields: list[tuple[str, object]] = []  # (label, callable(obj))
    edit_url_name = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context.update(
            object=obj,
            title=str(obj),
            kind=self.model._meta.verbose_name,
            rows=[(label, value(obj)) for label, value in self.fields],
            edit_url_name=self.edit_url_name,
        )
        return context


class RecordFormView(ScopedRecordMixin, FormView):
    """Create (no pk) or edit (pk) one record through its service functions."""

    template_name = "web/form.html"
    form_class = None
    create_service = None
    update_service = None

    def get_instance(self):
        if "pk" in self.kwargs:
            if not hasattr(self, "_instance"):
                self._instance = self.get_object()
            return self._instance
        return self.model()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_instance()
        if self.request.method == "GET" and "pk" in self.kwargs:
            kwargs["initial"] = {"version": kwargs["instance"].version}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        instance = self.get_instance()
        verbose = self.model._meta.verbose_name
        if instance.pk:
            context["title"] = _("修改%(kind)s：%(name)s") % {"kind": verbose, "name": instance}
            context["cancel_url"] = instance.get_absolute_url()
        else:
            context["title"] = _("新建%(kind)s") % {"kind": verbose}
            context["cancel_url"] = safe_next(self.request, "..")
        return context

    def form_valid(self, form):
        instance = form.instance
        try:
            if instance.pk:
                before = self.snapshot_before
                expected = form.cleaned_data.get("version") or instance.version
                self.update_service(
                    instance=instance,
                    before=before,
                    expected_version=expected,
                    fields=[f for f in form.Meta.fields],
                    actor=self.request.user,
                )
                messages.success(self.request, _("已保存。"))
            else:
                self.create_service(instance=instance, actor=self.request.user)
                messages.success(self.request, _("已登记。"))
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return redirect(instance.get_absolute_url())

    def post(self, request, *args, **kwargs):
        # Taken before the form writes the submitted values into the instance.
        if "pk" in self.kwargs:
            self.snapshot_before = model_snapshot(self.get_instance())
        return super().post(request, *args, **kwargs)
