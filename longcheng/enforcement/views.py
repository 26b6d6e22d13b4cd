from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from longcheng.accounts.policies import leads
from longcheng.core.errors import LongchengError
from longcheng.core.positions import photo_position
from longcheng.web.access import BusinessStaffRequired
from longcheng.web.actions import Act, ActionTableView, NoFields, form_errors, reporting
from longcheng.web.exports import TableExportMixin
from longcheng.web.listing import Column, ListFilter, RegisterListView

from . import rules, services
from .documents import money_text
from .forms import (
    CaseQueryForm,
    ChallengeEndForm,
    ChallengeForm,
    DecideForm,
    DemandForm,
    DemandServedForm,
    DiscussForm,
    EvidenceForm,
    FileForm,
    FindingForm,
    HearingRecordForm,
    HearingWaiverForm,
    LateReasonForm,
    LeadForm,
    NoticeReceiptForm,
    NotifyForm,
    PatrolForm,
    PaymentForm,
    PreservationForm,
    ReasonForm,
    ReleaseForm,
    ReviewForm,
    RevocationForm,
    ScheduleHearingForm,
    ServeForm,
    SitesMapForm,
    StatementForm,
    StatementReviewForm,
    SummaryForm,
    UntilForm,
    WithdrawForm,
)
from .models import Case, CaseDocument, Evidence, Finding, LegalProvision, Patrol
from .rules import service_due
from .selectors import (
    SiteSituation,
    body_for,
    case_deadlines,
    cases_visible_to,
    money_due,
    patrol_route,
    patrols_visible_to,
    publication_overdue,
    published_decisions,
    sites_map,
    statistics,
    what_happens_next,
    withdrawn_decisions,
)
from .workflow import (
    STEPS,
    Challenge,
    ClosedHearing,
    Outcome,
    Signature,
    StatementReview,
    Status,
    Step,
)

User = get_user_model()


class StaffRequired(BusinessStaffRequired):
    denied_message = gettext_lazy("行政执法仅供业务单位工作人员使用。")


class CaseListView(StaffRequired, RegisterListView):
    model = Case
    title = gettext_lazy("行政处罚案件")
    unit_field = None
    template_name = "enforcement/cases.html"
    export_name = "行政处罚案件"
    search_fields = ["number", "party_name", "facts", "provision__violation"]
    search_placeholder = gettext_lazy("搜索案号、当事人、案情…")
    default_sort = "-created_at"
    filters = [
        ListFilter("status", gettext_lazy("状态"), "status", lambda u: Status.choices),
        ListFilter("source", gettext_lazy("来源"), "source", lambda u: Case.Source.choices),
        ListFilter("outcome", gettext_lazy("处理结果"), "outcome", lambda u: Outcome.choices),
    ]
    columns = [
        Column(gettext_lazy("案号"), lambda c: c.number or _("（案源）"), sort="number", link=True),
        Column(gettext_lazy("当事人"), lambda c: c.party_name, sort="party_name"),
        Column(gettext_lazy("违法行为"), lambda c: c.provision.violation if c.provision else "—"),
        Column(gettext_lazy("状态"), lambda c: c.get_status_display(), sort="status"),
        Column(
            gettext_lazy("罚款（元）"), lambda c: money_text(c.fine) if c.fine else "—", sort="fine"
        ),
        Column(gettext_lazy("办案单位"), lambda c: c.unit),
        Column(
            gettext_lazy("登记时间"),
            lambda c: timezone.localtime(c.created_at).strftime("%Y-%m-%d"),
            sort="created_at",
        ),
    ]

    query_form_class = CaseQueryForm

    def base_queryset(self):
        queryset = cases_visible_to(self.request.user).select_related("provision", "unit")
        if self.params.get("late") == "1":
            queryset = publication_overdue(queryset)
        return queryset


class LeadCreateView(StaffRequired, FormView):
    template_name = "web/form.html"
    form_class = LeadForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("登记案源"), cancel_url=reverse("enforcement:cases"), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            case = services.case_register_lead(
                actor=self.request.user,
                source=data["source"],
                facts=data["facts"],
                occurred_on=data["occurred_on"],
                enterprise=data["enterprise"],
                person=data["person"],
                site=data["site"],
                provision=data["provision"],
                source_note=data["source_note"],
                continuing=data["continuing"],
                act_ended_on=data["act_ended_on"],
            )
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("案源已登记，请报负责人审批立案。"))
        return redirect(case)


def _case(request, pk) -> Case:
    return get_object_or_404(
        cases_visible_to(request.user).select_related("provision", "unit", "enterprise"), pk=pk
    )


class CaseDetailView(StaffRequired, TemplateView):
    template_name = "enforcement/case_detail.html"

    def get_context_data(self, **kwargs):
        case = _case(self.request, self.kwargs["pk"])
        user = self.request.user
        leader = leads(user, case.unit)
        # Steps the user may take now; a clerk does not see the head's approvals.
        steps = [
            s
            for s, (states, _to, leader_only) in STEPS.items()
            if case.status in states and (leader or not leader_only)
        ]
        benchmarks = case.provision.benchmarks.all() if case.provision else []
        return super().get_context_data(
            title=str(case),
            case=case,
            steps=steps,
            Step=Step,
            deadlines=case_deadlines(case),
            money=money_due(case),
            benchmarks=benchmarks,
            officers=case.case_officers.select_related("user"),
            evidence=case.evidence.prefetch_related("officers"),
            documents=case.documents.all(),
            events=case.events.select_related("actor"),
            file_form=FileForm(user=user, initial={"provision": case.provision_id}),
            evidence_form=EvidenceForm(case=case),
            notify_form=NotifyForm(initial={"circumstance": case.circumstance or "ordinary"}),
            decide_form=DecideForm(),
            hearing_eligible=rules.hearing_eligible(case),
            prerequisites=rules.decision_prerequisites(case, Outcome.PENALTY)
            if case.status in STEPS[Step.DECIDE][0] and case.status != Status.FILED
            else [],
            chairs=User.objects.filter(
                officer__isnull=False, unit__path__startswith=_body_path(case)
            )
            .exclude(pk__in=case.case_officers.values("user"))
            .order_by("username"),
            pending_preservations=case.evidence.filter(
                kind=Evidence.Kind.PRESERVATION, decided_at__isnull=True
            ),
            today=timezone.localdate(),
            is_leader=leader,
            next_step=what_happens_next(case),
            review_results=StatementReview.choices,
            closed_reasons=ClosedHearing.choices,
            signatures=Signature.choices,
            challenge_kinds=Challenge.choices,
            challenges=case.challenges.all(),
            pending_challenge=case.challenges.filter(ended_on__isnull=True).first(),
            court=rules.court_window(case) if case.demanded_at else None,
            # Art. 60: past its period (never extended in time) a case cannot end in a penalty.
            decision_period_over=bool(
                case.decision_deadline
                and not case.decided_at
                and timezone.localdate() > case.decision_deadline
            ),
            service_overdue=bool(
                case.decided_at
                and not case.served_at
                and timezone.localdate() > service_due(timezone.localtime(case.decided_at).date())
            ),
            **kwargs,
        )


def _body_path(case: Case) -> str:
    try:
        return body_for(case.unit).unit.path
    except LongchengError:
        return case.unit.path


def _file(request, case, data):
    case = services.case_file(
        actor=request.user, case=case, officers=data["officers"], provision=data["provision"]
    )
    return _("已立案，案号 %(n)s。") % {"n": case.number}


def _evidence(user, case, d):
    services.evidence_record(
        actor=user,
        case=case,
        kind=d["kind"],
        description=d["description"],
        officers=d["officers"],
        video_ref=d["video_ref"],
        upload=d["file"],
        approved_by=d["approved_by"],
        credentials_shown=d["credentials_shown"],
        position=photo_position(d["latitude"], d["longitude"], d["accuracy"]),
    )


def _preservation(user, case, d):
    evidence = get_object_or_404(case.evidence, pk=d["evidence"])
    services.preservation_decide(actor=user, evidence=evidence, decision=d["decision"])


def _release(user, case, d):
    evidence = get_object_or_404(case.evidence, pk=d["evidence"])
    services.preservation_release(actor=user, evidence=evidence, note=d["note"])


def _schedule_hearing(user, case, d):
    chair = get_object_or_404(User, pk=d["chair"])
    services.case_schedule_hearing(
        actor=user,
        case=case,
        chair=chair,
        hearing_at=d["hearing_at"],
        public=d["public"] != "0",
        closed_reason=d["closed_reason"],
    )


def _challenge_end(user, case, d):
    challenge = get_object_or_404(case.challenges, pk=d["challenge"])
    services.case_end_challenge(
        actor=user,
        challenge=challenge,
        ended_on=d["ended_on"],
        upheld=d["upheld"] == "1",
        result=d["result"],
    )


def _decide(user, case, d):
    version = d["version"]
    services.case_decide(
        actor=user,
        case=case,
        outcome=d["outcome"],
        education=d["education"],
        expected_version=case.version if version is None else version,
    )


# Each step of the procedure: the form its post is read through and the service it feeds.
CASE_ACTS: dict[str, Act] = {
    "file": Act(FileForm, _file, form_kwargs=lambda request, case: {"user": request.user}),
    "extend": Act(
        UntilForm,
        reporting(
            gettext_lazy("已批准延长办案期限。"),
            lambda user, case, d: services.case_extend_deadline(
                actor=user, case=case, until=d["until"], reason=d["reason"]
            ),
        ),
    ),
    "decline": Act(
        ReasonForm,
        reporting(
            gettext_lazy("已决定不予立案。"),
            lambda user, case, d: services.case_decline(actor=user, case=case, reason=d["reason"]),
        ),
    ),
    "evidence": Act(
        EvidenceForm,
        reporting(gettext_lazy("证据已记录。"), _evidence),
        form_kwargs=lambda request, case: {"case": case},
    ),
    "preservation": Act(
        PreservationForm, reporting(gettext_lazy("处理决定已记录。"), _preservation)
    ),
    "release": Act(ReleaseForm, reporting(gettext_lazy("已解除保存并登记返还。"), _release)),
    "notify": Act(
        NotifyForm,
        reporting(
            gettext_lazy("已制作行政处罚事先告知书。"),
            lambda user, case, d: services.case_notify(actor=user, case=case, **d),
        ),
    ),
    "statement": Act(
        StatementForm,
        reporting(
            gettext_lazy("陈述申辩已记录。"),
            lambda user, case, d: services.case_record_statement(
                actor=user, case=case, statement=d["statement"], waived=d["waived"]
            ),
        ),
    ),
    "statement_review": Act(
        StatementReviewForm,
        reporting(
            gettext_lazy("复核意见已记录。"),
            lambda user, case, d: services.case_review_statement(
                actor=user, case=case, result=d["result"], opinion=d["opinion"], fine=d["fine"]
            ),
        ),
    ),
    "notice_receipt": Act(
        NoticeReceiptForm,
        reporting(
            gettext_lazy("已记录当事人收到告知书的日期，听证申请期限自该日起算。"),
            lambda user, case, d: services.case_record_notice_receipt(
                actor=user, case=case, received_on=d["received_on"]
            ),
        ),
    ),
    "hearing_waiver": Act(
        HearingWaiverForm,
        reporting(
            gettext_lazy("已记录当事人书面放弃听证。"),
            lambda user, case, d: services.case_record_hearing_waiver(
                actor=user, case=case, record=d["record"]
            ),
        ),
    ),
    "request_hearing": Act(
        NoFields,
        reporting(
            gettext_lazy("已登记听证申请。"),
            lambda user, case, d: services.case_request_hearing(actor=user, case=case),
        ),
    ),
    "schedule_hearing": Act(
        ScheduleHearingForm, reporting(gettext_lazy("已制作听证通知书。"), _schedule_hearing)
    ),
    "hold_hearing": Act(
        HearingRecordForm,
        reporting(
            gettext_lazy("听证笔录已记录。"),
            lambda user, case, d: services.case_hold_hearing(
                actor=user,
                case=case,
                record=d["record"],
                signature=d["signature"],
                refusal_note=d["refusal_note"],
            ),
        ),
    ),
    "submit_review": Act(
        NoFields,
        reporting(
            gettext_lazy("已提交法制审核。"),
            lambda user, case, d: services.case_submit_review(actor=user, case=case),
        ),
    ),
    "review": Act(
        ReviewForm,
        reporting(
            gettext_lazy("法制审核意见已记录。"),
            lambda user, case, d: services.case_review(
                actor=user, case=case, passed=d["passed"] == "1", opinion=d["opinion"]
            ),
        ),
    ),
    "discuss": Act(
        DiscussForm,
        reporting(
            gettext_lazy("集体讨论记录已保存。"),
            lambda user, case, d: services.case_discuss(
                actor=user, case=case, minutes=d["minutes"]
            ),
        ),
    ),
    "decide": Act(DecideForm, reporting(gettext_lazy("已作出决定并制作决定书。"), _decide)),
    "serve": Act(
        ServeForm,
        reporting(
            gettext_lazy("已送达，缴款期限开始计算。"),
            lambda user, case, d: services.case_serve(
                actor=user,
                case=case,
                method=d["method"],
                served_on=d["served_on"],
                late_reason=d["late_reason"],
                electronic_confirmed=d["electronic_confirmed"],
            ),
        ),
    ),
    "payment": Act(
        PaymentForm,
        reporting(
            gettext_lazy("缴款已登记。"),
            lambda user, case, d: services.case_record_payment(
                actor=user, case=case, amount=d["amount"], paid_on=d["paid_on"]
            ),
        ),
    ),
    "defer": Act(
        UntilForm,
        reporting(
            gettext_lazy("已批准暂缓缴纳。"),
            lambda user, case, d: services.case_defer_payment(
                actor=user, case=case, until=d["until"], reason=d["reason"]
            ),
        ),
    ),
    "demand": Act(
        DemandForm,
        reporting(
            gettext_lazy("已制作催告书。"),
            lambda user, case, d: services.case_demand(
                actor=user, case=case, served_on=d["served_on"]
            ),
        ),
    ),
    "demand_served": Act(
        DemandServedForm,
        reporting(
            gettext_lazy("已登记催告书送达，十个工作日后可申请法院强制执行。"),
            lambda user, case, d: services.case_record_demand_service(
                actor=user, case=case, served_on=d["served_on"]
            ),
        ),
    ),
    "challenge": Act(
        ChallengeForm,
        reporting(
            gettext_lazy("已登记复议或诉讼，期间不计算加处罚款。"),
            lambda user, case, d: services.case_record_challenge(
                actor=user, case=case, kind=d["kind"], filed_on=d["filed_on"], body=d["body"]
            ),
        ),
    ),
    "challenge_end": Act(ChallengeEndForm, reporting(gettext_lazy("已登记结果。"), _challenge_end)),
    "revocation": Act(
        RevocationForm,
        reporting(
            gettext_lazy("已登记决定被变更或撤销。"),
            lambda user, case, d: services.case_record_revocation(
                actor=user, case=case, revoked_on=d["revoked_on"], revocation=d["revocation"]
            ),
        ),
    ),
    "summary_report": Act(
        LateReasonForm,
        reporting(
            gettext_lazy("当场处罚决定已备案。"),
            lambda user, case, d: services.case_summary_report(
                actor=user, case=case, late_reason=d["late_reason"]
            ),
        ),
    ),
    "apply_court": Act(
        NoFields,
        reporting(
            gettext_lazy("已登记申请法院强制执行。"),
            lambda user, case, d: services.case_apply_court(actor=user, case=case),
        ),
    ),
    "close": Act(
        NoFields,
        reporting(
            gettext_lazy("已结案。"),
            lambda user, case, d: services.case_close(actor=user, case=case),
        ),
    ),
    "publish": Act(
        LateReasonForm,
        reporting(
            gettext_lazy("决定已公示。"),
            lambda user, case, d: services.case_publish(
                actor=user, case=case, late_reason=d["late_reason"]
            ),
        ),
    ),
    "withdraw": Act(
        WithdrawForm,
        reporting(
            gettext_lazy("已撤回公示。"),
            lambda user, case, d: services.case_withdraw_publication(
                actor=user, case=case, reason=d["reason"], late_reason=d["late_reason"]
            ),
        ),
    ),
}


class CaseStepView(StaffRequired, ActionTableView):
    """Every step of the procedure posts here; the form reads the post, the service decides,
    the page reports."""

    actions = CASE_ACTS
    action_kwarg = "step"

    def get_record(self, request, **kwargs):
        return _case(request, kwargs["pk"])

    def post(self, request, **kwargs):
        if kwargs.get(self.action_kwarg) not in self.actions:
            raise PermissionDenied
        return super().post(request, **kwargs)


class SummaryCreateView(StaffRequired, FormView):
    template_name = "web/form.html"
    form_class = SummaryForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("简易程序：当场处罚"), cancel_url=reverse("enforcement:cases"), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            case = services.case_summary(
                actor=self.request.user,
                officers=[data["partner"]],
                provision=data["provision"],
                facts=data["facts"],
                enterprise=data["enterprise"],
                person=data["person"],
                site=data["site"],
                fine=data["fine"],
                warning=data["warning"],
                place=data["place"],
                party_signature=data["party_signature"],
                statement=data["statement"],
            )
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已当场作出决定：%(n)s。") % {"n": case.number})
        return redirect(case)


class DocumentView(StaffRequired, View):
    def get(self, request, pk):
        document = get_object_or_404(
            CaseDocument.objects.filter(case__in=cases_visible_to(request.user))
            | CaseDocument.objects.filter(finding__patrol__in=patrols_visible_to(request.user)),
            pk=pk,
        )
        return FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            filename=f"{document.number}.pdf",
        )


# — Patrols —


class PatrolListView(StaffRequired, RegisterListView):
    model = Patrol
    title = gettext_lazy("巡查记录")
    unit_field = None
    template_name = "enforcement/patrols.html"
    export_name = "巡查记录"
    search_fields = ["route_notes", "findings__description"]
    default_sort = "-started_at"
    filters = [ListFilter("shift", gettext_lazy("班次"), "shift", lambda u: Patrol.Shift.choices)]
    columns = [
        Column(
            gettext_lazy("开始时间"),
            lambda p: timezone.localtime(p.started_at).strftime("%Y-%m-%d %H:%M"),
            sort="started_at",
            link=True,
        ),
        Column(gettext_lazy("班次"), lambda p: p.get_shift_display(), sort="shift"),
        Column(gettext_lazy("巡查单位"), lambda p: p.unit),
        Column(
            gettext_lazy("巡查人员"), lambda p: "、".join(u.full_name for u in p.officers.all())
        ),
        Column(gettext_lazy("发现问题"), lambda p: p.findings.count()),
    ]

    def base_queryset(self):
        return (
            patrols_visible_to(self.request.user)
            .select_related("unit")
            .prefetch_related("officers")
        )


class PatrolCreateView(StaffRequired, FormView):
    template_name = "web/form.html"
    form_class = PatrolForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("记录巡查"), cancel_url=reverse("enforcement:patrols"), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            patrol = services.patrol_record(
                actor=self.request.user,
                shift=data["shift"],
                started_at=data["started_at"],
                ended_at=data["ended_at"],
                officers=data["officers"],
                sites=data["sites"],
                route_notes=data["route_notes"],
            )
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return redirect(patrol)


# The maps' colours: a site by its situation, a patrol's finding by what was done about it.
SITE_COLOURS = {
    SiteSituation.OPEN_CASE: "#c0392b",
    SiteSituation.FINDING: "#e0a800",
    SiteSituation.NONE: "#198754",
}
FINDING_COLOURS = {
    Finding.Outcome.CASE: "#c0392b",
    Finding.Outcome.STOP_WORK: "#c0392b",
    Finding.Outcome.ORDER: "#e0a800",
    Finding.Outcome.NOTED: "#6c757d",
}


class SiteMapView(StaffRequired, TemplateView):
    """The construction sites on the map, coloured by their running cases and patrol
    findings; the ones without a point listed beside it."""

    template_name = "enforcement/site_map.html"

    def get_context_data(self, **kwargs):
        form = SitesMapForm(self.request.GET)
        filters = form.values()
        if form.errors:
            messages.warning(
                self.request, _("筛选条件有误，已忽略：%(e)s") % {"e": form_errors(form)}
            )
        shown = sites_map(
            self.request.user,
            division=filters["district"],
            status=filters["status"] or "",
            situation=filters["situation"] or "",
        )
        query = {
            "district": filters["district"].code if filters["district"] else "",
            "status": filters["status"] or "",
        }
        legend = [
            {
                "code": code,
                "label": label,
                "colour": SITE_COLOURS[code],
                "count": shown.counts[code],
                "query": urlencode({**query, "situation": code}),
                "chosen": filters["situation"] == code,
            }
            for code, label in SiteSituation.CHOICES
        ]
        data = {
            "places": [
                {
                    "name": p.name,
                    "lat": p.latitude,
                    "lng": p.longitude,
                    "colour": SITE_COLOURS[p.situation],
                    "label": p.label,
                    "detail": " · ".join(x for x in (p.division, p.status) if x),
                    "url": p.url,
                    "lines": [
                        _("未结案件：%(c)s") % {"c": "、".join(n for n, _u in p.open_cases)}
                        if p.open_cases
                        else "",
                        _("最近巡查发现：%(f)s") % {"f": p.last_finding} if p.last_finding else "",
                    ],
                }
                for p in shown.located
            ]
        }
        return super().get_context_data(
            title=_("工地地图"),
            form=form,
            filters=filters,
            shown=shown,
            legend=legend,
            all_query=urlencode(query),
            map_data=data,
            **kwargs,
        )


def patrol_map_data(route) -> dict:
    """What the patrol page's map draws: the findings numbered in time order, the line
    through them, and the listed sites where nothing was found."""
    stops = []
    for stop in route.stops:
        if not stop.located:
            continue
        finding = stop.finding
        stops.append(
            {
                "n": stop.number,
                "lat": stop.latitude,
                "lng": stop.longitude,
                "colour": FINDING_COLOURS.get(finding.outcome, "#9b1c1c"),
                "name": str(finding.site or finding.enterprise or ""),
                "url": "",
                "label": finding.get_outcome_display(),
                "detail": f"{timezone.localtime(finding.found_at):%m-%d %H:%M} · {stop.located_by}",
                "lines": [finding.description[:120]],
            }
        )
    places = [
        {
            "name": name,
            "lat": lat,
            "lng": lng,
            "colour": "#6c757d",
            "label": _("巡查场所，未记录发现"),
            "detail": "",
            "url": url,
        }
        for name, url, lat, lng in route.quiet_sites
    ]
    return {"stops": stops, "route": route.line, "places": places}


class PatrolDetailView(StaffRequired, TemplateView):
    template_name = "enforcement/patrol_detail.html"

    def get_context_data(self, **kwargs):
        patrol = get_object_or_404(patrols_visible_to(self.request.user), pk=self.kwargs["pk"])
        route = patrol_route(self.request.user, patrol)
        return super().get_context_data(
            title=str(patrol),
            patrol=patrol,
            route=route,
            map_data=patrol_map_data(route),
            # In the route's order: a row's number is its marker's on the map.
            findings=patrol.findings.select_related("site", "enterprise", "matter")
            .prefetch_related("cases", "documents")
            .order_by("found_at", "pk"),
            form=kwargs.pop("form", None) or FindingForm(),
            may_record=patrol.officers.filter(pk=self.request.user.pk).exists(),
            **kwargs,
        )

    def post(self, request, pk):
        patrol = get_object_or_404(patrols_visible_to(request.user), pk=pk)
        form = FindingForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            finding = services.finding_record(actor=request.user, patrol=patrol, **data)
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request, _("巡查发现已记录：%(o)s。") % {"o": finding.get_outcome_display()}
        )
        return redirect(patrol)


class ProvisionListView(StaffRequired, TableExportMixin, TemplateView):
    template_name = "enforcement/provisions.html"
    export_title = gettext_lazy("法律依据与裁量基准")
    export_object_type = "enforcement.legalprovision"

    def export_table(self):
        headers = [
            _("编码"),
            _("法律法规"),
            _("条款"),
            _("违法行为"),
            _("违反的规定"),
            _("罚款下限（元）"),
            _("罚款上限（元）"),
            _("裁量情形"),
            _("基准下限（元）"),
            _("基准上限（元）"),
            _("情形说明"),
        ]
        rows = []
        for p in LegalProvision.objects.prefetch_related("benchmarks").order_by("code"):
            for b in p.benchmarks.all() or [None]:
                rows.append(
                    [
                        p.code,
                        p.law,
                        p.article,
                        p.violation,
                        p.breached,
                        p.fine_min,
                        p.fine_max,
                        b.get_circumstance_display() if b else "",
                        b.fine_min if b else None,
                        b.fine_max if b else None,
                        b.description if b else "",
                    ]
                )
        return headers, rows

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("法律依据与裁量基准"),
            provisions=LegalProvision.objects.prefetch_related("benchmarks"),
            **kwargs,
        )


class StatisticsView(StaffRequired, TemplateView):
    template_name = "enforcement/statistics.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("执法统计"), stats=statistics(cases_visible_to(self.request.user)), **kwargs
        )


class PublicDecisionsView(TemplateView):
    """公示: enterprises by name and credit code; an individual is never named."""

    template_name = "enforcement/public/decisions.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            decisions=published_decisions()[:200], withdrawn=withdrawn_decisions()[:50], **kwargs
        )
