import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from longcheng.accounts.models import User
from longcheng.accounts.roles import Role
from longcheng.core.errors import LongchengError
from longcheng.core.redirects import safe_next
from longcheng.web.access import BusinessStaffRequired, is_business_staff
from longcheng.web.actions import (
    Act,
    ActionTableView,
    NoFields,
    PostedActionView,
    form_errors,
    parse,
)
from longcheng.web.exports import TableExportMixin, xlsx_response

from . import documents, rules, services
from .forms import (
    ApplicationFilterForm,
    DropForm,
    HoursQueryForm,
    JudgePickForm,
    JudgeScoreForm,
    LateCheckinReviewForm,
    ObjectionHandleForm,
    OverrideForm,
    RosterActionForm,
    RosterDayForm,
    ScheduleQueryForm,
    ScoreCorrectionForm,
    ScreeningForm,
    SelectionRunForm,
)
from .models import (
    Application,
    Assignment,
    Objection,
    RecruitmentCampaign,
    Score,
    SelectionRun,
    Shift,
    Team,
    Venue,
)
from .selectors import (
    campaigns_managed_by,
    current_round,
    funnel,
    hours_by_person,
    judge_candidates,
    judge_days,
    judged_by,
    late_checkins_for,
    late_checkins_reviewed,
    next_unscored,
    open_objections,
    public_round,
    unscored_for,
    venues_managed_by,
)
from .workflow import LEVEL_NAMES, Status


class StaffRequired(BusinessStaffRequired):
    denied_message = gettext_lazy("志愿者招募仅供业务单位工作人员使用。")


def _campaign(request, pk) -> RecruitmentCampaign:
    return get_object_or_404(campaigns_managed_by(request.user), pk=pk)


def _query(request, form_class, **kwargs) -> dict:
    """The page's query parameters through a form: a wrong one is named in a message and left
    out, the page shows without it."""
    form = form_class(request.GET, **kwargs)
    if not form.is_valid():
        messages.warning(request, _("查询条件有误，已忽略：%(e)s") % {"e": form_errors(form)})
    return form.cleaned_data


class CampaignListView(StaffRequired, TableExportMixin, TemplateView):
    template_name = "volunteers/campaigns.html"
    export_title = gettext_lazy("志愿者招募")
    export_object_type = "volunteers.recruitmentcampaign"

    def export_table(self):
        headers = [
            _("招募活动"),
            _("单位"),
            _("报名截止"),
            _("服务开始"),
            _("服务结束"),
            _("招募人数"),
        ]
        rows, steps = [], []
        for c in campaigns_managed_by(self.request.user).select_related("unit"):
            figures = funnel(c)
            steps = [step for step, _n in figures]
            rows.append(
                [
                    c.name,
                    str(c.unit),
                    c.apply_until,
                    c.service_from,
                    c.service_until,
                    c.places,
                    *[n for _step, n in figures],
                ]
            )
        headers += steps
        return headers, rows

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            title=_("志愿者招募"),
            campaigns=campaigns_managed_by(user),
            judging=judged_by(user),
            teams=Team.objects.filter(unit__path__startswith=user.unit.path),
            **kwargs,
        )


class CampaignDetailView(StaffRequired, TemplateView):
    template_name = "volunteers/campaign_detail.html"

    def get_context_data(self, **kwargs):
        campaign = _campaign(self.request, self.kwargs["pk"])
        publicity = current_round(campaign)
        positions = []
        for position in campaign.positions.select_related("venue"):
            position.selected_count = position.selected.filter(status=Status.SELECTED).count()
            position.level_name = LEVEL_NAMES.get(position.language_level or 0, "")
            positions.append(position)
        return super().get_context_data(
            title=campaign.name,
            campaign=campaign,
            funnel=funnel(campaign),
            positions=positions,
            runs=SelectionRun.objects.filter(campaign=campaign)[:5],
            flagged=campaign.applications.filter(score_flagged=True).count(),
            publicity=public_round(publicity) if publicity else None,
            rounds=campaign.rounds.select_related("published_by").order_by("-number"),
            open_objections=open_objections(campaign),
            answered=Objection.objects.filter(campaign=campaign, handled_at__isnull=False)
            .select_related("round", "handled_by")
            .order_by("-handled_at"),
            shifts=Shift.objects.filter(position__campaign=campaign).count(),
            assignments=Assignment.objects.filter(
                shift__position__campaign=campaign, dropped=False
            ).count(),
            venues=[
                (venue, checkin_url(venue))
                for venue in Venue.objects.filter(position__campaign=campaign).distinct()
            ],
            late_checkins=late_checkins_for(self.request.user)
            .filter(shift__position__campaign=campaign)
            .count(),
            **kwargs,
        )


def _screen(request, campaign, data) -> str:
    counts = services.screening_auto(actor=request.user, campaign=campaign)
    return _("自动审核：通过 %(a)d 人，不通过 %(b)d 人。") % {"a": counts["in"], "b": counts["out"]}


def _slots(request, campaign, data) -> str:
    n = services.slots_assign(actor=request.user, campaign=campaign)
    return _("已安排 %(n)d 人的面试时段。") % {"n": n}


def _scores(request, campaign, data) -> str:
    n = services.scores_finalise(actor=request.user, campaign=campaign)
    return _("已计算 %(n)d 人的标准化成绩。") % {"n": n}


def _select(request, campaign, data) -> str:
    result = services.selection_run(actor=request.user, campaign=campaign, reason=data["reason"])
    return _("录用计算完成：%(s)s，录用 %(n)d 人，目标值 %(o)d，用时 %(t).2f 秒。") % {
        "s": result.status,
        "n": len(result.placed),
        "o": result.objective,
        "t": result.seconds,
    }


def _publish(request, campaign, data) -> str:
    services.publicity_publish(actor=request.user, campaign=campaign)
    publicity = current_round(campaign)
    return _("名单已公示，公示期 %(n)d 个工作日，至 %(d)s 24 时止。") % {
        "n": publicity.working_days if publicity else 0,
        "d": publicity.until if publicity else "",
    }


def _confirm(request, campaign, data) -> str:
    services.selection_confirm(actor=request.user, campaign=campaign)
    return _("已确认录用，并已短信通知录用人员。")


def _shifts(request, campaign, data) -> str:
    n = services.shifts_generate(actor=request.user, campaign=campaign)
    return _("已生成 %(n)d 个班次。") % {"n": n}


def _roster(request, campaign, data) -> str:
    result = services.roster_solve(actor=request.user, campaign=campaign, seconds=20)
    return _("排班完成：%(s)s，缺员 %(m)d 人次，目标值 %(o).0f，下界 %(b).0f。") % {
        "s": result.status,
        "m": result.shortage,
        "o": result.objective,
        "b": result.bound,
    }


def _objection(request, campaign, data) -> str:
    objection = get_object_or_404(campaign.objections, pk=data["objection"])
    services.objection_handle(actor=request.user, objection=objection, handling=data["handling"])
    return _("异议答复已记录。")


class CampaignActionView(StaffRequired, ActionTableView):
    """The steps of a campaign, one button each (`do/<action>/`)."""

    actions = {
        "screen": Act(NoFields, _screen),
        "slots": Act(NoFields, _slots),
        "scores": Act(NoFields, _scores),
        "select": Act(SelectionRunForm, _select),
        "publish": Act(NoFields, _publish),
        "confirm": Act(NoFields, _confirm),
        "shifts": Act(NoFields, _shifts),
        "roster": Act(NoFields, _roster),
        "objection": Act(ObjectionHandleForm, _objection),
    }

    def get_record(self, request, **kwargs):
        return _campaign(request, kwargs["pk"])


class ApplicationListView(StaffRequired, TemplateView):
    """报名名单: search, filter, bulk screening, xlsx export with ID numbers masked."""

    template_name = "volunteers/applications.html"

    def filters(self) -> dict:
        if not hasattr(self, "_filters"):
            self._filters = _query(self.request, ApplicationFilterForm)
        return self._filters

    def queryset(self, campaign):
        queryset = campaign.applications.select_related("position").order_by("-score", "full_name")
        filters = self.filters()
        if filters.get("status"):
            queryset = queryset.filter(status=filters["status"])
        query = filters.get("q", "")
        if query:
            queryset = queryset.filter(
                Q(full_name__icontains=query)
                | Q(organisation__icontains=query)
                | Q(code=query.upper())
            )
        if filters.get("flagged"):
            queryset = queryset.filter(score_flagged=True)
        return queryset

    def get(self, request, *args, **kwargs):
        campaign = _campaign(request, kwargs["pk"])
        filters = self.filters()
        if filters.get("export") == "xlsx":
            rows = [
                [
                    a.full_name,
                    a.masked_id_number,
                    a.masked_phone,
                    a.organisation,
                    a.get_status_display(),
                    a.score,
                    a.position.name if a.position else "",
                    a.wait_rank,
                    a.outcome_note,
                ]
                for a in self.queryset(campaign)
            ]
            return xlsx_response(
                user=request.user,
                filename=f"{campaign.name}-报名名单",
                title=campaign.name,
                headers=[
                    _("姓名"),
                    _("身份证号"),
                    _("手机"),
                    _("学校或工作单位"),
                    _("状态"),
                    _("成绩"),
                    _("岗位"),
                    _("候补序号"),
                    _("结果说明"),
                ],
                rows=rows,
                object_type="volunteers.application",
                filters={k: v for k, v in filters.items() if v not in ("", None, False)},
                personal=False,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        campaign = _campaign(self.request, self.kwargs["pk"])
        page = Paginator(self.queryset(campaign), 50).get_page(self.filters().get("page"))
        return super().get_context_data(
            title=_("报名名单"), campaign=campaign, page=page, statuses=Status.choices, **kwargs
        )

    def post(self, request, pk):
        campaign = _campaign(request, pk)
        try:
            data = parse(ScreeningForm(request.POST))
            n = services.screening_decide(
                actor=request.user,
                applications=campaign.applications.filter(pk__in=data["application"]),
                passed=data["decision"] == "pass",
                reason=data["reason"],
            )
        except LongchengError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已审核 %(n)d 人，并已短信告知。") % {"n": n})
        return redirect(request.get_full_path())


def _application(request, pk) -> Application:
    return get_object_or_404(
        Application.objects.filter(campaign__in=campaigns_managed_by(request.user)), pk=pk
    )


def _correct_scores(request, application, data) -> str:
    services.score_correct(
        actor=request.user,
        application=application,
        judge=data["judge"],
        values={
            item["code"]: data[f"score_{item['code']}"] for item in application.campaign.rubric
        },
        reason=data["reason"],
    )
    return _("评分已更正并记入审计日志；请重新运行录用分配。")


def _drop(request, application, data) -> str:
    result = services.volunteer_drop(
        actor=request.user, application=application, reason=data["reason"]
    )
    return _("已退出并重新排班：%(s)s，缺员 %(m)d 人次。") % {
        "s": result.status,
        "m": result.shortage,
    }


def _override(request, application, data) -> str:
    services.selection_override(
        actor=request.user,
        application=application,
        position=data["position"],
        reason=data["reason"],
    )
    return _("已人工调整。")


def _for_application(request, application) -> dict:
    return {"application": application}


APPLICATION_ACTIONS = {
    "correct_scores": Act(ScoreCorrectionForm, _correct_scores, _for_application),
    "drop": Act(DropForm, _drop),
    "override": Act(OverrideForm, _override, _for_application),
}


class ApplicationDetailView(StaffRequired, PostedActionView, TemplateView):
    """An application with its scores and shifts; its buttons post here (`action`)."""

    template_name = "volunteers/application_detail.html"

    def get_context_data(self, **kwargs):
        application = _application(self.request, self.kwargs["pk"])
        positions = {p.pk: p for p in application.campaign.positions.all()}
        scores: dict = {}
        for score in application.scores.select_related("judge"):
            scores.setdefault(score.judge.full_name, {})[score.criterion] = score.value
        return super().get_context_data(
            title=application.full_name,
            application=application,
            preferences=[positions[p] for p in application.preferences if p in positions],
            rubric=application.campaign.rubric,
            scores=scores,
            locked=application.campaign.runs.exists(),
            correction_form=ScoreCorrectionForm(application=application, auto_id=False),
            judges=User.objects.filter(judging_sessions__campaign=application.campaign).distinct(),
            positions=positions.values(),
            assignments=application.assignments.select_related("shift__position__venue"),
            levels=LEVEL_NAMES,
            **kwargs,
        )

    default_action = "override"

    actions = APPLICATION_ACTIONS

    def get_record(self, request, **kwargs):
        return _application(request, kwargs["pk"])


class JudgeRequired(LoginRequiredMixin):
    """Business staff who sit on a panel, and the external judges (their sessions only)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (is_business_staff(user) or user.role == Role.JUDGE):
            raise PermissionDenied(_("本页面仅供面试评委使用。"))
        return super().dispatch(request, *args, **kwargs)


class JudgeView(JudgeRequired, TemplateView):
    """The judge's tablet: the people in my sessions by interview day (today first), a search
    box, the rubric for the one I score and 下一位, the next of that day I have yet to mark."""

    template_name = "volunteers/judge.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        query = _query(self.request, JudgePickForm)
        chosen = query.get("a")
        current = judge_candidates(user).filter(pk=chosen).first() if chosen else None
        form = following = None
        if current:
            marks = {
                s.criterion: s.value for s in Score.objects.filter(judge=user, application=current)
            }
            form = JudgeScoreForm(campaign=current.campaign, initial=marks)
            following = next_unscored(user, current)
        return super().get_context_data(
            title=_("面试评分"),
            days=judge_days(user, query=query.get("q") or ""),
            q=query.get("q") or "",
            to_score=unscored_for(user).count(),
            current=current,
            locked=bool(current and current.campaign.runs.exists()),
            form=form,
            following=following,
            **kwargs,
        )

    def post(self, request):
        pick = JudgePickForm(request.POST)
        application = get_object_or_404(
            judge_candidates(request.user),
            pk=pick.cleaned_data.get("application") if pick.is_valid() else None,
        )
        try:
            values = parse(JudgeScoreForm(request.POST, campaign=application.campaign))
            services.score_record(judge=request.user, application=application, values=values)
        except LongchengError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已保存 %(n)s 的评分。") % {"n": application.full_name})
        return redirect(f"{request.path}?a={application.pk}")


class RosterView(StaffRequired, TableExportMixin, TemplateView):
    template_name = "volunteers/roster.html"
    export_title = gettext_lazy("排班")
    export_object_type = "volunteers.shift"

    def export_table(self):
        context = self.get_context_data()
        headers = [
            _("日期"),
            _("场馆"),
            _("岗位"),
            _("开始"),
            _("结束"),
            _("需要人数"),
            _("志愿者"),
            _("签到"),
            _("签退"),
        ]
        rows = []
        for shift in context["shifts"]:
            for a in shift.assignments.all() or [None]:
                rows.append(
                    [
                        context["chosen"],
                        shift.position.venue.name,
                        shift.position.name,
                        shift.starts_at,
                        shift.ends_at,
                        shift.demand,
                        a.application.full_name if a else "",
                        a.checked_in_at if a else None,
                        a.checked_out_at if a else None,
                    ]
                )
        return headers, rows

    def get_context_data(self, **kwargs):
        campaign = _campaign(self.request, self.kwargs["pk"])
        days = rules.service_dates(campaign)
        chosen = _query(self.request, RosterDayForm).get("day") or days[0]
        shifts = (
            Shift.objects.filter(position__campaign=campaign, starts_at__date=chosen)
            .select_related("position__venue")
            .prefetch_related("assignments__application")
            .order_by("position__venue__name", "starts_at")
        )
        return super().get_context_data(
            title=_("排班"), campaign=campaign, days=days, chosen=chosen, shifts=shifts, **kwargs
        )


def _no_shows(request, campaign, data) -> str:
    n = services.no_shows_mark(campaign=campaign)
    return _("已标记缺勤 %(n)d 人次。") % {"n": n}


def _replacement(request, campaign, data) -> str:
    shift = get_object_or_404(Shift, pk=data["shift"], position__campaign=campaign)
    assignment = services.replacement_call(actor=request.user, shift=shift)
    if assignment is None:
        raise LongchengError(_("候补名单中没有符合条件且当天有空的人。"))
    return _("已由 %(n)s 递补，并已短信通知。") % {"n": assignment.application.full_name}


class RosterActionView(StaffRequired, PostedActionView):
    """The roster's buttons: a shift's replacement from the waiting list (the default), or
    absences of the shifts that ended."""

    default_action = "replacement"
    actions = {
        "no_shows": Act(NoFields, _no_shows),
        "replacement": Act(RosterActionForm, _replacement),
    }

    def get_record(self, request, **kwargs):
        return _campaign(request, kwargs["pk"])

    def after(self, request, record):
        return redirect(safe_next(request, reverse("volunteers:roster", args=[record.pk])))


class HoursView(StaffRequired, TemplateView):
    template_name = "volunteers/hours.html"

    def get(self, request, *args, **kwargs):
        campaign = _campaign(request, kwargs["pk"])
        rows = hours_by_person(campaign)
        query = _query(request, HoursQueryForm)
        if query.get("export") == "xlsx":
            return xlsx_response(
                user=request.user,
                filename=f"{campaign.name}-服务时长",
                title=campaign.name,
                headers=[_("姓名"), _("身份证号"), _("岗位"), _("上岗班次"), _("服务时长（小时）")],
                rows=[
                    [a.full_name, a.masked_id_number, a.position.name if a.position else "", n, h]
                    for a, h, n in rows
                ],
                object_type="volunteers.assignment",
                filters={"campaign": campaign.pk},
                personal=False,
            )
        if query.get("certificate"):
            application = get_object_or_404(campaign.applications, pk=query["certificate"])
            hours = next((h for a, h, _n in rows if a.pk == application.pk), 0.0)
            response = HttpResponse(
                documents.certificate_pdf(application, hours), content_type="application/pdf"
            )
            response["Content-Disposition"] = (
                f'inline; filename="certificate-{application.code}.pdf"'
            )
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        campaign = _campaign(self.request, self.kwargs["pk"])
        return super().get_context_data(
            title=_("服务时长"),
            campaign=campaign,
            rows=hours_by_person(campaign),
            rule=rules.hours_rule(),
            **kwargs,
        )


class ScheduleView(View):
    """A volunteer's own schedule by their code: printable, or as iCal for the phone calendar."""

    def get(self, request, code):
        application = get_object_or_404(Application, code=code.upper())
        assignments = application.assignments.filter(dropped=False).select_related(
            "shift__position__venue"
        )
        query = ScheduleQueryForm(request.GET)
        if query.is_valid() and query.cleaned_data["format"] == "ics":
            return HttpResponse(
                documents.ical(application, assignments),
                content_type="text/calendar; charset=utf-8",
            )
        return render(
            request,
            "volunteers/public/schedule.html",
            {"application": application, "assignments": assignments},
        )


class TeamView(StaffRequired, TemplateView):
    template_name = "volunteers/team.html"

    def get_context_data(self, **kwargs):
        team = get_object_or_404(Team, pk=self.kwargs["pk"])
        user = self.request.user
        if not (
            user.unit_id == team.unit_id
            or (user.role == "leader" and team.unit.path.startswith(user.unit.path))
        ):
            raise PermissionDenied(_("只有队伍所属单位可以查看。"))
        return super().get_context_data(
            title=team.name,
            team=team,
            members=team.members.all(),
            trainings=team.trainings.prefetch_related("records__member"),
            **kwargs,
        )


# — Check-in —


def checkin_url(venue: Venue) -> str:
    """The venue's check-in page as a phone reaches it (the QR code's content)."""
    path = reverse("volunteers:checkin", args=[venue.token])
    return settings.LONGCHENG_PUBLIC_BASE_URL.rstrip("/") + path


class VenueQrView(StaffRequired, TemplateView):
    """A venue's check-in QR code on a page of its own, to print and put up at the venue."""

    template_name = "volunteers/venue_qr.html"

    def get_context_data(self, **kwargs):
        venue = get_object_or_404(venues_managed_by(self.request.user), pk=self.kwargs["pk"])
        url = checkin_url(venue)
        return super().get_context_data(
            title=_("签到二维码"),
            venue=venue,
            url=url,
            qr_svg=segno.make(url, error="m").svg_inline(scale=8, omitsize=True),
            rule=rules.hours_rule(),
            **kwargs,
        )


class LateCheckinListView(StaffRequired, TemplateView):
    """The work queue of check-ins made after their shift had ended: accept or refuse, each
    with a reason."""

    template_name = "volunteers/late_checkins.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            title=_("迟到签到审核"),
            waiting=late_checkins_for(user),
            reviewed=late_checkins_reviewed(user)[:30],
            rule=rules.hours_rule(),
            **kwargs,
        )

    def post(self, request):
        try:
            data = parse(LateCheckinReviewForm(request.POST))
            assignment = get_object_or_404(
                Assignment.objects.filter(
                    shift__position__campaign__in=campaigns_managed_by(request.user)
                ),
                pk=data["assignment"],
            )
            services.late_checkin_review(
                actor=request.user,
                assignment=assignment,
                accepted=data["decision"] == "accept",
                reason=data["reason"],
            )
        except LongchengError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("已审核 %(n)s 的迟到签到：%(r)s。")
                % {"n": assignment.application.full_name, "r": assignment.get_review_display()},
            )
        return redirect(request.path)
