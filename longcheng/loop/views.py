from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from longcheng.accounts.policies import leads
from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import reads_business_records
from longcheng.core.calendar import PROVISIONAL_LABEL, WorkdayWindow, is_provisional
from longcheng.core.errors import LongchengError
from longcheng.web.actions import Act, ActionTableView, parse
from longcheng.web.listing import Column, ListFilter, ListQueryForm, RegisterListView

from . import rules, search, selectors, services
from .drafts import MatterDraft
from .duplicates import duplicates_of
from .forms import (
    AnswerForm,
    AnswerReviewForm,
    AssignForm,
    DecisionForm,
    DispatchForm,
    ExtensionDecisionForm,
    ExtensionForm,
    LegalHoldForm,
    MergeForm,
    ProgressForm,
    RateForm,
    ReceiveForm,
    ReportForm,
    ReturnForm,
    TextForm,
    UnreasonableDecisionForm,
    UnreasonableRequestForm,
    VersionForm,
    WhistleForm,
)
from .models import (
    AnswerReview,
    Attachment,
    Category,
    Extension,
    Matter,
    UnreasonableClaim,
    WhistleSummons,
)
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


def short_moment(moment) -> str:
    """A time in a list: the year shows only when it is not this year."""
    local = timezone.localtime(moment)
    pattern = "%m-%d %H:%M" if local.year == timezone.localdate().year else "%Y-%m-%d %H:%M"
    return local.strftime(pattern)


def _deadline_cell(matter: Matter) -> str:
    if not matter.handle_deadline:
        return ""
    local = short_moment(matter.handle_deadline)
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


class InboxQueryForm(ListQueryForm):
    box = forms.CharField(required=False, max_length=20)
    # Read where a word search pages on without a count (anything else is page 1).
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)


class InboxView(BusinessRequired, RegisterListView):
    model = Matter
    template_name = "loop/inbox.html"
    title = gettext_lazy("事项办理")
    export_name = gettext_lazy("事项清单")
    unit_field = None
    search_fields = ["number", "title", "description", "address"]
    exact_search_fields = ["reporter_phone"]
    search_placeholder = gettext_lazy("编号、查询码、诉求人电话或文字")
    default_sort = "handle_deadline"
    query_form_class = InboxQueryForm
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
        Column(gettext_lazy("受理时间"), lambda m: short_moment(m.received_at), sort="received_at"),
        Column(gettext_lazy("诉求人电话"), lambda m: m.masked_reporter_phone),
    ]

    def box(self) -> str:
        box = self.params.get("box") or ""
        boxes = inbox_boxes(self.request.user)
        return box if box in [*boxes, "all"] else boxes[0]

    def current_sort(self) -> str:
        # Finished matters newest first: by deadline they would start with the oldest of years
        # of history (and an index walks them in received order: matter_done_*_idx).
        # What a search finds, newest first too (the word index has no deadline order).
        if (self.box() == Box.DONE or self.params.get("q")) and not self.params.get("sort"):
            return "-received_at"
        return super().current_sort()

    def ordering_keys(self) -> list[str]:
        if not self.params.get("sort"):
            # Waiting for dispatch there is no deadline yet: urgent first, then first come.
            first_come = (Box.EMERGENCY, Box.TO_DISPATCH, Box.RETURNED)
            if self.box() in first_come and not self.params.get("q"):
                return ["-urgency", "received_at", "pk"]
        return super().ordering_keys()

    def search(self, queryset, query):
        found, self.found_how = search.matter_search(queryset, query)
        return found

    def get(self, request, *args, **kwargs):
        if self.params.get("q") and not self.params.get("export"):
            # A number or a tracking code names one matter: open it.
            found = self.get_queryset()
            if getattr(self, "found_how", "") == search.UNIQUE:
                first_two = list(found.values_list("pk", flat=True)[:2])
                if len(first_two) == 1:
                    return redirect("loop:matter_detail", pk=first_two[0])
        return super().get(request, *args, **kwargs)

    def row_class(self, matter) -> str:
        if getattr(matter, "is_late", False):  # set for running matters (annotate_days_left)
            return "row-overdue"
        if matter.status == Status.REOPENED or matter.reopen_count:
            return "row-reopened"
        return ""

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
        if getattr(self, "found_how", "") == search.WORDS:
            # Words are not counted (a common one is in a million matters): the list reads
            # one row past the page and pages on while there is more (ADR 0022).
            per_page = self.get_paginate_by(queryset)
            start = ((self.params.get("page") or 1) - 1) * per_page
            seen = len(queryset.values_list("pk", flat=True)[start : start + per_page + 1])
            self.open_ended = seen > per_page
            return start + seen
        narrowed = any(self.params.get(k) for k in ("q", *[f.name for f in self.filters]))
        if not narrowed and self.box() in self.tab_counts():
            # The tab already counted these rows; don't count them twice.
            return self.tab_counts()[self.box()]
        return super().row_count(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = self.tab_counts()
        context["boxes"] = [(box, Box.LABELS[box], counts[box]) for box in counts]
        context["box"] = self.box()
        context["open_ended"] = getattr(self, "open_ended", False)
        context["may_receive"] = self.request.user.unit_id is not None
        return context


class MatterMixin(BusinessRequired):
    def get_matter(self) -> Matter:
        return get_object_or_404(
            matters_visible_to(self.request.user).select_related(
                "category", "lead_unit", "receiving_unit", "division", "master", "handler"
            ),
            pk=self.kwargs["pk"],
        )


class MatterDetailView(MatterMixin, TemplateView):
    template_name = "loop/matter_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matter = self.get_matter()
        user = self.request.user
        actions = rules.allowed_actions(user, matter)
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
        review = matter.answer_reviews.filter(decision=AnswerReview.Decision.PENDING).first()
        if review is None and Action.REVIEW_ANSWER in actions:
            actions.remove(Action.REVIEW_ANSWER)
        if review is not None and Action.ANSWER in actions and not leads(user, matter.lead_unit):
            actions.remove(Action.ANSWER)  # one draft at a time: the leader decides first
        context.update(
            matter=matter,
            title=f"{matter.number} {matter.title}",
            events=matter.events.select_related("actor", "actor_unit", "unit").prefetch_related(
                "attachments"
            ),
            attachments=matter.attachments.filter(event__isnull=True),
            assisting=list(matter.assisting_units.all()),
            actions=actions,
            forms=_action_forms(self.request, matter, actions, pending, review),
            pending_extension=pending,
            pending_review=review,
            returned=selectors.last_return(matter) if matter.status == Status.RETURNED else None,
            claims=matter.unreasonable_claims.select_related("unit", "decided_by"),
            deadline_text=_deadline_cell(matter),
            notices=matter.notices.all()[:10],
            followers=matter.followers.all(),
            confirm=CONFIRM,
            may_reveal=self.request.user.has_perm("parties.reveal_personal_data"),
            may_hold=user.role in (Role.LEADER, Role.DISPATCHER),
            panels=matter_panels(self.request, matter),
            whistles=selectors.matter_whistles(matter),
        )
        return context


def _action_forms(request, matter: Matter, actions, pending, review):
    """The unbound form of each action the user may take, with what it starts from."""
    v = {"version": matter.version}
    claim = matter.unreasonable_claims.filter(decision=UnreasonableClaim.Decision.PENDING).first()
    lead = matter.lead_unit or (matter.category.default_lead_unit if matter.category else None)
    dispatch_initial = {**v, "category": matter.category_id, "lead_unit": lead.pk if lead else None}
    if matter.category_id:
        dispatch_initial["assisting_units"] = [
            u.pk for u in matter.category.default_assisting_units.all()
        ]
    initial = {
        Action.DISPATCH: dispatch_initial,
        Action.REDISPATCH: dispatch_initial,
        Action.DECIDE_EXTENSION: {"extension": pending.pk if pending else None},
        Action.DECIDE: {"lead_unit": lead.pk if lead else None},
        Action.DECIDE_UNREASONABLE: {"claim": claim.pk if claim else None},
        Action.REQUEST_EXTENSION: {},
        Action.MERGE: {},
        Action.REQUEST_UNREASONABLE: {},
        Action.ASSIGN: {**v, "handler": matter.handler_id},
        Action.REVIEW_ANSWER: {
            **v,
            "review": review.pk if review else None,
            "text": review.text if review else "",
            "approve": "1",
        },
        Action.WHISTLE: {"hours": rules.whistle_default_hours(matter)},
        Action.REPORT: {},
    }
    return [
        (
            action,
            MATTER_ACTS[action].form(
                initial=initial.get(action, v),
                prefix=MATTER_ACTS[action].prefix,
                **MATTER_ACTS[action].form_kwargs(request, matter),
            ),
        )
        for action in actions
    ]


# Actions whose effect cannot be undone by the same user ask for confirmation first.
CONFIRM = {
    Action.RETURN,
    Action.ANSWER,
    Action.RATE,
    Action.MERGE,
    Action.ARCHIVE,
    Action.REDISPATCH,
    Action.DISPATCH,
    Action.WHISTLE,
    Action.REPORT,
}


def _dispatch(action):
    return lambda user, m, d: services.matter_dispatch(
        matter=m,
        actor=user,
        lead_unit=d["lead_unit"],
        assisting_units=d["assisting_units"],
        category=d["category"],
        expected_version=d["version"],
        note=d["note"],
        redispatch=action == Action.REDISPATCH,
    )


def _merge(user, matter, d):
    master = matters_visible_to(user).filter(number=d["master_number"].strip()).first()
    if master is None:
        raise LongchengError(_("找不到编号为 %(n)s 的事项。") % {"n": d["master_number"]})
    services.matter_merge(follower=matter, master=master, actor=user)


def _answer(user, matter, d):
    services.matter_answer(
        matter=matter,
        actor=user,
        text=d["text"],
        expected_version=d["version"],
        personal_data_checked=d["personal_data_checked"],
        files=d["files"],
    )
    if matter.answer_reviews.filter(decision=AnswerReview.Decision.PENDING).exists():
        return _("答复已提交本单位负责人审核，审核同意后送达诉求人。")
    return None


def _review_answer(user, matter, d):
    review = get_object_or_404(AnswerReview, pk=d["review"], matter=matter)
    services.matter_review_answer(
        matter=matter,
        actor=user,
        review=review,
        approve=d["approve"],
        comment=d["comment"],
        text=d["text"],
        expected_version=d["version"],
    )
    return _("已同意，答复已送达诉求人。") if d["approve"] else _("已退回修改。")


def _decide_extension(user, matter, d):
    extension = get_object_or_404(Extension, pk=d["extension"], matter=matter)
    services.matter_decide_extension(
        extension=extension, actor=user, approve=d["approve"], reason=d["text"]
    )


def _decide_unreasonable(user, matter, d):
    claim = get_object_or_404(UnreasonableClaim, pk=d["claim"], matter=matter)
    services.matter_decide_unreasonable(
        claim=claim, actor=user, certify=d["certify"], reason=d["reason"]
    )


def _report(user, matter, d):
    """报到 for the summons the form names, else the user's unit's one that waits."""
    summons = matter.summonses.filter(pk=d["summons"]).first() if d["summons"] else None
    if summons is None:
        mine = rules.open_summonses_for(user, matter)
        summons = mine[0] if mine else None
    if summons is None:
        raise LongchengError(_("只有被吹哨、尚未报到的部门可以报到。"))
    done = services.matter_report(
        matter=matter,
        actor=user,
        summons=summons,
        opinion=d["opinion"],
        took_part=d["took_part"],
    )
    if done.status == WhistleSummons.Status.REPORTED_LATE:
        return _("已报到。已超过报到时限，记为超时报到。")
    return None


def _act(action: Action, form, call, *, prefixed: bool = True, form_kwargs=None) -> Act:
    """A row of the matter's action table: the service call, then "已<action>。" (or what
    the call returns, when it has more to say)."""

    def perform(request, matter, data):
        said = call(request.user, matter, data)
        return said if isinstance(said, str) else _("已%(a)s。") % {"a": action.label}

    return Act(
        form,
        perform,
        prefix=action.value if prefixed else None,
        form_kwargs=form_kwargs or (lambda request, matter: {}),
    )


A = Action
# action -> (form, service): the buttons of the matter page and the POST behind them.
MATTER_ACTS: dict[Action, Act] = {
    A.DISPATCH: _act(A.DISPATCH, DispatchForm, _dispatch(A.DISPATCH)),
    A.REDISPATCH: _act(A.REDISPATCH, DispatchForm, _dispatch(A.REDISPATCH)),
    A.SIGN: _act(
        A.SIGN,
        VersionForm,
        lambda user, m, d: services.matter_sign(
            matter=m, actor=user, expected_version=d["version"]
        ),
        prefixed=False,
    ),
    A.RETURN: _act(
        A.RETURN,
        ReturnForm,
        lambda user, m, d: services.matter_return(
            matter=m,
            actor=user,
            reason=d["text"],
            reason_kind=d["reason_kind"],
            expected_version=d["version"],
            files=d["files"],
        ),
    ),
    A.PROGRESS: _act(
        A.PROGRESS,
        ProgressForm,
        lambda user, m, d: services.matter_add_progress(
            matter=m,
            actor=user,
            text=d["text"],
            expected_version=d["version"],
            files=d["files"],
            public=d["public"],
        ),
    ),
    A.ANSWER: _act(A.ANSWER, AnswerForm, _answer),
    A.SUSPEND: _act(
        A.SUSPEND,
        TextForm,
        lambda user, m, d: services.matter_suspend(
            matter=m, actor=user, reason=d["text"], expected_version=d["version"], files=d["files"]
        ),
    ),
    A.OPINION: _act(
        A.OPINION,
        TextForm,
        lambda user, m, d: services.matter_add_opinion(
            matter=m, actor=user, text=d["text"], files=d["files"]
        ),
    ),
    A.REQUEST_EXTENSION: _act(
        A.REQUEST_EXTENSION,
        ExtensionForm,
        lambda user, m, d: services.matter_request_extension(
            matter=m, actor=user, days=d["days"], reason=d["text"]
        ),
    ),
    A.DECIDE_EXTENSION: _act(A.DECIDE_EXTENSION, ExtensionDecisionForm, _decide_extension),
    A.RESUME: _act(
        A.RESUME,
        VersionForm,
        lambda user, m, d: services.matter_resume(
            matter=m, actor=user, expected_version=d["version"]
        ),
        prefixed=False,
    ),
    A.RATE: _act(
        A.RATE,
        RateForm,
        lambda user, m, d: services.matter_rate(
            matter=m,
            actor=user,
            rating=d["rating"],
            resolved=d["resolved"],
            note=d["text"],
            expected_version=d["version"],
        ),
    ),
    A.MERGE: _act(
        A.MERGE,
        MergeForm,
        _merge,
        form_kwargs=lambda request, m: {"candidates": duplicates_of(m)},
    ),
    A.DECIDE: _act(
        A.DECIDE,
        DecisionForm,
        lambda user, m, d: services.matter_committee_decision(
            matter=m,
            actor=user,
            lead_unit=d["lead_unit"],
            deadline=d["deadline"],
            instructions=d["instructions"],
        ),
    ),
    A.ARCHIVE: _act(
        A.ARCHIVE,
        VersionForm,
        lambda user, m, d: services.matter_archive(
            matter=m, actor=user, expected_version=d["version"]
        ),
        prefixed=False,
    ),
    A.CONTACT: _act(
        A.CONTACT,
        TextForm,
        lambda user, m, d: services.matter_contact(
            matter=m, actor=user, note=d["text"], expected_version=d.get("version")
        ),
    ),
    A.REQUEST_UNREASONABLE: _act(
        A.REQUEST_UNREASONABLE,
        UnreasonableRequestForm,
        lambda user, m, d: services.matter_request_unreasonable(
            matter=m,
            actor=user,
            ground=d["ground"],
            reasons=d["reasons"],
            evidence=d["evidence"],
        ),
    ),
    A.DECIDE_UNREASONABLE: _act(
        A.DECIDE_UNREASONABLE, UnreasonableDecisionForm, _decide_unreasonable
    ),
    A.ASSIGN: _act(
        A.ASSIGN,
        AssignForm,
        lambda user, m, d: services.matter_assign(
            matter=m, actor=user, handler=d["handler"], expected_version=d["version"]
        ),
        form_kwargs=lambda request, m: {"unit": m.lead_unit},
    ),
    A.REVIEW_ANSWER: _act(A.REVIEW_ANSWER, AnswerReviewForm, _review_answer),
    A.WHISTLE: _act(
        A.WHISTLE,
        WhistleForm,
        lambda user, m, d: services.matter_whistle(
            matter=m, actor=user, units=d["units"], reason=d["reason"], hours=d["hours"]
        ),
        form_kwargs=lambda request, m: {"matter": m},
    ),
    A.REPORT: _act(
        A.REPORT,
        ReportForm,
        _report,
        form_kwargs=lambda request, m: {"summonses": rules.open_summonses_for(request.user, m)},
    ),
}


class MatterActionView(MatterMixin, ActionTableView):
    """POST one action. Refusals come back as a plain message on the matter page."""

    actions = {str(action): act for action, act in MATTER_ACTS.items()}

    def get_record(self, request, **kwargs):
        return self.get_matter()


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
            data = parse(LegalHoldForm(request.POST))
            services.matter_set_legal_hold(
                matter=matter,
                actor=request.user,
                reason=data["reason"],
                expected_version=data["version"],
            )
        except LongchengError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("保全状态已更新，已记入办理过程和审计日志。"))
        return redirect(matter.get_absolute_url())


class ReceiveView(BusinessRequired, FormView):
    """受理: hotline, window or any staff member registers a matter."""

    template_name = "loop/receive.html"  # web/form.html with the emergency banner
    form_class = ReceiveForm
    extra_context = {"title": gettext_lazy("受理事项"), "cancel_url": "/loop/", "multipart": True}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            matter = services.matter_receive(
                MatterDraft(
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
                ),
                actor=self.request.user,
                files=data["files"],
            )
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
