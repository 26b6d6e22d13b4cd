"""The staff side of 告知诉求人: a citizen who asks by phone to stop (or resume) the progress
messages about their matter (the panel on the matter page is citizen_updates.matter_panel)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from longcheng.audit.context import client_ip
from longcheng.core.errors import LongchengError
from longcheng.web.actions import parse

from .citizen_updates import matter_updates_opt_out
from .views import MatterMixin


class ReporterUpdatesForm(forms.Form):
    opt_out = forms.BooleanField(label=_("不再接收进度消息"), required=False)


class ReporterUpdatesView(MatterMixin, View):
    """POST only: the reporter's wish, recorded by the member of staff who heard it."""

    def post(self, request, pk):
        matter = self.get_matter()
        try:
            data = parse(ReporterUpdatesForm(request.POST))
            matter = matter_updates_opt_out(
                matter=matter,
                actor=request.user,
                opt_out=data["opt_out"],
                via="staff",
                ip=client_ip(request),
            )
        except LongchengError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("已记录：诉求人不再接收进度消息。")
                if matter.updates_opt_out
                else _("已恢复向诉求人发送进度消息。"),
            )
        return redirect(matter.get_absolute_url())
