from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from longcheng.accounts.scoping import scope_queryset
from longcheng.core.errors import LongchengError
from longcheng.web.access import BusinessStaffRequired, is_business_staff
from longcheng.web.actions import Act
from longcheng.web.exports import xlsx_response
from longcheng.web.home import NavItem
from longcheng.web.listing import Column, ListFilter, RegisterListView

from . import services
from .erasure import data_request_erase, erasure_summary
from .forms import (
    AnswerForm,
    ApproveForm,
    CodeForm,
    CopyForm,
    DataRequestForm,
    DocumentCheckForm,
    EraseForm,
    SendCodeForm,
    StepForm,
)
from .models import DataRequest, Kind, Method, Status
from .rules import approval_refusal, retention_words, rights_words
from .selectors import data_request_holdings, disclosure, holding_counts, notices_published

REVEAL = "parties.reveal_personal_data"


def privacy_nav_items(user) -> list[NavItem]:
    if not is_business_staff(user):
        return []
    waiting = scope_queryset(
        DataRequest.objects.filter(status=Status.RECEIVED), user, "unit"
    ).count()
    return [NavItem(str(_("个人信息请求")), reverse("privacy:list"), "person-check", waiting)]


class DataRequestListView(BusinessStaffRequired, RegisterListView):
    model = DataRequest
    title = gettext_lazy("个人信息权利请求")
    unit_field = "unit"
    search_fields = ["requester_name", "detail"]
    exact_search_fields = ["requester_phone"]
    search_placeholder = gettext_lazy("搜索请求人、完整手机号码、内容…")
    filters = [
        ListFilter("status", gettext_lazy("状态"), "status", lambda u: Status.choices),
        ListFilter("kind", gettext_lazy("请求类型"), "kind", lambda u: Kind.choices),
    ]
    default_sort = "due_date"
    create_url_name = "privacy:create"
    columns = [
        Column(gettext_lazy("编号"), lambda o: o.number, sort="id", link=True),
        Column(gettext_lazy("请求类型"), lambda o: o.get_kind_display(), sort="kind"),
        Column(gettext_lazy("请求人"), lambda o: o.requester_name, sort="requester_name"),
        Column(
            gettext_lazy("手机号码"), lambda o: o.masked_phone, personal=lambda o: o.requester_phone
        ),
        Column(gettext_lazy("受理时间"), lambda o: o.received_at, sort="received_at"),
        Column(
            gettext_lazy("答复期限"),
            lambda o: f"{o.due_date} {_('已超期') if o.overdue else ''}".strip(),
            sort="due_date",
        ),
        Column(gettext_lazy("状态"), lambda o: o.get_status_display(), sort="status"),
        Column(gettext_lazy("办理单位"), lambda o: o.unit),
    ]

    def base_queryset(self):
        return DataRequest.objects.select_related("unit")

    def row_url(self, obj) -> str:
        return reverse("privacy:detail", args=[obj.pk])


class DataRequestCreateView(BusinessStaffRequired, FormView):
    template_name = "privacy/create.html"  # the form, after the notice read to the requester
    form_class = DataRequestForm
    extra_context = {
        "title": gettext_lazy("受理个人信息权利请求"),
        "cancel_url": "/privacy/",
    }

    def form_valid(self, form):
        request = services.data_request_receive(actor=self.request.user, **form.cleaned_data)
        messages.success(
            self.request,
            _("已受理 %(n)s，请于 %(d)s 前答复。") % {"n": request.number, "d": request.due_date},
        )
        return redirect("privacy:detail", pk=request.pk)


def _send_code(request, obj, data):
    services.data_request_send_code(actor=request.user, request=obj)
    return _("验证码已发送到请求人的手机（%(m)d 分钟内有效），请请求人读出后输入。") % {
        "m": services.CODE_MINUTES
    }


def _check_code(request, obj, data):
    services.data_request_check_code(actor=request.user, request=obj, code=data["code"]).verified()
    return _("验证码正确，请求人身份已核验；请另一位有权限的人员审批。")


def _check_document(request, obj, data):
    services.data_request_check_document(
        actor=request.user,
        request=obj,
        document_type=data["document_type"],
        document_number=data["document_number"],
    ).verified()
    return _("已记录当面查验证件，请求人身份已核验；请另一位有权限的人员审批。")


def _approve(request, obj, data):
    services.data_request_approve_disclosure(actor=request.user, request=obj, reason=data["reason"])
    return _("已同意，平台保存的该人个人信息现可查看和导出。")


def _refuse(request, obj, data):
    services.data_request_refuse_disclosure(actor=request.user, request=obj, reason=data["reason"])
    return _("已不同意，该核验作废，需重新核验请求人身份。")


# The verification and approval steps: each its form (with its prefix on the page) and the
# service call returning the success message.
ACTIONS = {
    "send_code": Act(SendCodeForm, _send_code, prefix="sms"),
    "check_code": Act(CodeForm, _check_code, prefix="code"),
    "check_document": Act(DocumentCheckForm, _check_document, prefix="doc"),
    "approve": Act(ApproveForm, _approve, prefix="approval"),
    "refuse": Act(ApproveForm, _refuse, prefix="approval"),
}


class DataRequestDetailView(BusinessStaffRequired, TemplateView):
    """The request; before its requester is verified and a second person approved, only how
    many records the platform holds; after, what they are, the copy, erasure and the answer."""

    template_name = "privacy/detail.html"

    def get_object(self) -> DataRequest:
        queryset = scope_queryset(DataRequest.objects.all(), self.request.user, "unit")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = kwargs.get("obj") or self.get_object()
        user = self.request.user
        may_reveal = user.has_perm(REVEAL)
        state = disclosure(obj)
        bound = kwargs.get("bound") or {}
        pending_code = (
            state.check is not None
            and state.check.method == Method.SMS
            and not state.verified
            and bool(state.check.code_hash)
        )
        open_ = obj.status == Status.RECEIVED
        context.update(
            object=obj,
            title=str(obj),
            may_reveal=may_reveal,
            state=state,
            counts=holding_counts(obj),
            holdings=data_request_holdings(actor=user, request=obj)
            if may_reveal and state.approved
            else None,
            checks=obj.checks.select_related("started_by", "verified_by", "decided_by"),
            may_verify=open_ and not state.verified,
            pending_code=pending_code,
            code_form=bound.get("code") or CodeForm(prefix="code"),
            document_form=bound.get("doc") or DocumentCheckForm(prefix="doc"),
            approval_refusal=approval_refusal(user, obj, state.check)
            if open_ and state.verified and not state.approved
            else "",
            approval_form=bound.get("approval") or ApproveForm(prefix="approval"),
            action_error=kwargs.get("action_error", ""),
            form=kwargs.get("form") or AnswerForm(initial=self._answer_draft(obj)),
            may_erase=may_reveal
            and state.approved
            and obj.kind == Kind.DELETE
            and obj.status == Status.RECEIVED
            and not obj.erased_at,
        )
        return context

    @staticmethod
    def _answer_draft(obj: DataRequest) -> dict:
        initial = {"version": obj.version, "outcome": "done"}
        if obj.erased_at:
            kept = any(not line["cleared"] for line in obj.erasure)
            initial.update(outcome="partly" if kept else "done", answer=erasure_summary(obj))
        return initial

    def get(self, request, *args, **kwargs):
        if CopyForm(request.GET).wants_copy():
            return self._copy()
        return super().get(request, *args, **kwargs)

    def _copy(self):
        """The copy a person is entitled to (PIPL art. 45): every holding in full, audited —
        only once the requester is verified and a second person approved."""
        obj = self.get_object()
        try:
            found = data_request_holdings(actor=self.request.user, request=obj)
        except LongchengError as refused:
            raise PermissionDenied(refused.message) from None
        rows = [
            [h.place, h.record, label, value] for h in found for label, value in h.fields.items()
        ]
        return xlsx_response(
            user=self.request.user,
            filename=_("个人信息副本-%(n)s") % {"n": obj.number},
            title=_("个人信息副本 %(n)s") % {"n": obj.number},
            headers=[_("登记处"), _("记录"), _("项目"), _("内容")],
            rows=rows,
            object_type="privacy.datarequest",
            filters={"request": obj.pk},
            personal=True,
        )

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        step = StepForm(request.POST)
        step.is_valid()
        if step.cleaned_data.get("erase"):
            return self._erase(obj)
        if step.cleaned_data.get("action") in ACTIONS:
            return self._act(obj, step.cleaned_data["action"])
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.data_request_answer(actor=request.user, request=obj, **form.cleaned_data)
            except LongchengError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已答复，已记入审计日志。"))
                return redirect("privacy:detail", pk=obj.pk)
        return self.render_to_response(self.get_context_data(form=form, obj=obj))

    def _act(self, obj: DataRequest, action: str):
        """A verification or approval step: parse its form, call its service."""
        act = ACTIONS[action]
        form = act.form(self.request.POST, prefix=act.prefix)
        error = ""
        if form.is_valid():
            try:
                message = act.perform(self.request, obj, form.cleaned_data)
            except LongchengError as refused:
                error = refused.message
            else:
                messages.success(self.request, message)
                return redirect("privacy:detail", pk=obj.pk)
        obj.refresh_from_db()
        context = self.get_context_data(obj=obj, bound={act.prefix: form}, action_error=error)
        return self.render_to_response(context)

    def _erase(self, obj: DataRequest):
        form = EraseForm(self.request.POST)
        version = form.cleaned_data["version"] if form.is_valid() else None
        if version is None:
            version = obj.version
        try:
            lines = data_request_erase(actor=self.request.user, request=obj, version=version)
        except LongchengError as error:
            messages.error(self.request, error.message)
        else:
            cleared = sum(line.cleared for line in lines)
            messages.success(
                self.request,
                _("已清除 %(c)d 条记录中的个人信息，%(k)d 条依法保留；答复草稿已按结果填好。")
                % {"c": cleared, "k": len(lines) - cleared},
            )
        return redirect("privacy:detail", pk=obj.pk)


class PolicyView(TemplateView):
    """The public privacy policy (no account): per form that collects personal data, the
    notice in effect with its retention periods, and every earlier version (PIPL arts. 7, 17)."""

    template_name = "privacy/policy.html"

    def get_context_data(self, **kwargs):
        forms = [
            {
                "label": label,
                "current": current,
                "retention": retention_words(current.key) if current else [],
                "earlier": earlier,
            }
            for label, current, earlier in notices_published()
        ]
        return super().get_context_data(forms=forms, rights=rights_words(), **kwargs)
