from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from .models import Notification


class NotificationListView(LoginRequiredMixin, TemplateView):
    template_name = "loop/notifications.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("消息")
        context["items"] = Notification.objects.filter(recipient=self.request.user)[:100]
        return context

    def post(self, request):
        Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        return redirect("loop:notifications")
