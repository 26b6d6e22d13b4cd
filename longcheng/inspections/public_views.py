"""Pages without an account: the inspected party's rectification page (reached by the link or
QR code on its rectification order) and the public results of campaigns (一公开)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from longcheng.audit.context import client_ip
from longcheng.core import ratelimit
from longcheng.core.errors import LongchengError
from longcheng.web.actions import parse

from . import services
from .forms import EvidenceForm, PublicCampaignQueryForm
from .scope import describe_scope
from .selectors import (
    published_campaigns,
    published_draw_candidates,
    published_draws,
    published_results,
    visit_from_party_token,
)
from .workflow import RECTIFICATION_DONE


class PartyRectificationView(TemplateView):
    template_name = "inspections/public/rectification.html"

    def visit(self):
        visit = visit_from_party_token(self.kwargs["token"])
        if visit is None:
            raise Http404
        return visit

    def get_context_data(self, **kwargs):
        visit = self.visit()
        return super().get_context_data(
            visit=visit,
            rectifications=visit.rectifications.select_related("item"),
            done=RECTIFICATION_DONE,
            form=EvidenceForm(),
            **kwargs,
        )

    def post(self, request, token):
        visit = self.visit()
        if not ratelimit.hit("inspection-evidence", client_ip(request) or "", "20/600"):
            return self.render_to_response(
                self.get_context_data(error=_("提交过于频繁，请稍后再试。"))
            )
        form = EvidenceForm(request.POST, request.FILES)
        try:
            data = parse(form)
            rectification = get_object_or_404(visit.rectifications, pk=data["rectification"])
            services.rectification_report(
                rectification=rectification, note=data["note"], photos=data["photos"]
            )
        except LongchengError as error:
            return self.render_to_response(self.get_context_data(error=error.message))
        return redirect(request.path + "?sent=1")


class PublicResultsView(TemplateView):
    """The published campaigns; for one campaign its published results and the records of its
    draws, each re-drawable by anyone (`?candidates=<number>` downloads the candidate list)."""

    template_name = "inspections/public/results.html"

    def get(self, request, *args, **kwargs):
        if "pk" in self.kwargs and "candidates" in request.GET:
            query = PublicCampaignQueryForm(request.GET)
            if not query.is_valid() or query.cleaned_data["candidates"] is None:
                raise Http404
            campaign = get_object_or_404(published_campaigns(), pk=self.kwargs["pk"])
            number = query.cleaned_data["candidates"]
            content = published_draw_candidates(campaign, number)
            if content is None:
                raise Http404
            response = HttpResponse(content, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="candidates.json"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        campaign = None
        rows: list = []
        draws: list = []
        if "pk" in self.kwargs:
            campaigns = published_campaigns()
            campaign = get_object_or_404(campaigns, pk=self.kwargs["pk"])
            rows = published_results(campaign)
            draws = published_draws(campaign)
        return super().get_context_data(
            campaigns=published_campaigns(),
            campaign=campaign,
            scope_text=describe_scope(campaign.scope) if campaign else "",
            rows=rows,
            draws=draws,
            **kwargs,
        )
