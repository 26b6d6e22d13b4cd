"""One list screen for every register: search, filters, sorting, pagination and xlsx export,
all defined once per list by its columns. Visibility comes from `accounts.scoping`."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from longcheng.accounts.scoping import reads_business_records, scope_queryset
from longcheng.core import counting

from .exports import xlsx_response


@dataclass
class Column:
    label: str
    value: Callable[[object], object]
    sort: str = ""  # the ordering key, if the column sorts
    link: bool = False  # render as a link to the record
    # For personal data: the unmasked value, exported only to users who may reveal it.
    personal: Callable[[object], object] | None = None


@dataclass
class ListFilter:
    name: str
    label: str
    lookup: str
    choices: Callable[[object], list[tuple[str, str]]] = field(default=lambda user: [])


class ListQueryForm(forms.Form):
    """What a list page reads from its address: each value bounded, or dropped (a forged filter
    id, a number too large for the column, an unknown sort key are ignored, never queried)."""

    q = forms.CharField(required=False, max_length=100, strip=True)
    sort = forms.ChoiceField(required=False)
    per_page = forms.IntegerField(required=False, min_value=10, max_value=200)
    export = forms.ChoiceField(required=False, choices=[("", ""), ("xlsx", "xlsx")])
    personal = forms.BooleanField(required=False)

    def __init__(self, data, *, sort_keys, filters, user):
        super().__init__(data)
        self.fields["sort"].choices = [("", "")] + [
            (f"{sign}{key}", key) for key in sort_keys for sign in ("", "-")
        ]
        for flt in filters:
            self.fields[flt.name] = forms.ChoiceField(
                required=False,
                choices=[("", "")] + [(str(v), label) for v, label in flt.choices(user)],
            )

    def values(self) -> dict:
        """The valid values only (an invalid one reads as not given)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}


class RegisterListView(LoginRequiredMixin, ListView):
    """Subclasses set model, columns, search_fields, filters, default_sort, title."""

    template_name = "web/list.html"
    paginate_by = 25
    columns: list[Column] = []
    # Columns of the xlsx export where they differ from the page's (more detail, full values).
    export_columns: list[Column] | None = None
    search_fields: list[str] = []
    # Encrypted identifiers (phones, ID numbers) match only the whole value, through their index.
    exact_search_fields: list[str] = []
    filters: list[ListFilter] = []
    default_sort = "-id"
    title = ""
    export_name = ""
    # The field holding the owning unit; None for registers every member of staff may read.
    unit_field: str | None = "owner_unit"
    create_url_name = ""
    reveal_permission = ""
    search_placeholder = _("搜索名称、编号、地址…")
    # A page with more to read from its address (a tab, a period) extends ListQueryForm.
    query_form_class: type[ListQueryForm] = ListQueryForm

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and self.unit_field is not None
            and not reads_business_records(request.user)
        ):
            raise PermissionDenied(_("您的角色不查看业务数据。"))
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self) -> QuerySet:
        return self.model._default_manager.all()

    @cached_property
    def params(self) -> dict:
        """The page's address parsed through ListQueryForm."""
        return self.query_form_class(
            self.request.GET,
            sort_keys=self.sort_keys(),
            filters=self.filters,
            user=self.request.user,
        ).values()

    def get_queryset(self) -> QuerySet:
        queryset = self.base_queryset()
        if self.unit_field is not None:
            queryset = scope_queryset(queryset, self.request.user, self.unit_field)
        query = self.params.get("q") or ""
        if query and (self.search_fields or self.exact_search_fields):
            queryset = self.search(queryset, query)
        for flt in self.filters:
            # Only a value the page offered filters (ListQueryForm drops anything else).
            value = self.params.get(flt.name) or ""
            if value != "":
                queryset = queryset.filter(**{flt.lookup: value})
        return queryset.order_by(*self.ordering_keys())

    def search(self, queryset: QuerySet, query: str) -> QuerySet:
        """Hook: the rows the search box finds (registers with a text index override it)."""
        return queryset.filter(
            reduce(
                or_,
                [Q(**{f"{f}__icontains": query}) for f in self.search_fields]
                + [Q(**{f: query}) for f in self.exact_search_fields],
            )
        )

    def sort_keys(self) -> set[str]:
        return {c.sort for c in self.columns if c.sort}

    def current_sort(self) -> str:
        return self.params.get("sort") or self.default_sort

    def ordering_keys(self) -> list[str]:
        sort = self.current_sort()
        return [sort, "-pk" if sort.startswith("-") else "pk"]

    def get_paginate_by(self, queryset):
        return self.params.get("per_page") or self.paginate_by

    def count_cap(self) -> int:
        """How far the list counts (core.counting); a ranked search may count less far."""
        return counting.COUNT_CAP

    def row_count(self, queryset) -> int:
        """Rows in the list, capped (core.counting): a hook for views that know it already."""
        return counting.capped_count(queryset, self.count_cap())

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        self.rows_counted = self.row_count(queryset)
        paginator.count = min(self.rows_counted, self.count_cap())
        return paginator

    def prepare_page(self, objects: list) -> None:
        """Hook: compute per-row values for the page in bulk before the columns are read."""

    def row_url(self, obj) -> str:
        """Where the first cell of a row links to."""
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""

    def row_class(self, obj) -> str:
        """Hook: a CSS class that makes a row stand out (overdue, reopened)."""
        return ""

    def may_reveal(self) -> bool:
        return bool(self.reveal_permission) and self.request.user.has_perm(self.reveal_permission)

    def get(self, request, *args, **kwargs):
        if self.params.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        personal = bool(self.params.get("personal")) and self.may_reveal()
        columns = self.export_columns or self.columns
        rows = [
            [(c.personal(obj) if personal and c.personal else c.value(obj)) for c in columns]
            for obj in self.get_queryset()[:50000]
        ]
        filters = {k: str(v) for k, v in self.params.items() if v and k != "export"}
        return xlsx_response(
            user=self.request.user,
            filename=str(self.export_name or self.title),
            title=str(self.title),
            headers=[str(c.label) for c in columns],
            rows=rows,
            object_type=self.model._meta.label_lower,
            filters=filters,
            personal=personal,
        )

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.boosted:
            return ["web/partials/list_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = list(context["object_list"])
        self.prepare_page(context["object_list"])
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("export", None)
        context.update(
            title=self.title,
            columns=self.columns,
            rows=[
                (
                    self.row_url(obj),
                    [(c.label, c.value(obj)) for c in self.columns],
                    self.row_class(obj),
                )
                for obj in context["object_list"]
            ],
            filters=[
                (flt, flt.choices(self.request.user), self.params.get(flt.name) or "")
                for flt in self.filters
            ],
            filters_chosen=sum(1 for flt in self.filters if self.params.get(flt.name)),
            query=self.params.get("q") or "",
            sort=self.current_sort(),
            querystring=params.urlencode(),
            create_url_name=self.create_url_name,
            may_reveal=self.may_reveal(),
            has_search=bool(self.search_fields or self.exact_search_fields),
            search_placeholder=self.search_placeholder,
            more_rows=getattr(self, "rows_counted", 0) > self.count_cap(),
            count_cap=self.count_cap(),
        )
        return context
