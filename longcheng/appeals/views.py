import secrets

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import reads_business_records
from longcheng.core.errors import LongchengError
from longcheng.core.masking import mask_phone
from longcheng.loop.workflow import Channel
from longcheng.web.actions import Act, ActionTableView
from longcheng.web.exports import TableExportMixin
from longcheng.web.listing import Column, ListFilter, RegisterListView

from . import services
from .documents import minutes_pdf, poster_pdf
from .forms import (
    AgendaAddForm,
    AgendaDecideForm,
    ApiKeyIssueForm,
    ApiKeyRevokeForm,
    DecisionForm,
    MeetingForm,
    MeetingStepForm,
    StaffIntakeForm,
    SupervisorReportForm,
)
from .models import ApiKey, Appeal, CommitteeMeeting, MonitoringPoint, Supervisor
from .progress import expected_answer, last_public_step, plain_status, public_steps
from .selectors import (
    agenda_proposals,
    appeals_visible_to,
    is_committee_staff,
    proposal_reason,
    window_statistics,
)
from .tokens import point_token

User = get_user_model()


class StaffRequired(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not reads_business_records(request.user):
            raise PermissionDenied(_("您的角色不查看业务数据。"))
        return super().dispatch(request, *args, **kwargs)


class CommitteeRequired(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return is_committee_staff(self.request.user)


def point_url(point: MonitoringPoint) -> str:
    from django.conf import settings

    path = reverse("appeals:public_point", args=[point_token(point)])
    return settings.LONGCHENG_PUBLIC_BASE_URL.rstrip("/") + path


class OverviewView(StaffRequired, RegisterListView):
    model = Appeal
    template_name = "appeals/overview.html"
    title = gettext_lazy("营商环境诉求")
    unit_field = None
    search_fields = ["matter__number", "matter__title", "tracking_code", "enterprise_name"]
    search_placeholder = gettext_lazy("搜索编号、标题、查询码、企业…")
    default_sort = "-matter__received_at"
    filters = [
        ListFilter("channel", gettext_lazy("渠道"), "matter__channel", lambda u: Channel.choices),
        ListFilter(
            "point",
            gettext_lazy("监测点"),
            "point_id",
            lambda u: [(str(p.pk), p.name) for p in MonitoringPoint.objects.all()],
        ),
    ]
    columns = [
        Column(gettext_lazy("编号"), lambda a: a.matter.number, sort="matter__number"),
        Column(gettext_lazy("标题"), lambda a: a.matter.title),
        Column(
            gettext_lazy("状态"), lambda a: a.matter.get_status_display(), sort="matter__status"
        ),
        Column(gettext_lazy("渠道"), lambda a: a.matter.get_channel_display()),
        Column(gettext_lazy("监测点 / 监督员"), lambda a: a.point or a.supervisor or ""),
        Column(gettext_lazy("企业"), lambda a: a.enterprise_name),
        Column(gettext_lazy("主办单位"), lambda a: a.matter.lead_unit),
        Column(
            gettext_lazy("受理时间"),
            lambda a: timezone.localtime(a.matter.received_at).strftime("%Y-%m-%d %H:%M"),
            sort="matter__received_at",
        ),
    ]

    def base_queryset(self):
        return appeals_visible_to(self.request.user).select_related(
            "matter", "matter__lead_unit", "point", "supervisor__user"
        )

    def row_url(self, obj) -> str:
        return obj.matter.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_committee"] = is_committee_staff(self.request.user)
        return context


class PointListView(StaffRequired, TableExportMixin, TemplateView):
    template_name = "appeals/points.html"
    export_title = gettext_lazy("营商环境监测点")
    export_object_type = "appeals.monitoringpoint"

    def export_table(self):
        headers = [
            _("编码"),
            _("名称"),
            _("地址"),
            _("区划"),
            _("负责单位"),
            _("启用日期"),
            _("启用"),
        ]
        points = MonitoringPoint.objects.select_related("unit", "division").order_by("code")
        return headers, [
            [
                p.code,
                p.name,
                p.address,
                str(p.division or ""),
                str(p.unit),
                p.opened_on,
                _("是") if p.is_active else _("否"),
            ]
            for p in points
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("营商环境监测点")
        context["points"] = MonitoringPoint.objects.select_related("unit", "division")
        return context


class PointDetailView(StaffRequired, TemplateView):
    template_name = "appeals/point_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        point = get_object_or_404(MonitoringPoint, pk=self.kwargs["pk"])
        url = point_url(point)
        svg = segno.make(url, error="m").svg_inline(scale=5)
        context.update(
            title=point.name,
            point=point,
            url=url,
            qr_svg=svg,
            # The point is the committee's; its appeals only as far as the viewer may see them.
            appeals=appeals_visible_to(self.request.user)
            .filter(point=point)
            .select_related("matter")[:20],
        )
        return context


class PosterView(StaffRequired, View):
    def get(self, request, pk):
        point = get_object_or_404(MonitoringPoint, pk=pk)
        pdf = poster_pdf(point_name=point.name, url=point_url(point), unit_name=point.unit.name)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="poster-{point.code}.pdf"'
        return response


class SupervisorListView(StaffRequired, TableExportMixin, TemplateView):
    """The committee's view of its special supervisors and what each has reported."""

    template_name = "appeals/supervisors.html"
    export_title = gettext_lazy("特邀监督员")
    export_object_type = "appeals.supervisor"

    def export_table(self):
        headers = [
            _("姓名"),
            _("职务"),
            _("所在企业"),
            _("监督委员会"),
            _("聘任日期"),
            _("在任"),
            _("手机号码"),
        ]
        supervisors = Supervisor.objects.select_related("user", "enterprise", "committee")
        return headers, [
            [
                s.user.full_name,
                s.title,
                str(s.enterprise or ""),
                str(s.committee or ""),
                s.appointed_on,
                _("是") if s.is_active else _("否"),
                mask_phone(s.user.phone),
            ]
            for s in supervisors
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        supervisors = Supervisor.objects.select_related("user", "enterprise")
        context["title"] = _("特邀监督员")
        context["rows"] = [
            (
                s,
                list(
                    appeals_visible_to(self.request.user)
                    .filter(supervisor=s)
                    .select_related("matter")[:10]
                ),
            )
            for s in supervisors
        ]
        return context


class SupervisorRequired(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        user = self.request.user
        return user.role == Role.SUPERVISOR and hasattr(user, "supervisor")


class MineView(SupervisorRequired, ListView):
    """A special supervisor's home: their own reports, newest first, each a link to its
    progress in plain words (status, deadline, the last step the public may read)."""

    template_name = "appeals/mine.html"
    paginate_by = 20

    def get_queryset(self):
        return (
            appeals_visible_to(self.request.user)
            .select_related("matter", "matter__lead_unit", "matter__master")
            .order_by("-matter__received_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("我的反映")
        context["rows"] = [
            {
                "appeal": appeal,
                "status": plain_status(appeal.matter),
                "expected": expected_answer(appeal.matter),
                "last_step": last_public_step(appeal.matter),
            }
            for appeal in context["object_list"]
        ]
        return context


class MineDetailView(SupervisorRequired, TemplateView):
    """One of the supervisor's reports as its reporter follows it: no staff names, no internal
    notes (the same steps as the public tracking page)."""

    template_name = "appeals/mine_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        appeal = get_object_or_404(
            appeals_visible_to(self.request.user).select_related(
                "matter", "matter__lead_unit", "matter__master", "matter__master__lead_unit"
            ),
            pk=self.kwargs["pk"],
        )
        matter = appeal.matter
        context.update(
            title=matter.title,
            appeal=appeal,
            matter=matter,
            handling=matter.master or matter,
            status=plain_status(matter),
            expected=expected_answer(matter),
            steps=public_steps(matter),
        )
        return context


class SupervisorReportView(SupervisorRequired, FormView):
    template_name = "appeals/report.html"
    form_class = SupervisorReportForm
    extra_context = {"title": gettext_lazy("反映问题")}

    def get_initial(self):
        supervisor = self.request.user.supervisor
        return {
            "submission_key": secrets.token_urlsafe(24),
            "enterprise_name": supervisor.enterprise.name if supervisor.enterprise else "",
        }

    def form_valid(self, form):
        try:
            appeal, _created = services.appeal_submit(draft=form.draft(user=self.request.user))
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已提交，编号 %(n)s。") % {"n": appeal.matter.number})
        return redirect("appeals:mine")


class IntakeView(StaffRequired, FormView):
    """Hotline, window and WeChat-group intake; the channel is kept."""

    template_name = "web/form.html"
    form_class = StaffIntakeForm
    extra_context = {
        "title": gettext_lazy("登记营商环境诉求"),
        "cancel_url": "/appeals/",
        "multipart": True,
    }

    def get_initial(self):
        return {"submission_key": secrets.token_urlsafe(24)}

    def form_valid(self, form):
        try:
            appeal, _created = services.appeal_submit(draft=form.draft(), actor=self.request.user)
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已登记，编号 %(n)s，查询码 %(c)s（请告知诉求人）。")
            % {"n": appeal.matter.number, "c": appeal.tracking_code},
        )
        return redirect(appeal.matter.get_absolute_url())


class WindowView(StaffRequired, TemplateView):
    """The 办不成事 window: its own queue and its own statistics."""

    template_name = "appeals/window.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queue = (
            appeals_visible_to(self.request.user)
            .filter(fallback_window=True)
            .exclude(matter__status__in=["closed", "archived", "merged"])
            .select_related("matter", "matter__lead_unit")
            .order_by("matter__handle_deadline")
        )
        context.update(title=_("办不成事窗口"), queue=queue[:100], stats=window_statistics())
        return context


class MeetingListView(CommitteeRequired, TableExportMixin, TemplateView):
    template_name = "appeals/meetings.html"
    export_title = gettext_lazy("监督委员会全体会议")
    export_object_type = "appeals.committeemeeting"

    def export_table(self):
        meetings = CommitteeMeeting.objects.filter(
            committee=self.request.user.unit
        ).prefetch_related("attendees")
        headers = [_("会议"), _("日期"), _("地点"), _("出席"), _("其他出席人员")]
        return headers, [
            [
                m.title,
                m.held_on,
                m.place,
                "、".join(a.full_name for a in m.attendees.all()),
                m.other_attendees,
            ]
            for m in meetings
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = self.request.user.unit
        context.update(
            title=_("监督委员会全体会议"),
            meetings=CommitteeMeeting.objects.filter(committee=committee),
            form=MeetingForm(committee=committee),
        )
        return context

    def post(self, request):
        committee = request.user.unit
        form = MeetingForm(request.POST, committee=committee)
        if not form.is_valid():
            return render(
                request,
                self.template_name,
                {
                    "title": _("监督委员会全体会议"),
                    "form": form,
                    "meetings": CommitteeMeeting.objects.filter(committee=committee),
                },
                status=400,
            )
        meeting = services.meeting_create(
            actor=request.user, committee=committee, **form.cleaned_data
        )
        return redirect(meeting.get_absolute_url())


def _agenda_add(request, meeting, data) -> str:
    services.agenda_add(
        actor=request.user,
        meeting=meeting,
        matter=data["add"],
        reason=data["reason"] or _("委员会提出"),
    )
    return _("已列入议题。")


def _agenda_decide(request, meeting, data) -> str:
    services.agenda_decide(
        actor=request.user,
        item=data["decide"],
        lead_unit=data["lead_unit"],
        deadline=data["deadline"],
        instructions=data["instructions"],
    )
    return _("决定已记录，事项已重新派给 %(u)s。") % {"u": data["lead_unit"]}


class MeetingDetailView(CommitteeRequired, ActionTableView, TemplateView):
    actions = {
        "add": Act(AgendaAddForm, _agenda_add),
        "decide": Act(
            AgendaDecideForm, _agenda_decide, form_kwargs=lambda request, m: {"meeting": m}
        ),
    }

    template_name = "appeals/meeting_detail.html"

    def meeting(self):
        return get_object_or_404(
            CommitteeMeeting, pk=self.kwargs["pk"], committee=self.request.user.unit
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.meeting()
        on_agenda = set(meeting.items.values_list("matter_id", flat=True))
        proposals = [
            (m, proposal_reason(m))
            for m in agenda_proposals(meeting.committee)
            if m.pk not in on_agenda
        ]
        items = [
            (
                item,
                DecisionForm(
                    prefix=f"item{item.pk}", initial={"lead_unit": item.matter.lead_unit_id}
                ),
            )
            for item in meeting.items.select_related("matter", "matter__lead_unit", "lead_unit")
        ]
        context.update(title=meeting.title, meeting=meeting, items=items, proposals=proposals)
        return context

    def get_record(self, request, **kwargs):
        return self.meeting()

    def after(self, request, record):
        return redirect(record.get_absolute_url())

    def post(self, request, pk):
        step = MeetingStepForm(request.POST).step()
        if not step:
            return redirect(self.meeting().get_absolute_url())
        return super().post(request, pk=pk, action=step)


class MinutesView(CommitteeRequired, View):
    def get(self, request, pk):
        meeting = get_object_or_404(CommitteeMeeting, pk=pk, committee=request.user.unit)
        response = HttpResponse(minutes_pdf(meeting), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.pdf"'
        return response


class ApiKeyView(LoginRequiredMixin, UserPassesTestMixin, TemplateView):
    """The system administrator issues and revokes Open311 keys; a key is shown once."""

    template_name = "appeals/api_keys.html"

    def test_func(self):
        return self.request.user.role == Role.SYSADMIN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("Open311 接口密钥"), keys=ApiKey.objects.all())
        return context

    def post(self, request):
        revoke = ApiKeyRevokeForm(request.POST)
        if revoke["revoke"].data:  # the revoke button of one key
            if not revoke.is_valid():
                raise Http404
            key = revoke.cleaned_data["revoke"]
            services.api_key_revoke(actor=request.user, key=key)
            messages.success(request, _("密钥 %(k)s 已吊销。") % {"k": key})
            return redirect("appeals:api_keys")
        form = ApiKeyIssueForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("name", [])))
            return redirect("appeals:api_keys")
        name = form.cleaned_data["name"]
        key, raw = services.api_key_issue(actor=request.user, name=name)
        context = self.get_context_data()
        context["new_key"] = raw
        return render(request, self.template_name, context)
