import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from longcheng.accounts.policies import rules_disputes
from longcheng.accounts.roles import Role
from longcheng.accounts.scoping import Scope, user_scope
from longcheng.core.errors import LongchengError
from longcheng.core.models import Unit
from longcheng.loop import services as loop
from longcheng.loop.duplicates import duplicates_of
from longcheng.loop.models import Category, Matter
from longcheng.loop.rules import allowed_actions
from longcheng.loop.selectors import matters_visible_to
from longcheng.loop.workflow import Action, Status
from longcheng.web.access import BusinessStaffRequired
from longcheng.web.actions import parse
from longcheng.web.exports import TableExportMixin
from longcheng.web.forms import PageForm
from longcheng.web.home import NavItem
from longcheng.web.listing import Column, ListFilter, RegisterListView

from . import places, selectors, services, suggesting, training
from .forms import (
    AreaRuleDeleteForm,
    AreaRuleForm,
    DisputeListQueryForm,
    DisputeRuleForm,
    ModelActionForm,
    TakeSuggestionForm,
)
from .hotspots import clusters_visible_to, hotspots_compute
from .models import AreaRule, CatalogueChange, DispatchDispute, HotSpotReport, RoutingModel
from .tasks import routing_train_task


def suggestion_panel(request, matter) -> str:
    """On a matter waiting for dispatch: category suggestions and possible duplicates."""
    user = request.user
    if matter.status not in (Status.RECEIVED, Status.RETURNED):
        return ""
    actions = allowed_actions(user, matter)
    if Action.DISPATCH not in actions and Action.REDISPATCH not in actions:
        return ""
    suggestions = suggesting.suggest(matter)
    duplicates = duplicates_of(matter)  # computed once: the merge form offers the same
    return render_to_string(
        "routing/panel.html",
        {
            "matter": matter,
            "suggestions": suggestions,
            "duplicates": duplicates,
            "may_merge": Action.MERGE in actions,
            "redispatch": matter.status == Status.RETURNED,
        },
        request=request,
    )


class TakeSuggestionView(LoginRequiredMixin, View):
    """One click: dispatch under the suggested category to the lead unit it implies."""

    def post(self, request, pk):
        matter = get_object_or_404(matters_visible_to(request.user), pk=pk)
        try:
            data = parse(TakeSuggestionForm(request.POST))
            category = data["category"]
            # The lead unit is worked out again here, as the panel did: an area rule for where
            # the matter is, else the catalogue's (never a unit posted by the page).
            rule = places.rule_for_matter(matter, category)
            lead_unit = rule.lead_unit if rule else category.default_lead_unit
            if lead_unit is None:
                raise LongchengError(_("该目录未设默认主办单位，请手工派单。"))
            note = _("采纳分拨建议（%(s)s）") % {"s": data["source"]}
            if rule:
                note = f"{note}；{places.describe(rule)}"
            loop.matter_dispatch(
                matter=matter,
                actor=request.user,
                lead_unit=lead_unit,
                assisting_units=[
                    u for u in category.default_assisting_units.all() if u.pk != lead_unit.pk
                ],
                category=category,
                expected_version=data["version"],
                note=note,
                redispatch=matter.status == Status.RETURNED,
            )
        except LongchengError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已按建议派至 %(u)s。") % {"u": lead_unit})
        return redirect(matter.get_absolute_url())


class SysadminRequired(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.role == Role.SYSADMIN


class ModelListView(SysadminRequired, TemplateView):
    """Versions with their evaluation; train, promote, roll back."""

    template_name = "routing/models.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        models = list(RoutingModel.objects.all())
        names = _names(models)
        context.update(
            title=_("分拨模型"),
            models=[(m, model_figures(m, names)) for m in models],
            counts=training.category_counts(),
            training_limit=f"{settings.LONGCHENG_ROUTING_TRAINING_LIMIT:,}",
        )
        return context

    def post(self, request):
        try:
            data = parse(ModelActionForm(request.POST))
            if data["train"] and settings.LONGCHENG_TIMERS == "celery":
                # With workers (production), a large history trains in the background.
                routing_train_task.delay(actor_id=request.user.pk)
                messages.success(
                    request, _("已在后台开始训练，几分钟后新版本会出现在下表中（刷新页面查看）。")
                )
            elif data["train"]:
                record = training.routing_train(actor=request.user)
                messages.success(
                    request,
                    _("已训练 v%(v)s，准确率 %(a).1f%%，前三命中 %(t).1f%%。")
                    % {
                        "v": record.version,
                        "a": record.evaluation["accuracy"] * 100,
                        "t": record.evaluation["top3"] * 100,
                    },
                )
            else:
                record = get_object_or_404(RoutingModel, pk=data["promote"])
                services.routing_promote(record=record, actor=request.user)
                messages.success(request, _("已启用 v%(v)s。") % {"v": record.version})
        except LongchengError as error:
            messages.error(request, error.message)
        return redirect("routing:models")


def _names(models) -> dict[str, str]:
    """The categories' current names, for versions trained before their names were kept."""
    codes = {code for m in models for code in m.evaluation.get("labels") or []}
    return dict(Category.objects.filter(code__in=codes).values_list("code", "name"))


def model_figures(record: RoutingModel, current_names: dict[str, str]) -> dict | None:
    """A version's figures per category and its confusion matrix (rows: the category a matter
    was dispatched under; columns: the one the model predicted in cross-validation), or None
    for a version trained before they were kept."""
    evaluation = record.evaluation
    labels = evaluation.get("labels") or []
    per_class, confusion = evaluation.get("per_class") or {}, evaluation.get("confusion") or []
    if not labels or len(confusion) != len(labels) or any(c not in per_class for c in labels):
        return None
    kept = evaluation.get("names") or {}
    averages = evaluation.get("averages") or {}
    names = [kept.get(c) or current_names.get(c) or c for c in labels]
    rows = []
    for index, code in enumerate(labels):
        counts = confusion[index]
        rows.append(
            {
                "number": index + 1,
                "name": names[index],
                **per_class[code],
                "cells": [
                    (n, "diagonal" if j == index else "wrong" if n else "")
                    for j, n in enumerate(counts)
                ],
                "total": sum(counts),
            }
        )
    return {
        "rows": rows,
        "names": list(enumerate(names, start=1)),
        "averages": [
            (label, averages[key])
            for key, label in (("macro", _("宏平均")), ("weighted", _("按样本加权平均")))
            if key in averages
        ],
        "names_kept": bool(kept),
    }


class HotSpotView(BusinessStaffRequired, TableExportMixin, TemplateView):
    """For leaders: what many people raised this week. The clusters quote citizens' texts,
    so administrators (who read no business records) are refused."""

    template_name = "routing/hotspots.html"
    export_title = gettext_lazy("热点诉求")
    export_object_type = "routing.hotspotreport"

    def export_table(self):
        if user_scope(self.request.user) == Scope.NONE:
            raise PermissionDenied(_("您的角色不查看业务数据。"))
        report = HotSpotReport.objects.first()
        headers = [
            _("派单目录"),
            _("人次"),
            _("上一期人次"),
            _("代表性诉求"),
            _("地点"),
            _("涉及单位"),
        ]
        clusters = clusters_visible_to(self.request.user, report)
        return headers, [
            [
                c["category"],
                c["count"],
                c.get("previous"),
                c["text"],
                "、".join(c["places"]),
                "、".join(c["units"]),
            ]
            for c in clusters
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = HotSpotReport.objects.first()
        context.update(
            title=_("热点诉求"),
            report=report,
            clusters=clusters_visible_to(self.request.user, report),
            may_compute=user_scope(self.request.user) != Scope.NONE,
        )
        return context

    def post(self, request):
        if user_scope(request.user) == Scope.NONE:
            return redirect("routing:hotspots")
        end = timezone.now()
        hotspots_compute(start=end - datetime.timedelta(days=7), end=end)
        return redirect("routing:hotspots")


class HotSpotMattersView(BusinessStaffRequired, RegisterListView):
    """The matters behind one hot spot, as far as the viewer may see them (the dispatch centre
    all of them; a unit its own, as the hot spot page counts them)."""

    model = Matter
    unit_field = None  # scoped in base_queryset, by matters_visible_to
    template_name = "routing/hotspot_matters.html"
    export_name = gettext_lazy("热点诉求事项")
    search_fields = ["number", "title"]
    search_placeholder = gettext_lazy("搜索编号、标题…")
    default_sort = "-received_at"
    columns = [
        Column(gettext_lazy("编号"), lambda m: m.number, sort="number"),
        Column(gettext_lazy("标题"), lambda m: m.title),
        Column(gettext_lazy("状态"), lambda m: m.get_status_display(), sort="status"),
        Column(gettext_lazy("所在区划"), lambda m: m.division),
        Column(gettext_lazy("地址"), lambda m: m.address),
        Column(gettext_lazy("主办单位"), lambda m: m.lead_unit),
        Column(
            gettext_lazy("受理时间"),
            lambda m: timezone.localtime(m.received_at).strftime("%Y-%m-%d %H:%M"),
            sort="received_at",
        ),
    ]

    @cached_property
    def report(self) -> HotSpotReport:
        return get_object_or_404(HotSpotReport, pk=self.kwargs["pk"])

    @cached_property
    def cluster(self) -> dict:
        for cluster in clusters_visible_to(self.request.user, self.report):
            if cluster["index"] == self.kwargs["index"]:
                return cluster
        raise Http404  # no such hot spot, or none of its matters is the viewer's

    def get(self, request, *args, **kwargs):
        self.title = _("热点诉求 · %(c)s") % {"c": self.cluster["category"]}
        return super().get(request, *args, **kwargs)

    def base_queryset(self):
        return (
            matters_visible_to(self.request.user)
            .filter(number__in=self.cluster.get("numbers", []))
            .select_related("division", "lead_unit")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(cluster=self.cluster, report=self.report, **kwargs)


def routing_nav_items(user) -> list[NavItem]:
    if getattr(user, "role", None) == Role.SYSADMIN:
        return [NavItem(str(_("分拨模型")), reverse("routing:models"), "cpu")]
    if user.is_authenticated and user.role == Role.DISPATCHER:
        return [
            NavItem(str(_("热点诉求")), reverse("routing:hotspots"), "fire"),
            NavItem(str(_("派单争议")), reverse("routing:disputes"), "arrow-left-right"),
            NavItem(str(_("区域分拨规则")), reverse("routing:area_rules"), "signpost-split"),
        ]
    if user.is_authenticated and user.role == Role.LEADER:
        return [NavItem(str(_("热点诉求")), reverse("routing:hotspots"), "fire")]
    return []


# — Area rules (区域分拨规则): the dispatch centre's list, new, edit and delete —


class DispatcherRequired(LoginRequiredMixin, UserPassesTestMixin):
    """The area rules are the dispatch centre's to read and write (services check again)."""

    def test_func(self):
        return self.request.user.role == Role.DISPATCHER and self.request.user.is_active


class AreaRuleListView(DispatcherRequired, TemplateView):
    template_name = "routing/area_rules.html"

    def get_context_data(self, **kwargs):
        rules = (
            AreaRule.objects.select_related("category", "division__parent", "lead_unit")
            .defer("division__boundary", "division__parent__boundary")
            .order_by("division__code", "category__path")
        )
        page = Paginator(rules, 50).get_page(PageForm(self.request.GET).number())
        for rule in page:
            rule.area = places.area_name(rule.division)
        return super().get_context_data(title=_("区域分拨规则"), page=page, **kwargs)


class AreaRuleFormView(DispatcherRequired, TemplateView):
    """New (no pk) or edit (pk) one rule."""

    template_name = "routing/area_rule_form.html"

    def get_rule(self) -> AreaRule | None:
        pk = self.kwargs.get("pk")
        return get_object_or_404(AreaRule, pk=pk) if pk else None

    def get_context_data(self, **kwargs):
        rule = self.get_rule()
        if "form" not in kwargs:
            initial = {}
            if rule is not None:
                initial = {
                    "category": rule.category_id,
                    "division": rule.division_id,
                    "lead_unit": rule.lead_unit_id,
                    "note": rule.note,
                    "version": rule.version,
                }
            kwargs["form"] = AreaRuleForm(initial=initial)
        title = _("修改区域分拨规则") if rule else _("新增区域分拨规则")
        return super().get_context_data(title=title, rule=rule, **kwargs)

    def post(self, request, *args, **kwargs):
        rule = self.get_rule()
        form = AreaRuleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "category": data["category"],
                "division": data["division"],
                "lead_unit": data["lead_unit"],
                "note": data["note"],
            }
            try:
                if rule is None:
                    rule = services.area_rule_create(actor=request.user, **fields)
                else:
                    if not data["version"]:
                        raise LongchengError(_("缺少版本号，请刷新页面后再保存。"))
                    services.area_rule_update(
                        actor=request.user,
                        rule=rule,
                        expected_version=data["version"],
                        **fields,
                    )
            except LongchengError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已保存：%(r)s") % {"r": places.describe(rule)})
                return redirect("routing:area_rules")
        return self.render_to_response(self.get_context_data(form=form))


class AreaRuleDeleteView(DispatcherRequired, View):
    def post(self, request, pk):
        rule = get_object_or_404(AreaRule, pk=pk)
        try:
            data = parse(AreaRuleDeleteForm(request.POST))
            text = places.describe(rule)
            services.area_rule_delete(
                actor=request.user, rule=rule, expected_version=data["version"]
            )
        except LongchengError as error:
            messages.error(request, error.message)
            return redirect("routing:area_rule", pk=pk)
        messages.success(request, _("已删除：%(r)s") % {"r": text})
        return redirect("routing:area_rules")


# — Dispatch disputes (派单争议): the dispatch centre's list, one dispute, the ruling —


class DisputesRequired(LoginRequiredMixin, UserPassesTestMixin):
    """The disputes are the dispatch centre's to read and rule (the service checks again)."""

    def test_func(self):
        return rules_disputes(self.request.user)


def _raised(d: DispatchDispute) -> str:
    return timezone.localtime(d.raised_at).strftime("%Y-%m-%d %H:%M")


def _ruled(d: DispatchDispute) -> str:
    return timezone.localtime(d.ruled_at).strftime("%Y-%m-%d %H:%M") if d.ruled_at else ""


def _dispute_units(user) -> list[tuple[str, str]]:
    ids = DispatchDispute.units.through.objects.values("unit_id")
    return [
        (str(pk), name) for pk, name in Unit.objects.filter(pk__in=ids).values_list("pk", "name")
    ]


class DisputeListView(DisputesRequired, RegisterListView):
    """Open disputes first (oldest first), then the ruled (newest first); filters by status,
    unit and period; search by number or title; Excel export."""

    model = DispatchDispute
    unit_field = None  # the dispatch centre reads every dispute (DisputesRequired)
    template_name = "routing/disputes.html"
    title = gettext_lazy("派单争议")
    export_name = gettext_lazy("派单争议")
    search_fields = ["matter__number", "matter__title"]
    search_placeholder = gettext_lazy("搜索事项编号、标题…")
    default_sort = "status"
    query_form_class = DisputeListQueryForm
    filters = [
        ListFilter(
            "status", gettext_lazy("状态"), "status", lambda u: DispatchDispute.Status.choices
        ),
        ListFilter("unit", gettext_lazy("涉及单位"), "units", _dispute_units),
    ]
    columns = [
        Column(gettext_lazy("事项编号"), lambda d: d.matter.number, sort="matter__number"),
        Column(gettext_lazy("标题"), lambda d: d.matter.title),
        Column(gettext_lazy("涉及单位"), selectors.unit_names),
        Column(gettext_lazy("状态"), lambda d: d.get_status_display(), sort="status"),
        Column(gettext_lazy("发起时间"), _raised, sort="raised_at"),
        Column(gettext_lazy("责任单位"), lambda d: d.responsible_unit or ""),
        Column(gettext_lazy("裁定目录"), lambda d: d.category or ""),
        Column(gettext_lazy("目录调整"), lambda d: d.get_change_display() if d.change else ""),
        Column(gettext_lazy("裁定时间"), _ruled, sort="ruled_at"),
    ]
    export_columns = [
        *columns,
        Column(
            gettext_lazy("退单理由"),
            lambda d: "；".join(
                f"{r.get('unit_name', '')}：{r.get('reason', '')}" for r in d.returns
            ),
        ),
        Column(gettext_lazy("裁定理由"), lambda d: d.reasons),
        Column(gettext_lazy("裁定人"), lambda d: d.ruled_by.full_name if d.ruled_by else ""),
    ]

    def base_queryset(self):
        queryset = DispatchDispute.objects.select_related(
            "matter", "responsible_unit", "category", "ruled_by"
        ).prefetch_related("units")
        days = self.params.get("period")
        if days:
            queryset = queryset.filter(
                raised_at__gte=timezone.now() - datetime.timedelta(days=int(days))
            )
        return queryset

    def ordering_keys(self) -> list[str]:
        if self.current_sort() == self.default_sort:
            # Open first, the oldest waiting at the top; then the latest rulings.
            return ["status", "-ruled_at", "raised_at", "pk"]
        return super().ordering_keys()

    def row_class(self, obj) -> str:
        return "table-warning" if obj.status == DispatchDispute.Status.OPEN else ""

    def get_context_data(self, **kwargs):
        from .forms import PERIODS

        return super().get_context_data(
            periods=PERIODS, period=self.params.get("period") or "", **kwargs
        )


def _change_rows(dispute: DispatchDispute) -> list[dict]:
    """What the ruling changed, as 修改项 · before → after, for the page."""
    rows = []
    for change in dispute.catalogue_changes.select_related("category", "area_rule"):
        before, after = change.before or {}, change.after or {}
        if change.field == CatalogueChange.Field.LEAD_UNIT:
            old = (before.get("unit") or {}).get("name") or _("（未设）")
            new = (after.get("unit") or {}).get("name") or _("（未设）")
        elif change.field == CatalogueChange.Field.KEYWORDS:
            old, new = before.get("keywords") or _("（无）"), after.get("keywords") or ""
        else:
            old_rule, new_rule = before.get("rule"), after.get("rule") or {}
            area = (dispute.changes.get("area") or {}).get("name", "")
            old = (
                _("（无规则）")
                if not old_rule
                else f"{area} → {old_rule.get('lead_unit_name') or old_rule.get('lead_unit')}"
            )
            new = f"{area} → {new_rule.get('lead_unit_name') or new_rule.get('lead_unit')}"
        rows.append(
            {
                "category": change.category.name,
                "field": change.get_field_display(),
                "before": old,
                "after": new,
                "added": after.get("added") or [],
                "at": change.at,
                "actor": change.actor,
            }
        )
    return rows


class DisputeDetailView(DisputesRequired, TemplateView):
    template_name = "routing/dispute_detail.html"

    def get_dispute(self) -> DispatchDispute:
        return get_object_or_404(
            DispatchDispute.objects.select_related(
                "matter__category",
                "matter__lead_unit",
                "matter__division",
                "responsible_unit",
                "category",
                "ruled_by",
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        dispute = kwargs.pop("dispute", None) or self.get_dispute()
        matter = dispute.matter
        context = {
            "title": _("派单争议 · %(n)s") % {"n": matter.number},
            "dispute": dispute,
            "matter": matter,
            "returns": selectors.return_rows(dispute),
            "units": list(dispute.units.all()),
        }
        if dispute.status == DispatchDispute.Status.OPEN:
            suggestions = suggesting.suggest(matter)
            context["suggestions"] = suggestions
            if "form" not in kwargs:
                top = suggestions.items[0] if suggestions.items else None
                initial = {
                    "category": (top.category.pk if top else matter.category_id),
                    "responsible_unit": (top.lead_unit.pk if top and top.lead_unit else None),
                    "change": DispatchDispute.Change.NONE,
                    "version": dispute.version,
                    "matter_version": matter.version,
                }
                kwargs["form"] = DisputeRuleForm(
                    initial=initial, areas=selectors.rule_areas(matter)
                )
        else:
            context["changes"] = _change_rows(dispute)
        return super().get_context_data(**context, **kwargs)

    def post(self, request, *args, **kwargs):
        dispute = self.get_dispute()
        if dispute.status != DispatchDispute.Status.OPEN:
            messages.error(request, _("该争议已由他人裁定，以下是裁定结果。"))
            return redirect("routing:dispute", pk=dispute.pk)
        form = DisputeRuleForm(request.POST, areas=selectors.rule_areas(dispute.matter))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.dispute_rule(
                    dispute=dispute,
                    actor=request.user,
                    expected_version=data["version"],
                    matter_version=data["matter_version"],
                    responsible_unit=data["responsible_unit"],
                    category=data["category"],
                    reasons=data["reasons"],
                    change=data["change"],
                    keywords=data["keywords"],
                    area=data.get("area"),
                )
            except LongchengError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("已裁定：%(n)s 由 %(u)s 主办，已改派。")
                    % {"n": dispute.matter.number, "u": data["responsible_unit"].name},
                )
                return redirect("routing:dispute", pk=dispute.pk)
        return self.render_to_response(self.get_context_data(dispute=dispute, form=form))


def dispute_panel(request, matter) -> str:
    """On a matter's page, for the dispatch centre: the matter's dispute, open or ruled."""
    if not rules_disputes(request.user):
        return ""
    dispute = DispatchDispute.objects.filter(matter=matter).order_by("-raised_at", "-pk").first()
    if dispute is None:
        return ""
    return render_to_string(
        "routing/dispute_panel.html",
        {"dispute": dispute, "units": selectors.unit_names(dispute)},
        request=request,
    )
