import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import reads_business_records, visible_units
from longcheng.core.calendar import PROVISIONAL_LABEL, WorkdayWindow, is_provisional
from longcheng.core.errors import ConcurrentEditError, LongchengError
from longcheng.web.exports import xlsx_response
from longcheng.web.listing import Column, ListFilter, RegisterListView

from . import metrics, services
from .attachments import attachment_add
from .forms import (
    AnswerForm,
    DecisionForm,
    DispatchForm,
    ExtensionDecisionForm,
    ExtensionForm,
    LeagueForm,
    MergeForm,
    RateForm,
    ReceiveForm,
    TextForm,
    UnreasonableDecisionForm,
    UnreasonableRequestForm,
    VersionForm,
)
from .models import Attachment, Category, Extension, Matter, Notification, UnreasonableClaim
from .panels import matter_panels
from .selectors import Box, inbox_boxes, inbox_counts, inbox_queryset, matters_visible_to
from .workflow import Action, Channel, MetricScope, Status, Urgency, metric_scope_of


class BusinessRequired(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not reads_business_records(request.user):
            raise PermissionDenied(_("您的角色不查看业务数据。"))
        return super().dispatch(request, *args, **kwargs)


RUNNING = (Status.SIGNED, Status.IN_PROGRESS, Status.REOPENED, Status.DISPATCHED, Status.SUSPENDED)


def annotate_days_left(matters: list[Matter]) -> None:
    """Working days left to each running matter's deadline, from one calendar read."""
    now = timezone.now()
    today = timezone.localdate()
    running = [m for m in matters if m.handle_deadline and m.status in RUNNING]
    if not running:
        return
    days = [timezone.localtime(m.handle_deadline).date() for m in running]
    window = WorkdayWindow(min([today, *days]), max([today, *days]))
    for matter, day in zip(running, days, strict=True):
        matter.days_left = window.between(today, day)
        matter.is_late = matter.handle_deadline <= now


def _deadline_cell(matter: Matter) -> str:
    if not matter.handle_deadline:
        return ""
    moment = timezone.localtime(matter.handle_deadline)
    # The year shows when it is not this year (a deadline reaching into the next one).
    pattern = "%m-%d %H:%M" if moment.year == timezone.localdate().year else "%Y-%m-%d %H:%M"
    local = moment.strftime(pattern)
    if not hasattr(matter, "days_left"):
        annotate_days_left([matter])
    if not hasattr(matter, "days_left"):
        return local
    if matter.is_late:
        text = _("%(d)s（已超期）") % {"d": local}
    else:
        text = _("%(d)s（剩 %(n)s 个工作日）") % {"d": local, "n": matter.days_left}
    if is_provisional(matter.handle_deadline):
        text = f"{text} · {PROVISIONAL_LABEL}"
    return text


class InboxView(BusinessRequired, RegisterListView):
    model = Matter
    template_name = "loop/inbox.html"
    title = gettext_lazy("事项办理")
    export_name = gettext_lazy("事项清单")
    unit_field = None
    search_fields = ["number", "title", "description", "address"]
    exact_search_fields = ["reporter_phone"]
    search_placeholder = gettext_lazy("搜索编号、标题、内容、诉求人完整电话…")
    default_sort = "handle_deadline"
    filters = [
        ListFilter("status", gettext_lazy("状态"), "status", lambda u: Status.choices),
        ListFilter("channel", gettext_lazy("渠道"), "channel", lambda u: Channel.choices),
        ListFilter("urgency", gettext_lazy("紧急程度"), "urgency", lambda u: Urgency.choices),
        ListFilter(
            "category",
            gettext_lazy("派单目录"),
            "category_id",
            lambda u: [(str(c.pk), c.name) for c in Category.objects.order_by("path")],
        ),
    ]
    columns = [
        Column(gettext_lazy("编号"), lambda m: m.number, sort="number"),
        Column(gettext_lazy("标题"), lambda m: m.title),
        Column(gettext_lazy("状态"), lambda m: m.get_status_display(), sort="status"),
        Column(gettext_lazy("紧急"), lambda m: m.get_urgency_display(), sort="urgency"),
        Column(gettext_lazy("派单目录"), lambda m: m.category),
        Column(gettext_lazy("主办单位"), lambda m: m.lead_unit),
        Column(gettext_lazy("办理时限"), _deadline_cell, sort="handle_deadline"),
        Column(
            gettext_lazy("受理时间"),
            lambda m: timezone.localtime(m.received_at).strftime("%Y-%m-%d %H:%M"),
            sort="received_at",
        ),
        Column(gettext_lazy("诉求人电话"), lambda m: m.masked_reporter_phone),
    ]

    def box(self) -> str:
        box = self.request.GET.get("box", "")
        boxes = inbox_boxes(self.request.user)
        return box if box in [*boxes, "all"] else boxes[0]

    def current_sort(self) -> str:
        # Finished matters newest first: by deadline they would start with the oldest of years
        # of history (and an index walks them in received order: matter_done_*_idx).
        if self.box() == Box.DONE and not self.request.GET.get("sort"):
            return "-received_at"
        return super().current_sort()

    def base_queryset(self):
        box = self.box()
        if box == "all":
            queryset = matters_visible_to(self.request.user)
        else:
            queryset = inbox_queryset(self.request.user, box)
        return queryset.select_related("category", "lead_unit")

    def prepare_page(self, objects):
        annotate_days_left(objects)

    def tab_counts(self) -> dict[str, int]:
        if not hasattr(self, "_tab_counts"):
            self._tab_counts = inbox_counts(self.request.user)
        return self._tab_counts

    def row_count(self, queryset) -> int:
        narrowed = any(self.request.GET.get(k) for k in ("q", *[f.name for f in self.filters]))
        if not narrowed and self.box() in self.tab_counts():
            # The tab already counted these rows; don't count them twice.
            return self.tab_counts()[self.box()]
        return super().row_count(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = self.tab_counts()
        context["boxes"] = [(box, Box.LABELS[box], counts[box]) for box in counts]
        context["box"] = self.box()
        context["may_receive"] = self.request.user.unit_id is not None
        return context


class MatterMixin(BusinessRequired):
    def get_matter(self) -> Matter:
        return get_object_or_404(
            matters_visible_to(self.request.user).select_related(
                "category", "lead_unit", "receiving_unit", "division", "master"
            ),
            pk=self.kwargs["pk"],
        )


class MatterDetailView(MatterMixin, TemplateView):
    template_name = "loop/matter_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matter = self.get_matter()
        user = self.request.user
        actions = services.allowed_actions(user, matter)
        pending = matter.extensions.filter(decision=Extension.Decision.PENDING).first()
        if pending is None and Action.DECIDE_EXTENSION in actions:
            actions.remove(Action.DECIDE_EXTENSION)
        if pending is not None and Action.REQUEST_EXTENSION in actions:
            actions.remove(Action.REQUEST_EXTENSION)
        claims = {c.decision for c in matter.unreasonable_claims.all()}
        if (
            UnreasonableClaim.Decision.PENDING not in claims
            and Action.DECIDE_UNREASONABLE in actions
        ):
            actions.remove(Action.DECIDE_UNREASONABLE)
        may_claim = metric_scope_of(matter.channel) == MetricScope.CITIZEN and not claims & {
            UnreasonableClaim.Decision.PENDING,
            UnreasonableClaim.Decision.CERTIFIED,
        }
        if not may_claim and Action.REQUEST_UNREASONABLE in actions:
            actions.remove(Action.REQUEST_UNREASONABLE)
        if Action.CONTACT in actions and not matter.reporter_phone:
            actions.remove(Action.CONTACT)
        context.update(
            matter=matter,
            title=f"{matter.number} {matter.title}",
            events=matter.events.select_related("actor", "actor_unit", "unit").prefetch_related(
                "attachments"
            ),
            attachments=matter.attachments.filter(event__isnull=True),
            assisting=list(matter.assisting_units.all()),
            actions=actions,
            forms=_action_forms(matter, actions, pending),
            pending_extension=pending,
            claims=matter.unreasonable_claims.select_related("unit", "decided_by"),
            deadline_text=_deadline_cell(matter),
            notices=matter.notices.all()[:10],
            followers=matter.followers.all(),
            confirm=CONFIRM,
            may_reveal=self.request.user.has_perm("parties.reveal_personal_data"),
            may_hold=user.role in (Role.LEADER, Role.DISPATCHER),
            panels=matter_panels(self.request, matter),
        )
        return context


def _action_forms(matter: Matter, actions, pending):
    v = {"version": matter.version}
    claim = matter.unreasonable_claims.filter(decision=UnreasonableClaim.Decision.PENDING).first()
    lead = matter.lead_unit or (matter.category.default_lead_unit if matter.category else None)
    dispatch_initial = {**v, "category": matter.category_id, "lead_unit": lead.pk if lead else None}
    if matter.category_id:
        dispatch_initial["assisting_units"] = [
            u.pk for u in matter.category.default_assisting_units.all()
        ]
    builders = {
        Action.DISPATCH: lambda: DispatchForm(initial=dispatch_initial, prefix="dispatch"),
        Action.REDISPATCH: lambda: DispatchForm(initial=dispatch_initial, prefix="redispatch"),
        Action.SIGN: lambda: VersionForm(initial=v),
        Action.RETURN: lambda: TextForm(initial=v, prefix="return"),
        Action.OPINION: lambda: TextForm(initial=v, prefix="opinion"),
        Action.PROGRESS: lambda: TextForm(initial=v, prefix="progress"),
        Action.REQUEST_EXTENSION: lambda: ExtensionForm(prefix="request_extension"),
        Action.DECIDE_EXTENSION: lambda: ExtensionDecisionForm(
            initial={"extension": pending.pk if pending else None}, prefix="decide_extension"
        ),
        Action.SUSPEND: lambda: TextForm(initial=v, prefix="suspend"),
        Action.RESUME: lambda: VersionForm(initial=v),
        Action.ANSWER: lambda: AnswerForm(initial=v, prefix="answer"),
        Action.RATE: lambda: RateForm(initial=v, prefix="rate"),
        Action.MERGE: lambda: MergeForm(prefix="merge"),
        Action.ARCHIVE: lambda: VersionForm(initial=v),
        Action.DECIDE: lambda: DecisionForm(
            initial={"lead_unit": lead.pk if lead else None}, prefix="decide"
        ),
        Action.CONTACT: lambda: TextForm(initial=v, prefix="contact"),
        Action.REQUEST_UNREASONABLE: lambda: UnreasonableRequestForm(prefix="request_unreasonable"),
        Action.DECIDE_UNREASONABLE: lambda: UnreasonableDecisionForm(
            initial={"claim": claim.pk if claim else None}, prefix="decide_unreasonable"
        ),
    }
    return [(action, builders[action]()) for action in actions]


# Actions whose effect cannot be undone by the same user ask for confirmation first.
CONFIRM = {
    Action.RETURN,
    Action.ANSWER,
    Action.RATE,
    Action.MERGE,
    Action.ARCHIVE,
    Action.REDISPATCH,
    Action.DISPATCH,
}


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = "；".join(errors)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)


class MatterActionView(MatterMixin, View):
    """POST one action. Refusals come back as a plain message on the matter page."""

    def post(self, request, pk, action):
        matter = self.get_matter()
        try:
            action = Action(action)
        except ValueError:
            raise Http404 from None
        try:
            with transaction.atomic():
                self._apply(request, matter, action)
        except ConcurrentEditError as error:
            messages.warning(request, error.message)
        except (LongchengError, ValueError) as error:
            messages.error(request, getattr(error, "message", str(error)))
        else:
            messages.success(request, _("已%(a)s。") % {"a": action.label})
        return redirect(matter.get_absolute_url())

    def _form(self, form_class, prefix=None):
        form = form_class(self.request.POST, self.request.FILES, prefix=prefix)
        if not form.is_valid():
            raise LongchengError(_("填写有误：%(e)s") % {"e": _form_errors(form)})
        return form.cleaned_data

    def _attach(self, matter, files, event=None):
        for upload in files or []:
            attachment_add(matter=matter, upload=upload, actor=self.request.user, event=event)

    def _apply(self, request, matter: Matter, action: Action) -> None:
        user = request.user
        if action in (Action.DISPATCH, Action.REDISPATCH):
            data = self._form(DispatchForm, prefix=action.value)
            services.matter_dispatch(
                matter=matter,
                actor=user,
                lead_unit=data["lead_unit"],
                assisting_units=data["assisting_units"],
                category=data["category"],
                expected_version=data["version"],
                note=data["note"],
                redispatch=action == Action.REDISPATCH,
            )
        elif action == Action.SIGN:
            data = self._form(VersionForm)
            services.matter_sign(matter=matter, actor=user, expected_version=data["version"])
        elif action in (
            Action.RETURN,
            Action.PROGRESS,
            Action.ANSWER,
            Action.SUSPEND,
            Action.OPINION,
        ):
            form_class = AnswerForm if action == Action.ANSWER else TextForm
            data = self._form(form_class, prefix=action.value)
            version, text = data.get("version"), data["text"]
            if action == Action.RETURN:
                services.matter_return(
                    matter=matter, actor=user, reason=text, expected_version=version
                )
            elif action == Action.PROGRESS:
                services.matter_add_progress(
                    matter=matter, actor=user, text=text, expected_version=version
                )
            elif action == Action.ANSWER:
                services.matter_answer(
                    matter=matter,
                    actor=user,
                    text=text,
                    expected_version=version,
                    personal_data_checked=data["personal_data_checked"],
                )
            elif action == Action.SUSPEND:
                services.matter_suspend(
                    matter=matter, actor=user, reason=text, expected_version=version
                )
            else:
                services.matter_add_opinion(matter=matter, actor=user, text=text)
            event = matter.events.order_by("-id").first()
            self._attach(matter, data.get("files"), event)
        elif action == Action.REQUEST_EXTENSION:
            data = self._form(ExtensionForm, prefix=action.value)
            services.matter_request_extension(
                matter=matter, actor=user, days=data["days"], reason=data["text"]
            )
        elif action == Action.DECIDE_EXTENSION:
            data = self._form(ExtensionDecisionForm, prefix=action.value)
            extension = get_object_or_404(Extension, pk=data["extension"], matter=matter)
            services.matter_decide_extension(
                extension=extension, actor=user, approve=data["approve"], reason=data["text"]
            )
        elif action == Action.RESUME:
            data = self._form(VersionForm)
            services.matter_resume(matter=matter, actor=user, expected_version=data["version"])
        elif action == Action.RATE:
            data = self._form(RateForm, prefix=action.value)
            services.matter_rate(
                matter=matter,
                actor=user,
                rating=data["rating"],
                resolved=data["resolved"],
                note=data["text"],
                expected_version=data["version"],
            )
        elif action == Action.MERGE:
            data = self._form(MergeForm, prefix=action.value)
            master = matters_visible_to(user).filter(number=data["master_number"].strip()).first()
            if master is None:
                raise LongchengError(
                    _("找不到编号为 %(n)s 的事项。") % {"n": data["master_number"]}
                )
            services.matter_merge(follower=matter, master=master, actor=user)
        elif action == Action.DECIDE:
            data = self._form(DecisionForm, prefix=action.value)
            services.matter_committee_decision(
                matter=matter,
                actor=user,
                lead_unit=data["lead_unit"],
                deadline=data["deadline"],
                instructions=data["instructions"],
            )
        elif action == Action.ARCHIVE:
            data = self._form(VersionForm)
            services.matter_archive(matter=matter, actor=user, expected_version=data["version"])
        elif action == Action.CONTACT:
            data = self._form(TextForm, prefix=action.value)
            services.matter_contact(
                matter=matter, actor=user, note=data["text"], expected_version=data.get("version")
            )
        elif action == Action.REQUEST_UNREASONABLE:
            data = self._form(UnreasonableRequestForm, prefix=action.value)
            services.matter_request_unreasonable(
                matter=matter,
                actor=user,
                ground=data["ground"],
                reasons=data["reasons"],
                evidence=data["evidence"],
            )
        elif action == Action.DECIDE_UNREASONABLE:
            data = self._form(UnreasonableDecisionForm, prefix=action.value)
            claim = get_object_or_404(UnreasonableClaim, pk=data["claim"], matter=matter)
            services.matter_decide_unreasonable(
                claim=claim, actor=user, certify=data["certify"], reason=data["reason"]
            )


class RevealPhoneView(MatterMixin, View):
    """POST only: shows the reporter's full phone once, and records who looked."""

    def post(self, request, pk):
        matter = self.get_matter()
        try:
            phone = services.matter_reveal_reporter_phone(matter=matter, actor=request.user)
        except LongchengError as refused:
            return render(
                request, "loop/partials/phone.html", {"error": refused.message}, status=403
            )
        return render(request, "loop/partials/phone.html", {"phone": phone})


class LegalHoldView(MatterMixin, View):
    """POST only: 保全 with its reason, or lifted with a blank one."""

    def post(self, request, pk):
        matter = self.get_matter()
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            services.matter_set_legal_hold(
                matter=matter,
                actor=request.user,
                reason=request.POST.get("reason", "")[:200],
                expected_version=version,
            )
        except LongchengError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("保全状态已更新，已记入办理过程和审计日志。"))
        return redirect(matter.get_absolute_url())


class ReceiveView(BusinessRequired, FormView):
    """受理: hotline, window or any staff member registers a matter."""

    template_name = "web/form.html"
    form_class = ReceiveForm
    extra_context = {"title": gettext_lazy("受理事项"), "cancel_url": "/loop/", "multipart": True}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                matter = services.matter_receive(
                    actor=self.request.user,
                    title=data["title"],
                    description=data["description"],
                    channel=data["channel"],
                    kind=data["kind"],
                    urgency=data["urgency"],
                    category=data["category"],
                    division=data["division"],
                    address=data["address"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    anonymous=data["anonymous"],
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                )
                for upload in data["files"]:
                    attachment_add(matter=matter, upload=upload, actor=self.request.user)
        except LongchengError as error:
            form.add_error("files" if "文件" in error.message else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已受理，事项编号 %(n)s。") % {"n": matter.number})
        return redirect(matter.get_absolute_url())


class AttachmentView(BusinessRequired, View):
    def get(self, request, pk):
        attachment = get_object_or_404(
            Attachment, pk=pk, matter__in=matters_visible_to(request.user)
        )
        return FileResponse(
            attachment.file.open("rb"),
            filename=attachment.name,
            content_type=attachment.content_type,
            as_attachment=attachment.content_type == "application/pdf",
        )


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


class MetricsView(BusinessRequired, TemplateView):
    """The units' figures in a scope, ranked by any measure (loop.metrics, docs/metrics.md)."""

    template_name = "loop/metrics.html"

    def rows(self):
        start, end = metrics.period_from_request(self.request.GET)
        scope, by = LeagueForm(self.request.GET).choice()
        units = visible_units(self.request.user).order_by("path")
        last = (end - datetime.timedelta(days=1)).date()
        rows = [
            r
            for r in metrics.unit_metrics(units=units, first=start.date(), last=last, scope=scope)
            if r.dispatched or r.answered or r.rated or r.due  # as the league table lists them
        ]
        return start, end, scope, by, metrics.rank_units(rows, by=by)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        start, end, scope, by, rows = self.rows()

        def pct(value):
            return None if value is None else round(value * 100, 1)

        headers = [
            str(h)
            for h in (
                _("排名"),
                _("单位"),
                _("派单"),
                _("签收"),
                _("签收及时率（%）"),
                _("响应率（%）"),
                _("办结"),
                _("期限届满"),
                _("按期办结率（%）"),
                _("市民评价"),
                _("默认评价"),
                _("不合理诉求"),
                _("解决率（%）"),
                _("满意率（%）"),
                _("平均办理时长（工作日）"),
                _("退单率（%）"),
                _("重办率（%）"),
            )
        ]
        table = [
            [
                r.rank,
                str(r.unit),
                r.dispatched,
                r.signed,
                pct(r.on_time_sign_rate),
                pct(r.response_rate),
                r.answered,
                r.due,
                pct(r.on_time_answer_rate),
                r.rated,
                r.rated_default,
                r.unreasonable,
                pct(r.resolved_rate),
                pct(r.satisfaction_rate),
                None if r.average_working_days is None else round(r.average_working_days, 1),
                pct(r.return_rate),
                pct(r.reopen_rate),
            ]
            for r in rows
        ]
        last = (end - datetime.timedelta(days=1)).date()
        return xlsx_response(
            user=self.request.user,
            filename=str(_("单位办理指标")),
            title=f"{start.date()}~{last} {MetricScope(scope).label}",
            headers=headers,
            rows=table,
            object_type="loop.metrics",
            filters={"start": str(start.date()), "end": str(last), "scope": scope, "by": by},
            personal=False,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start, end, scope, by, rows = self.rows()
        context.update(
            title=_("单位办理指标"),
            rows=rows,
            start=start,
            end_inclusive=end - datetime.timedelta(days=1),
            formulas=metrics.FORMULAS,
            scope=scope,
            by=by,
            scope_choices=MetricScope.choices,
            ranking_measures=metrics.RANKING_MEASURES,
            min_rated=settings.LONGCHENG_RANKING_MIN_RATED,
        )
        return context
