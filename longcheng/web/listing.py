"""One list screen for every register: search, filters, sorting, pagination and xlsx export,
all defined once per list by its columns. Visibility comes from `accounts.scoping`."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
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

    def get_queryset(self) -> QuerySet:
        queryset = self.base_queryset()
        if self.unit_field is not None:
            queryset = scope_queryset(queryset, self.request.user, self.unit_field)
        query = self.request.GET.get("q", "").strip()
        if query and (self.search_fields or self.exact_search_fields):
            queryset = queryset.filter(
                reduce(
                    or_,
                    [Q(**{f"{f}__icontains": query}) for f in self.search_fields]
                    + [Q(**{f: query}) for f in self.exact_search_fields],
                )
            )
        for flt in self.filters:
            value = self.request.GET.get(flt.name, "")
            # Only a value the page offered filters; anything else (a forged id, a number too
            # large for the column) is ignored rather than sent to the database.
            if value != "" and value in {str(v) for v, _label in flt.choices(self.request.user)}:
                queryset = queryset.filter(**{flt.lookup: value})
        return queryset.order_by(*self.ordering_keys())

    def sort_keys(self) -> set[str]:
        return {c.sort for c in self.columns if c.sort}

    def current_sort(self) -> str:
        requested = self.request.GET.get("sort", "")
        if requested.lstrip("-") in self.sort_keys():
            return requested
        return self.default_sort

    def ordering_keys(self) -> list[str]:
        sort = self.current_sort()
        return [sort, "-pk" if sort.startswith("-") else "pk"]

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("per_page", self.paginate_by))
        except ValueError:
            size = self.paginate_by
        return max(10, min(size, 200))

    def row_count(self, queryset) -> int:
        """Rows in the list, capped (core.counting): a hook for views that know it already."""
        return counting.capped_count(queryset)

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        self.rows_counted = self.row_count(queryset)
        paginator.count = min(self.rows_counted, counting.COUNT_CAP)
        return paginator

    def prepare_page(self, objects: list) -> None:
        """Hook: compute per-row values for the page in bulk before the columns are read."""

    def row_url(self, obj) -> str:
        """Where the first cell of a row links to."""
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""

    def may_reveal(self) -> bool:
        return bool(self.reveal_permission) and self.request.user.has_perm(self.reveal_permission)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        personal = self.request.GET.get("personal") == "1" and self.may_reveal()
        columns = self.export_columns or self.columns
        rows = [
            [(c.personal(obj) if personal and c.personal else c.value(obj)) for c in columns]
            for obj in self.get_queryset()[:50000]
        ]
        filters = {k: v for k, v in self.request.GET.items() if k not in ("export", "page")}
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
                (self.row_url(obj), [c.value(obj) for c in self.columns])
                for obj in context["object_list"]
            ],
            filters=[
                (flt, flt.choices(self.request.user), self.request.GET.get(flt.name, ""))
                for flt in self.filters
            ],
            query=self.request.GET.get("q", ""),
            sort=self.current_sort(),
            querystring=params.urlencode(),
            create_url_name=self.create_url_name,
            may_reveal=self.may_reveal(),
            has_search=bool(self.search_fields or self.exact_search_fields),
            search_placeholder=self.search_placeholder,
            more_rows=getattr(self, "rows_counted", 0) > counting.COUNT_CAP,
            count_cap=counting.COUNT_CAP,
        )
        return context
