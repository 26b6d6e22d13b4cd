from django.contrib import messages
from django.db.models import QuerySet
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from longcheng.accounts.policies import keeps_article
from longcheng.core.errors import LongchengError
from longcheng.core.models import Unit
from longcheng.loop.models import Category
from longcheng.web.access import BusinessStaffRequired
from longcheng.web.actions import Act, ActionTableView, reporting
from longcheng.web.listing import Column, ListFilter, RegisterListView

from . import search, services
from .forms import ArticleForm, PublishForm, SuggestForm, WithdrawForm
from .models import Article, today
from .selectors import (
    VALIDITY_CHOICES,
    articles_visible_to,
    last_change,
    may_create,
    suggestion_json,
    suggestions,
    validity_filter,
    versions_of,
)
from .workflow import may_move


class StaffRequired(BusinessStaffRequired):
    denied_message = gettext_lazy("知识库仅供业务单位和派单中心的工作人员使用。")


def _validity(article: Article) -> str:
    if article.valid_until is None:
        return _("长期有效")
    days = article.days_left
    if days is not None and days < 0:
        return _("已于 %(d)s 失效") % {"d": article.valid_until}
    if days is not None and days <= 30:
        return _("%(d)s 到期（还有 %(n)s 天）") % {"d": article.valid_until, "n": days}
    return _("至 %(d)s") % {"d": article.valid_until}


class ArticleListView(StaffRequired, RegisterListView):
    model = Article
    title = gettext_lazy("知识库")
    export_name = "知识库"
    template_name = "knowledge/articles.html"
    unit_field = None  # every member of staff reads published articles (selectors)
    search_fields = ["title"]  # the words go through knowledge.search (see `search`)
    search_placeholder = gettext_lazy("按词搜索，如：供暖 收费；多个词用空格分开")
    default_sort = "-updated_at"
    filters = [
        ListFilter("kind", gettext_lazy("类型"), "kind", lambda u: Article.Kind.choices),
        ListFilter(
            "category",
            gettext_lazy("派单目录"),
            "category_id",
            lambda u: [
                (str(c.pk), c.name)
                for c in Category.objects.filter(
                    pk__in=Article.objects.values("category")
                ).order_by("path")
            ],
        ),
        ListFilter(
            "unit",
            gettext_lazy("维护单位"),
            "unit_id",
            lambda u: [
                (str(x.pk), x.short_name or x.name)
                for x in Unit.objects.filter(pk__in=Article.objects.values("unit")).order_by("path")
            ],
        ),
        ListFilter("status", gettext_lazy("状态"), "status", lambda u: Article.Status.choices),
        # Not a field: `get_queryset` reads it through selectors.validity_filter.
        ListFilter("validity", gettext_lazy("有效期"), "", lambda u: VALIDITY_CHOICES),
    ]
    columns = [
        Column(gettext_lazy("标题"), lambda a: a.title, sort="title", link=True),
        Column(gettext_lazy("类型"), lambda a: a.get_kind_display(), sort="kind"),
        Column(gettext_lazy("派单目录"), lambda a: a.category.name if a.category_id else ""),
        Column(gettext_lazy("维护单位"), lambda a: a.unit.short_name or a.unit.name),
        Column(gettext_lazy("状态"), lambda a: a.get_status_display(), sort="status"),
        Column(gettext_lazy("有效期"), _validity, sort="valid_until"),
        Column(gettext_lazy("版次"), lambda a: a.number or "—"),
        Column(
            gettext_lazy("更新时间"), lambda a: a.updated_at.strftime("%Y-%m-%d"), sort="updated_at"
        ),
    ]
    export_columns = [
        *columns,
        Column(gettext_lazy("摘要"), lambda a: a.summary),
        Column(gettext_lazy("关键词"), lambda a: a.keywords),
        Column(gettext_lazy("生效日期"), lambda a: str(a.valid_from)),
        Column(gettext_lazy("答复口径"), lambda a: a.body),
    ]

    def base_queryset(self) -> QuerySet:
        return articles_visible_to(self.request.user).select_related("unit", "category")

    def search(self, queryset: QuerySet, query: str) -> QuerySet:
        return search.search(queryset, query)

    def get_queryset(self) -> QuerySet:
        queryset = self.base_queryset()
        query = self.params.get("q") or ""
        if query:
            queryset = self.search(queryset, query)
        for flt in self.filters:
            value = self.params.get(flt.name) or ""
            if value == "":
                continue
            if flt.name == "validity":
                queryset = queryset.filter(validity_filter(value, today()))
            else:
                queryset = queryset.filter(**{flt.lookup: value})
        return queryset.order_by(*self.ordering_keys())

    def ranked(self) -> bool:
        """Words searched with no column chosen to sort by: best match first."""
        return bool(self.params.get("q")) and not self.params.get("sort")

    def ordering_keys(self) -> list[str]:
        if self.ranked():
            # Best match first (title hits, then keywords and summary, then the answer text);
            # within a tier the newest (search.ORDER).
            return list(search.ORDER)
        return super().ordering_keys()

    def get_paginator(self, queryset, *args, **kwargs):
        if self.ranked():
            # A page is read tier by tier (search.page_ids), not by ranking every hit.
            queryset = search.Ranked(queryset, self.params["q"])
        return super().get_paginator(queryset, *args, **kwargs)

    def count_cap(self) -> int:
        if self.ranked():
            return search.SEARCH_COUNT_CAP
        return super().count_cap()

    def row_count(self, queryset) -> int:
        if isinstance(queryset, search.Ranked):
            return queryset.count()
        return super().row_count(queryset)

    def row_class(self, obj) -> str:
        if obj.status != Article.Status.PUBLISHED or obj.is_expired:
            return "text-muted"
        return "table-warning" if (obj.days_left is not None and obj.days_left <= 30) else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_url_name"] = "knowledge:create" if may_create(self.request.user) else ""
        return context


def _visible(request, pk: int) -> Article:
    return get_object_or_404(
        articles_visible_to(request.user).select_related("unit", "category", "created_by"), pk=pk
    )


class ArticleDetailView(StaffRequired, TemplateView):
    template_name = "knowledge/article_detail.html"

    def get_context_data(self, **kwargs):
        article = _visible(self.request, self.kwargs["pk"])
        versions = versions_of(article)
        keeps = keeps_article(self.request.user, article)
        return super().get_context_data(
            title=article.title,
            article=article,
            versions=versions,
            diff=last_change(versions),
            keeps=keeps,
            may_publish=keeps and may_move(article.status, Article.Status.PUBLISHED),
            may_withdraw=keeps and may_move(article.status, Article.Status.WITHDRAWN),
            validity=_validity(article),
            **kwargs,
        )


class ArticleCreateView(StaffRequired, FormView):
    template_name = "knowledge/article_form.html"
    form_class = ArticleForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"valid_from": today(), "unit": getattr(self.request.user, "unit", None)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("新建知识"), cancel_url=reverse("knowledge:list"), **kwargs
        )

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            article = services.article_create(actor=self.request.user, **data)
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("知识已发布。")
            if article.status == Article.Status.PUBLISHED
            else _("已保存为草稿。"),
        )
        return redirect(article)


class ArticleEditView(StaffRequired, FormView):
    template_name = "knowledge/article_form.html"
    form_class = ArticleForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.article = _visible(request, kwargs["pk"])
            if not keeps_article(request.user, self.article):
                messages.error(request, _("只有维护单位的工作人员或派单中心可以修改这条知识。"))
                return redirect(self.article)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "article": self.article}

    def get_initial(self):
        a = self.article
        return {
            "title": a.title,
            "kind": a.kind,
            "category": a.category_id,
            "unit": a.unit_id,
            "summary": a.summary,
            "body": a.body,
            "keywords": a.keywords,
            "valid_from": a.valid_from,
            "valid_until": a.valid_until,
            "version": a.version,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("修改知识：%(t)s") % {"t": self.article.title},
            article=self.article,
            cancel_url=self.article.get_absolute_url(),
            **kwargs,
        )

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        publish = data.pop("publish", False)
        note = data.pop("note", "")
        version = data.pop("version", None) or self.article.version
        try:
            article = services.article_edit(
                article=self.article,
                actor=self.request.user,
                expected_version=version,
                note=note,
                **data,
            )
            if publish:
                article = services.article_publish(
                    article=article,
                    actor=self.request.user,
                    expected_version=article.version,
                    note=note,
                )
        except LongchengError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存。"))
        return redirect(article)


class ArticleActionView(StaffRequired, ActionTableView):
    actions = {
        "publish": Act(
            PublishForm,
            reporting(
                lambda: _("已发布，话务员现在可以看到这条知识。"),
                lambda user, article, data: services.article_publish(
                    article=article, actor=user, expected_version=data["version"], note=data["note"]
                ),
            ),
        ),
        "withdraw": Act(
            WithdrawForm,
            reporting(
                lambda: _("已撤回，话务员不再看到这条知识。"),
                lambda user, article, data: services.article_withdraw(
                    article=article,
                    actor=user,
                    expected_version=data["version"],
                    reason=data["reason"],
                ),
            ),
        ),
    }

    def get_record(self, request, **kwargs):
        return _visible(request, kwargs["pk"])


class SuggestView(StaffRequired, View):
    """GET /knowledge/suggest/?q=…&category=… → {"articles": [...]}: the five published,
    valid articles most relevant to what the operator has typed (the workbench's contract)."""

    def get(self, request):
        form = SuggestForm(request.GET)
        if not form.is_valid():
            errors = "；".join(f"{k}：{'，'.join(v)}" for k, v in form.errors.items())
            return JsonResponse(
                {"articles": [], "error": _("查询有误：%(e)s") % {"e": errors}}, status=400
            )
        found = suggestions(form.cleaned_data["q"], category_id=form.cleaned_data["category"])
        return JsonResponse({"articles": [suggestion_json(a) for a in found]})


class AssistView(StaffRequired, TemplateView):
    """答复助手: type or paste what a caller says, pick the article, insert its answer."""

    template_name = "knowledge/assist.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("答复助手"),
            categories=Category.objects.filter(is_active=True).order_by("path"),
            **kwargs,
        )
