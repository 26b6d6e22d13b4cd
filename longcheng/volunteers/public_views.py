"""Pages without an account: the application form on a phone, the status page with interview
booking, the publicity list with objections, the venue's check-in page."""

import datetime

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from longcheng.audit.context import client_ip
from longcheng.core import notices, ratelimit
from longcheng.core.errors import LongchengError
from longcheng.web import inputs

from . import services
from .models import Application, InterviewSlot, RecruitmentCampaign, Venue
from .workflow import LEVELS, Status


class ApplicationForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    id_number = forms.CharField(label=gettext_lazy("居民身份证号码"), max_length=18)
    phone = forms.CharField(label=gettext_lazy("手机号码"), max_length=20)
    organisation = forms.CharField(label=gettext_lazy("学校或工作单位"), max_length=100)
    english = forms.TypedChoiceField(
        label=gettext_lazy("英语水平"),
        choices=[(0, gettext_lazy("无")), *LEVELS],
        coerce=int,
        required=False,
    )
    other_language = forms.CharField(
        label=gettext_lazy("其他语言及水平"), max_length=50, required=False
    )
    skills = forms.CharField(label=gettext_lazy("技能特长"), max_length=300, required=False)
    certificates = forms.CharField(label=gettext_lazy("证书"), max_length=300, required=False)
    experienced = forms.BooleanField(label=gettext_lazy("有大型活动志愿服务经历"), required=False)
    photo = forms.ImageField(label=gettext_lazy("照片（可选）"), required=False)
    consent = forms.BooleanField(
        label=gettext_lazy("我已阅读并同意个人信息处理规则"), required=False
    )
    notice_version = forms.CharField(widget=forms.HiddenInput, max_length=20, required=False)


class ApplyView(TemplateView):
    template_name = "volunteers/public/apply.html"

    def campaign(self) -> RecruitmentCampaign:
        return get_object_or_404(RecruitmentCampaign, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        campaign = self.campaign()
        return super().get_context_data(
            campaign=campaign,
            form=kwargs.pop("form", None) or ApplicationForm(),
            positions=campaign.positions.select_related("venue"),
            dates=services.service_dates(campaign),
            levels=dict(LEVELS),
            notice=notices.current("volunteer"),
            closed=services._today() > campaign.apply_until,
            **kwargs,
        )

    def post(self, request, slug):
        campaign = self.campaign()
        form = ApplicationForm(request.POST, request.FILES)
        if not ratelimit.hit("volunteer-apply", client_ip(request) or "", "30/600"):
            return self.render_to_response(
                self.get_context_data(form=form, error=_("提交过于频繁，请稍后再试。"))
            )
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(form=form, error=_("请检查填写的内容。"))
            )
        data = form.cleaned_data
        positions = {str(p.pk): p for p in campaign.positions.all()}
        preferences = [positions[k] for k in request.POST.getlist("preference") if k in positions]
        dates = []
        for value in request.POST.getlist("date"):
            try:
                dates.append(datetime.date.fromisoformat(value))
            except ValueError:
                continue
        languages = [{"language": "英语", "level": data["english"]}] if data.get("english") else []
        try:
            application = services.application_submit(
                campaign=campaign,
                full_name=data["full_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                organisation=data["organisation"],
                languages=languages,
                available_dates=dates,
                preferences=preferences,
                consent=data["consent"],
                consent_notice=data["notice_version"],
                skills=" ".join(filter(None, [data["skills"], data["other_language"]])),
                certificates=data["certificates"],
                experienced=data["experienced"],
                photo=data.get("photo"),
            )
        except LongchengError as error:
            return self.render_to_response(self.get_context_data(form=form, error=error.message))
        return redirect("volunteers:public_status", code=application.code)


class StatusView(TemplateView):
    template_name = "volunteers/public/status.html"

    def application(self) -> Application:
        code = self.kwargs.get("code") or self.request.GET.get("code", "")
        application = (
            Application.objects.filter(code=code.strip().upper())
            .select_related("campaign", "position", "slot__session")
            .first()
        )
        if application is None:
            raise Http404
        return application

    def get(self, request, *args, **kwargs):
        if not kwargs.get("code") and not request.GET.get("code"):
            return self.render_to_response({"lookup": True})
        if not ratelimit.hit("volunteer-status", client_ip(request) or "", "60/600"):
            return self.render_to_response(
                {"lookup": True, "error": _("查询过于频繁，请稍后再试。")}
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        application = self.application()
        slots = []
        if application.status == Status.SCREENED_IN:
            slots = InterviewSlot.objects.filter(
                session__campaign=application.campaign
            ).select_related("session")
        return super().get_context_data(application=application, slots=slots, **kwargs)

    def post(self, request, code=""):
        application = self.application()
        # Only a slot this page offered: one of the application's own campaign.
        slot = get_object_or_404(
            InterviewSlot.objects.filter(session__campaign=application.campaign),
            pk=inputs.record_id(request.POST.get("slot")),
        )
        try:
            services.slot_book(application=application, slot=slot)
        except LongchengError as error:
            return self.render_to_response(self.get_context_data(error=error.message))
        return redirect(request.path)


class PublicityView(TemplateView):
    template_name = "volunteers/public/publicity.html"

    def campaign(self) -> RecruitmentCampaign:
        campaign = get_object_or_404(RecruitmentCampaign, slug=self.kwargs["slug"])
        if not campaign.published_at:
            raise Http404
        return campaign

    def get_context_data(self, **kwargs):
        campaign = self.campaign()
        selected = (
            campaign.applications.filter(status=Status.SELECTED)
            .select_related("position")
            .order_by("position__pk", "full_name")
        )
        return super().get_context_data(campaign=campaign, selected=selected, **kwargs)

    def post(self, request, slug):
        campaign = self.campaign()
        if not ratelimit.hit("volunteer-objection", client_ip(request) or "", "10/600"):
            return self.render_to_response(
                self.get_context_data(error=_("提交过于频繁，请稍后再试。"))
            )
        try:
            services.objection_submit(
                campaign=campaign,
                text=request.POST.get("text", ""),
                contact=request.POST.get("contact", ""),
            )
        except LongchengError as error:
            return self.render_to_response(self.get_context_data(error=error.message))
        return redirect(request.path + "?sent=1")


class CheckinView(TemplateView):
    """The venue's code: the volunteer opens it and enters (or scans) their own code."""

    template_name = "volunteers/public/checkin.html"

    def venue(self) -> Venue:
        return get_object_or_404(Venue, token=self.kwargs["token"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(venue=self.venue(), **kwargs)

    def post(self, request, token):
        venue = self.venue()
        try:
            assignment = services.attendance_scan(venue=venue, code=request.POST.get("code", ""))
        except LongchengError as error:
            return self.render_to_response(self.get_context_data(error=error.message))
        return self.render_to_response(self.get_context_data(assignment=assignment))
