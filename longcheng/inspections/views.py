from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from longcheng.accounts.policies import owns_campaign
from longcheng.core import clock
from longcheng.core.errors import LongchengError
from longcheng.core.thumbnails import thumbnail_bytes
from longcheng.web.access import BusinessStaffRequired
from longcheng.web.actions import Act, ActionTableView, NoFields, form_errors, parse
from longcheng.web.exports import TableExportMixin, xlsx_response
from longcheng.web.listing import Column, ListFilter, RegisterListView

from . import documents, hooks, rules, services
from .field import FieldPageMixin
from .forms import (
    CampaignForm,
    CampaignMapForm,
    CampaignShowForm,
    DrawForm,
    ItemForm,
    ItemRefForm,
    PartnersForm,
    PostedActionForm,
    PublishForm,
    SyncForm,
    TransferForm,
)
from .models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    EvidencePhoto,
    InspectionVisit,
    Rectification,
    VisitPhoto,
)
from .scope import describe_scope
from .selectors import (
    MAP_CATEGORIES,
    campaign_item_figures,
    campaign_map,
    campaign_progress,
    campaigns_visible_to,
    my_open_visits,
    my_targets_to_start,
    party_history,
    reinspection_rows,
    template_in_use,
    typical_problems,
    visit_items,
    visit_missing,
    visits_visible_to,
)
from .workflow import RECTIFICATION_DONE, CampaignStatus, Mode, Result, TemplateStatus, VisitStatus


class StaffRequired(BusinessStaffRequired):
    denied_message = gettext_lazy("专项检查仅供业务单位工作人员使用。")


def _refused(request, error: LongchengError, to: str):
    messages.error(request, error.message)
    return redirect(to)


class PostedActionView(ActionTableView):
    """An action table whose action is named by the posted `action` field, as the buttons of
    the page post it; a form without the field runs `default_action`."""

    default_action = ""

    def post(self, request, **kwargs):
        form = PostedActionForm(request.POST)
        name = (form.cleaned_data["action"] if form.is_valid() else None) or self.default_action
        return super().post(request, **{**kwargs, "action": name})


# — Campaigns —


class CampaignListView(StaffRequired, RegisterListView):
    model = Campaign
    title = gettext_lazy("专项检查")
    unit_field = None
    template_name = "inspections/campaigns.html"
    export_name = "专项检查"
    search_fields = ["name", "unit__name"]
    search_placeholder = gettext_lazy("搜索专项检查名称、组织单位…")
    default_sort = "-start_date"
    filters = [
        ListFilter("mode", gettext_lazy("检查方式"), "mode", lambda u: Mode.choices),
        ListFilter("status", gettext_lazy("状态"), "status", lambda u: CampaignStatus.choices),
    ]
    columns = [
        Column(gettext_lazy("名称"), lambda c: c.name, sort="name", link=True),
        Column(gettext_lazy("检查方式"), lambda c: c.get_mode_display(), sort="mode"),
        Column(gettext_lazy("状态"), lambda c: c.get_status_display(), sort="status"),
        Column(gettext_lazy("组织单位"), lambda c: c.unit),
        Column(gettext_lazy("检查表"), lambda c: c.template),
        Column(gettext_lazy("开始日期"), lambda c: c.start_date, sort="start_date"),
        Column(gettext_lazy("结束日期"), lambda c: c.end_date, sort="end_date"),
    ]

    def base_queryset(self):
        return campaigns_visible_to(self.request.user).select_related("unit", "template")


class CampaignCreateView(StaffRequired, FormView):
    template_name = "web/form.html"
    form_class = CampaignForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("新建专项检查"), cancel_url=reverse("inspections:campaigns"), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        ratio = data["sample_ratio"] / 100 if data.get("sample_ratio") else None
        try:
            campaign = services.campaign_create(
                actor=self.request.user,
                name=data["name"],
                template=data["template"],
                mode=data["mode"],
                scope=form.scope(),
                start_date=data["start_date"],
                end_date=data["end_date"],
                inspectors=data["inspectors"],
                sample_ratio=ratio,
                stratify_by=data["stratify_by"],
                rectification_days=data["rectification_days"],
                basis=data["basis"],
                doc_prefix=data["doc_prefix"],
            )
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("专项检查已建立。确认检查范围后请启动。"))
        return redirect(campaign)


def _campaign(request, pk) -> Campaign:
    return get_object_or_404(campaigns_visible_to(request.user), pk=pk)


class CampaignDetailView(StaffRequired, TemplateView):
    template_name = "inspections/campaign_detail.html"

    def get_context_data(self, **kwargs):
        campaign = _campaign(self.request, self.kwargs["pk"])
        user = self.request.user
        targets = list(
            campaign.targets.select_related("institution", "site", "enterprise").prefetch_related(
                "visits__inspectors"
            )
        )
        for target in targets:
            firsts = [v for v in target.visits.all() if v.parent_id is None]
            target.visit = firsts[0] if firsts else None
        query = CampaignShowForm(self.request.GET)
        if not query.is_valid():
            messages.warning(
                self.request, _("查询条件有误，已忽略：%(e)s") % {"e": form_errors(query)}
            )
        show = query.cleaned_data.get("show") or "selected"
        if show == "selected":
            targets = [t for t in targets if t.selected]
        sections, items = campaign_item_figures(campaign)
        return super().get_context_data(
            title=campaign.name,
            campaign=campaign,
            scope_text=describe_scope(campaign.scope),
            progress=campaign_progress(campaign),
            targets=targets,
            show=show,
            draws=list(campaign.draws.select_related("drawn_by", "superseded_by")),
            draws_unpublished=campaign.draws.filter(published_at__isnull=True).order_by(
                "publish_due"
            ),
            draws_public=campaign.draws.filter(published_at__isnull=False).exists(),
            publish_days=rules.publish_within_working_days(),
            is_manager=owns_campaign(user, campaign),
            is_inspector=campaign.inspectors.filter(pk=user.pk).exists(),
            partners_form=PartnersForm(campaign=campaign, user=user),
            draw_form=DrawForm(),
            sections=sections,
            problems=typical_problems(items),
            can_redraw=not campaign.visits.exclude(status=VisitStatus.PLANNED).exists(),
            unpublished=campaign.visits.filter(
                status=VisitStatus.SUBMITTED, published_at__isnull=True, parent__isnull=True
            ).select_related("institution", "site", "enterprise"),
            today=timezone.localdate(),
            **kwargs,
        )


# The map's colours, one per category of selectors.MAP_CATEGORIES (the badges' hues).
MAP_COLOURS = {
    Result.PASS: "#198754",
    Result.RECTIFY: "#e0a800",
    Result.FAIL: "#c0392b",
    VisitStatus.IN_PROGRESS: "#0d6efd",
    VisitStatus.PLANNED: "#6c757d",
}


class CampaignMapView(StaffRequired, TemplateView):
    """The targets of a campaign on the map, coloured by their latest result; the ones
    without a point listed beside it."""

    template_name = "inspections/campaign_map.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        campaigns = campaigns_visible_to(user).order_by("-start_date", "-pk")
        form = CampaignMapForm(self.request.GET, campaigns=campaigns, categories=MAP_CATEGORIES)
        filters = form.values()
        if form.errors:
            messages.warning(
                self.request, _("筛选条件有误，已忽略：%(e)s") % {"e": form_errors(form)}
            )
        campaign = filters["campaign"] or (
            campaigns.exclude(status=CampaignStatus.DRAFT).first() or campaigns.first()
        )
        shown = (
            campaign_map(
                user, campaign, category=filters["result"] or "", division=filters["district"]
            )
            if campaign
            else None
        )
        query = {
            "campaign": campaign.pk if campaign else "",
            "district": filters["district"].code if filters["district"] else "",
        }
        legend = [
            {
                "code": code,
                "label": label,
                "colour": MAP_COLOURS[code],
                "count": shown.counts[code] if shown else 0,
                "query": urlencode({**query, "result": code}),
                "chosen": filters["result"] == code,
            }
            for code, label in MAP_CATEGORIES
        ]
        data = {
            "places": [
                {
                    "name": p.name,
                    "lat": p.latitude,
                    "lng": p.longitude,
                    "colour": MAP_COLOURS[p.category],
                    "label": p.label,
                    "detail": p.detail,
                    "url": p.url,
                }
                for p in (shown.located if shown else [])
            ]
        }
        return super().get_context_data(
            title=_("检查地图"),
            campaign=campaign,
            campaigns=campaigns[:200],
            districts=form.fields["district"].queryset,
            filters=filters,
            shown=shown,
            legend=legend,
            all_query=urlencode(query),
            map_data=data,
            **kwargs,
        )


def _launch(request, campaign, data) -> str:
    services.campaign_launch(actor=request.user, campaign=campaign)
    return _("已按检查范围确定检查对象。")


def _draw(request, campaign, data) -> str:
    draw = services.campaign_draw(actor=request.user, campaign=campaign, reason=data["reason"])
    return _("第 %(n)d 次抽取完成，抽中 %(c)d 个对象，随机种子 %(s)s（系统生成）。") % {
        "n": draw.number,
        "c": len(draw.selected),
        "s": draw.seed,
    }


def _publish_draws(request, campaign, data) -> str:
    count = services.draws_publish(actor=request.user, campaign=campaign)
    return _("已公示 %(n)d 条抽取记录，任何人可在公开页面复核。") % {"n": count}


def _close(request, campaign, data) -> str:
    services.campaign_close(actor=request.user, campaign=campaign)
    return _("专项检查已结束。")


def _publish(request, campaign, data) -> str:
    visits = campaign.visits.filter(pk__in=data["visit"])
    count = services.visits_publish(actor=request.user, campaign=campaign, visits=visits)
    return _("已公示 %(n)d 条检查结果。") % {"n": count}


class CampaignActionView(StaffRequired, ActionTableView):
    """The steps of a campaign, one button each (`<pk>/<action>/`)."""

    actions = {
        "launch": Act(NoFields, _launch),
        "draw": Act(DrawForm, _draw),
        "close": Act(NoFields, _close),
        "publish": Act(PublishForm, _publish),
        "publish_draws": Act(NoFields, _publish_draws),
    }

    def get_record(self, request, **kwargs):
        return _campaign(request, kwargs["pk"])


class DrawVerifyView(StaffRequired, View):
    def get(self, request, pk, number):
        campaign = _campaign(request, pk)
        draw = get_object_or_404(campaign.draws, number=number)
        same = rules.draw_verify(draw)
        record = {
            "campaign": campaign.name,
            "draw": draw.number,
            "seed": draw.seed,
            "drawn_at": draw.drawn_at.isoformat(),
            "ratio": str(draw.ratio),
            "reason": draw.reason,
            "superseded_by": draw.superseded_by.number if draw.superseded_by else None,
            "published_at": draw.published_at.isoformat() if draw.published_at else None,
            "candidates_digest": draw.candidates_digest,
            "candidates": draw.candidates,
            "roster": draw.roster,
            "selected": draw.selected,
            "assignments": draw.assignments,
            "reproduced": same,
        }
        return JsonResponse(record, json_dumps_params={"ensure_ascii": False, "indent": 2})


class CampaignReportView(StaffRequired, View):
    def get(self, request, pk, fmt):
        campaign = _campaign(request, pk)
        progress = campaign_progress(campaign)
        sections, items = campaign_item_figures(campaign)
        if fmt == "pdf":
            pdf = documents.campaign_report_pdf(campaign, progress, sections, items)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = 'inline; filename="report.pdf"'
            return response
        visits = campaign.visits.filter(status=VisitStatus.SUBMITTED).select_related(
            "institution", "site", "enterprise", "parent"
        )
        rows = [
            [
                str(v.party),
                _("复查") if v.parent_id else _("检查"),
                timezone.localtime(v.submitted_at).strftime("%Y-%m-%d"),
                v.score,
                v.get_result_display(),
                v.rectifications.count(),
                "✓" if v.published_at else "",
            ]
            for v in visits
        ]
        rows += [[], [_("检查项"), _("检查领域"), _("检查数"), _("不符合"), _("合格率")]]
        rows += [
            [
                f.item.text,
                f.item.section.name,
                f.checked,
                f.failed,
                f"{f.pass_rate:.0%}" if f.pass_rate is not None else "—",
            ]
            for f in items
            if f.item.scored
        ]
        return xlsx_response(
            user=request.user,
            filename=f"{campaign.name}-检查报告",
            object_type="inspections.campaign",
            filters={"campaign": campaign.pk},
            personal=False,
            title=campaign.name,
            headers=[
                _("检查对象"),
                _("类别"),
                _("日期"),
                _("得分"),
                _("结论"),
                _("整改项"),
                _("已公示"),
            ],
            rows=rows,
        )


# — Checklist templates —


class TemplateListView(StaffRequired, TableExportMixin, TemplateView):
    template_name = "inspections/templates.html"
    export_title = gettext_lazy("检查表")
    export_object_type = "inspections.checklisttemplate"

    def export_table(self):
        templates = ChecklistTemplate.objects.select_related("owner_unit").order_by(
            "code", "-version"
        )
        headers = [
            _("编码"),
            _("版本"),
            _("名称"),
            _("制定单位"),
            _("状态"),
            _("合格分"),
            _("发布时间"),
        ]
        return headers, [
            [
                t.code,
                t.version,
                t.name,
                str(t.owner_unit),
                t.get_status_display(),
                t.pass_score,
                t.published_at,
            ]
            for t in templates
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("检查表"),
            templates=ChecklistTemplate.objects.select_related("owner_unit").order_by(
                "code", "-version"
            ),
            **kwargs,
        )


def _template_publish(request, template, data) -> str:
    services.template_publish(actor=request.user, template=template)
    return _("检查表已发布，此前的版本不再用于新的专项检查。")


def _template_item_delete(request, template, data) -> str:
    item = get_object_or_404(ChecklistItem, pk=data["item"], section__template=template)
    services.template_item_delete(actor=request.user, template=template, item=item)
    return _("检查项已删除。")


def _template_item_add(request, template, data) -> str:
    services.template_item_save(
        actor=request.user,
        template=template,
        section=data["section"],
        item=ChecklistItem(**{name: data[name] for name in ItemForm.Meta.fields}),
    )
    return _("检查项已添加。")


class TemplateDetailView(StaffRequired, PostedActionView, TemplateView):
    """A checklist version; its owner's buttons post here (`action`; the item form has none)."""

    template_name = "inspections/template_detail.html"
    default_action = "add_item"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.goto = None  # where a new version is shown, once it is made
        self.actions = {
            "new_version": Act(NoFields, self._new_version),
            "publish": Act(NoFields, _template_publish),
            "delete_item": Act(ItemRefForm, _template_item_delete),
            "add_item": Act(ItemForm, _template_item_add, lambda request, t: {"template": t}),
        }

    def get_record(self, request, **kwargs):
        template = get_object_or_404(ChecklistTemplate, pk=kwargs["pk"])
        if request.user.unit_id != template.owner_unit_id:
            raise PermissionDenied(_("只有制定单位可以修改检查表。"))
        return template

    def _new_version(self, request, template, data) -> str:
        self.goto = services.template_new_version(actor=request.user, template=template)
        return _("已建立第 %(v)d 版草稿。") % {"v": self.goto.version}

    def after(self, request, record):
        return redirect(self.goto or record)

    def get_context_data(self, **kwargs):
        template = get_object_or_404(ChecklistTemplate, pk=self.kwargs["pk"])
        in_use = template_in_use(template)
        editable = not in_use and template.status != TemplateStatus.RETIRED
        owner = self.request.user.unit_id == template.owner_unit_id
        return super().get_context_data(
            title=str(template),
            template=template,
            sections=template.sections.prefetch_related("items"),
            in_use=in_use,
            editable=editable and owner,
            owner=owner,
            item_form=ItemForm(template=template) if editable and owner else None,
            **kwargs,
        )


# — Visits —


class MineView(StaffRequired, FieldPageMixin, TemplateView):
    template_name = "inspections/mine.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        to_start = list(my_targets_to_start(user)[:200])
        for target in to_start:
            target.partners = target.campaign.inspectors.exclude(pk=user.pk)
        return super().get_context_data(
            title=_("我的待检查"), visits=my_open_visits(user), to_start=to_start, **kwargs
        )


class VisitStartView(StaffRequired, View):
    def post(self, request, pk, target_pk):
        campaign = _campaign(request, pk)
        target = get_object_or_404(campaign.targets, pk=target_pk)
        form = PartnersForm(request.POST, campaign=campaign, user=request.user)
        try:
            partners = parse(form)["partners"]
            visit = services.visit_start(actor=request.user, target=target, partners=partners)
        except LongchengError as error:
            return _refused(request, error, campaign.get_absolute_url())
        return redirect("inspections:visit_form", visit.pk)


def _visit(request, pk) -> InspectionVisit:
    return get_object_or_404(
        visits_visible_to(request.user).select_related(
            "campaign", "template", "institution", "site", "enterprise"
        ),
        pk=pk,
    )


class VisitFormView(StaffRequired, FieldPageMixin, TemplateView):
    """The phone page. Everything typed is kept on the device first and sent by visit.js."""

    template_name = "inspections/visit_form.html"

    def get_context_data(self, **kwargs):
        visit = _visit(self.request, self.kwargs["pk"])
        if not visit.inspectors.filter(pk=self.request.user.pk).exists():
            raise PermissionDenied(_("只有本次检查的执法检查人员可以填写检查记录。"))
        items = visit_items(visit)
        answers = {a.item_id: a for a in visit.answers.all()}
        photos: dict[int | None, list[VisitPhoto]] = {}
        for photo in visit.photos.order_by("taken_at", "pk"):
            photos.setdefault(photo.item_id, []).append(photo)
        findings = {}
        if visit.parent_id:
            findings = {r.item_id: r for r in visit.parent.rectifications.all()}
        data = {
            "visit": visit.pk,
            "submitted": visit.status == VisitStatus.SUBMITTED,
            "started_at": visit.started_at.isoformat() if visit.started_at else "",
            "sync_url": reverse("inspections:visit_sync", args=[visit.pk]),
            "done_url": visit.get_absolute_url(),
            "items": [
                {
                    "id": item.pk,
                    "text": item.text,
                    "type": item.answer_type,
                    "max": item.max_score,
                    "required": item.required or visit.parent_id is not None,
                    "photo": item.photo_required,
                    "photos": len(photos.get(item.pk, [])),
                    "answer": _answer_json(answers.get(item.pk)),
                }
                for item in items
            ],
        }
        sections: dict = {}
        for item in items:
            sections.setdefault(item.section, []).append(
                (item, findings.get(item.pk), answers.get(item.pk), photos.get(item.pk, []))
            )
        return super().get_context_data(
            title=str(visit.party),
            visit=visit,
            team=visit.team(),
            sections=sections,
            data=data,
            now=timezone.localtime(clock.now()),
            **kwargs,
        )


def _answer_json(answer) -> dict | None:
    if answer is None:
        return None
    return {
        "verdict": answer.verdict,
        "score": str(answer.score) if answer.score is not None else "",
        "number": str(answer.number) if answer.number is not None else "",
        "text": answer.text,
        "note": answer.note,
        "found_at": _local_input(answer.found_at),
    }


def _local_input(moment) -> str:
    """A time as a phone's datetime-local input shows it."""
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}" if moment else ""


class VisitSyncView(StaffRequired, View):
    """One queued operation from the phone; answered the same however often it is resent."""

    def post(self, request, pk):
        visit = _visit(request, pk)
        form = SyncForm(request.POST, request.FILES)
        if not form.is_valid():
            return JsonResponse({"error": form_errors(form)}, status=400)
        data = form.cleaned_data
        try:
            outcome = services.sync_apply(
                actor=request.user,
                visit=visit,
                op_id=data["op_id"],
                kind=data["kind"],
                payload=data["payload"],
                upload=data["file"],
            )
        except LongchengError as error:
            return JsonResponse({"error": error.message}, status=400)
        except (InspectionVisit.DoesNotExist, ValueError, TypeError):
            return JsonResponse({"error": _("检查项不存在或数据有误。")}, status=400)
        visit.refresh_from_db()
        return JsonResponse({"status": outcome, "visit_status": visit.status})


class VisitDetailView(StaffRequired, TemplateView):
    template_name = "inspections/visit_detail.html"

    def get_context_data(self, **kwargs):
        visit = _visit(self.request, self.kwargs["pk"])
        user = self.request.user
        root = visit.parent or visit
        items = visit_items(visit)
        answers = {a.item_id: a for a in visit.answers.all()}
        photos: dict = {}
        for photo in visit.photos.all():
            photos.setdefault(photo.item_id, []).append(photo)
        party_url = settings.LONGCHENG_PUBLIC_BASE_URL.rstrip("/") + reverse(
            "inspections:party_rectification", args=[rules.party_token(root)]
        )
        return super().get_context_data(
            title=str(visit.party),
            visit=visit,
            team=visit.team(),
            root=root,
            rows=[(item, answers.get(item.pk), photos.get(item.pk, [])) for item in items],
            rectifications=root.rectifications.select_related(
                "item", "verified_by_visit"
            ).prefetch_related("evidence_photos"),
            reinspections=reinspection_rows(visit) if root.reinspections.exists() else [],
            follow_ups=root.reinspections.order_by("pk"),
            missing=visit_missing(visit) if visit.status != VisitStatus.SUBMITTED else [],
            is_inspector=visit.inspectors.filter(pk=user.pk).exists(),
            has_open=root.rectifications.exclude(status__in=RECTIFICATION_DONE).exists(),
            may_follow_up=owns_campaign(user, visit.campaign)
            or visit.campaign.inspectors.filter(pk=user.pk).exists(),
            partners_form=PartnersForm(campaign=visit.campaign, user=user),
            transfer_form=TransferForm(),
            transfer_available=hooks.transfer_available(),
            party_url=party_url,
            party_qr=segno.make(party_url, error="m").svg_inline(scale=3),
            history=party_history(visit.party).exclude(pk=visit.pk)[:10],
            Result=Result,
            **kwargs,
        )


class VisitOrderView(StaffRequired, View):
    def get(self, request, pk):
        visit = _visit(request, pk)
        if visit.status != VisitStatus.SUBMITTED:
            messages.error(request, _("检查记录提交后才能出具整改意见书。"))
            return redirect(visit)
        pdf = documents.rectification_order_pdf(visit)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="order-{visit.pk}.pdf"'
        return response


class ReinspectionStartView(StaffRequired, View):
    def post(self, request, pk):
        visit = _visit(request, pk)
        form = PartnersForm(request.POST, campaign=visit.campaign, user=request.user)
        try:
            partners = parse(form)["partners"]
            follow_up = services.reinspection_start(
                actor=request.user, visit=visit, partners=partners
            )
        except LongchengError as error:
            return _refused(request, error, visit.get_absolute_url())
        return redirect("inspections:visit_form", follow_up.pk)


class TransferView(StaffRequired, View):
    def post(self, request, pk):
        rectification = get_object_or_404(
            Rectification, pk=pk, visit__in=visits_visible_to(request.user)
        )
        try:
            data = parse(TransferForm(request.POST))
            services.rectification_transfer(
                actor=request.user, rectification=rectification, reason=data["reason"]
            )
        except LongchengError as error:
            return _refused(request, error, rectification.visit.get_absolute_url())
        messages.success(request, _("已移送立案。"))
        return redirect(rectification.visit)


class PhotoView(StaffRequired, View):
    def get(self, request, pk):
        photo = get_object_or_404(VisitPhoto, pk=pk, visit__in=visits_visible_to(request.user))
        return FileResponse(photo.file.open("rb"), content_type="image/jpeg")


def thumbnail_response(field_file) -> HttpResponse:
    thumb = thumbnail_bytes(field_file)
    if thumb is None:
        raise Http404(_("照片无法读取。"))
    response = HttpResponse(thumb, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


class PhotoThumbView(StaffRequired, View):
    """现场照片 as a thumbnail (made once with Pillow, then kept)."""

    def get(self, request, pk):
        photo = get_object_or_404(VisitPhoto, pk=pk, visit__in=visits_visible_to(request.user))
        return thumbnail_response(photo.file)


class EvidencePhotoView(StaffRequired, View):
    """整改照片 the party sent, in full or as a thumbnail."""

    def get(self, request, pk, thumb=False):
        photo = get_object_or_404(
            EvidencePhoto,
            pk=pk,
            rectification__visit__in=visits_visible_to(request.user),
        )
        if thumb:
            return thumbnail_response(photo.file)
        return FileResponse(photo.file.open("rb"), content_type="image/jpeg")
