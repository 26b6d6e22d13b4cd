"""Pages without an account: the application form on a phone, the status page with interview
booking, the publicity list with objections, the venue's check-in page."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from longcheng.audit.context import client_ip
from longcheng.core import notices, ratelimit
from longcheng.core.errors import LongchengError
from longcheng.web.actions import form_errors, parse

from . import rules, services
from .forms import ApplicationForm, CheckinForm, ObjectionForm, SlotBookForm, StatusLookupForm
from .models import Application, InterviewSlot, PublicityRound, RecruitmentCampaign, Venue
from .selectors import current_round, public_round
from .workflow import LEVELS, Status


class ApplyView(TemplateView):
    template_name = "volunteers/public/apply.html"

    def campaign(self) -> RecruitmentCampaign:
        return get_object_or_404(RecruitmentCampaign, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        campaign = self.campaign()
        form = kwargs.pop("form", None) or ApplicationForm()
        dates = rules.service_dates(campaign)
        if form.is_bound:
            # After an error the page shows every choice as it was posted, so nothing has to
            # be chosen again (a photo excepted: a browser never sends a file back).
            picked = set(form.data.getlist("date"))
            preferences = form.data.getlist("preference")[:3]
        else:
            picked = {d.isoformat() for d in dates}
            preferences = []
        preferences += [""] * (3 - len(preferences))
        return super().get_context_data(
            campaign=campaign,
            form=form,
            positions=campaign.positions.select_related("venue"),
            dates=[(d, d.isoformat() in picked) for d in dates],
            preference_choices=list(enumerate(preferences, 1)),
            photo_again=bool(form.is_bound and form.files.get("photo")),
            levels=dict(LEVELS),
            notice=notices.current("volunteer"),
            closed=rules.applications_closed(campaign),
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
            error = _("请检查填写的内容：%(e)s") % {"e": form_errors(form)}
            return self.render_to_response(self.get_context_data(form=form, error=error))
        data = form.cleaned_data
        positions = {p.pk: p for p in campaign.positions.all()}
        preferences = [positions[k] for k in data["preference"] if k in positions]
        languages = [{"language": "英语", "level": data["english"]}] if data.get("english") else []
        try:
            application = services.application_submit(
                campaign=campaign,
                full_name=data["full_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                organisation=data["organisation"],
                languages=languages,
                available_dates=data["date"],
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
        code = self.kwargs.get("code") or self.lookup_code()
        application = (
            Application.objects.filter(code=code.strip().upper())
            .select_related("campaign", "position", "slot__session")
            .first()
        )
        if application is None:
            raise Http404
        return application

    def lookup_code(self) -> str:
        """The code typed into the lookup form (`?code=`)."""
        form = StatusLookupForm(self.request.GET)
        return form.cleaned_data["code"] if form.is_valid() else ""

    def get(self, request, *args, **kwargs):
        if not kwargs.get("code") and not self.lookup_code():
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
        try:
            data = parse(SlotBookForm(request.POST))
            # Only a slot this page offered: one of the application's own campaign.
            slot = get_object_or_404(
                InterviewSlot.objects.filter(session__campaign=application.campaign),
                pk=data["slot"],
            )
            services.slot_book(application=application, slot=slot)
        except LongchengError as error:
            return self.render_to_response(self.get_context_data(error=error.message))
        return redirect(request.path)


class PublicityView(TemplateView):
    """The current round of the list (masked names, the ID number's last four, the position),
    what changed since the previous round, and the objection form."""

    template_name = "volunteers/public/publicity.html"

    def published(self) -> tuple[RecruitmentCampaign, PublicityRound]:
        campaign = get_object_or_404(RecruitmentCampaign, slug=self.kwargs["slug"])
        publicity = current_round(campaign)
        if publicity is None:
            raise Http404
        return campaign, publicity

    def campaign(self) -> RecruitmentCampaign:
        return self.published()[0]

    def get_context_data(self, **kwargs):
        campaign, publicity = self.published()
        return super().get_context_data(
            campaign=campaign,
            publicity=public_round(publicity),
            open=rules.publicity_open(publicity.until, rules.today()),
            **kwargs,
        )

    def post(self, request, slug):
        campaign = self.campaign()
        if not ratelimit.hit("volunteer-objection", client_ip(request) or "", "10/600"):
            return self.render_to_response(
                self.get_context_data(error=_("提交过于频繁，请稍后再试。"))
            )
        try:
            data = parse(ObjectionForm(request.POST))
            services.objection_submit(campaign=campaign, text=data["text"], contact=data["contact"])
        except LongchengError as error:
            return self.render_to_response(self.get_context_data(error=error.message))
        return redirect(request.path + "?sent=1")


class CheckinView(TemplateView):
    """The venue's code: the volunteer opens it and enters (or scans) their own code."""

    template_name = "volunteers/public/checkin.html"

    def venue(self) -> Venue:
        return get_object_or_404(Venue, token=self.kwargs["token"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(venue=self.venue(), rule=rules.hours_rule(), **kwargs)

    def post(self, request, token):
        venue = self.venue()
        try:
            data = parse(CheckinForm(request.POST))
            assignment = services.attendance_scan(venue=venue, code=data["code"])
        except LongchengError as error:
            return self.render_to_response(self.get_context_data(error=error.message))
        return self.render_to_response(self.get_context_data(assignment=assignment))
