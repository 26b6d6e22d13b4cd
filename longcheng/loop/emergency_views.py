"""应急模式's page: start (the dispatch centre, with its categories and a confirmation), end,
and the history of emergencies with what each received."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from longcheng.accounts.policies import runs_dispatch_centre
from longcheng.core.errors import LongchengError
from longcheng.web.actions import form_errors

from . import services
from .emergency import emergency_history, emergency_on, emergency_surge
from .forms import EmergencyEndForm, EmergencyStartForm
from .models import EmergencyMode
from .views import BusinessRequired


class DispatchCentreRequired(BusinessRequired):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not runs_dispatch_centre(request.user):
            raise PermissionDenied(_("应急模式由派单中心启动和结束。"))
        return super().dispatch(request, *args, **kwargs)


class EmergencyView(DispatchCentreRequired, TemplateView):
    template_name = "loop/emergency.html"

    def get_context_data(self, **kwargs):
        current = emergency_on()
        history = emergency_history().annotate(received=Count("matters"))
        return super().get_context_data(
            title=_("应急模式"),
            current=current,
            surge=emergency_surge(current) if current else None,
            start_form=kwargs.pop("start_form", None)
            or (None if current else EmergencyStartForm()),
            end_form=kwargs.pop("end_form", None) or (EmergencyEndForm() if current else None),
            history=history,
            **kwargs,
        )

    def post(self, request):
        form = EmergencyStartForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("未启动：%(e)s") % {"e": form_errors(form)})
            return self.render_to_response(self.get_context_data(start_form=form), status=400)
        data = form.cleaned_data
        try:
            services.emergency_start(
                actor=request.user,
                title=data["title"],
                note=data["note"],
                categories=data["categories"],
            )
        except LongchengError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("应急模式已启动，已通知派单员和各单位领导。"))
        return redirect("loop:emergency")


class EmergencyEndView(DispatchCentreRequired, View):
    def post(self, request, pk):
        emergency = get_object_or_404(EmergencyMode, pk=pk)
        form = EmergencyEndForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("未结束：%(e)s") % {"e": form_errors(form)})
            return redirect("loop:emergency")
        try:
            services.emergency_end(
                actor=request.user, emergency=emergency, note=form.cleaned_data["note"]
            )
        except LongchengError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("应急模式已结束，表单恢复全部诉求类别。"))
        return redirect("loop:emergency")
