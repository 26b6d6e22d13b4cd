"""消息: one user's notices by kind, unread or all, searchable and paged; opening one reads it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .models import Notification
from .notifications import notification_open, notifications_mark_read
from .selectors import notification_kind_counts, notifications_of

Kind = Notification.Kind


class NotificationQueryForm(forms.Form):
    """The page's address (and the mark-all form's fields): anything invalid reads as not given."""

    state = forms.ChoiceField(required=False, choices=[("", ""), ("unread", ""), ("all", "")])
    kind = forms.ChoiceField(required=False, choices=[("", ""), *Kind.choices])
    q = forms.CharField(required=False, max_length=100, strip=True)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)

    def values(self) -> dict:
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}


def _address(state: str = "", kind: str = "", q: str = "") -> str:
    params = QueryDict(mutable=True)
    for name, value in (("state", state), ("kind", kind), ("q", q)):
        if value:
            params[name] = value
    return params.urlencode()


class NotificationListView(LoginRequiredMixin, TemplateView):
    template_name = "loop/notifications.html"
    per_page = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        params = NotificationQueryForm(self.request.GET).values()
        state = params.get("state") or "unread"
        kind = params.get("kind") or ""
        query = params.get("q") or ""
        unread_only = state == "unread"
        page_obj = Paginator(
            notifications_of(user, kind=kind, unread_only=unread_only, query=query),
            self.per_page,
        ).get_page(params.get("page") or 1)
        unread_by_kind = notification_kind_counts(user, unread_only=True)
        by_kind = (
            unread_by_kind if unread_only else notification_kind_counts(user, unread_only=False)
        )
        kinds = [
            {"value": value, "label": label, "count": by_kind.get(value, 0)}
            for value, label in Kind.choices
            if by_kind.get(value) or value == kind
        ]
        if kind:
            scope_label = Kind(kind).label
            confirm = _("将“%(k)s”类的未读消息全部标为已读？") % {"k": scope_label}
        else:
            confirm = _("将全部未读消息标为已读？")
        if query:
            confirm = _("将符合当前筛选（“%(q)s”）的未读消息全部标为已读？") % {"q": query}
        context.update(
            title=_("消息"),
            state=state,
            kind=kind,
            query=query,
            kinds=kinds,
            kind_total=sum(by_kind.values()),
            unread_total=sum(unread_by_kind.values()),
            page_obj=page_obj,
            items=page_obj.object_list,
            confirm=confirm,
            # The filters every link on the page keeps (the page number aside).
            querystring=_address(state, kind, query),
            state_unread=_address("unread", kind, query),
            state_all=_address("all", kind, query),
            kind_all=_address(state, "", query),
        )
        return context

    def post(self, request):
        """全部标为已读: the notices the page shows with these filters, this user's only."""
        form = NotificationQueryForm(request.POST)
        params = form.values()
        kind, query = params.get("kind") or "", params.get("q") or ""
        if form.errors:
            # A filter the page never offered: marking "everything" instead would be a surprise.
            messages.error(request, _("筛选条件无效，未标记任何消息。"))
        else:
            n = notifications_mark_read(user=request.user, kind=kind, query=query)
            messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": n})
        address = _address(params.get("state") or "", kind, query)
        return redirect(reverse("loop:notifications") + (f"?{address}" if address else ""))


class NotificationOpenView(LoginRequiredMixin, View):
    """A click on a notice: it is read, then the page it names opens. Only the recipient's own
    notice (anyone else gets 404, and nothing is written)."""

    def get(self, request, pk: int):
        try:
            notice = notification_open(user=request.user, pk=pk)
        except Notification.DoesNotExist:
            raise Http404 from None
        url = notice.url
        if url.startswith("/") and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(url)
        return redirect("loop:notifications")
